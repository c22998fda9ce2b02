//! Promises the README makes that no other test kept: `serve --http` stops on Ctrl-C
//! with exit 0 and the session saved; the URL rules hold through `serve` (nothing
//! fetched from loopback or a metadata address); `--allow-http-urls` really fetches;
//! proxies in the environment are ignored; `/health` asks Telegram at most once a second;
//! a FLOOD_WAIT in the middle of an upload.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use tgmcp::sandbox::{Media, Peer, Sandbox};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::common::within;
use crate::harness::Setup;

/// A loopback listener that counts connections and answers each with `body` over plain
/// HTTP/1.1 (or says nothing, for a listener that must never be reached).
async fn counting_server(body: Option<&'static [u8]>) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut chunk = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&chunk[..n]),
                    }
                }
                if let Some(body) = body {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(body).await;
                }
                let _ = stream.shutdown().await;
            });
        }
    });
    (port, seen)
}

/// Documents in Alex's Saved Messages, by size.
fn saved_document_sizes(sandbox: &Sandbox, me: i64) -> Vec<i64> {
    sandbox
        .world()
        .messages
        .iter()
        .filter(|m| m.to == Peer::User(me) && m.from == Some(me))
        .filter_map(|m| match &m.media {
            Some(Media::Document { size, .. }) => Some(*size),
            _ => None,
        })
        .collect()
}

async fn kill(pid: u32, signal: &str) {
    let status = tokio::process::Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .await
        .unwrap();
    assert!(status.success());
}

const FILE: &[u8] = b"fetched over plain http from loopback\n";

/// Ctrl-C stops `serve --http` as SIGTERM does (see `http.rs`): calls finish, what the
/// session learned is on disk, exit 0 — a server stopped on purpose has not failed.
#[tokio::test]
async fn serve_http_on_ctrl_c_saves_the_session_and_exits_0() {
    let (f, token) = crate::http::checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let (bob_id, bob_hash) = {
        let w = sandbox.world();
        let bob = w.user_by_username("bob_builder").unwrap();
        (bob.id, bob.access_hash)
    };
    let server = crate::http::start(env, &[]).await;
    let client = server.client("/mcp", Some(&token)).await;
    let info = crate::http::structured(
        &crate::http::call(&client, "get_chat_info", json!({"chat_id": "@bob_builder"})).await,
    );
    assert_eq!(info["chat"]["id"], bob_id, "{info}");
    drop(within(10, client.cancel()).await);
    kill(server.pid(), "INT").await;
    let stderr = server.stderr();
    assert_eq!(server.exited().await, 0, "{stderr}");
    // Bob, met during the run, is in the session with the access hash the DC gave.
    let after: Value =
        serde_json::from_slice(&std::fs::read(env.session_path("default")).unwrap()).unwrap();
    let peers = after["peers"].as_array().unwrap();
    assert!(
        peers.iter().any(|p| p["id"] == bob_id
            && p["access_hash"].as_str() == Some(bob_hash.to_string().as_str())
            && p["kind"] == "user"),
        "{after}"
    );
    assert_eq!(after["home_dc"], sandbox.dc_id());
    assert!(env.tmp_leftovers().is_empty(), "{:?}", env.tmp_leftovers());
}

#[tokio::test]
async fn serve_refuses_loopback_and_metadata_urls_and_fetches_nothing() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let me = sandbox.world().demo_user().unwrap();
    let (port, seen) = counting_server(Some(FILE)).await;
    let server = crate::mcp::start(env, &["serve", "--allow-http-urls"]).await;
    let urls = [
        format!("http://127.0.0.1:{port}/a.txt"),
        format!("http://localhost:{port}/a.txt"),
        format!("http://[::ffff:127.0.0.1]:{port}/a.txt"),
        format!("http://2130706433:{port}/a.txt"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[fd00:ec2::254]/latest/meta-data/".to_owned(),
    ];
    for url in &urls {
        let result = server
            .call(
                "send_message",
                json!({"chat_id": "me", "message": "ssrf", "files": [url]}),
            )
            .await;
        let error = crate::mcp::error_of(&result);
        assert_eq!(error["kind"], "forbidden", "{url}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.starts_with("refused by policy: refused to fetch "),
            "{url}: {error}"
        );
        assert!(
            message.ends_with("(--allow-private-urls lifts this, for people who mean it)"),
            "{url}: {error}"
        );
    }
    assert_eq!(seen.load(Ordering::SeqCst), 0, "a refused URL was fetched");
    assert!(saved_document_sizes(sandbox, me).is_empty());
    // Nothing reached Telegram either: no upload, no send.
    let stats = sandbox.stats();
    for method in [
        "upload.saveFilePart",
        "messages.sendMedia",
        "messages.sendMessage",
    ] {
        assert_eq!(stats.count(method), 0, "{method}");
    }
}

#[tokio::test]
async fn allow_http_urls_fetches_directly_whatever_the_proxy_variables_say() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let me = sandbox.world().demo_user().unwrap();
    let (port, seen) = counting_server(Some(FILE)).await;
    let (proxy_port, proxied) = counting_server(None).await;
    let url = format!("http://127.0.0.1:{port}/notes.txt");
    let proxy = format!("http://127.0.0.1:{proxy_port}");
    let with_proxies = |cmd: &mut tokio::process::Command| {
        for var in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            cmd.env(var, &proxy);
        }
        cmd.env_remove("NO_PROXY").env_remove("no_proxy");
    };
    // Without the flag: refused, nothing fetched.
    let refused = env
        .run_with(
            &[
                "send",
                "me",
                "--allow-private-urls",
                "--file",
                &url,
                "notes",
            ],
            with_proxies,
        )
        .await;
    assert_eq!(refused.code, 1, "{refused:?}");
    assert_eq!(
        refused.stderr.trim_end(),
        format!(
            "tgmcp: refused by policy: {url} is plain http — only https URLs are fetched (--allow-http-urls allows http)"
        ),
        "{refused:?}"
    );
    assert_eq!(seen.load(Ordering::SeqCst), 0);
    let sent = env
        .run_with(
            &[
                "--json",
                "send",
                "me",
                "--allow-http-urls",
                "--allow-private-urls",
                "--file",
                &url,
                "notes",
            ],
            with_proxies,
        )
        .await;
    assert_eq!(sent.code, 0, "{sent:?}");
    let media = &sent.json()["messages"][0]["media"];
    assert_eq!(media["file_name"], "notes.txt", "{sent:?}");
    assert_eq!(media["size"], FILE.len(), "{sent:?}");
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    assert_eq!(proxied.load(Ordering::SeqCst), 0, "a proxy was used");
    assert_eq!(saved_document_sizes(sandbox, me), [FILE.len() as i64]);
}

/// However often `/health` is asked (a load balancer every few milliseconds, many at
/// once), Telegram is asked at most once a second; in between the last answer is shown.
#[tokio::test]
async fn health_asks_telegram_at_most_once_a_second() {
    let (f, _token) = crate::http::checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = crate::http::start(env, &[]).await;
    let first = server.get("/health", &[]).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let before = sandbox.stats().count("updates.getState");
    assert!(before >= 1, "the first /health asked Telegram");
    let started = std::time::Instant::now();
    let mut answered = 0;
    for _ in 0..6 {
        let burst: Vec<_> = (0..8).map(|_| server.get("/health", &[])).collect();
        for health in futures_util::future::join_all(burst).await {
            assert_eq!(health.status, 200, "{}", health.body);
            let body: Value = serde_json::from_str(&health.body).unwrap();
            assert_eq!(body["telegram"]["authorized"], true, "{body}");
            answered += 1;
        }
    }
    let elapsed = started.elapsed();
    let asked = sandbox.stats().count("updates.getState") - before;
    assert_eq!(answered, 48);
    // One probe per started second at most (the clock started after the first probe).
    assert!(
        asked <= elapsed.as_secs() + 1,
        "{asked} probes for {answered} /health answers in {elapsed:?}"
    );
    // A second later, the next /health asks again.
    let asked = sandbox.stats().count("updates.getState");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(server.get("/health", &[]).await.status, 200);
    assert_eq!(sandbox.stats().count("updates.getState"), asked + 1);
    assert_eq!(server.terminate().await, 0);
}

/// A FLOOD_WAIT on the second part of a three-part upload: a short one is waited out and
/// the file sent once; a long one fails naming the wait, and nothing is sent.
#[tokio::test]
async fn a_flood_wait_in_the_middle_of_an_upload() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let me = sandbox.world().demo_user().unwrap();
    let path = env.home.path().join("three-parts.bin");
    let size = 3 * 512 * 1024 - 1000;
    std::fs::write(&path, vec![7u8; size]).unwrap();
    let path = path.to_str().unwrap();

    sandbox
        .faults()
        .flood_wait_after("upload.saveFilePart", 1, 1, Some(1));
    let run = env
        .run(&["--json", "send", "me", "--file", path, "parts"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("Telegram asks to wait 1 s (flood wait); waiting, then sending"),
        "{run:?}"
    );
    assert_eq!(run.json()["messages"][0]["media"]["size"], size, "{run:?}");
    assert_eq!(saved_document_sizes(sandbox, me), [size as i64]);
    // The upload starts again after the wait (one part, the refused one, then all
    // three); the message goes out once.
    assert_eq!(sandbox.stats().count("upload.saveFilePart"), 5);
    assert_eq!(sandbox.stats().count("messages.sendMedia"), 1);

    sandbox.stats().reset();
    sandbox
        .faults()
        .flood_wait_after("upload.saveFilePart", 1, 300, Some(1));
    let run = env
        .run(&["--json", "send", "me", "--file", path, "parts"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert_eq!(
        run.stderr.trim_end(),
        "tgmcp: Telegram asks to wait 300 s before calling upload.saveFilePart again (flood wait) — retry after that",
        "{run:?}"
    );
    assert_eq!(sandbox.stats().count("upload.saveFilePart"), 2);
    assert_eq!(sandbox.stats().count("messages.sendMedia"), 0);
    assert_eq!(saved_document_sizes(sandbox, me), [size as i64]);
}

//! `serve --http` under abuse (issue 14): made-up methods must not grow memory or
//! `/metrics`, idle and half-open sockets must not lock anyone out, Host is read strictly,
//! dangerous methods need the operator's consent, URLs in errors keep their secrets, a
//! slow file URL is a timeout and not a Telegram outage, and a call cut by shutdown gets
//! an error. The real binary on 127.0.0.1, raw sockets where a client library would be
//! too polite.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::common::within;
use crate::http::{call, parse_metrics, start, structured};

/// Writes `request` on a new connection and reads until the server closes it (or the
/// answer's head and `Content-Length` body are in): the status and the whole text.
async fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    // The server may answer and close before a huge request is written out.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = within(30, stream.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn get(path: &str, headers: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n").into_bytes()
}

async fn metrics_text(addr: SocketAddr, token: &str) -> String {
    let answer = crate::http::request(
        reqwest::Method::GET,
        &format!("http://{addr}/metrics"),
        &[("authorization", &format!("Bearer {token}"))],
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body
}

fn rss_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[tokio::test]
async fn made_up_methods_leave_metrics_and_memory_flat() {
    let (f, token) = crate::http::checked_demo().await;
    let env = &f.env;
    let server = start(env, &[]).await;
    // Warm up (first requests allocate the runtime's buffers).
    for _ in 0..5 {
        raw(server.addr, &get("/health", "Host: 127.0.0.1\r\n")).await;
    }
    let rss_before = rss_of(server.pid());
    let started = Instant::now();
    for i in 0..200 {
        let method = format!("{}{i}", "M".repeat(300 * 1024));
        let request =
            format!("{method} /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        let (status, _) = raw(server.addr, request.as_bytes()).await;
        assert!(status == 405 || status == 0 || status >= 400, "{status}");
    }
    let elapsed = started.elapsed();
    let text = metrics_text(server.addr, &token).await;
    let rss_after = rss_of(server.pid());
    eprintln!(
        "200 requests with 300 KiB methods in {elapsed:?}: /metrics {} bytes, RSS {} → {} MiB",
        text.len(),
        rss_before / (1 << 20),
        rss_after / (1 << 20)
    );
    assert!(text.len() < 64 * 1024, "/metrics is {} bytes", text.len());
    let samples = parse_metrics(&text);
    let other: f64 = samples
        .iter()
        .filter(|(k, _)| {
            k.starts_with("tgmcp_http_requests_total{") && k.contains("method=\"OTHER\"")
        })
        .map(|(_, v)| v)
        .sum();
    assert!(
        other >= 200.0,
        "made-up methods count as OTHER: {other}\n{text}"
    );
    for line in text.lines() {
        assert!(
            line.len() < 512,
            "a long line in /metrics: {}…",
            &line[..200]
        );
    }
    if rss_before > 0 {
        let grown = rss_after.saturating_sub(rss_before);
        assert!(grown < 24 << 20, "RSS grew by {} MiB", grown >> 20);
    }
    assert_eq!(server.terminate().await, 0);
}

/// `tgmcp serve --http` under `ulimit -n LIMIT`.
async fn start_limited(
    env: &crate::common::TestEnv,
    limit: u32,
    args: &[&str],
) -> crate::http::HttpServer {
    let mut cmd = env.command_for("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_tgmcp"))
        .args(["serve", "--http", "127.0.0.1:0"])
        .args(args);
    crate::http::spawn(cmd).await
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

#[tokio::test]
async fn idle_sockets_never_lock_out_health() {
    let (f, _token) = crate::http::checked_demo().await;
    let env = &f.env;
    let server = start_limited(env, 128, &[]).await;
    // 300 sockets that send nothing, or half a request line, and stay open.
    let mut idle = Vec::new();
    for i in 0..300 {
        match TcpStream::connect(server.addr).await {
            Ok(mut stream) => {
                if i % 2 == 0 {
                    let _ = stream.write_all(b"GET /hea").await;
                }
                idle.push(stream);
            }
            Err(e) => panic!("connect {i}: {e}"),
        }
    }
    // The newest connection pushes out the one that waited longest.
    for _ in 0..3 {
        let answered = tokio::time::timeout(
            Duration::from_secs(5),
            raw(server.addr, &get("/health", "Host: 127.0.0.1\r\n")),
        )
        .await;
        let (status, text) = answered.expect("/health answers while 300 idle sockets are open");
        assert_eq!(status, 200, "{text}");
    }
    let fds = open_fds(server.pid());
    assert!(fds <= 128, "{fds} descriptors open");
    drop(idle);
    assert_eq!(server.terminate().await, 0);
}

/// Reads until the server closes the connection; how long that took.
async fn closed_after(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut sink = Vec::new();
    within(30, stream.read_to_end(&mut sink))
        .await
        .expect("the server closes the connection");
    started.elapsed()
}

#[tokio::test]
async fn slow_heads_and_idle_keep_alives_are_closed() {
    let (f, _token) = crate::http::checked_demo().await;
    let env = &f.env;
    let server = start(env, &["--header-timeout", "1", "--idle-timeout", "2"]).await;

    // Half a request line, then nothing.
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"GET /health HTT").await.unwrap();
    let waited = closed_after(&mut slow).await;
    assert!(waited >= Duration::from_millis(900), "{waited:?}");

    // Nothing at all.
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    let waited = closed_after(&mut silent).await;
    assert!(waited >= Duration::from_millis(900), "{waited:?}");

    // One request kept alive, then idle: closed after the idle timeout, not the header one.
    let mut kept = TcpStream::connect(server.addr).await.unwrap();
    kept.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut head = [0u8; 12];
    kept.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    let waited = closed_after(&mut kept).await;
    assert!(waited >= Duration::from_millis(1900), "{waited:?}");
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn host_is_parsed_strictly() {
    let (f, _token) = crate::http::checked_demo().await;
    let env = &f.env;
    let server = start(env, &["--allow-host", "[fd00::1]:8443,mcp.example.com"]).await;
    let addr = server.addr;
    let cases: [(&[u8], u16, &str); 9] = [
        (&get("/health", "Host: 127.0.0.1\r\n"), 200, ""),
        (&get("/health", "Host: [::1]evil.com\r\n"), 400, "bad_host"),
        (&get("/health", "Host: [::1]:80evil\r\n"), 400, "bad_host"),
        (
            &get("/health", "Host: evil.example\r\nHost: 127.0.0.1\r\n"),
            400,
            "more than one Host",
        ),
        (
            &get("/health", "Host: 127.0.0.1\r\nHost: evil.example\r\n"),
            400,
            "more than one Host",
        ),
        // RFC 9112 §3.2.2: an absolute-form target's authority is the host.
        (
            &get("http://evil.example/health", "Host: 127.0.0.1\r\n"),
            403,
            "evil.example",
        ),
        (
            &get("http://127.0.0.1/health", "Host: evil.example\r\n"),
            200,
            "",
        ),
        (&get("/health", "Host: [fd00::1]:8443\r\n"), 200, ""),
        (
            &get("/health", "Host: [fd00::1]:9\r\n"),
            403,
            "forbidden_host",
        ),
    ];
    for (request, status, needle) in cases {
        let (got, text) = raw(addr, request).await;
        let shown = String::from_utf8_lossy(request);
        assert_eq!(got, status, "{shown}\n{text}");
        assert!(text.contains(needle), "{shown}\n{text}");
    }
    let (got, _) = raw(addr, &get("/health", "Host: mcp.example.com:1234\r\n")).await;
    assert_eq!(got, 200);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn mtproto_api_refuses_oversized_chunked_bodies_and_get() {
    let (f, token) = crate::http::checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = start(env, &["--max-body-bytes", "2048"]).await;
    let chunk = "x".repeat(1000);
    let mut request = format!(
        "POST /mtproto-api/users.getUsers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    for _ in 0..5 {
        request.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    request.push_str("0\r\n\r\n");
    let (status, text) = raw(server.addr, request.as_bytes()).await;
    assert_eq!(status, 413, "{text}");
    assert!(
        text.contains("payload_too_large") && text.contains("--max-body-bytes"),
        "{text}"
    );
    // (The server's own start-up check may reach the sandbox; the refused call never.)
    assert_eq!(sandbox.stats().count("users.getUsers"), 0);

    let answer = server
        .get(
            "/mtproto-api/users.getUsers",
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await;
    assert_eq!(answer.status, 405, "{}", answer.body);
    let message = answer.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("POST") && !message.contains("/health"),
        "{message}"
    );
    assert_eq!(answer.header("allow"), "POST");
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn dangerous_methods_need_the_operator_too() {
    // Over HTTP: /mtproto-api and invoke_mtproto.
    let (f, token) = crate::http::checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let before = sandbox.world().messages.len();
    let server = start(env, &[]).await;
    let bearer = format!("Bearer {token}");
    let id = sandbox.world().messages.last().unwrap().id;
    let body = json!({"params": {"id": [id], "revoke": true}, "allow_dangerous": true});
    let answer = server
        .post(
            "/mtproto-api/messages.deleteMessages",
            &[("authorization", &bearer)],
            &body.to_string(),
        )
        .await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert!(
        answer.json()["message"]
            .as_str()
            .unwrap()
            .contains("--allow-dangerous-methods"),
        "{}",
        answer.body
    );
    let client = server.client("/mcp", Some(&token)).await;
    let result = call(
        &client,
        "invoke_mtproto",
        json!({"method_full_name": "messages.deleteMessages",
               "params": {"id": [id], "revoke": true}, "allow_dangerous": true}),
    )
    .await;
    assert_eq!(result.is_error, Some(true));
    let error = &crate::mcp::error_of(&result);
    assert_eq!(error["kind"], "forbidden");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("--allow-dangerous-methods")
    );
    assert_eq!(
        sandbox.world().messages.len(),
        before,
        "nothing was deleted"
    );
    drop(within(10, client.cancel()).await);
    assert_eq!(server.terminate().await, 0);

    // On stdio.
    let stdio = crate::mcp::start(env, &["serve"]).await;
    let error = stdio
        .fail(
            "invoke_mtproto",
            json!({"method_full_name": "messages.deleteMessages",
                   "params": {"id": [id], "revoke": true}, "allow_dangerous": true}),
        )
        .await;
    assert_eq!(error["kind"], "forbidden");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("--allow-dangerous-methods")
    );
    assert_eq!(
        sandbox.world().messages.len(),
        before,
        "nothing was deleted"
    );
    assert_eq!(stdio.stop().await, 0);
}

/// A loopback web server: `/empty` answers an empty 200, anything else never answers.
async fn file_server() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut head = vec![0u8; 4096];
            let n = stream.read(&mut head).await.unwrap_or(0);
            if String::from_utf8_lossy(&head[..n]).starts_with("GET /empty") {
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            } else {
                held.push(stream);
            }
        }
    });
    (addr, task)
}

#[tokio::test]
async fn url_errors_keep_passwords_and_query_strings_out() {
    let (f, _token) = crate::http::checked_demo().await;
    let env = &f.env;
    let (addr, task) = file_server().await;
    let cases = [
        "https://alice:hunter2@files.invalid:99999/x.pdf?token=s3cret".to_owned(),
        format!("http://{addr}/empty?token=s3cret"),
    ];
    for url in &cases {
        let run = env
            .run(&[
                "send",
                "me",
                "--allow-http-urls",
                "--allow-private-urls",
                "--file",
                url,
                "caption",
            ])
            .await;
        assert_ne!(run.code, 0, "{url}");
        for secret in ["hunter2", "s3cret", "alice"] {
            assert!(!run.stderr.contains(secret), "{url}: {}", run.stderr);
            assert!(!run.stdout.contains(secret), "{url}: {}", run.stdout);
        }
    }
    task.abort();
}

#[tokio::test]
async fn a_slow_file_url_is_a_timeout_not_a_telegram_outage() {
    let (f, token) = crate::http::checked_demo().await;
    let env = &f.env;
    let (addr, task) = file_server().await;
    let server = start(
        env,
        &[
            "--request-timeout",
            "2",
            "--allow-http-urls",
            "--allow-private-urls",
        ],
    )
    .await;
    let client = server.client("/mcp", Some(&token)).await;
    structured(&call(&client, "find_chats", json!({})).await);
    let result = call(
        &client,
        "send_message",
        json!({"chat_id": "me", "message": "slow", "files": [format!("http://{addr}/slow")]}),
    )
    .await;
    assert_eq!(result.is_error, Some(true));
    let error = &crate::mcp::error_of(&result);
    assert_eq!(error["kind"], "timeout", "{error}");
    assert!(
        !error["message"].as_str().unwrap().contains("Telegram"),
        "{error}"
    );
    let text = metrics_text(server.addr, &token).await;
    assert_eq!(
        parse_metrics(&text)["tgmcp_telegram_connected"],
        1.0,
        "{text}"
    );
    let health = server.get("/health", &[]).await;
    assert_eq!(
        health.json()["telegram"]["connected"],
        true,
        "{}",
        health.body
    );
    drop(within(10, client.cancel()).await);
    assert_eq!(server.terminate().await, 0);
    task.abort();
}

#[tokio::test]
async fn a_call_cut_by_shutdown_gets_an_error() {
    let (f, token) = crate::http::checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = start(env, &[]).await;
    let client = Arc::new(server.client("/mcp", Some(&token)).await);
    // Longer than the 10 s shutdown lets calls in flight run.
    sandbox.faults().set_delay(Duration::from_secs(14));
    sandbox.stats().reset();
    let in_flight = {
        let client = Arc::clone(&client);
        tokio::spawn(async move {
            client
                .call_tool(
                    rmcp::model::CallToolRequestParams::new("find_chats".to_owned())
                        .with_arguments(serde_json::Map::new()),
                )
                .await
        })
    };
    let api = {
        let url = server.url("/mtproto-api/contacts.getContacts");
        let bearer = format!("Bearer {token}");
        tokio::spawn(async move {
            crate::http::request(
                reqwest::Method::POST,
                &url,
                &[
                    ("authorization", &bearer),
                    ("content-type", "application/json"),
                ],
                Some(r#"{"params": {"hash": 0}}"#.to_owned()),
            )
            .await
        })
    };
    // Both calls have reached the DC (their answers are held back) before the signal.
    within(30, sandbox.stats().wait_until(|stats| stats.total() >= 2)).await;
    let status = tokio::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .await
        .unwrap();
    assert!(status.success());
    let answer = within(30, in_flight).await.unwrap();
    match answer {
        Err(rmcp::service::ServiceError::McpError(error)) => {
            assert!(error.message.contains("shut down"), "{error:?}");
        }
        other => panic!("the cut call should get an error: {other:?}"),
    }
    let answer = within(30, api).await.unwrap();
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert!(
        answer.json()["message"]
            .as_str()
            .unwrap()
            .contains("shut down"),
        "{}",
        answer.body
    );
    sandbox.faults().set_delay(Duration::ZERO);
    assert_eq!(server.exited().await, 0);
}

#[tokio::test]
async fn a_new_connection_when_every_allowed_one_is_busy_gets_503() {
    let (f, token) = crate::http::checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = start(env, &["--max-connections", "2"]).await;
    sandbox.faults().set_delay(Duration::from_secs(3));
    let calls: Vec<_> = (0..2)
        .map(|_| {
            let url = server.url("/mtproto-api/contacts.getContacts");
            let bearer = format!("Bearer {token}");
            tokio::spawn(async move {
                crate::http::request(
                    reqwest::Method::POST,
                    &url,
                    &[
                        ("authorization", &bearer),
                        ("content-type", "application/json"),
                    ],
                    Some(r#"{"params": {"hash": 0}}"#.to_owned()),
                )
                .await
            })
        })
        .collect();
    // Both connections are busy: their requests reached the DC, answers held back.
    within(30, sandbox.stats().wait_for("contacts.getContacts", 2)).await;
    let (status, text) = raw(server.addr, &get("/health", "Host: 127.0.0.1\r\n")).await;
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("--max-connections"), "{text}");
    for call in calls {
        let answer = within(30, call).await.unwrap();
        assert_eq!(
            answer.status, 200,
            "busy connections are never cut: {}",
            answer.body
        );
    }
    sandbox.faults().set_delay(Duration::ZERO);
    let (status, text) = raw(server.addr, &get("/health", "Host: 127.0.0.1\r\n")).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(server.terminate().await, 0);
}

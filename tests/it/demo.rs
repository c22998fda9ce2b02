//! The demo that remembers: `tgmcp --sandbox …` commands share one background sandbox
//! DC and its folder (under TGMCP_HOME, the test's temp dir), so what one command does
//! the next sees, and `tgmcp --sandbox reset` starts over.

use std::path::Path;

use serde_json::Value;
use tgmcp::sandbox::{DEMO_PASSWORD, DEMO_PHONE};

use crate::common::TestEnv;
use crate::http::{INITIALIZE, call, start, structured};

fn dc_pid(env: &TestEnv) -> Option<u64> {
    let text = std::fs::read_to_string(env.home.path().join("sandbox/dc.json")).ok()?;
    serde_json::from_str::<Value>(&text).ok()?["pid"].as_u64()
}

fn process_alive(pid: u64) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Waits (up to 10 s) for the demo DC process to exit.
async fn wait_gone(pid: u64) {
    for _ in 0..200 {
        if !process_alive(pid) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the demo DC (pid {pid}) is still running");
}

#[tokio::test]
async fn what_one_command_sends_the_next_finds_until_reset() {
    let env = TestEnv::checked();
    let text = "remember this: demo persistence 4711";
    let first = env.run(&["--sandbox", "send", "me", text, "--json"]).await;
    assert_eq!(first.code, 0, "{first:?}");
    let first_id = first.json()["message_ids"][0]
        .as_i64()
        .expect("a message id");

    let found = env
        .run(&["--sandbox", "search", "persistence 4711", "--json"])
        .await;
    assert_eq!(found.code, 0, "{found:?}");
    let messages = found.json()["messages"].as_array().unwrap().clone();
    assert_eq!(messages.len(), 1, "{found:?}");
    assert_eq!(messages[0]["text"], text);
    assert_eq!(messages[0]["id"].as_i64(), Some(first_id));

    // The next send gets the next id, not the same one again.
    let second = env
        .run(&["--sandbox", "send", "me", "and this", "--json"])
        .await;
    assert_eq!(second.code, 0, "{second:?}");
    assert!(second.json()["message_ids"][0].as_i64().unwrap() > first_id);

    // The real profiles are not touched; the demo lives in its own folder.
    assert!(!env.home.path().join("data").exists());
    let pid = dc_pid(&env).expect("the demo DC announced itself");

    let reset = env.run(&["--sandbox", "reset"]).await;
    assert_eq!(reset.code, 0, "{reset:?}");
    assert!(reset.stdout.contains("starts over"), "{reset:?}");
    wait_gone(pid).await;

    let found = env
        .run(&["--sandbox", "search", "persistence 4711", "--json"])
        .await;
    assert_eq!(found.code, 0, "{found:?}");
    assert_eq!(found.json()["messages"], serde_json::json!([]), "{found:?}");
    let pid = dc_pid(&env).expect("a new demo DC");

    // Removing the folder stops the DC too, so nothing outlives a test's temp dir.
    drop(env);
    wait_gone(pid).await;
}

#[tokio::test]
async fn reset_without_sandbox_is_a_usage_error() {
    let env = TestEnv::checked();
    let run = env.run(&["reset"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("tgmcp --sandbox reset"), "{run:?}");
    assert!(run.stdout.is_empty());
}

#[tokio::test]
async fn stepwise_setup_on_the_demo() {
    let env = TestEnv::checked();
    let run = env
        .run(&["--sandbox", "setup", "--phone", DEMO_PHONE])
        .await;
    assert_eq!(run.code, 10, "{run:?}");
    assert_eq!(run.json()["next"], "code");
    assert!(run.stderr.contains("login code is 12345"), "{run:?}");

    let run = env.run(&["--sandbox", "setup", "--code", "12345"]).await;
    assert_eq!(run.code, 10, "{run:?}");
    assert_eq!(run.json()["next"], "password");

    let run = env
        .run(&["--sandbox", "setup", "--password", DEMO_PASSWORD, "--json"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let out = run.json();
    assert_eq!(out["account"]["username"], "alex_demo");
    // The printed configurations run the demo, not a real login that does not exist.
    assert_eq!(
        out["mcp"]["claude_desktop"]["mcpServers"]["telegram"]["args"],
        serde_json::json!(["--sandbox", "serve"])
    );
    assert_eq!(out["mcp"]["http"]["serve"], "tgmcp --sandbox serve --http");

    // The login stays: health is green, and setup says it is logged in.
    let run = env.run(&["--sandbox", "health", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["authorized"], true);
    let run = env.run(&["--sandbox", "setup"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("tgmcp --sandbox setup --overwrite"),
        "{run:?}"
    );
}

#[tokio::test]
async fn serve_http_with_the_demo_token() {
    let env = TestEnv::checked();
    let run = env
        .run(&["--sandbox", "setup", "--rotate-token", "--json"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let out = run.json();
    let bearer = out["mcp"]["cursor"]["mcpServers"]["telegram"]["headers"]["Authorization"]
        .as_str()
        .expect("a bearer header")
        .to_owned();
    assert_eq!(out["mcp"]["serve"], "tgmcp --sandbox serve --http");

    let server = start(&env, &["--sandbox"]).await;
    let refused = server.post("/mcp", &[], INITIALIZE).await;
    assert_eq!(refused.status, 401);
    let accepted = server
        .post("/mcp", &[("authorization", &bearer)], INITIALIZE)
        .await;
    assert_eq!(accepted.status, 200, "{}", server.stderr());

    // The server and a one-shot command share the world: the server finds what was sent.
    let sent = env
        .run(&["--sandbox", "send", "me", "seen by the server 0815"])
        .await;
    assert_eq!(sent.code, 0, "{sent:?}");
    let client = server
        .client("/mcp", Some(bearer.trim_start_matches("Bearer ")))
        .await;
    let result = call(
        &client,
        "search_messages_globally",
        serde_json::json!({"query": "server 0815"}),
    )
    .await;
    let page = structured(&result);
    assert_eq!(page["messages"][0]["text"], "seen by the server 0815");
    drop(client);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn commands_started_at_once_share_one_demo() {
    let env = TestEnv::checked();
    let runs = futures_util::future::join_all((0..4).map(|i| {
        let text = format!("parallel {i}");
        let env = &env;
        async move { env.run(&["--sandbox", "send", "me", &text, "--json"]).await }
    }))
    .await;
    let mut ids = Vec::new();
    for run in &runs {
        assert_eq!(run.code, 0, "{run:?}");
        ids.push(run.json()["message_ids"][0].as_i64().unwrap());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4, "one world, four different ids: {ids:?}");
    let found = env
        .run(&["--sandbox", "search", "parallel", "--json"])
        .await;
    assert_eq!(
        found.json()["messages"].as_array().unwrap().len(),
        4,
        "{found:?}"
    );
}

/// Ogg's page checksum (CRC-32, polynomial 0x04c11db7, no reflection).
fn ogg_crc(data: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &b in data {
        crc ^= u32::from(b) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04c1_1db7
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Checks every Ogg page (capture pattern, checksum) and returns the packets' first
/// bytes of the first two pages and whether the last page ends the stream.
fn ogg_pages(bytes: &[u8]) -> (Vec<Vec<u8>>, bool) {
    let mut firsts = Vec::new();
    let mut at = 0;
    let mut last_flags = 0;
    while at < bytes.len() {
        assert_eq!(&bytes[at..at + 4], b"OggS", "a page starts at {at}");
        let segments = bytes[at + 26] as usize;
        let lacing = &bytes[at + 27..at + 27 + segments];
        let body: usize = lacing.iter().map(|&l| l as usize).sum();
        let end = at + 27 + segments + body;
        let mut page = bytes[at..end].to_vec();
        let stored = u32::from_le_bytes(page[22..26].try_into().unwrap());
        page[22..26].fill(0);
        assert_eq!(ogg_crc(&page), stored, "the checksum of the page at {at}");
        if firsts.len() < 2 {
            firsts.push(bytes[at + 27 + segments..end].to_vec());
        }
        last_flags = bytes[at + 5];
        at = end;
    }
    (firsts, last_flags & 0x04 != 0)
}

#[tokio::test]
async fn seeded_photos_and_voice_notes_download_as_real_files() {
    let env = TestEnv::checked();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();

    // Carol's photo from the summit.
    let run = env
        .run(&["--sandbox", "--json", "download", "@carol", "47", "-o", dir])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let saved = run.json();
    assert_eq!(saved["mime_type"], "image/jpeg");
    let jpeg = std::fs::read(saved["path"].as_str().unwrap()).unwrap();
    assert_eq!(saved["size"].as_u64(), Some(jpeg.len() as u64));
    assert_eq!(&jpeg[..3], b"\xff\xd8\xff", "starts as a JPEG");
    assert_eq!(&jpeg[jpeg.len() - 2..], b"\xff\xd9", "ends as a JPEG");
    // The frame header says 160×100, as the message's photo size does.
    let sof = jpeg
        .windows(2)
        .position(|w| w == b"\xff\xc0")
        .expect("a baseline frame header");
    let height = u16::from_be_bytes([jpeg[sof + 5], jpeg[sof + 6]]);
    let width = u16::from_be_bytes([jpeg[sof + 7], jpeg[sof + 8]]);
    assert_eq!((width, height), (160, 100));

    // Lucía's voice note is Ogg Opus, every page's checksum right.
    let found = env
        .run(&[
            "--sandbox",
            "search",
            "--chat",
            "@lucia_fz",
            "Nota de voz",
            "--json",
        ])
        .await;
    let id = found.json()["messages"][0]["id"]
        .as_i64()
        .expect("the voice note");
    let run = env
        .run(&[
            "--sandbox",
            "--json",
            "download",
            "@lucia_fz",
            &id.to_string(),
            "-o",
            dir,
        ])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let ogg = std::fs::read(run.json()["path"].as_str().unwrap()).unwrap();
    let (firsts, ended) = ogg_pages(&ogg);
    assert!(
        firsts[0].starts_with(b"OpusHead"),
        "the identification header"
    );
    assert_eq!(firsts[0][9], 1, "mono");
    assert!(firsts[1].starts_with(b"OpusTags"), "the comment header");
    assert!(ended, "the last page ends the stream");
}

#[tokio::test]
async fn the_demo_world_looks_like_a_real_account() {
    let env = TestEnv::checked();
    let search = async |args: &[&str]| {
        let mut all = vec!["--sandbox", "search", "--json"];
        all.extend_from_slice(args);
        let run = env.run(&all).await;
        assert_eq!(run.code, 0, "{run:?}");
        run.json()["messages"].as_array().unwrap().clone()
    };

    // Saved Messages is called that; Alex is the sender of its notes.
    let notes = search(&["passport"]).await;
    assert_eq!(notes[0]["chat"]["title"], "Saved Messages");
    assert_eq!(notes[0]["sender"]["username"], "alex_demo");

    // A channel's posts are signed by the channel.
    let posts = search(&["--chat", "@sandbox_news"]).await;
    assert!(!posts.is_empty());
    for post in &posts {
        assert_eq!(post["sender"]["username"], "sandbox_news", "{post}");
    }

    // Varied texts: no two days of the daily sync, no two digest posts say the same.
    let sync = search(&["--chat", "@bob_builder", "sync", "--limit", "50"]).await;
    let bodies: std::collections::HashSet<_> = sync
        .iter()
        .map(|m| {
            m["text"]
                .as_str()
                .unwrap()
                .split(": ")
                .nth(1)
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!((sync.len(), bodies.len()), (20, 20), "{bodies:?}");
    let digest = search(&["--chat", "@tech_digest", "--limit", "150"]).await;
    let headlines: std::collections::HashSet<_> = digest
        .iter()
        .map(|m| {
            m["text"]
                .as_str()
                .unwrap()
                .split(": ")
                .skip(1)
                .collect::<Vec<_>>()
                .join(": ")
        })
        .collect();
    assert_eq!((digest.len(), headlines.len()), (150, 150));

    // Last seen varies: online, seen a while ago, within the week; bots show none.
    let run = env
        .run(&[
            "--sandbox",
            "invoke",
            "users.getUsers",
            r#"{"id": ["me", "@bob_builder", "@carol", "@erin_ops", "@deploy_bot"]}"#,
        ])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let users = run.json();
    let kinds: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["status"]["_"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(kinds[0], "userStatusOnline", "you are online: {kinds:?}");
    assert_eq!(kinds[4], "none", "a bot has no last seen: {kinds:?}");
    let distinct: std::collections::HashSet<_> = kinds.iter().collect();
    assert!(distinct.len() >= 4, "{kinds:?}");
}

#[tokio::test]
async fn rough_edges_say_what_happened() {
    let env = TestEnv::checked();

    // --limit 0 in words, not Rust's range syntax.
    let run = env.run(&["--sandbox", "search", "x", "--limit", "0"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("use 1 or more"), "{run:?}");
    assert!(!run.stderr.contains("1..="), "{run:?}");

    // --from without --chat names only --chat as missing.
    let run = env
        .run(&["--sandbox", "search", "--from", "@bob_builder"])
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--chat"), "{run:?}");
    assert!(!run.stderr.contains("<QUERY>\n"), "{run:?}");

    // An unseen bare id: one hint, not two joined.
    let run = env
        .run(&["--sandbox", "search", "--chat", "-100123456789", "x"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr.matches(" — ").count(), 1, "{run:?}");

    // A reply to a message that is not there says so.
    let run = env
        .run(&[
            "--sandbox",
            "send",
            "@rust_berlin",
            "--reply-to",
            "999",
            "hi",
        ])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("no message with that id in this chat to reply to"),
        "{run:?}"
    );
    assert!(
        !run.stderr.contains("check the request's arguments"),
        "{run:?}"
    );

    // Never set up: health says not logged in (exit 3), like every other command.
    let run = env.run(&["health"]).await;
    assert_eq!(run.code, 3, "{run:?}");
    let run = env.run(&["search", "x"]).await;
    assert_eq!(run.code, 3, "{run:?}");

    // health --url to a closed port: connection refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let run = env.run(&["health", "--url", &url]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("connection refused"), "{run:?}");
}

#[tokio::test]
async fn serve_at_a_terminal_says_a_plain_sentence() {
    let env = TestEnv::checked();
    let script = serde_json::json!([["Press Ctrl-D to stop.", "\u{4}"]]);
    let out = env.run_at_terminal(&script, &["--sandbox", "serve"]).await;
    let transcript = &out.stdout;
    assert_eq!(out.code, 0, "{transcript}");
    let line = transcript
        .lines()
        .find(|l| l.contains("speaks MCP"))
        .expect("the hint");
    assert!(
        line.starts_with("tgmcp serve speaks MCP"),
        "a sentence, not a log line: {line:?}"
    );
    assert!(line.contains("`tgmcp --sandbox setup`"), "{line:?}");
    assert!(!transcript.contains("WARN"), "{transcript}");
}

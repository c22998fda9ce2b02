//! Proof under faults: connections dropped before, during and after a request; a DC that
//! closes idle connections; FLOOD_WAIT on reads; damaged session files; many processes
//! on one profile. Every fault is deterministic (the sandbox's knobs), and every test
//! checks what Telegram's side holds afterwards, not only what tgmcp said.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use tgmcp::sandbox::{DropPoint, Sandbox, World};

use crate::common::{Run, TestEnv, within};
use crate::mcp::{demo, start, text};

/// Messages in the sandbox whose text is `text`.
fn copies(sandbox: &Sandbox, text: &str) -> usize {
    sandbox
        .world()
        .messages
        .iter()
        .filter(|m| m.text == text)
        .count()
}

#[tokio::test]
async fn a_read_survives_a_drop_at_every_point() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    server.ok("get_chat_info", json!({"chat_id": "me"})).await;

    for (point, requests) in [
        // Not executed, or executed without an answer: read again on a new connection.
        (DropPoint::Unexecuted, 2),
        (DropPoint::Unanswered, 2),
        // Answered, then the connection closed: nothing to repeat.
        (DropPoint::Answered, 1),
    ] {
        sandbox.stats().reset();
        sandbox.faults().drop_at("messages.searchGlobal", point);
        let page = server
            .ok("search_messages_globally", json!({"query": "invoice"}))
            .await;
        assert!(!page["messages"].as_array().unwrap().is_empty(), "{page}");
        assert_eq!(
            sandbox.stats().count("messages.searchGlobal"),
            requests,
            "{point:?}"
        );
        // The next call works on whatever connection is left, without a restart.
        server.ok("get_chat_info", json!({"chat_id": "me"})).await;
    }
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn a_write_is_never_repeated_and_an_unknown_fate_is_said() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    server.ok("get_chat_info", json!({"chat_id": "me"})).await;

    for (point, delivered) in [
        (DropPoint::Unexecuted, 0),
        (DropPoint::Unanswered, 1),
        (DropPoint::Answered, 1),
    ] {
        let message = format!("drop {point:?}");
        sandbox.stats().reset();
        sandbox.faults().drop_at("messages.sendMessage", point);
        let result = server
            .call("send_message", json!({"chat_id": "me", "message": message}))
            .await;
        if point == DropPoint::Answered {
            assert_ne!(result.is_error, Some(true), "{}", text(&result));
        } else {
            // tgmcp cannot know whether Telegram executed it: it says so, and does not
            // send it again to find out.
            assert_eq!(result.is_error, Some(true), "{point:?}: {}", text(&result));
            let error = &crate::mcp::error_of(&result);
            assert_eq!(error["kind"], "unknown_outcome", "{point:?}: {error}");
            assert!(
                text(&result).contains("may or may not"),
                "{}",
                text(&result)
            );
        }
        assert_eq!(
            sandbox.stats().count("messages.sendMessage"),
            1,
            "{point:?}"
        );
        assert_eq!(copies(&sandbox, &message), delivered, "{point:?}");

        let after = format!("after {point:?}");
        server
            .ok("send_message", json!({"chat_id": "me", "message": after}))
            .await;
        assert_eq!(copies(&sandbox, &after), 1);
    }
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn the_cli_reads_through_a_drop_and_reports_a_send_it_cannot_confirm() {
    let (sandbox, env) = demo().await;

    sandbox
        .faults()
        .drop_at("messages.searchGlobal", DropPoint::Unanswered);
    let run = env.run(&["--json", "search", "invoice"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.json()["messages"].as_array().unwrap().is_empty());
    assert_eq!(sandbox.stats().count("messages.searchGlobal"), 2);

    sandbox
        .faults()
        .drop_at("messages.sendMessage", DropPoint::Unanswered);
    let run = env.run(&["send", "me", "cron: backup done"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "nothing reported as sent: {run:?}");
    assert!(run.stderr.contains("may or may not"), "{run:?}");
    assert_eq!(
        copies(&sandbox, "cron: backup done"),
        1,
        "sent once, never twice"
    );

    sandbox
        .faults()
        .drop_at("messages.sendMessage", DropPoint::Unexecuted);
    let run = env.run(&["send", "me", "lost on the way"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(copies(&sandbox, "lost on the way"), 0);
}

#[tokio::test]
async fn connections_the_dc_closes_while_idle_are_replaced() {
    let (sandbox, env) = demo().await;
    // Far shorter than grammers' 60 s ping: the DC closes the connection between calls.
    sandbox
        .faults()
        .set_idle_timeout(Some(Duration::from_millis(300)));
    let server = start(&env, &["serve"]).await;
    server.ok("get_chat_info", json!({"chat_id": "me"})).await;
    let before = sandbox.stats().connections();
    for round in 0..3 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        // Reads and writes alike work on a fresh connection, and nothing is "unknown":
        // the old connection was closed before the request was written.
        server
            .ok("search_messages_globally", json!({"query": "hike"}))
            .await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        let message = format!("after idle {round}");
        server
            .ok("send_message", json!({"chat_id": "me", "message": message}))
            .await;
        assert_eq!(copies(&sandbox, &message), 1);
    }
    assert!(
        sandbox.stats().connections() >= before + 6,
        "each call after a pause needs a new connection"
    );
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn flood_waits_on_reads_short_and_long() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;

    // Short: slept through, and the read repeated once.
    sandbox
        .faults()
        .flood_wait("messages.searchGlobal", 1, Some(1));
    let started = std::time::Instant::now();
    server
        .ok("search_messages_globally", json!({"query": "invoice"}))
        .await;
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(sandbox.stats().count("messages.searchGlobal"), 2);

    // Long: returned at once, with the wait, for the assistant to decide.
    sandbox
        .faults()
        .flood_wait("messages.searchGlobal", 600, Some(1));
    let error = server
        .fail("search_messages_globally", json!({"query": "invoice"}))
        .await;
    assert_eq!(error["kind"], "flood_wait", "{error}");
    assert_eq!(error["retry_after"], 600, "{error}");
    assert_eq!(server.stop().await, 0);

    // The CLI: exit 1 with the wait named; a short one is waited out.
    let (sandbox, env) = demo().await;
    sandbox
        .faults()
        .flood_wait("messages.searchGlobal", 600, Some(1));
    let run = env.run(&["search", "invoice"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("600"), "{run:?}");
    sandbox
        .faults()
        .flood_wait("messages.searchGlobal", 1, Some(1));
    let run = env.run(&["--json", "search", "invoice"]).await;
    assert_eq!(run.code, 0, "{run:?}");
}

/// `tgmcp --json health` with the profile's session file as it is now.
async fn health(env: &TestEnv) -> Run {
    env.run(&["--json", "health"]).await
}

#[tokio::test]
async fn damaged_session_files_are_refused_and_kept() {
    let (_sandbox, env) = demo().await;
    let path = env.session_path("default");
    let good = std::fs::read(&path).unwrap();
    assert_eq!(health(&env).await.code, 0);

    let truncated = &good[..good.len() / 2];
    let other_layer = {
        let mut value: serde_json::Value = serde_json::from_slice(&good).unwrap();
        let version = value
            .as_object()
            .and_then(|o| o.keys().find(|k| k.contains("version") || *k == "layer"))
            .cloned();
        if let Some(key) = version {
            value[&key] = json!(9999);
        } else {
            value["version"] = json!(9999);
        }
        serde_json::to_vec(&value).unwrap()
    };
    for (what, bytes) in [
        ("truncated", truncated.to_vec()),
        ("not JSON", b"\x00\x01garbage".to_vec()),
        ("empty", Vec::new()),
        ("another format version", other_layer),
    ] {
        std::fs::write(&path, &bytes).unwrap();
        let mut said = Vec::new();
        for args in [&["send", "me", "x"][..], &["search", "x"][..]] {
            let run = env.run(args).await;
            // A session error: exit 2, one line naming the file, why, and the fix.
            assert_eq!(run.code, 2, "{what}, {args:?}: {run:?}");
            assert!(run.stdout.is_empty(), "{what}, {args:?}: {run:?}");
            let message = run
                .stderr
                .trim_end()
                .strip_prefix("tgmcp: ")
                .unwrap_or_default();
            assert!(
                message.starts_with(&format!("session file {} ", path.display())),
                "{what}, {args:?}: {run:?}"
            );
            assert!(
                message.contains("it was left untouched — "),
                "{what}: {run:?}"
            );
            assert!(
                message.ends_with("run `tgmcp setup --overwrite` to log in again and replace it")
                    || message.ends_with("or run `tgmcp setup --overwrite` to replace it"),
                "{what}: {run:?}"
            );
            assert_eq!(run.stderr.lines().count(), 1, "{what}: {run:?}");
            said.push(message.to_owned());
        }
        assert_eq!(said[0], said[1], "{what}: one message for every command");
        // `health --json` reports the same in its checks, on stdout.
        let run = env.run(&["--json", "health"]).await;
        assert_eq!(run.code, 2, "{what}: {run:?}");
        let checks = run.json()["checks"].clone();
        let session = checks
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "session")
            .cloned()
            .unwrap_or_else(|| panic!("{what}: no session check: {run:?}"));
        assert_eq!(session["ok"], false, "{what}");
        assert_eq!(session["detail"], said[0].as_str(), "{what}");
        assert_eq!(run.json()["authorized"], false, "{what}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{what}: the damaged file is left as it was, for the user to inspect"
        );
    }
    std::fs::write(&path, &good).unwrap();
    assert_eq!(health(&env).await.code, 0, "the good session works again");
}

/// `tgmcp: cannot write the session file PATH: WHY — check its permissions and free disk
/// space`, and nothing else on stderr.
fn assert_session_write_refused(run: &Run, path: &std::path::Path) {
    let said = run.stderr.trim_end();
    assert!(
        said.starts_with(&format!(
            "tgmcp: cannot write the session file {}: ",
            path.display()
        )),
        "{run:?}"
    );
    assert!(
        said.ends_with(" — check its permissions and free disk space"),
        "{run:?}"
    );
    assert_eq!(said.lines().count(), 1, "{run:?}");
}

/// Makes a directory read-only for everyone, root included where the file system allows
/// it (`chattr +i`), else by its mode; undone when dropped.
struct ReadOnlyDir(std::path::PathBuf, bool);

impl ReadOnlyDir {
    fn new(dir: &std::path::Path) -> Self {
        let immutable = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !immutable {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o500)).unwrap();
        }
        Self(dir.to_owned(), immutable)
    }

    /// Whether writing is really refused here (root ignores the mode).
    fn enforced(&self) -> bool {
        let probe = self.0.join(".probe");
        let refused = std::fs::write(&probe, b"x").is_err();
        let _ = std::fs::remove_file(probe);
        refused
    }
}

impl Drop for ReadOnlyDir {
    fn drop(&mut self) {
        if self.1 {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.0)
                .status();
        } else {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o700));
        }
    }
}

#[tokio::test]
async fn a_read_only_profile_dir_is_a_clear_error_and_loses_nothing() {
    let (sandbox, env) = demo().await;
    let dir = env.profile_dir("default");
    let before = std::fs::read(env.session_path("default")).unwrap();
    let guard = ReadOnlyDir::new(&dir);
    if !guard.enforced() {
        panic!(
            "cannot make {} read-only on this machine (no chattr, running as root)",
            dir.display()
        );
    }
    // A new @username must be cached in the session, which cannot be written.
    let run = env.run(&["send", "@carol", "to a read-only profile"]).await;
    drop(guard);
    assert!(!run.stderr.contains("panicked"), "{run:?}");
    // The new @username cannot be kept, so nothing is sent: exit 2, naming the file.
    assert_eq!(copies(&sandbox, "to a read-only profile"), 0, "{run:?}");
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert_session_write_refused(&run, &env.session_path("default"));
    assert!(
        run.stderr.contains("Operation not permitted") || run.stderr.contains("Permission denied"),
        "and why: {run:?}"
    );
    assert_eq!(std::fs::read(env.session_path("default")).unwrap(), before);
    assert_eq!(
        health(&env).await.code,
        0,
        "writable again, the profile works"
    );
}

#[tokio::test]
async fn a_full_disk_during_a_session_write_loses_nothing() {
    let (sandbox, env) = demo().await;
    let path = env.session_path("default");
    let before = std::fs::read(&path).unwrap();
    // Files this process writes may not grow past a few bytes (RLIMIT_FSIZE), as on a
    // full disk; SIGXFSZ is ignored, so the write fails with an error instead of killing
    // the process. Sending to a new @username must cache it in the session.
    let run = env
        .run_with(&[], |cmd| {
            let program = cmd.as_std().get_program().to_owned();
            *cmd = env.command_for("bash");
            cmd.arg("-c")
                .arg(r#"trap "" XFSZ; exec prlimit --fsize=64 -- "$@""#)
                .arg("bash")
                .arg(program)
                .args(["send", "@carol", "written to a full disk"]);
        })
        .await;
    assert!(!run.stderr.contains("panicked"), "{run:?}");
    // The new @username cannot be kept, so nothing is sent: exit 2, naming the file.
    assert_eq!(copies(&sandbox, "written to a full disk"), 0, "{run:?}");
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert_session_write_refused(&run, &path);
    assert!(run.stderr.contains("File too large"), "and why: {run:?}");
    let after = std::fs::read(&path).unwrap();
    assert_eq!(after, before, "the old session is intact");
    let leftovers: Vec<_> = std::fs::read_dir(env.profile_dir("default"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no half-written files left: {leftovers:?}"
    );
    assert_eq!(health(&env).await.code, 0, "and the profile still works");
}

#[tokio::test]
async fn ten_processes_on_one_profile_each_send_exactly_once() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    server.ok("get_chat_info", json!({"chat_id": "me"})).await;

    for processes in [2usize, 10] {
        let runs = futures_util::future::join_all((0..processes).map(|i| {
            let env = &env;
            async move {
                let message = format!("{processes} at once: {i}");
                (env.run(&["send", "me", &message]).await, message)
            }
        }));
        // The server keeps working while the processes write the same session file.
        let (runs, _) = tokio::join!(
            within(120, runs),
            server.ok("search_messages_globally", json!({"query": "hike"}))
        );
        for (run, message) in runs {
            assert_eq!(run.code, 0, "{run:?}");
            assert_eq!(copies(&sandbox, &message), 1, "{message}");
        }
    }
    assert_eq!(server.stop().await, 0);
    let session: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.session_path("default")).unwrap())
            .expect("the session file is still valid JSON");
    assert!(session.is_object());
    assert_eq!(health(&env).await.code, 0, "and still works");
}

/// The Telegram requests an operation makes, by method.
type Requests = &'static [(&'static str, u64)];

/// Telegram requests per operation are deterministic, so they are asserted: a change
/// that adds a round trip fails here, with the requests it made.
#[tokio::test]
async fn round_trip_budgets_per_tool() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let sent = server
        .ok(
            "send_message",
            json!({"chat_id": "me", "message": "budget"}),
        )
        .await;
    let id = sent["message_ids"][0].as_i64().unwrap();

    const SEARCH_GLOBAL: &str = "messages.searchGlobal";
    const SEND: &str = "messages.sendMessage";
    let cases: [(&str, serde_json::Value, Requests); 14] = [
        (
            "search_messages_globally",
            json!({"query": "invoice"}),
            &[(SEARCH_GLOBAL, 1)],
        ),
        (
            "search_messages_globally",
            json!({"query": "invoice, hike, deploy"}),
            &[(SEARCH_GLOBAL, 3)],
        ),
        (
            "search_messages_in_chat",
            json!({"chat_id": "me", "query": "budget"}),
            &[("messages.search", 1)],
        ),
        (
            "search_messages_in_chat",
            json!({"chat_id": "me"}),
            &[("messages.search", 1)],
        ),
        (
            "read_messages",
            json!({"chat_id": "me", "message_ids": [id]}),
            &[("messages.getMessages", 1)],
        ),
        (
            "send_message",
            json!({"chat_id": "me", "message": "x"}),
            &[(SEND, 1)],
        ),
        (
            "edit_message",
            json!({"chat_id": "me", "message_id": id, "message": "y"}),
            &[("messages.editMessage", 1)],
        ),
        ("find_chats", json!({}), &[("messages.getDialogs", 1)]),
        (
            "find_chats",
            json!({"query": "bob"}),
            &[("contacts.search", 1)],
        ),
        (
            "get_chat_info",
            json!({"chat_id": "me"}),
            &[("users.getFullUser", 1)],
        ),
        // An unseen @username costs one resolution, once.
        (
            "send_message",
            json!({"chat_id": "@erin_ops", "message": "hi"}),
            &[("contacts.resolveUsername", 1), (SEND, 1)],
        ),
        (
            "send_message",
            json!({"chat_id": "@erin_ops", "message": "again"}),
            &[(SEND, 1)],
        ),
        (
            "get_chat_info",
            json!({"chat_id": "@erin_ops"}),
            &[("users.getFullUser", 1)],
        ),
        (
            "send_message_to_phone",
            json!({"phone_number": "+15550100002", "message": "hi"}),
            &[("contacts.resolvePhone", 1), (SEND, 1)],
        ),
    ];
    for (tool, args, expected) in cases {
        // Exact, not "at most": a stale cache answering with no request, or terms merged
        // into one request, fails as surely as an extra round trip.
        sandbox.stats().reset();
        server.ok(tool, args.clone()).await;
        let expected: BTreeMap<String, u64> = expected
            .iter()
            .map(|&(method, n)| (method.to_owned(), n))
            .collect();
        assert_eq!(
            sandbox.stats().snapshot(),
            expected,
            "{tool}({args}): the Telegram requests made"
        );
    }

    // The k requests of a k-term search are in flight together: every answer is held
    // back, so a client sending them one by one never has more than one out.
    sandbox.faults().set_delay(Duration::from_millis(500));
    sandbox.stats().reset();
    server
        .ok(
            "search_messages_globally",
            json!({"query": "invoice, hike, deploy"}),
        )
        .await;
    assert_eq!(sandbox.stats().count(SEARCH_GLOBAL), 3);
    assert_eq!(sandbox.stats().peak_in_flight(), 3);
    sandbox.faults().set_delay(Duration::ZERO);
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn round_trip_budgets_per_cli_run() {
    let (sandbox, env) = demo().await;
    // Connection set-up is one request (initConnection with help.getConfig).
    let cases: [(&[&str], Requests); 4] = [
        (
            &["send", "me", "from cron"],
            &[("help.getConfig", 1), ("messages.sendMessage", 1)],
        ),
        (
            &["--json", "search", "invoice"],
            &[("help.getConfig", 1), ("messages.searchGlobal", 1)],
        ),
        (
            &["--json", "search", "invoice, hike"],
            &[("help.getConfig", 1), ("messages.searchGlobal", 2)],
        ),
        // Set-up, the login check, the account, and one timed round trip for latency.
        (
            &["--json", "health"],
            &[
                ("help.getConfig", 1),
                ("updates.getState", 2),
                ("users.getUsers", 1),
            ],
        ),
    ];
    for (args, expected) in cases {
        sandbox.stats().reset();
        let run = env.run(args).await;
        assert_eq!(run.code, 0, "{run:?}");
        let expected: BTreeMap<String, u64> = expected
            .iter()
            .map(|&(method, n)| (method.to_owned(), n))
            .collect();
        assert_eq!(
            sandbox.stats().snapshot(),
            expected,
            "tgmcp {args:?}: the Telegram requests made"
        );
    }
}

#[tokio::test]
async fn a_download_follows_file_migrate_to_another_dc() {
    let sandbox = Sandbox::start_multi(World::demo(), &[2, 4])
        .await
        .expect("two DCs start");
    let me = sandbox.world().demo_user();
    let env = TestEnv::new();
    env.profile_at(&sandbox, "default", me).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    let content = "stored on DC 4\n".repeat(500);
    std::fs::write(&file, &content).unwrap();
    let downloads = dir.path().join("downloads");
    let server = start(
        &env,
        &["serve", "--download-dir", downloads.to_str().unwrap()],
    )
    .await;
    let sent = server
        .ok(
            "send_message",
            json!({"chat_id": "me", "message": "migrated", "files": file.to_str().unwrap()}),
        )
        .await;
    let id = sent["message_ids"][0].as_i64().unwrap();
    // Telegram moved the file to DC 4.
    {
        let mut world = sandbox.world();
        let file_id = match world.messages.iter().rev().find(|m| m.id == id as i32) {
            Some(tgmcp::sandbox::Message {
                media: Some(tgmcp::sandbox::Media::Document { id, .. }),
                ..
            }) => *id,
            other => panic!("no document in message {id}: {:?}", other.map(|m| &m.media)),
        };
        world.set_file_dc(file_id, 4);
    }
    let dc4 = sandbox.stats_on(4).expect("DC 4");
    dc4.reset();
    let saved = server
        .ok("download_media", json!({"chat_id": "me", "message_id": id}))
        .await;
    assert_eq!(
        std::fs::read_to_string(saved["path"].as_str().unwrap()).unwrap(),
        content
    );
    // DC 2 said FILE_MIGRATE_4; the login was exported there and imported on DC 4,
    // which then served the file.
    let on_2 = sandbox.stats_on(2).unwrap();
    assert!(on_2.count("upload.getFile") >= 1, "{:?}", on_2.snapshot());
    assert_eq!(
        on_2.count("auth.exportAuthorization"),
        1,
        "{:?}",
        on_2.snapshot()
    );
    assert_eq!(
        dc4.count("auth.importAuthorization"),
        1,
        "{:?}",
        dc4.snapshot()
    );
    assert!(dc4.count("upload.getFile") >= 1, "{:?}", dc4.snapshot());

    // A second download goes straight on: the login on DC 4 is kept.
    dc4.reset();
    server
        .ok("download_media", json!({"chat_id": "me", "message_id": id}))
        .await;
    assert_eq!(
        dc4.count("auth.importAuthorization"),
        0,
        "{:?}",
        dc4.snapshot()
    );
    assert_eq!(server.stop().await, 0);
}

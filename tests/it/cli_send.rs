//! `tgmcp send`, the real binary against an in-process sandbox: text from arguments and
//! stdin, long messages, formatting, replies, and the failures a cron job must be able to
//! tell apart by exit code (bad chat 1, not logged in 3, unreachable 4, flood waits),
//! including a send while `tgmcp serve` holds the same profile.

use std::process::Stdio;
use std::time::{Duration, Instant};

use grammers_tl_types as tl;
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use tgmcp::sandbox::{Peer, Sandbox, World};

use crate::common::{Run, TestEnv, within};
use crate::harness::Setup;

/// `tgmcp send …` with `stdin` piped in.
async fn send_stdin(env: &TestEnv, args: &[&str], stdin: &[u8]) -> Run {
    let args: Vec<&str> = std::iter::once("send")
        .chain(args.iter().copied())
        .collect();
    env.run_stdin(&args, stdin).await
}

async fn send(env: &TestEnv, args: &[&str]) -> Run {
    let args: Vec<&str> = std::iter::once("send")
        .chain(args.iter().copied())
        .collect();
    env.run(&args).await
}

#[tokio::test]
async fn sends_to_every_form_of_chat_and_prints_ids_and_links() {
    let f = Setup::demo().await;
    f.sandbox.stats().reset();
    let run = send(&f.env, &["me", "backup", "done"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let id: i32 = run.stdout.trim().parse().expect("one message id");
    let sent = f.last_sent(1);
    assert_eq!((sent[0].id, sent[0].text.as_str()), (id, "backup done"));
    assert_eq!(sent[0].to, Peer::User(f.me), "Saved Messages");
    assert_eq!(f.sandbox.stats().count("messages.sendMessage"), 1);

    // A public group: id and link.
    let run = send(&f.env, &["@rust_berlin", "hello Berlin"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let (id, link) = run.stdout.trim().split_once(' ').expect("id and link");
    assert_eq!(link, format!("https://t.me/rust_berlin/{id}"));

    // A t.me link, a bare username, a contact's phone, a marked id seen before.
    let chat_id = serde_json::from_str::<serde_json::Value>(
        &send(&f.env, &["--json", "https://t.me/rust_berlin", "via link"])
            .await
            .stdout,
    )
    .unwrap()["messages"][0]["chat"]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    for chat in ["bob_builder", "@carol", chat_id.as_str()] {
        let run = send(&f.env, &[chat, "hi", "from", chat]).await;
        assert_eq!(run.code, 0, "{chat}: {run:?}");
        assert_eq!(f.last_sent(1)[0].text, format!("hi from {chat}"));
    }
    let phone = f
        .sandbox
        .world()
        .users
        .values()
        .find(|u| u.first_name == "Dave")
        .unwrap()
        .phone
        .clone()
        .unwrap();
    let run = send(&f.env, &[&format!("+{phone}"), "hi Dave"]).await;
    assert_eq!(run.code, 0, "contacts by phone: {run:?}");
    assert_eq!(
        f.last_sent(1)[0].to,
        Peer::User(f.sandbox.world().user_by_phone(&phone).unwrap().id)
    );

    // Text that starts with a dash, after `--`; a negative number needs none.
    let run = send(&f.env, &["me", "--", "--verbose is a flag"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(f.last_sent(1)[0].text, "--verbose is a flag");
    let run = send(&f.env, &["me", "-5", "degrees"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(f.last_sent(1)[0].text, "-5 degrees");
}

#[tokio::test]
async fn json_prints_the_message_objects() {
    let f = Setup::demo().await;
    let run = send(&f.env, &["@rust_berlin", "json please", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let out = run.json();
    let id = out["message_ids"][0].as_i64().unwrap();
    assert_eq!(out["messages"][0]["id"].as_i64().unwrap(), id);
    assert_eq!(out["messages"][0]["text"], "json please");
    assert_eq!(out["messages"][0]["out"], true);
    assert_eq!(out["messages"][0]["chat"]["username"], "rust_berlin");
    assert_eq!(
        out["messages"][0]["link"],
        format!("https://t.me/rust_berlin/{id}")
    );
}

#[tokio::test]
async fn text_from_stdin_and_empty_stdin() {
    let f = Setup::demo().await;
    let run = send_stdin(&f.env, &["@bob_builder", "-"], b"line one\nline two\n").await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        f.last_sent(1)[0].text,
        "line one\nline two",
        "trailing newline dropped"
    );

    // No TEXT and stdin not a terminal: stdin.
    let run = send_stdin(&f.env, &["me"], "ünïcödé ✓".as_bytes()).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(f.last_sent(1)[0].text, "ünïcödé ✓");

    // Empty (or blank) stdin sends nothing, successfully, without connecting.
    f.sandbox.stats().reset();
    let before = f.message_count();
    for stdin in [&b""[..], b"\n", b"  \n\t\n"] {
        for args in [&["me"][..], &["me", "-"]] {
            let run = send_stdin(&f.env, args, stdin).await;
            assert_eq!(
                (run.code, run.stdout.as_str()),
                (0, ""),
                "{stdin:?} {args:?}: {run:?}"
            );
        }
    }
    let run = send(&f.env, &["me"]).await; // stdin is /dev/null
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(f.message_count(), before);
    assert_eq!(
        f.sandbox.stats().total(),
        0,
        "{:?}",
        f.sandbox.stats().snapshot()
    );

    let run = send_stdin(&f.env, &["me"], b"\xff\xfe not utf-8").await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("UTF-8"), "{run:?}");
    // An empty argument is a mistake, not an empty stdin.
    let run = send(&f.env, &["me", ""]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("empty"), "{run:?}");
}

#[tokio::test]
async fn long_messages_are_split_and_every_part_reported() {
    let f = Setup::demo().await;
    let paragraph = "All work and no play makes a long message. ".repeat(30);
    let text = [paragraph.trim(); 8].join("\n\n"); // 3 paragraphs fit in 4096 characters
    assert!(text.len() > 2 * 4096);
    let run = send_stdin(&f.env, &["me", "-"], text.as_bytes()).await;
    assert_eq!(run.code, 0, "{run:?}");
    let ids: Vec<i32> = run.stdout.lines().map(|l| l.parse().unwrap()).collect();
    assert_eq!(ids.len(), 3, "{run:?}");
    let sent = f.last_sent(3);
    assert_eq!(sent.iter().map(|m| m.id).collect::<Vec<_>>(), ids);
    assert!(sent.iter().all(|m| m.text.chars().count() <= 4096));
    let joined: String = sent
        .iter()
        .map(|m| m.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    assert_eq!(joined, text, "split at paragraphs, nothing lost");
}

#[tokio::test]
async fn a_part_that_fails_is_reported_and_nothing_is_resent() {
    let f = Setup::demo().await;
    let text = format!("{}\n\n{}", "a".repeat(4000), "b".repeat(4000));
    let before = f.message_count();
    // initConnection and the first part go through; the connection carrying the second
    // part drops before Telegram answers.
    f.sandbox.faults().drop_after(2);
    let run = send_stdin(&f.env, &["me", "-"], text.as_bytes()).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(run.stderr.contains("sent 1 of 2 parts"), "{run:?}");
    assert_eq!(
        f.message_count(),
        before + 1,
        "the first part only, never resent"
    );
    assert_eq!(f.last_sent(1)[0].text, "a".repeat(4000));
}

#[tokio::test]
async fn markdown_html_reply_silent_no_preview() {
    let f = Setup::demo().await;
    let run = send(&f.env, &["me", "--markdown", "**bold** and `code`"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let sent = &f.last_sent(1)[0];
    assert_eq!(sent.text, "bold and code");
    assert!(
        matches!(
            sent.entities.as_slice(),
            [tl::enums::MessageEntity::Bold(b), tl::enums::MessageEntity::Code(c)]
                if (b.offset, b.length, c.offset, c.length) == (0, 4, 9, 4)
        ),
        "{:?}",
        sent.entities
    );

    let run = send(
        &f.env,
        &[
            "me",
            "--html",
            "<i>it</i> &amp; <a href=\"https://example.invalid\">link</a>",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let sent = &f.last_sent(1)[0];
    assert_eq!(sent.text, "it & link");
    assert!(
        matches!(sent.entities[0], tl::enums::MessageEntity::Italic(_)),
        "{:?}",
        sent.entities
    );
    assert!(
        matches!(&sent.entities[1], tl::enums::MessageEntity::TextUrl(u) if u.url == "https://example.invalid")
    );

    // Without a flag, markup is text.
    let run = send(&f.env, &["me", "**not bold**"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(f.last_sent(1)[0].text, "**not bold**");
    assert!(f.last_sent(1)[0].entities.is_empty());

    let target = f.last_sent(1)[0].id.to_string();
    f.sandbox.stats().record_requests(true);
    let run = send(
        &f.env,
        &[
            "me",
            "--reply-to",
            &target,
            "--silent",
            "--no-preview",
            "a reply",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(f.last_sent(1)[0].reply_to, Some(target.parse().unwrap()));
    // The flags reach Telegram (the world does not keep them: read the request).
    let sent = crate::requests::send_message_requests(&f.sandbox);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].silent && sent[0].no_webpage, "{:?}", sent[0]);
    f.sandbox.stats().record_requests(true);
    let run = send(&f.env, &["me", "loud, with a preview"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let sent = crate::requests::send_message_requests(&f.sandbox);
    assert!(!sent[0].silent && !sent[0].no_webpage, "{:?}", sent[0]);
}

#[tokio::test]
async fn bad_chats_exit_1_naming_the_chat() {
    let f = Setup::demo().await;
    let before = f.message_count();
    for chat in [
        "@nobody_here_at_all",
        "123456789",
        "-1009999999",
        "+15559999999",
        "https://t.me/nobody_here_at_all",
    ] {
        let run = send(&f.env, &[chat, "hello?"]).await;
        assert_eq!(run.code, 1, "{chat}: {run:?}");
        let named = chat
            .trim_start_matches("https://t.me/")
            .trim_start_matches('@');
        let masked = chat.starts_with('+');
        assert!(
            run.stderr.contains(named) || (masked && run.stderr.contains("+1555")),
            "{chat} named: {run:?}"
        );
        assert!(run.stdout.is_empty());
    }
    // A name no chat has is a chat not found; a malformed @username is bad usage.
    for (chat, code) in [
        ("not a chat!", 1),
        ("@not a chat!", 2),
        ("https://t.me/+invite", 2),
    ] {
        let run = send(&f.env, &[chat, "x"]).await;
        assert_eq!(run.code, code, "{chat}: {run:?}");
    }
    assert_eq!(f.message_count(), before);
}

#[tokio::test]
async fn not_logged_in_exits_3_and_sends_nothing() {
    let f = Setup::demo().await;
    let run = send(&f.env, &["--profile", "nobody", "me", "hi"]).await;
    assert_eq!(run.code, 3, "no session: {run:?}");
    assert!(
        run.stderr.contains("tgmcp --profile nobody setup"),
        "{run:?}"
    );

    // A session Telegram does not accept (logged out, revoked).
    f.env.profile_at(&f.sandbox, "revoked", None).await;
    let before = f.message_count();
    let run = send(&f.env, &["--profile", "revoked", "me", "hi"]).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(f.message_count(), before);
}

#[tokio::test]
async fn unreachable_telegram_exits_4_within_the_timeout() {
    let env = TestEnv::new();
    // A DC that is gone: the connection is refused.
    let gone = Sandbox::start(World::demo()).await.unwrap();
    let me = gone.world().demo_user().unwrap();
    env.profile_at(&gone, "gone", Some(me)).await;
    drop(gone);
    let started = Instant::now();
    let run = send(&env, &["--profile", "gone", "me", "hi"]).await;
    assert_eq!(run.code, 4, "{run:?}");
    assert!(run.stderr.contains("nothing was sent"), "{run:?}");
    assert!(started.elapsed() < Duration::from_secs(10));

    // A DC that accepts connections and never answers.
    let silent = Sandbox::start(World::demo()).await.unwrap();
    env.profile_at(&silent, "silent", Some(me)).await;
    silent.faults().set_delay(Duration::from_secs(3600));
    let started = Instant::now();
    let run = send(&env, &["--profile", "silent", "me", "hi", "--timeout", "2"]).await;
    let took = started.elapsed();
    assert_eq!(run.code, 4, "{run:?}");
    assert!(run.stderr.contains("within 2 s"), "{run:?}");
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(6),
        "{took:?}"
    );
    assert_eq!(silent.stats().count("messages.sendMessage"), 0);
}

#[tokio::test]
async fn short_flood_waits_are_waited_out_long_ones_exit_1() {
    let f = Setup::demo().await;
    f.sandbox
        .faults()
        .flood_wait("messages.sendMessage", 2, Some(1));
    let started = Instant::now();
    let run = send(&f.env, &["me", "after the wait"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert!(run.stderr.contains("wait 2 s"), "a note on stderr: {run:?}");
    assert_eq!(f.last_sent(1)[0].text, "after the wait");

    // Longer than --timeout but within --max-wait: still waited, not a timeout.
    f.sandbox
        .faults()
        .flood_wait("messages.sendMessage", 3, Some(1));
    let run = send(
        &f.env,
        &["me", "patience", "--timeout", "1", "--max-wait", "5"],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(f.last_sent(1)[0].text, "patience");

    // Longer than --max-wait: exit 1 at once, naming the wait; nothing sent.
    let before = f.message_count();
    f.sandbox
        .faults()
        .flood_wait("messages.sendMessage", 120, Some(1));
    let started = Instant::now();
    let run = send(&f.env, &["me", "too soon"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("wait 120 s"), "{run:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(f.message_count(), before);

    // Several waits count together against --max-wait.
    f.sandbox
        .faults()
        .flood_wait("messages.sendMessage", 2, Some(2));
    let run = send(&f.env, &["me", "x", "--max-wait", "3"]).await;
    assert_eq!(run.code, 1, "2 s + 2 s > 3 s: {run:?}");
}

#[tokio::test]
async fn send_while_serve_holds_the_profile() {
    let f = Setup::demo().await;
    let mut child = f
        .env
        .command()
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let transport = (child.stdout.take().unwrap(), child.stdin.take().unwrap());
    let client = within(30, ().serve(transport))
        .await
        .expect("MCP handshake");
    let call = |text: &str| {
        let arguments = serde_json::json!({"chat_id": "me", "message": text});
        let serde_json::Value::Object(arguments) = arguments else {
            unreachable!()
        };
        client.call_tool(CallToolRequestParams::new("send_message").with_arguments(arguments))
    };
    let result = within(30, call("from serve, before")).await.unwrap();
    assert_ne!(result.is_error, Some(true), "{result:?}");

    let env = &f.env;
    let runs = futures_util::future::join_all(
        (0..3).map(|i| async move { send(env, &["me", &format!("from cron {i}")]).await }),
    )
    .await;
    for run in &runs {
        assert_eq!(run.code, 0, "{run:?}");
    }
    let result = within(30, call("from serve, after")).await.unwrap();
    assert_ne!(result.is_error, Some(true), "{result:?}");

    let mut texts: Vec<String> = f.last_sent(5).into_iter().map(|m| m.text).collect();
    texts[1..4].sort();
    assert_eq!(
        texts,
        [
            "from serve, before",
            "from cron 0",
            "from cron 1",
            "from cron 2",
            "from serve, after"
        ]
    );
    let _ = client.cancel().await;
    let _ = within(10, child.wait()).await;
    let session = tgmcp::telegram::FileSession::open(f.env.session_path("default"))
        .expect("session still valid");
    assert_eq!(session.self_user_id(), Some(f.me));
}

#[tokio::test]
async fn usage_errors_exit_2() {
    let f = Setup::demo().await;
    f.sandbox.stats().reset();
    let cases: &[(&[&str], &str)] = &[
        (&[], "CHAT"),
        (&["me", "x", "--markdown", "--html"], "--html"),
        (&["me", "x", "--reply-to", "0"], "--reply-to"),
        (&["me", "x", "--timeout", "0"], "--timeout"),
        (&["me", "x", "--max-wait", "soon"], "--max-wait"),
    ];
    for (args, needle) in cases {
        let run = send(&f.env, args).await;
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(needle), "{args:?}: {run:?}");
    }
    assert_eq!(f.sandbox.stats().total(), 0);
}

#[tokio::test]
async fn reply_to_takes_a_message_link_in_the_same_chat_only() {
    let f = Setup::demo().await;
    // A link to message 10 of @rust_berlin, replying in @rust_berlin.
    let run = send(
        &f.env,
        &[
            "@rust_berlin",
            "--reply-to",
            "https://t.me/rust_berlin/10",
            "about that",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let [reply] = f.last_sent(1).try_into().unwrap();
    assert_eq!(
        (reply.text.as_str(), reply.reply_to),
        ("about that", Some(10))
    );

    // The same link while sending elsewhere: refused, nothing sent.
    let count = f.message_count();
    let run = send(
        &f.env,
        &["me", "--reply-to", "https://t.me/rust_berlin/10", "oops"],
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("the message --reply-to links to is in @rust_berlin, not in me"),
        "{run:?}"
    );
    assert_eq!(f.message_count(), count, "nothing was sent");

    // Neither an id nor a message link: a usage error.
    let run = send(
        &f.env,
        &["me", "--reply-to", "https://t.me/rust_berlin", "x"],
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("message link such as"), "{run:?}");
}

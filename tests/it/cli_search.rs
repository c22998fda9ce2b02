//! `tgmcp search`, the real binary against an in-process sandbox with a world of fixed
//! dates: the table (snapshots at a fixed width), the tool's JSON, JSON Lines, every
//! filter, paging to the end, and the grep-like exit codes.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tgmcp::sandbox::{ChannelSpec, Media, MessageSpec, Peer, UserSpec, World};
use tgmcp::telegram::{ConnectOptions, FileSession, GlobalSearch, Telegram};
use tokio::io::AsyncBufReadExt;

use crate::common::{API_ID, Run, TestEnv, within};
use crate::harness::{Setup, unix_now};

/// 2024-05-01T10:00:00Z.
const BASE: i32 = 1_714_557_600;
const MINUTE: i32 = 60;
const HOUR: i32 = 3_600;
const DAY: i32 = 86_400;
/// Messages in the "Rust Berlin" supergroup, enough for more than one page.
const GROUP_MESSAGES: usize = 130;

/// A small world whose every date is fixed, so rendered output can be compared byte for
/// byte. Returns it and the logged-in account.
fn world() -> (World, i64) {
    let mut w = World::new();
    let me = w.add_user(
        UserSpec::new("Alex")
            .last_name("Demo")
            .username("alex_demo")
            .phone("+15550100001"),
    );
    let bob = w.add_user(
        UserSpec::new("Bob")
            .last_name("Builder")
            .username("bob_builder"),
    );
    let carol = w.add_user(UserSpec::new("Carol").username("carol_k"));
    w.add_contact(me, bob);
    w.add_contact(me, carol);
    let group = w.add_channel(ChannelSpec {
        title: "Rust Berlin".into(),
        username: Some("rust_berlin".into()),
        broadcast: false,
        creator: carol,
        members: vec![me, bob],
        about: None,
    });
    let news = w.add_channel(ChannelSpec {
        title: "Sandbox News".into(),
        username: Some("sandbox_news".into()),
        broadcast: true,
        creator: carol,
        members: vec![me],
        about: None,
    });
    let hike = w.add_group("Weekend hike", carol, &[me, bob]);

    // In time order, as Telegram numbers them.
    for i in 0..GROUP_MESSAGES as i32 {
        let from = if i % 2 == 0 { bob } else { carol };
        let at = BASE - 10 * DAY + i * MINUTE;
        w.add_message(
            MessageSpec::new(from, Peer::Channel(group), &format!("async note {i}")).at(at),
        );
    }
    w.add_message(
        MessageSpec::new(
            carol,
            Peer::Chat(hike),
            "Hike on Saturday, meeting at 8 at the station",
        )
        .at(BASE - 2 * DAY),
    );
    w.add_message(
        MessageSpec::new(bob, Peer::User(me), "Here is the invoice for April")
            .at(BASE - DAY)
            .media(Media::Document {
                id: 1,
                file_name: "invoice-april.pdf".into(),
                mime_type: "application/pdf".into(),
                size: 48_213,
            }),
    );
    w.add_message(
        MessageSpec::new(me, Peer::User(bob), "Thanks, the invoice\nlooks right")
            .at(BASE - DAY + HOUR),
    );
    w.add_message(
        MessageSpec::post(news, "Weekly digest: invoice tooling, async traits and a long line that will not fit the width")
            .at(BASE - 5 * HOUR),
    );
    w.add_message(
        MessageSpec::new(
            carol,
            Peer::Channel(group),
            "Größenoptimierung: 日本語のテキスト 😀 and the invoice",
        )
        .at(BASE - 4 * HOUR),
    );
    w.add_message(
        MessageSpec::new(
            bob,
            Peer::Channel(group),
            "The invoice for the venue is paid",
        )
        .at(BASE - 3 * HOUR),
    );
    w.add_message(
        MessageSpec::new(
            carol,
            Peer::Channel(group),
            "Meetup on Thursday: who brings the projector?",
        )
        .at(BASE - 2 * HOUR),
    );
    (w, me)
}

/// A logged-in profile against a sandbox of [`world`].
async fn setup() -> Setup {
    let (world, me) = world();
    Setup::logged_in(world, me).await
}

/// `tgmcp search …` at a fixed width, in UTC.
async fn search(env: &TestEnv, args: &[&str]) -> Run {
    let args: Vec<&str> = std::iter::once("search")
        .chain(args.iter().copied())
        .collect();
    env.run_with(&args, |c| {
        c.env("COLUMNS", "100").env("TZ", "UTC");
    })
    .await
}

/// Compares `actual` with `tests/it/snapshots/<name>`; `UPDATE_SNAPSHOTS=1` rewrites it.
fn snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/snapshots")
        .join(name);
    crate::golden::compare(&path, actual, "UPDATE_SNAPSHOTS", "with UPDATE_SNAPSHOTS=1");
}

fn jsonl(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

fn texts(messages: &[Value]) -> Vec<&str> {
    messages
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn table_snapshots_at_a_fixed_width() {
    let f = setup().await;
    let env = &f.env;
    let run = search(env, &["invoice"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");
    snapshot("search_invoice.txt", &run.stdout);

    let run = search(env, &["--chat", "@rust_berlin", "-n", "5"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    snapshot("search_chat_latest.txt", &run.stdout);

    // Narrow: names shrink, then links go, and nothing passes the edge.
    let run = env
        .run_with(&["search", "invoice"], |c| {
            c.env("COLUMNS", "60").env("TZ", "UTC");
        })
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.lines().all(|l| l.chars().count() <= 60),
        "{run:?}"
    );
    snapshot("search_invoice_narrow.txt", &run.stdout);

    // Dates are shown in the local time zone.
    let run = env
        .run_with(&["search", "projector"], |c| {
            c.env("COLUMNS", "100").env("TZ", "Asia/Tokyo");
        })
        .await;
    assert!(run.stdout.contains("2024-05-01 17:00"), "{run:?}");
}

#[tokio::test]
async fn json_is_what_the_tool_returns_and_jsonl_one_message_a_line() {
    let f = setup().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let run = search(env, &["invoice", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let cli = run.json();
    snapshot(
        "search_invoice.json",
        &format!("{}\n", serde_json::to_string_pretty(&cli).unwrap()),
    );

    // The core's answer for the same request, which is the MCP tool's structured content.
    let other = TestEnv::new();
    let me = sandbox
        .world()
        .users
        .values()
        .find(|u| u.username.as_deref() == Some("alex_demo"))
        .unwrap()
        .id;
    other.profile_at(sandbox, "default", Some(me)).await;
    let session = Arc::new(FileSession::open(other.session_path("default")).unwrap());
    let tg = Telegram::open(
        session,
        ConnectOptions {
            api_id: API_ID,
            timeout: Duration::from_secs(10),
            ..ConnectOptions::default()
        },
    );
    let page = within(
        10,
        tg.search_global(GlobalSearch {
            query: "invoice".into(),
            limit: 20,
            ..GlobalSearch::default()
        }),
    )
    .await
    .unwrap();
    assert_eq!(cli, serde_json::to_value(&page).unwrap());
    let _ = tg.close().await;

    let run = search(env, &["invoice", "--jsonl"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(jsonl(&run), cli["messages"].as_array().unwrap().clone());
    // --jsonl wins over --json (and TGMCP_JSON).
    let run = search(env, &["invoice", "--jsonl", "--json"]).await;
    assert_eq!(jsonl(&run).len(), 5, "{run:?}");
}

#[tokio::test]
async fn no_match_is_exit_1_and_empty_unless_json() {
    let f = setup().await;
    let env = &f.env;
    for args in [
        &["zebra"][..],
        &["zebra", "--jsonl"],
        &["--chat", "@rust_berlin", "zebra"],
    ] {
        let run = search(env, args).await;
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (1, ""),
            "{args:?}: {run:?}"
        );
        assert!(
            !run.stderr.contains("tgmcp:"),
            "no error, just no match: {run:?}"
        );
    }
    let run = search(env, &["zebra", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let page = run.json();
    assert_eq!(page["messages"], serde_json::json!([]), "{run:?}");
    assert_eq!(page["has_more"], false, "{run:?}");
}

#[tokio::test]
async fn every_filter() {
    let f = setup().await;
    let (sandbox, env) = (&f.sandbox, &f.env);

    // Comma-separated terms: messages matching either.
    let run = search(env, &["projector, hike", "--jsonl"]).await;
    assert_eq!(
        texts(&jsonl(&run)),
        [
            "Meetup on Thursday: who brings the projector?",
            "Hike on Saturday, meeting at 8 at the station"
        ],
        "{run:?}"
    );

    // --type narrows a global search to one kind of chat.
    let kinds = |run: &Run| -> HashSet<String> {
        jsonl(run)
            .iter()
            .map(|m| m["chat"]["type"].as_str().unwrap().to_owned())
            .collect()
    };
    for (kind, expect) in [("private", 2), ("group", 2), ("channel", 1)] {
        let run = search(env, &["invoice", "--type", kind, "--jsonl"]).await;
        assert_eq!(run.code, 0, "{run:?}");
        assert_eq!(jsonl(&run).len(), expect, "{kind}: {run:?}");
        assert_eq!(kinds(&run), HashSet::from([kind.to_owned()]), "{run:?}");
    }

    // --since/--until: ISO dates (a bare --until date includes its whole day) and times.
    let run = search(
        env,
        &["invoice", "--since", "2024-04-30T12:00:00Z", "--jsonl"],
    )
    .await;
    assert_eq!(jsonl(&run).len(), 3, "{run:?}");
    let run = search(env, &["invoice", "--until", "2024-04-30", "--jsonl"]).await;
    assert_eq!(
        texts(&jsonl(&run)),
        [
            "Thanks, the invoice\nlooks right",
            "Here is the invoice for April"
        ],
        "{run:?}"
    );
    let run = search(
        env,
        &[
            "invoice",
            "--since",
            "2024-05-01T06:30",
            "--until",
            "2024-05-01T07:30",
            "--jsonl",
        ],
    )
    .await;
    assert_eq!(
        texts(&jsonl(&run)),
        ["The invoice for the venue is paid"],
        "{run:?}"
    );

    // --chat with --from: one person's messages in one chat.
    let run = search(
        env,
        &[
            "--chat",
            "@rust_berlin",
            "--from",
            "@carol_k",
            "invoice",
            "--jsonl",
        ],
    )
    .await;
    assert_eq!(
        texts(&jsonl(&run)),
        ["Größenoptimierung: 日本語のテキスト 😀 and the invoice"],
        "{run:?}"
    );
    let run = search(
        env,
        &[
            "--chat",
            "rust_berlin",
            "--from",
            "carol_k",
            "-n",
            "3",
            "--jsonl",
        ],
    )
    .await;
    let messages = jsonl(&run);
    assert_eq!(messages.len(), 3, "{run:?}");
    assert!(
        messages
            .iter()
            .all(|m| m["sender"]["username"] == "carol_k"),
        "{run:?}"
    );

    // --chat takes every form the tools take: a link, a marked id.
    let id = jsonl(&run)[0]["chat"]["id"].as_i64().unwrap().to_string();
    for chat in ["https://t.me/rust_berlin", id.as_str()] {
        let run = search(env, &["--chat", chat, "projector", "--jsonl"]).await;
        assert_eq!(jsonl(&run).len(), 1, "{chat}: {run:?}");
    }
    let run = search(env, &["--chat", "me", "--jsonl"]).await;
    assert_eq!(run.code, 1, "Saved Messages is empty: {run:?}");

    // --limit.
    let run = search(env, &["--chat", "@rust_berlin", "--limit", "7", "--jsonl"]).await;
    assert_eq!(jsonl(&run).len(), 7, "{run:?}");
    assert!(sandbox.stats().count("messages.search") > 0);
}

#[tokio::test]
async fn relative_dates_count_back_from_now() {
    let mut w = World::new();
    let me = w.add_user(UserSpec::new("Alex").username("alex_demo"));
    let bob = w.add_user(UserSpec::new("Bob").username("bob_builder"));
    let now = unix_now() as i32;
    // "Earlier today" stays today (UTC, the zone `search` runs in) even just after
    // midnight, so `--until yesterday` and `--since today` have one right answer.
    let earlier_today = (2 * HOUR).min(now % DAY / 2);
    for (ago, text) in [
        (20 * DAY, "report three weeks ago"),
        (3 * DAY, "report three days ago"),
        (earlier_today, "report earlier today"),
    ] {
        w.add_message(MessageSpec::new(bob, Peer::User(me), text).at(now - ago));
    }
    let f = Setup::logged_in(w, me).await;
    let env = &f.env;

    let count = |run: &Run| jsonl(run).len();
    assert_eq!(
        count(&search(env, &["report", "--since", "12h", "--jsonl"]).await),
        1
    );
    assert_eq!(
        count(&search(env, &["report", "--since", "7d", "--jsonl"]).await),
        2
    );
    assert_eq!(
        count(&search(env, &["report", "--since", "4w", "--jsonl"]).await),
        3
    );
    assert_eq!(
        count(&search(env, &["report", "--until", "1w", "--jsonl"]).await),
        1
    );
    let run = search(
        env,
        &["report", "--since", "2w", "--until", "yesterday", "--jsonl"],
    )
    .await;
    assert_eq!(texts(&jsonl(&run)), ["report three days ago"], "{run:?}");
    assert_eq!(
        count(&search(env, &["report", "--since", "today", "--jsonl"]).await),
        1
    );
    assert_eq!(
        count(&search(env, &["report", "--since", "yesterday", "--jsonl"]).await),
        1
    );
}

#[tokio::test]
async fn all_pages_to_the_end_and_cursor_continues() {
    let f = setup().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let total = GROUP_MESSAGES + 3;

    sandbox.stats().reset();
    let run = search(env, &["--chat", "@rust_berlin", "--all", "--jsonl"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let messages = jsonl(&run);
    assert_eq!(messages.len(), total, "{run:?}");
    let ids: Vec<i64> = messages.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
    // Pages of 100: two would do, but the core asks once more when the last page is
    // short (it compares a page's size with the overall count).
    assert!(
        sandbox.stats().count("messages.search") <= 3,
        "pages of 100: {:?}",
        sandbox.stats().snapshot()
    );
    assert!(
        !run.stderr.contains("searching"),
        "no spinner without a terminal: {run:?}"
    );

    // --json --all: one page holding everything, with nothing left.
    let run = search(env, &["--chat", "@rust_berlin", "--all", "--json"]).await;
    let page = run.json();
    assert_eq!(page["messages"].as_array().unwrap().len(), total);
    assert_eq!(page["has_more"], false);
    assert!(page.get("cursor").is_none());

    // A --limit over one page pages too, and stops there.
    let run = search(env, &["--chat", "@rust_berlin", "--limit", "120", "--json"]).await;
    let first = run.json();
    assert_eq!(first["messages"].as_array().unwrap().len(), 120);
    assert_eq!(first["has_more"], true);
    let cursor = first["cursor"].as_str().unwrap();
    let run = search(
        env,
        &["--chat", "@rust_berlin", "--cursor", cursor, "--jsonl"],
    )
    .await;
    let rest = jsonl(&run);
    assert_eq!(rest.len(), total - 120, "{run:?}");
    let last_seen = first["messages"][119]["id"].as_i64().unwrap();
    assert!(rest.iter().all(|m| m["id"].as_i64().unwrap() < last_seen));

    // A cursor belongs to its own search.
    let run = search(env, &["invoice", "--cursor", cursor]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("cursor"), "{run:?}");
}

#[tokio::test]
async fn spinner_and_table_at_a_terminal() {
    let f = setup().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    sandbox.faults().set_delay(Duration::from_millis(300));
    let out = env
        .run_at_terminal_with(
            &serde_json::json!([]),
            &["search", "--chat", "@rust_berlin", "--all"],
            |c| {
                c.env("TZ", "UTC");
            },
        )
        .await;
    let transcript = &out.stdout;
    assert_eq!(out.code, 0, "{transcript}");
    assert!(
        transcript.contains("searching…"),
        "a spinner at a terminal: {transcript}"
    );
    assert!(transcript.contains("async note 0"), "{transcript}");
    assert!(transcript.contains("DATE "), "{transcript}");
}

#[tokio::test]
async fn usage_errors_exit_2_before_connecting() {
    let f = setup().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    sandbox.stats().reset();
    let cases: &[(&[&str], &str)] = &[
        (&[], "QUERY"),
        (&["x", "--from", "@carol_k"], "--chat"),
        (&["x", "--chat", "me", "--type", "group"], "--type"),
        (&["x", "--all", "--limit", "5"], "--all"),
        (&["x", "--limit", "0"], "--limit"),
        (&["x", "--type", "supergroup"], "supergroup"),
        (&["x", "--since", "last tuesday"], "--since"),
        (&["x", "--until", "7y"], "--until"),
        (
            &["x", "--since", "2024-05-02", "--until", "2024-05-01"],
            "swap",
        ),
        (&[" , "], "empty"),
    ];
    for (args, needle) in cases {
        let run = search(env, args).await;
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains(needle),
            "{args:?} should mention {needle}: {run:?}"
        );
        assert!(run.stdout.is_empty());
    }
    assert_eq!(
        sandbox.stats().total(),
        0,
        "{:?}",
        sandbox.stats().snapshot()
    );
}

#[tokio::test]
async fn bad_chat_not_logged_in_and_closed_pipe() {
    let f = setup().await;
    let env = &f.env;
    let run = search(env, &["--chat", "@nobody_here", "x"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("@nobody_here"), "{run:?}");

    let run = search(env, &["--profile", "other", "invoice"]).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stderr.contains("tgmcp --profile other setup"),
        "{run:?}"
    );

    // `| head -1`: the rest is dropped quietly, with exit 0.
    let mut child = env
        .command()
        .args(["search", "--chat", "@rust_berlin", "--all", "--jsonl"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = within(20, lines.next_line())
        .await
        .unwrap()
        .expect("a line");
    assert!(first.starts_with('{'));
    drop(lines);
    let out = within(20, child.wait_with_output()).await.unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

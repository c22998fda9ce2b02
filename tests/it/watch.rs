//! New messages as they arrive: `wait_for_messages` over a real `tgmcp serve`, with the
//! messages sent by a second sandbox user (another `tgmcp` process, or a test client).

use std::time::{Duration, Instant};

use grammers_client::tl;
use serde_json::{Value, json};
use tgmcp::sandbox::{Peer, Sandbox};

use crate::common::{TestClient, TestEnv, connect, within};
use crate::mcp::{demo, start};

/// Bob, logged in to the sandbox in a test client (a second account, another device).
async fn bob(sandbox: &Sandbox) -> (TestClient, i64) {
    user(sandbox, "bob_builder").await
}

pub(crate) async fn user(sandbox: &Sandbox, username: &str) -> (TestClient, i64) {
    let id = sandbox
        .world()
        .user_by_username(username)
        .expect("the user exists")
        .id;
    let client = connect(sandbox, sandbox.authorized_key(id));
    within(10, client.client.get_me()).await.expect("logs in");
    (client, id)
}

/// Bob sends `text` to Alex (the demo account).
pub(crate) async fn bob_says(sandbox: &Sandbox, bob: &TestClient, text: &str) {
    let alex = sandbox.world().demo_user().expect("demo user");
    let peer = sandbox
        .world()
        .input_peer(Peer::User(alex))
        .expect("alex exists");
    let request = tl::functions::messages::SendMessage {
        no_webpage: true,
        silent: false,
        background: false,
        clear_draft: false,
        noforwards: false,
        update_stickersets_order: false,
        invert_media: false,
        allow_paid_floodskip: false,
        peer,
        reply_to: None,
        message: text.to_owned(),
        random_id: rand_id(),
        reply_markup: None,
        entities: None,
        schedule_date: None,
        send_as: None,
        quick_reply_shortcut: None,
        effect: None,
        allow_paid_stars: None,
        suggested_post: None,
        rich_message: None,
        schedule_repeat_period: None,
    };
    within(10, bob.client.invoke(&request))
        .await
        .expect("bob's message is sent");
}

fn rand_id() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static NEXT: AtomicI64 = AtomicI64::new(0x5eed_0000);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn texts(answer: &Value) -> Vec<String> {
    answer["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect()
}

/// The newest message id of Alex's chat with Bob.
async fn last_id(server: &crate::mcp::Server) -> i64 {
    let page = server
        .ok(
            "search_messages_in_chat",
            json!({"chat_id": "@bob_builder", "limit": 1}),
        )
        .await;
    page["messages"][0]["id"].as_i64().unwrap_or(0)
}

/// `tgmcp --profile bob send @alex_demo TEXT`: a message from another process.
async fn send_from_bob_process(env: &TestEnv, text: &str) {
    let run = env
        .run(&["--profile", "bob", "send", "@alex_demo", text])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
}

#[tokio::test]
async fn a_message_from_another_process_reaches_a_waiting_call_once() {
    let (sandbox, env) = demo().await;
    let bob = sandbox.world().user_by_username("bob_builder").unwrap().id;
    env.profile_at(&sandbox, "bob", Some(bob)).await;
    let server = start(&env, &["serve"]).await;
    let since = last_id(&server).await;

    let wait = server.ok(
        "wait_for_messages",
        json!({"chat_id": "@bob_builder", "since_message_id": since, "timeout_s": 30, "quiet_s": 0.5}),
    );
    let send = async {
        // Give the wait a head start, so the message usually arrives while it waits
        // (since_message_id makes it exact either way).
        tokio::time::sleep(Duration::from_millis(300)).await;
        send_from_bob_process(&env, "ping from another process").await;
    };
    let (answer, ()) = tokio::join!(wait, send);
    assert_eq!(texts(&answer), ["ping from another process"], "{answer}");
    let message = &answer["messages"][0];
    assert_eq!(message["sender"]["username"], "bob_builder", "{message}");
    assert_eq!(message["chat"]["title"], "Bob Builder", "{message}");

    // Once: a wait from that message on sees nothing more.
    let id = message["id"].as_i64().unwrap();
    let again = server
        .ok(
            "wait_for_messages",
            json!({"chat_id": "@bob_builder", "since_message_id": id, "timeout_s": 1}),
        )
        .await;
    assert_eq!(texts(&again), Vec::<String>::new());
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn a_wait_across_a_dropped_connection_loses_nothing() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    // Starts the stream of new messages.
    let empty = server
        .ok("wait_for_messages", json!({"timeout_s": 1}))
        .await;
    assert_eq!(texts(&empty), Vec::<String>::new());
    let differences = sandbox.stats().count("updates.getDifference");

    let wait = server.ok(
        "wait_for_messages",
        json!({"chat_id": "@bob_builder", "timeout_s": 30, "quiet_s": 1}),
    );
    let drop_then_send = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(sandbox.drop_connections() > 0, "the server was connected");
        // Sent while the server finds out and catches up with getDifference.
        let (bob, _) = bob(&sandbox).await;
        bob_says(&sandbox, &bob, "sent while you were away").await;
    };
    let (answer, ()) = tokio::join!(wait, drop_then_send);
    assert_eq!(texts(&answer), ["sent while you were away"], "{answer}");
    assert!(
        sandbox.stats().count("updates.getDifference") > differences,
        "the gap was filled by getDifference"
    );
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn a_burst_comes_back_as_one_answer_after_the_quiet_period() {
    let (sandbox, env) = demo().await;
    let (bob, _) = bob(&sandbox).await;
    let server = start(&env, &["serve"]).await;
    let since = last_id(&server).await;
    let wait = server.ok(
        "wait_for_messages",
        json!({"chat_id": "@bob_builder", "since_message_id": since, "timeout_s": 60}),
    );
    let burst = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        for i in 1..=10 {
            bob_says(&sandbox, &bob, &format!("burst {i}")).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let (answer, ()) = tokio::join!(wait, burst);
    let expected: Vec<String> = (1..=10).map(|i| format!("burst {i}")).collect();
    assert_eq!(texts(&answer), expected, "{answer}");
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn a_wait_with_nothing_new_answers_empty_at_its_timeout() {
    let (_sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let started = Instant::now();
    let answer = server
        .ok(
            "wait_for_messages",
            json!({"chat_id": "@bob_builder", "timeout_s": 2}),
        )
        .await;
    assert_eq!(texts(&answer), Vec::<String>::new());
    assert!(started.elapsed() >= Duration::from_secs(2));
    // Out of range: a tool error that says the bound.
    let error = server
        .fail("wait_for_messages", json!({"timeout_s": 121}))
        .await;
    assert_eq!(error["kind"], "invalid_input", "{error}");
    let error = server
        .fail(
            "wait_for_messages",
            json!({"since_message_id": 3, "timeout_s": 1}),
        )
        .await;
    assert!(
        error["message"].as_str().unwrap().contains("one chat"),
        "{error}"
    );
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn a_cancelled_wait_stops_at_once() {
    let (_sandbox, env) = demo().await;
    let server = start(&env, &["-v", "serve"]).await;
    let call = server.client.call_tool(
        rmcp::model::CallToolRequestParams::new("wait_for_messages")
            .with_arguments(json!({"timeout_s": 60}).as_object().unwrap().clone()),
    );
    // rmcp's client sends notifications/cancelled when a call is dropped.
    let outcome = tokio::time::timeout(Duration::from_secs(1), call).await;
    assert!(
        outcome.is_err(),
        "nothing arrived, so the wait was still on"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.stderr().contains("kind=\"interrupted\"") {
        assert!(
            Instant::now() < deadline,
            "the server kept waiting: {}",
            server.stderr()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.ok("get_chat_info", json!({"chat_id": "me"})).await;
    assert_eq!(server.stop().await, 0);
}

/// `tgmcp watch ARGS` running in `env`, its stdout read line by line.
struct Watch {
    child: tokio::process::Child,
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
}

impl Watch {
    /// Starts it and waits until it follows updates (its `updates.getState` reached the
    /// DC), so what is sent next is new to it.
    async fn start(sandbox: &Sandbox, env: &TestEnv, args: &[&str]) -> Self {
        use tokio::io::AsyncBufReadExt;
        let states = sandbox.stats().count("updates.getState");
        let mut child = env
            .command()
            .arg("watch")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("tgmcp watch starts");
        let lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
        within(
            30,
            sandbox
                .stats()
                .wait_until(|s| s.count("updates.getState") > states),
        )
        .await;
        Self { child, lines }
    }

    async fn line(&mut self) -> Value {
        let line = within(30, self.lines.next_line())
            .await
            .expect("stdout readable")
            .expect("a line");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    async fn exit_code(mut self) -> (i32, String) {
        let rest = within(30, self.lines.next_line()).await.expect("readable");
        let status = within(30, self.child.wait()).await.expect("exits");
        (status.code().unwrap_or(-1), rest.unwrap_or_default())
    }
}

#[tokio::test]
async fn watch_prints_each_message_once_across_a_drop_beside_serve() {
    let (sandbox, env) = demo().await;
    // A serve on the same profile, following updates too.
    let server = start(&env, &["serve"]).await;
    server
        .ok("wait_for_messages", json!({"timeout_s": 1}))
        .await;
    let mut watch = Watch::start(
        &sandbox,
        &env,
        &["@bob_builder", "--jsonl", "--count", "2", "--timeout", "60"],
    )
    .await;
    let (bob_client, _) = bob(&sandbox).await;
    bob_says(&sandbox, &bob_client, "first").await;
    let first = watch.line().await;
    assert_eq!(first["text"], "first", "{first}");
    assert_eq!(first["sender"]["username"], "bob_builder", "{first}");

    // Every connection dropped: the next message comes through getDifference.
    sandbox.drop_connections();
    drop(bob_client);
    let (bob, _) = bob(&sandbox).await;
    // A message in another chat is not printed.
    let (carol, _) = user(&sandbox, "carol").await;
    bob_says(&sandbox, &carol, "from carol").await;
    bob_says(&sandbox, &bob, "second").await;
    let second = watch.line().await;
    assert_eq!(second["text"], "second", "{second}");
    let (code, rest) = watch.exit_code().await;
    assert_eq!(
        (code, rest.as_str()),
        (0, ""),
        "--count 2 stops after two, once each"
    );

    // serve saw the same message, once.
    let since = first["id"].as_i64().unwrap();
    let seen = server
        .ok(
            "wait_for_messages",
            json!({"chat_id": "@bob_builder", "since_message_id": since, "timeout_s": 1}),
        )
        .await;
    assert_eq!(texts(&seen), ["second"]);
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn watch_with_nothing_new_exits_1_at_its_timeout() {
    let (sandbox, env) = demo().await;
    let watch = Watch::start(&sandbox, &env, &["--timeout", "1"]).await;
    let (code, rest) = watch.exit_code().await;
    assert_eq!((code, rest.as_str()), (1, ""));
    let run = env
        .run(&["watch", "@no_such_user_here", "--timeout", "1"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("no_such_user_here"), "{run:?}");
}

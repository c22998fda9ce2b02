//! A write whose fate is unknown is said to be unknown, never "try again": a deadline, a
//! cancelled call, a slow `/mtproto-api` write and Ctrl-C, each after the request reached
//! the sandbox (an event the sandbox reports, never a sleep), and a long message whose
//! failing part may have arrived. Also: signals stop stdio `serve` cleanly.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tgmcp::sandbox::{DropPoint, Sandbox};
use tokio::io::AsyncWriteExt;

use crate::common::{Run, TestEnv, within};
use crate::harness::Setup;

const SEND: &str = "messages.sendMessage";
/// Long enough that no call waits for it: the answer is held back for the whole test.
const FOREVER: Duration = Duration::from_secs(3600);

/// Messages in the sandbox whose text is `text`.
fn copies(sandbox: &Sandbox, text: &str) -> usize {
    sandbox
        .world()
        .messages
        .iter()
        .filter(|m| m.text == text)
        .count()
}

async fn kill(pid: u32, signal: &str) {
    let status = tokio::process::Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .await
        .expect("kill runs");
    assert!(status.success());
}

/// A tool error's detail (`kind`, `message`, …).
fn tool_error(result: &rmcp::model::CallToolResult) -> Value {
    crate::mcp::error_of(result)
}

#[tokio::test]
async fn a_write_past_the_http_request_timeout_is_an_unknown_outcome() {
    let (f, token) = crate::http::checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = crate::http::start(env, &["--request-timeout", "2"]).await;
    let client = server.client("/mcp", Some(&token)).await;
    crate::http::call(&client, "get_chat_info", json!({"chat_id": "me"})).await;
    sandbox.faults().delay_answers_to(SEND, FOREVER);

    let result = crate::http::call(
        &client,
        "send_message",
        json!({"chat_id": "me", "message": "past the deadline"}),
    )
    .await;
    let error = tool_error(&result);
    assert_eq!(error["kind"], "unknown_outcome", "{error}");
    assert_eq!(
        error["message"],
        "send_message took longer than this server's 2s limit per request (--request-timeout) and was stopped after a write had been sent to Telegram: it may or may not have been carried out (a message may have been delivered) — check the chat before trying again"
    );
    assert!(error.get("retry_after").is_none(), "{error}");
    // Telegram did carry it out: "try again" would have sent it twice.
    assert_eq!(copies(sandbox, "past the deadline"), 1);
    assert_eq!(sandbox.stats().count(SEND), 1);

    // A read past the deadline is still "try again".
    sandbox.faults().set_delay(FOREVER);
    let result = crate::http::call(&client, "find_chats", json!({})).await;
    let error = tool_error(&result);
    assert_eq!(error["kind"], "timeout", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("try again"),
        "{error}"
    );
    sandbox.faults().clear();
    drop(within(10, client.cancel()).await);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn a_slow_mtproto_api_write_is_an_unknown_outcome_not_busy() {
    let (f, token) = crate::http::checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = crate::http::start(env, &["--request-timeout", "2"]).await;
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    // Connected and answering before the write.
    let answer = server
        .post(
            "/mtproto-api/users.getUsers",
            &auth,
            &json!({"params": {"id": ["me"]}}).to_string(),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    sandbox.faults().delay_answers_to(SEND, FOREVER);

    let body = json!({"params": {"peer": "me", "message": "slow over HTTP", "random_id": 7}});
    let answer = server
        .post(
            "/mtproto-api/messages.sendMessage",
            &auth,
            &body.to_string(),
        )
        .await;
    assert_eq!(answer.status, 502, "{}", answer.body);
    assert_eq!(answer.header("retry-after"), "", "no invitation to retry");
    assert_eq!(
        answer.json(),
        json!({
            "error": "unknown_outcome",
            "message": "the request took longer than this server's 2s limit (--request-timeout) after a write had been sent to Telegram: it may or may not have been carried out (a message may have been delivered) — check the chat before trying again"
        })
    );
    assert_eq!(copies(sandbox, "slow over HTTP"), 1);

    // A slow read is still 503 with Retry-After.
    sandbox.faults().set_delay(FOREVER);
    let answer = server
        .post(
            "/mtproto-api/users.getUsers",
            &auth,
            &json!({"params": {"id": ["@carol"]}}).to_string(),
        )
        .await;
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert_eq!(answer.header("retry-after"), "1");
    assert_eq!(answer.json()["error"], "unavailable");
    sandbox.faults().clear();
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn a_write_cancelled_by_the_client_is_an_unknown_outcome() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = crate::mcp::start(env, &["-v", "serve"]).await;
    server.ok("get_chat_info", json!({"chat_id": "me"})).await;
    sandbox.faults().delay_answers_to(SEND, FOREVER);

    // rmcp's client sends notifications/cancelled when a call is dropped: drop it once
    // the sandbox has the request.
    let call = server.call(
        "send_message",
        json!({"chat_id": "me", "message": "cancelled"}),
    );
    tokio::select! {
        result = call => panic!("the call should still be waiting: {result:?}"),
        () = within(30, sandbox.stats().wait_for(SEND, 1)) => {}
    }
    within(30, async {
        while !server.stderr().contains("kind=\"unknown_outcome\"") {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(!server.stderr().contains("kind=\"interrupted\""));
    assert_eq!(copies(sandbox, "cancelled"), 1);

    // A cancelled read is still a plain interruption.
    sandbox.faults().set_delay(FOREVER);
    let before = sandbox.stats().total();
    let call = server.call("get_chat_info", json!({"chat_id": "@bob_builder"}));
    tokio::select! {
        result = call => panic!("the call should still be waiting: {result:?}"),
        () = within(30, sandbox.stats().wait_until(|s| s.total() > before)) => {}
    }
    within(30, async {
        while !server.stderr().contains("kind=\"interrupted\"") {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    sandbox.faults().clear();
    assert_eq!(server.stop().await, 0);
}

/// `tgmcp <args>` started with stdin piped (kept open) and its output collected.
fn spawn(
    env: &TestEnv,
    args: &[&str],
    tweak: impl FnOnce(&mut tokio::process::Command),
) -> tokio::process::Child {
    let mut cmd = env.command();
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    tweak(&mut cmd);
    cmd.spawn().expect("tgmcp starts")
}

async fn finish(child: tokio::process::Child) -> Run {
    let out = within(30, child.wait_with_output())
        .await
        .expect("tgmcp exits");
    Run::from_output(out)
}

#[tokio::test]
async fn ctrl_c_during_send_after_the_request_left_is_an_unknown_outcome() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    sandbox.faults().delay_answers_to(SEND, FOREVER);
    let child = spawn(env, &["send", "me", "interrupted send"], |_| {});
    within(30, sandbox.stats().wait_for(SEND, 1)).await;
    kill(child.id().expect("running"), "INT").await;
    let run = finish(child).await;
    assert_eq!(run.code, 130, "{run:?}");
    assert!(run.stdout.is_empty(), "nothing reported as sent: {run:?}");
    assert_eq!(
        run.stderr.trim_end().lines().last().unwrap_or_default(),
        "tgmcp: interrupted after a write had been sent to Telegram: it may or may not have been carried out (a message may have been delivered) — check the chat before trying again",
        "{run:?}"
    );
    assert_eq!(copies(sandbox, "interrupted send"), 1);
}

#[tokio::test]
async fn ctrl_c_before_a_connection_exists_is_a_plain_interruption() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    // The DC never answers the connection's first exchange: no request can have been
    // carried out when Ctrl-C comes.
    sandbox.faults().set_delay(FOREVER);
    let child = spawn(env, &["send", "me", "never connected"], |_| {});
    within(30, sandbox.stats().wait_until(|s| s.total() > 0)).await;
    kill(child.id().expect("running"), "INT").await;
    let run = finish(child).await;
    assert_eq!(run.code, 130, "{run:?}");
    assert_eq!(run.stderr.trim_end(), "tgmcp: interrupted", "{run:?}");
    assert_eq!(sandbox.stats().count(SEND), 0);
}

/// Two parts; the answer to the first is held back until the second is armed to be
/// executed and its answer lost.
async fn lose_the_second_part(sandbox: &Sandbox) {
    sandbox
        .faults()
        .delay_answers_to(SEND, Duration::from_millis(1500));
    within(30, sandbox.stats().wait_for(SEND, 1)).await;
    // Part 2 is only sent once part 1 is answered, so this is armed in time.
    sandbox.faults().drop_at(SEND, DropPoint::Unanswered);
    sandbox.faults().delay_answers_to(SEND, Duration::ZERO);
}

fn two_parts() -> (String, String, String) {
    let (first, second) = ("a".repeat(4000), "b".repeat(4000));
    (format!("{first}\n\n{second}"), first, second)
}

#[tokio::test]
async fn a_long_send_whose_last_part_may_have_arrived_says_so_in_the_cli() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let (text, first, second) = two_parts();
    let mut child = spawn(env, &["send", "me", "-"], |_| {});
    let mut stdin = child.stdin.take().expect("piped");
    stdin.write_all(text.as_bytes()).await.unwrap();
    drop(stdin);
    lose_the_second_part(sandbox).await;
    let run = finish(child).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    let first_id = sandbox
        .world()
        .messages
        .iter()
        .find(|m| m.text == first)
        .map(|m| m.id)
        .expect("part 1 delivered");
    let said = run
        .stderr
        .lines()
        .find(|line| line.starts_with("tgmcp: "))
        .unwrap_or_default();
    assert!(
        said.starts_with(&format!(
            "tgmcp: sent 1 of 2 parts (message ids [{first_id}]), then: part 2 of 2 may or may not have been delivered"
        )),
        "{run:?}"
    );
    assert!(
        said.ends_with(
            "— do not resend any part before reading the chat to see which parts arrived"
        ),
        "{run:?}"
    );
    assert!(
        !run.stderr.contains("remaining parts were not sent"),
        "{run:?}"
    );
    // Part 2 had been delivered: "send the rest" would have sent it twice.
    assert_eq!(copies(sandbox, &first), 1);
    assert_eq!(copies(sandbox, &second), 1);
    assert_eq!(sandbox.stats().count(SEND), 2);
}

#[tokio::test]
async fn a_long_send_whose_last_part_may_have_arrived_is_an_unknown_outcome_over_mcp() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = crate::mcp::start(env, &["serve"]).await;
    server.ok("get_chat_info", json!({"chat_id": "me"})).await;
    sandbox.stats().reset();
    let (text, first, second) = two_parts();
    let call = server.call("send_message", json!({"chat_id": "me", "message": text}));
    let (result, ()) = tokio::join!(call, lose_the_second_part(sandbox));
    let error = tool_error(&result);
    let first_id = sandbox
        .world()
        .messages
        .iter()
        .find(|m| m.text == first)
        .map(|m| m.id)
        .expect("part 1 delivered");
    assert_eq!(error["kind"], "unknown_outcome", "{error}");
    assert_eq!(error["sent_message_ids"], json!([first_id]));
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("part 2 of 2 may or may not have been delivered"),
        "{error}"
    );
    assert_eq!(copies(sandbox, &second), 1);
    assert_eq!(sandbox.stats().count(SEND), 2);
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn send_past_timeout_once_connected_exits_1_saying_it_may_have_been_delivered() {
    // (Before any connection exists, the same timeout exits 4, "nothing was sent": see
    // cli_send::unreachable_telegram_exits_4_within_the_timeout.)
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    sandbox.faults().delay_answers_to(SEND, FOREVER);
    let run = env
        .run(&["send", "me", "slow answer", "--timeout", "2"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(
        run.stderr
            .starts_with("tgmcp: the message may or may not have been delivered: "),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("no answer to messages.sendMessage within 2 s"),
        "{run:?}"
    );
    assert_eq!(copies(sandbox, "slow answer"), 1);
}

/// Every signal that stops stdio `serve --sandbox` stops it the same way: the session is
/// saved where the demo keeps it (never in the temp folder), and the exit is 130.
#[tokio::test]
async fn sigterm_and_sigint_stop_stdio_serve_and_leave_no_sandbox_profile() {
    for signal in ["TERM", "INT"] {
        let env = TestEnv::checked();
        let server = crate::mcp::start(&env, &["--sandbox", "serve"]).await;
        server.ok("get_chat_info", json!({"chat_id": "me"})).await;
        kill(server.pid(), signal).await;
        let stderr = server.stderr();
        let code = server.exit_code().await;
        assert_eq!(code, 130, "SIG{signal}: {stderr}");
        let left = env.tmp_leftovers();
        assert!(left.is_empty(), "SIG{signal} left {left:?}");
        let session = env.home.path().join("sandbox/data/default/session.json");
        let saved: Value = serde_json::from_slice(&std::fs::read(&session).unwrap()).unwrap();
        assert!(saved["home_dc"].is_number(), "SIG{signal}: {saved}");
    }
}

#[tokio::test]
async fn ctrl_c_during_a_search_exits_130_interrupted() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    sandbox
        .faults()
        .delay_answers_to("messages.searchGlobal", FOREVER);
    let child = spawn(env, &["--json", "search", "invoice"], |_| {});
    within(30, sandbox.stats().wait_for("messages.searchGlobal", 1)).await;
    kill(child.id().expect("running"), "INT").await;
    let run = finish(child).await;
    assert_eq!(run.code, 130, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert_eq!(run.stderr.trim_end(), "tgmcp: interrupted", "{run:?}");
}

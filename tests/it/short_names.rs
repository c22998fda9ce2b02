//! A send answered with Telegram's short form (`updateShortSentMessage`: a private chat)
//! still names its chat, and its sender once the process has been told the account's
//! name, from what the process already knows: no extra round trip. (A fresh process
//! that never asked for the account's profile knows only its id: the session file keeps
//! no names.)

use serde_json::{Value, json};
use tgmcp::sandbox::{Sandbox, World};

use crate::common::TestEnv;
use crate::mcp;

async fn fixture() -> (Sandbox, TestEnv, i64) {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::new();
    env.profile_at(&sandbox, "default", Some(me)).await;
    (sandbox, env, me)
}

fn names(message: &Value) -> (&str, &str) {
    (
        message["chat"]["title"].as_str().unwrap_or_default(),
        message["sender"]["title"].as_str().unwrap_or_default(),
    )
}

#[tokio::test]
async fn mcp_short_sends_name_chat_and_sender() {
    let (sandbox, env, me) = fixture().await;
    let server = mcp::start(&env, &["serve"]).await;
    // Before anything told the process the account's name: the chat is named, the
    // sender is the account, by id.
    let sent = server
        .ok(
            "send_message",
            json!({"chat_id": "@bob_builder", "message": "first"}),
        )
        .await;
    let message = &sent["messages"][0];
    assert_eq!(names(message).0, "Bob Builder", "{sent}");
    assert_eq!(message["chat"]["username"], "bob_builder", "{sent}");
    assert_eq!(message["sender"]["id"], me, "{sent}");

    server.ok("get_chat_info", json!({"chat_id": "me"})).await;
    // Warm now: the names cost no request beyond the send.
    sandbox.stats().reset();
    let sent = server
        .ok(
            "send_message",
            json!({"chat_id": "@bob_builder", "message": "and now?"}),
        )
        .await;
    assert_eq!(
        names(&sent["messages"][0]),
        ("Bob Builder", "Alex Demo"),
        "{sent}"
    );
    assert_eq!(
        sandbox.stats().snapshot(),
        [("messages.sendMessage".to_owned(), 1)]
            .into_iter()
            .collect(),
        "the send alone"
    );
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn cli_send_json_names_the_chat() {
    let (_sandbox, env, me) = fixture().await;
    let run = env
        .run(&["send", "--json", "@bob_builder", "named from the CLI"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let sent = run.json();
    let message = &sent["messages"][0];
    assert_eq!(names(message).0, "Bob Builder", "{sent}");
    assert_eq!(message["chat"]["username"], "bob_builder", "{sent}");
    assert_eq!(message["sender"]["id"], me, "{sent}");
}

//! Resources, subscriptions, prompts and completions of `tgmcp serve`, through rmcp's
//! client against the demo world.

use std::time::{Duration, Instant};

use rmcp::model::{GetPromptRequestParams, ReadResourceRequestParams, ResourceContents};
use serde_json::Value;

use crate::common::within;
use crate::mcp::{demo, start};
use crate::watch::{bob_says, user};

fn json_of(contents: &[ResourceContents]) -> Value {
    match &contents[0] {
        ResourceContents::TextResourceContents {
            text, mime_type, ..
        } => {
            assert_eq!(mime_type.as_deref(), Some("application/json"));
            serde_json::from_str(text).expect("JSON")
        }
        other => panic!("not text: {other:?}"),
    }
}

#[tokio::test]
async fn resources_list_and_read() {
    let (_sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let client = &server.client;
    let info = client.peer_info().expect("initialized");
    assert!(info.capabilities.resources.is_some());
    assert!(info.capabilities.prompts.is_some());
    assert!(info.capabilities.completions.is_some());
    assert!(
        info.server_info
            .as_ref()
            .and_then(|s| s.icons.as_ref())
            .is_some_and(|i| !i.is_empty()),
        "the server has an icon"
    );

    let listed = within(30, client.list_all_resources()).await.unwrap();
    let uris: Vec<&str> = listed.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(uris, ["tg://me", "tg://chats"]);
    let templates = within(30, client.list_all_resource_templates())
        .await
        .unwrap();
    let templates: Vec<&str> = templates.iter().map(|t| t.uri_template.as_str()).collect();
    assert_eq!(templates, ["tg://chat/{chat}", "tg://chat/{chat}/messages"]);

    let read = |uri: &str| {
        let uri = uri.to_owned();
        async move {
            within(
                30,
                client.read_resource(ReadResourceRequestParams::new(uri.clone())),
            )
            .await
            .unwrap_or_else(|e| panic!("{uri}: {e}"))
            .contents
        }
    };
    let me = json_of(&read("tg://me").await);
    assert_eq!(me["username"], "alex_demo", "{me}");
    let chats = json_of(&read("tg://chats").await);
    let chats = chats["chats"].as_array().unwrap();
    assert!(chats.len() > 3);
    assert!(
        chats.iter().any(|c| c["unread_count"].as_i64().is_some()),
        "{chats:?}"
    );
    let chat = json_of(&read("tg://chat/@bob_builder").await);
    assert_eq!(chat["chat"]["username"], "bob_builder", "{chat}");
    let page = json_of(&read("tg://chat/%40rust_berlin/messages").await);
    assert!(!page["messages"].as_array().unwrap().is_empty(), "{page}");
    for message in page["messages"].as_array().unwrap() {
        assert_eq!(message["chat"]["username"], "rust_berlin");
    }
    // A URI that names nothing is a JSON-RPC error that lists the resources.
    let error = within(
        30,
        client.read_resource(ReadResourceRequestParams::new("tg://nothing")),
    )
    .await
    .expect_err("no such resource");
    assert!(error.to_string().contains("tg://chat/{chat}"), "{error}");
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn prompts_and_completions() {
    let (_sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let client = &server.client;
    let prompts = within(30, client.list_all_prompts()).await.unwrap();
    let names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["catch_up", "summarize_chat", "draft_reply"]);

    let catch_up = within(
        30,
        client.get_prompt(GetPromptRequestParams::new("catch_up")),
    )
    .await
    .unwrap();
    let text = serde_json::to_string(&catch_up.messages).unwrap();
    for needle in [
        "get_unread",
        "mark_read",
        "never follow instructions",
        "link",
    ] {
        assert!(text.contains(needle), "catch_up names {needle}: {text}");
    }
    let mut arguments = serde_json::Map::new();
    arguments.insert("chat".into(), "@rust_berlin".into());
    arguments.insert("since".into(), "7d".into());
    let summary = within(
        30,
        client.get_prompt(GetPromptRequestParams::new("summarize_chat").with_arguments(arguments)),
    )
    .await
    .unwrap();
    let text = serde_json::to_string(&summary.messages).unwrap();
    assert!(
        text.contains("@rust_berlin") && text.contains("since 7d"),
        "{text}"
    );
    // A required argument left out is an error that names it.
    let error = within(
        30,
        client.get_prompt(GetPromptRequestParams::new("draft_reply")),
    )
    .await
    .expect_err("chat is required");
    assert!(error.to_string().contains("\"chat\""), "{error}");

    // Completions: the account's chats matching what was typed, by recent activity.
    let bob = within(
        30,
        client.complete_prompt_simple("summarize_chat", "chat", "bo"),
    )
    .await
    .unwrap();
    assert!(bob.contains(&"@bob_builder".to_owned()), "{bob:?}");
    // Words and usernames that start with what was typed, not any substring.
    assert!(!bob.contains(&"@sandbox_news".to_owned()), "{bob:?}");
    let rust = within(
        30,
        client.complete_resource_simple("tg://chat/{chat}/messages", "chat", "rust"),
    )
    .await
    .unwrap();
    assert!(rust.contains(&"@rust_berlin".to_owned()), "{rust:?}");
    let all = within(30, client.complete_prompt_simple("draft_reply", "chat", ""))
        .await
        .unwrap();
    assert!(all.len() > 3, "{all:?}");
    assert_eq!(server.stop().await, 0);
}

/// A client that records `notifications/resources/updated`.
struct Recorder(tokio::sync::mpsc::UnboundedSender<String>);

impl rmcp::ClientHandler for Recorder {
    async fn on_resource_updated(
        &self,
        params: rmcp::model::ResourceUpdatedNotificationParam,
        _context: rmcp::service::NotificationContext<rmcp::RoleClient>,
    ) {
        let _ = self.0.send(params.uri);
    }
}

#[tokio::test]
#[allow(deprecated)]
async fn a_subscribed_client_hears_of_each_new_message_once() {
    use rmcp::ServiceExt;
    let (sandbox, env) = demo().await;
    let mut child = env
        .command()
        .arg("serve")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("tgmcp starts");
    let transport = (child.stdout.take().unwrap(), child.stdin.take().unwrap());
    let (tx, mut updates) = tokio::sync::mpsc::unbounded_channel();
    let client = within(30, Recorder(tx).serve(transport))
        .await
        .expect("handshake");
    let uri = "tg://chat/@bob_builder/messages";
    within(
        30,
        client.subscribe(rmcp::model::SubscribeRequestParams::new(uri)),
    )
    .await
    .expect("resources/subscribe");
    // A URI that cannot be followed is refused.
    let refused = within(
        30,
        client.subscribe(rmcp::model::SubscribeRequestParams::new("tg://me")),
    )
    .await
    .expect_err("tg://me has no updates");
    assert!(
        refused.to_string().contains("tg://chat/{chat}/messages"),
        "{refused}"
    );

    let (bob, _) = user(&sandbox, "bob_builder").await;
    let (carol, _) = user(&sandbox, "carol").await;
    // Carol's message is in another chat: no notification for it.
    bob_says(&sandbox, &carol, "not for bob's chat").await;
    let sent = Instant::now();
    bob_says(&sandbox, &bob, "hello subscriber").await;
    let notified = within(30, updates.recv()).await.expect("a notification");
    let latency = sent.elapsed();
    assert_eq!(notified, uri);
    eprintln!("message sent → notifications/resources/updated: {latency:?}");
    // Exactly once: nothing more arrives for it.
    let more = tokio::time::timeout(Duration::from_millis(1500), updates.recv()).await;
    assert!(more.is_err(), "a second notification: {more:?}");

    // Unsubscribed: a new message is not announced.
    within(
        30,
        client.unsubscribe(rmcp::model::UnsubscribeRequestParams::new(uri)),
    )
    .await
    .expect("resources/unsubscribe");
    bob_says(&sandbox, &bob, "after unsubscribing").await;
    let after = tokio::time::timeout(Duration::from_millis(1500), updates.recv()).await;
    assert!(after.is_err(), "notified after unsubscribe: {after:?}");
    drop(within(10, client.cancel()).await);
    let status = within(15, child.wait()).await.expect("exits");
    assert_eq!(status.code(), Some(0));
}

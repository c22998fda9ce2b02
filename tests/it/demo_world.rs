//! What the demo world seeds besides plain messages: in Alex's Notes, forwards (from a
//! user's message and from a channel post, `fwd_from` as messages.forwardMessages writes
//! it) and a pinned post with its "pinned #N" service message; in the archived Old
//! Project, an unread pin and forward. Through the CLI's chat view and JSON, and MCP.

use serde_json::{Value, json};

use crate::mcp::{demo, start};

fn by_id(messages: &[Value], id: i64) -> &Value {
    messages
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no message {id} in {messages:?}"))
}

#[tokio::test]
async fn alexs_notes_show_forwards_and_a_pin_in_the_chat_view_and_json() {
    let (sandbox, env) = demo().await;
    let run = env.run(&["read", "Alex's Notes"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    let line = |id: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(&format!("{id}  ")))
            .unwrap_or_else(|| panic!("no {id} in {}", run.stdout))
            .to_string()
    };
    assert!(
        line("#1").contains("you (pinned): Reading list: the Rustonomicon"),
        "{}",
        run.stdout
    );
    assert!(
        line("#3").contains("(forwarded from Bob Builder): Daily sync #15: Exports"),
        "{}",
        run.stdout
    );
    assert!(
        line("#4").contains("(forwarded from Tech Digest): Tech Digest #1:"),
        "{}",
        run.stdout
    );
    assert!(
        line("#2").ends_with("Alex's Notes pinned #1"),
        "{}",
        run.stdout
    );

    let run = env.run(&["read", "Alex's Notes", "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let messages = run.json()["messages"].as_array().unwrap().clone();
    let world = sandbox.world();
    let bob = world.user_by_username("bob_builder").unwrap().id;
    let digest = world.channel_by_username("tech_digest").unwrap().id;
    drop(world);
    assert_eq!(by_id(&messages, 1)["pinned"], true);
    assert_eq!(by_id(&messages, 3)["forwarded_from"]["id"], bob);
    assert_eq!(
        by_id(&messages, 4)["forwarded_from"]["id"],
        -1_000_000_000_000 - digest
    );
    let service = by_id(&messages, 2);
    assert_eq!(
        (&service["service"], &service["reply_to_msg_id"]),
        (&json!(true), &json!(1))
    );
    // Nothing Alex posts in his own channel is unread.
    assert!(
        messages.iter().all(|m| m["unread"].is_null()),
        "{messages:?}"
    );
}

#[tokio::test]
async fn search_messages_in_chat_carries_forwarded_from_and_pinned() {
    let (_sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let result = server
        .call(
            "search_messages_in_chat",
            json!({"chat_id": "Alex's Notes", "limit": 10}),
        )
        .await;
    let page = result.structured_content.clone().unwrap();
    let messages = page["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4, "{page}");
    assert_eq!(by_id(messages, 1)["pinned"], true);
    assert_eq!(
        by_id(messages, 3)["forwarded_from"]["username"],
        "bob_builder"
    );
    assert_eq!(
        by_id(messages, 4)["forwarded_from"]["username"],
        "tech_digest"
    );
    assert_eq!(by_id(messages, 2)["text"], "Alex's Notes pinned #1");
    let text = crate::mcp::text(&result);
    assert!(
        text.contains("forwarded from Bob Builder")
            && text.contains("forwarded from Tech Digest")
            && text.contains(", pinned"),
        "{text}"
    );
}

#[tokio::test]
async fn get_unread_carries_the_old_projects_pin_and_forward() {
    let (_sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let result = server
        .call("get_unread", json!({"include_archived": true}))
        .await;
    let unread = result.structured_content.clone().unwrap();
    let old = unread["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["chat"]["title"] == "Old Project")
        .unwrap_or_else(|| panic!("no Old Project in {unread}"));
    let messages = old["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4, "{old}");
    let pinned = &messages[0];
    assert_eq!(
        (&pinned["pinned"], &pinned["text"]),
        (&json!(true), &json!("Handing the project over next month"))
    );
    assert_eq!(messages[2]["text"], "Dave pinned #1");
    assert_eq!(messages[2]["service"], true);
    let forward = &messages[3];
    assert_eq!(
        forward["forwarded_from"]["username"], "erin_ops",
        "{forward}"
    );
    assert_eq!(forward["sender"]["username"], "carol", "{forward}");
    assert!(messages.iter().all(|m| m["unread"] == true), "{old}");
    let text = crate::mcp::text(&result);
    assert!(
        text.contains(", pinned") && text.contains("forwarded from Erin"),
        "{text}"
    );

    // The terminal shows them too.
    let run = env.run(&["read", "Old Project"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Dave (pinned) (unread): Handing the project over")
            && run
                .stdout
                .contains("Carol Chen (forwarded from Erin) (unread): We use it"),
        "{}",
        run.stdout
    );
}

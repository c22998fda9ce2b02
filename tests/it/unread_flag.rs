//! `unread` on incoming messages above the chat's read mark: in get_unread's messages, in
//! `tgmcp read` (its read mark asked for alongside the history, one request more and no
//! more wall time), in the JSON and, briefly, in the text and the CLI's chat view.

use serde_json::json;

use crate::mcp::{demo, start};

#[tokio::test]
async fn get_unread_flags_every_message_it_returns() {
    let (_sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let result = server.call("get_unread", json!({})).await;
    let unread = result.structured_content.clone().unwrap();
    let mut seen = 0;
    for chat in unread["chats"].as_array().unwrap() {
        for m in chat["messages"].as_array().unwrap() {
            assert_eq!(m["unread"], true, "{m}");
            seen += 1;
        }
    }
    assert!(seen > 0, "{unread}");
    let text = crate::mcp::text(&result);
    assert!(text.contains(", unread"), "{text}");
}

#[tokio::test]
async fn tgmcp_read_flags_incoming_messages_above_the_read_mark() {
    let (sandbox, env) = demo().await;
    // Carol's chat is read up to Alex's reply (sending marks a chat read); the photo she
    // sent after it is unread.
    sandbox.stats().reset();
    let run = env.run(&["read", "@carol", "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let messages = run.json()["messages"].as_array().unwrap().clone();
    let replied = messages
        .iter()
        .filter(|m| m["out"] == true)
        .map(|m| m["id"].as_i64().unwrap())
        .max()
        .unwrap();
    let flagged = messages.iter().filter(|m| m["unread"] == true).count();
    assert_eq!(flagged, 1, "{messages:?}");
    for m in &messages {
        let above = m["out"] == false && m["id"].as_i64().unwrap() > replied;
        assert_eq!(m["unread"] == true, above, "{m}");
    }
    assert_eq!(sandbox.stats().count("messages.getPeerDialogs"), 1);

    // Tech Digest is read up to post 140 of 150: only the newest ten are unread.
    let run = env
        .run(&["read", "@tech_digest", "--json", "-n", "20"])
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let messages = run.json()["messages"].as_array().unwrap().clone();
    let flagged: Vec<i64> = messages
        .iter()
        .filter(|m| m["unread"] == true)
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(flagged, (141..=150).collect::<Vec<_>>());
    assert!(messages.iter().filter(|m| m["unread"].is_null()).count() == 10);

    // The chat view marks them briefly; marking read clears the flag.
    let run = env.run(&["read", "@tech_digest", "-n", "2"]).await;
    assert!(
        run.stdout.lines().all(|l| l.contains(" (unread): ")),
        "{}",
        run.stdout
    );
    let run = env
        .run(&["read", "@tech_digest", "-n", "2", "--mark-read"])
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env
        .run(&["read", "@tech_digest", "--json", "-n", "20"])
        .await;
    assert!(
        run.json()["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["unread"].is_null()),
        "{}",
        run.stdout
    );
}

/// The demo's reactions from others to Alex's messages are unread reactions: counted per
/// chat by get_unread, cleared by mark_read (messages.readReactions).
#[tokio::test]
async fn unread_reactions_are_counted_and_cleared_by_mark_read() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let unread = server
        .ok("get_unread", json!({"include_messages": false}))
        .await;
    let count = |unread: &serde_json::Value, title: &str| {
        unread["chats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["chat"]["title"] == title)
            .map(|c| c["unread_reactions"].as_i64().unwrap())
    };
    assert_eq!(count(&unread, "Bob Builder"), Some(1), "{unread}");
    assert_eq!(count(&unread, "Rust Berlin"), Some(1), "{unread}");
    assert_eq!(count(&unread, "tgmcp dev"), Some(0), "{unread}");

    // The reactions show on the message itself too.
    let run = env
        .run(&["read", "@rust_berlin", "--json", "-n", "20"])
        .await;
    let reacted = run.json()["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["text"].as_str().unwrap().starts_with("We tried it"))
        .cloned()
        .unwrap();
    assert_eq!(
        reacted["reactions"].as_array().unwrap().len(),
        2,
        "{reacted}"
    );

    let before = sandbox.stats().count("messages.readReactions");
    server
        .ok("mark_read", json!({"chat_id": "@rust_berlin"}))
        .await;
    assert_eq!(sandbox.stats().count("messages.readReactions"), before + 1);
    let unread = server
        .ok("get_unread", json!({"include_messages": false}))
        .await;
    assert_eq!(count(&unread, "Rust Berlin"), None, "read: {unread}");
    assert_eq!(count(&unread, "Bob Builder"), Some(1), "{unread}");
}

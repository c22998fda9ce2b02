//! forward_messages, delete_messages, pin_message and send_reaction end to end: the real
//! `tgmcp serve` over stdio against the sandbox's demo world.

use serde_json::{Value, json};
use tgmcp::sandbox::{Action, DropPoint, MessageSpec, Peer, Sandbox};

use crate::mcp::{Server, demo, error_of, start, text};

/// Carol's first message in the "Weekend hike" group, and the group's marked id.
fn carols_hike_message(sandbox: &Sandbox) -> (i64, i32) {
    let w = sandbox.world();
    let hike = w.chat_by_title("Weekend hike").unwrap().id;
    let carol = w.user_by_username("carol").unwrap().id;
    let id = w
        .messages
        .iter()
        .find(|m| m.to == Peer::Chat(hike) && m.from == Some(carol))
        .unwrap()
        .id;
    (-hike, id)
}

/// Lists the dialogs once, so numeric chat ids resolve with no lookup.
async fn know_the_dialogs(server: &Server) {
    server.ok("find_chats", json!({"limit": 50})).await;
}

#[tokio::test]
async fn forward_react_pin_and_delete_through_the_tools() {
    let (sandbox, env) = demo().await;
    let me = sandbox.world().demo_user().unwrap();
    let server = start(&env, &["serve"]).await;
    know_the_dialogs(&server).await;
    let (hike, carols) = carols_hike_message(&sandbox);
    let carol = sandbox.world().user_by_username("carol").unwrap().id;

    // Forward to Saved Messages: the new message names Carol as its origin.
    let forwarded = server
        .ok(
            "forward_messages",
            json!({"from_chat_id": hike.to_string(), "message_ids": [carols], "to_chat_id": "me"}),
        )
        .await;
    let new_id = forwarded["message_ids"][0].as_i64().unwrap() as i32;
    assert_eq!(forwarded["messages"][0]["id"], new_id);
    assert_eq!(forwarded["messages"][0]["forwarded_from"]["id"], carol);
    {
        let w = sandbox.world();
        let copy = &w.messages[w.message_index(me, Peer::User(me), new_id).unwrap()];
        assert_eq!(
            copy.fwd_from.as_ref().and_then(|f| f.from),
            Some(Peer::User(carol))
        );
    }
    // drop_author: a copy.
    let copied = server
        .ok(
            "forward_messages",
            json!({"from_chat_id": hike.to_string(), "message_ids": [carols],
                   "to_chat_id": "me", "drop_author": true, "silent": true}),
        )
        .await;
    let copy_id = copied["message_ids"][0].as_i64().unwrap() as i32;
    {
        let w = sandbox.world();
        let copy = &w.messages[w.message_index(me, Peer::User(me), copy_id).unwrap()];
        assert!(copy.fwd_from.is_none());
    }

    // React, change it (❤️ with its variation selector is Telegram's ❤), refuse a
    // reaction Telegram does not offer, take it back.
    let reacted = server
        .ok(
            "send_reaction",
            json!({"chat_id": hike.to_string(), "message_id": carols, "emoji": "👍"}),
        )
        .await;
    assert_eq!(
        reacted["reactions"],
        json!([{"emoji": "👍", "count": 1, "mine": true}])
    );
    let reacted = server
        .call(
            "send_reaction",
            json!({"chat_id": hike.to_string(), "message_id": carols, "emoji": "❤️"}),
        )
        .await;
    assert!(text(&reacted).contains("❤ 1 (mine)"), "{}", text(&reacted));
    let error = server
        .fail(
            "send_reaction",
            json!({"chat_id": hike.to_string(), "message_id": carols, "emoji": "🦀"}),
        )
        .await;
    assert_eq!(error["rpc_error"], "REACTION_INVALID", "{error}");
    assert!(error["message"].as_str().unwrap().contains("👍"), "{error}");
    let cleared = server
        .ok(
            "send_reaction",
            json!({"chat_id": hike.to_string(), "message_id": carols}),
        )
        .await;
    assert_eq!(cleared["reactions"], json!([]));

    // Pin (Telegram adds its service message), then unpin.
    let pinned = server
        .ok(
            "pin_message",
            json!({"chat_id": hike.to_string(), "message_id": carols}),
        )
        .await;
    assert_eq!(pinned["pinned"], true);
    let service = pinned["service_message_id"].as_i64().unwrap() as i32;
    {
        let w = sandbox.world();
        let hike = Peer::Chat(-hike);
        let m = &w.messages[w.message_index(me, hike, carols).unwrap()];
        assert!(m.pinned);
        let s = &w.messages[w.message_index(me, hike, service).unwrap()];
        assert_eq!(
            (s.action.clone(), s.reply_to),
            (Some(Action::PinMessage), Some(carols))
        );
    }
    let unpinned = server
        .ok(
            "pin_message",
            json!({"chat_id": hike.to_string(), "message_id": carols, "unpin": true}),
        )
        .await;
    assert_eq!(unpinned["pinned"], false);
    assert!(unpinned.get("service_message_id").is_none());

    // Delete both copies from Saved Messages; reading them back finds nothing.
    let deleted = server
        .ok(
            "delete_messages",
            json!({"chat_id": "me", "message_ids": [new_id, copy_id], "for_everyone": true}),
        )
        .await;
    assert_eq!(deleted, json!({"deleted": 2, "for_everyone": true}));
    let read = server
        .ok(
            "read_messages",
            json!({"chat_id": "me", "message_ids": [new_id, copy_id]}),
        )
        .await;
    assert_eq!(read["missing"], json!([new_id, copy_id]));

    // Someone else's message in a group Alex does not own: Telegram's refusal, named.
    let error = server
        .fail(
            "delete_messages",
            json!({"chat_id": hike.to_string(), "message_ids": [carols], "for_everyone": true}),
        )
        .await;
    assert_eq!(error["rpc_error"], "MESSAGE_DELETE_FORBIDDEN", "{error}");
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn supergroup_deletes_go_through_channels_delete_messages() {
    let (sandbox, env) = demo().await;
    let me = sandbox.world().demo_user().unwrap();
    let rust = sandbox
        .world()
        .channel_by_username("rust_berlin")
        .unwrap()
        .id;
    let mine = sandbox
        .world()
        .add_message(MessageSpec::new(me, Peer::Channel(rust), "typo"));
    let server = start(&env, &["serve"]).await;
    let deleted = server
        .ok(
            "delete_messages",
            json!({"chat_id": "@rust_berlin", "message_ids": [mine]}),
        )
        .await;
    assert_eq!(deleted, json!({"deleted": 1, "for_everyone": true}));
    assert_eq!(sandbox.stats().count("channels.deleteMessages"), 1);
    assert_eq!(sandbox.stats().count("messages.deleteMessages"), 0);
    assert!(
        !sandbox
            .world()
            .messages
            .iter()
            .any(|m| m.to == Peer::Channel(rust) && m.id == mine)
    );
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn a_forward_whose_answer_is_lost_is_an_unknown_outcome_and_not_repeated() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    know_the_dialogs(&server).await;
    let (hike, carols) = carols_hike_message(&sandbox);
    let before = sandbox.world().messages.len();
    sandbox
        .faults()
        .drop_at("messages.forwardMessages", DropPoint::Unanswered);
    let result = server
        .call(
            "forward_messages",
            json!({"from_chat_id": hike.to_string(), "message_ids": [carols], "to_chat_id": "me"}),
        )
        .await;
    let error = error_of(&result);
    assert_eq!(error["kind"], "unknown_outcome", "{error}");
    // Telegram carried it out, once: nothing retried it.
    assert_eq!(sandbox.world().messages.len(), before + 1);
    assert_eq!(sandbox.stats().count("messages.forwardMessages"), 1);
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn a_long_flood_wait_on_a_reaction_says_how_long() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    sandbox
        .faults()
        .flood_wait("messages.sendReaction", 120, Some(1));
    let error: Value = server
        .fail(
            "send_reaction",
            json!({"chat_id": "me", "message_id": 1, "emoji": "👍"}),
        )
        .await;
    assert_eq!(error["kind"], "flood_wait");
    assert_eq!(error["retry_after"], 120);
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn bad_ids_are_refused_before_anything_is_sent() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let too_many: Vec<i32> = (1..=101).collect();
    for (tool, args) in [
        (
            "forward_messages",
            json!({"from_chat_id": "me", "message_ids": [], "to_chat_id": "me"}),
        ),
        (
            "delete_messages",
            json!({"chat_id": "me", "message_ids": too_many}),
        ),
        (
            "send_reaction",
            json!({"chat_id": "me", "message_id": 1, "emoji": "  "}),
        ),
    ] {
        let error = server.fail(tool, args).await;
        assert_eq!(error["kind"], "invalid_input", "{tool}: {error}");
    }
    assert_eq!(sandbox.stats().count("messages.forwardMessages"), 0);
    assert_eq!(sandbox.stats().count("messages.deleteMessages"), 0);
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn a_text_links_url_and_the_formatting_reach_the_model_and_json() {
    let (sandbox, env) = demo().await;
    let me = sandbox.world().demo_user().unwrap();
    let bob = sandbox.world().user_by_username("bob_builder").unwrap().id;
    let body = "the quarterly doc is here, read it";
    let entities = vec![
        grammers_tl_types::types::MessageEntityTextUrl {
            offset: 21,
            length: 4,
            url: "https://example.org/q3-doc".into(),
        }
        .into(),
        grammers_tl_types::types::MessageEntityBold {
            offset: 4,
            length: 9,
        }
        .into(),
    ];
    let id = sandbox
        .world()
        .add_message(MessageSpec::new(bob, Peer::User(me), body).entities(entities));
    let expected = "the **quarterly** doc is [here](https://example.org/q3-doc), read it";

    let server = start(&env, &["serve"]).await;
    let read = server
        .call(
            "read_messages",
            json!({"chat_id": "@bob_builder", "message_ids": [id]}),
        )
        .await;
    assert!(text(&read).contains(expected), "{}", text(&read));
    assert_eq!(
        read.structured_content.as_ref().unwrap()["messages"][0]["text"],
        expected
    );
    assert_eq!(server.stop().await, 0);

    let run = env.run(&["search", "quarterly", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("[here](https://example.org/q3-doc)"),
        "{run:?}"
    );
}

#[tokio::test]
async fn reactions_forwards_pins_and_service_messages_show_in_messages() {
    let (sandbox, env) = demo().await;
    let me = sandbox.world().demo_user().unwrap();
    let (hike, carols) = carols_hike_message(&sandbox);
    let carol = sandbox.world().user_by_username("carol").unwrap().id;
    let bob = sandbox.world().user_by_username("bob_builder").unwrap().id;
    {
        let mut w = sandbox.world();
        let index = w.message_index(me, Peer::Chat(-hike), carols).unwrap();
        w.messages[index].reactions = vec![(bob, "🔥".into()), (me, "🔥".into())];
        w.messages[index].pinned = true;
        w.add_message(
            MessageSpec::new(carol, Peer::Chat(-hike), "")
                .service(Action::PinMessage)
                .reply_to(carols),
        );
        w.add_message(
            MessageSpec::new(bob, Peer::Chat(-hike), "")
                .service(Action::ChatEditTitle("Weekend hike 🥾".into())),
        );
    }
    let server = start(&env, &["serve"]).await;
    know_the_dialogs(&server).await;
    let page = server
        .call(
            "search_messages_in_chat",
            json!({"chat_id": hike.to_string(), "limit": 100}),
        )
        .await;
    let rendered = text(&page);
    let messages = page.structured_content.unwrap()["messages"].clone();
    let carols_json = messages
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == carols)
        .unwrap()
        .clone();
    assert_eq!(
        carols_json["reactions"],
        json!([{"emoji": "🔥", "count": 2, "mine": true}])
    );
    assert_eq!(carols_json["pinned"], true);
    assert!(
        rendered.contains("pinned, reactions 🔥 2 (mine)"),
        "{rendered}"
    );
    assert!(
        rendered.contains(&format!("Carol Chen pinned #{carols}")),
        "{rendered}"
    );
    assert!(
        rendered.contains("Bob Builder changed the title to \"Weekend hike 🥾\""),
        "{rendered}"
    );
    assert_eq!(server.stop().await, 0);
}

//! Chats named by their display name, through MCP and the CLI against the demo world: a
//! unique name works (any case), a name several chats share is refused with their ids, a
//! bare word never reaches a stranger's public @username, and an access list hides what
//! it denies from the list of candidates too.

use serde_json::json;
use tgmcp::sandbox::{ChannelSpec, MessageSpec, Peer, Sandbox, World};

use crate::mcp::{demo, demo_with, start};

/// The demo world, plus a second chat called "Weekend hike" (last year's group) and a
/// public channel @rust that the demo account has not joined.
fn twin_world() -> (World, i64, i64) {
    let mut w = World::demo();
    let me = w.demo_user().unwrap();
    let carol = w.user_by_username("carol").unwrap().id;
    let old_hike = w.add_group("Weekend hike", carol, &[me, carol]);
    w.add_message(MessageSpec::new(
        carol,
        Peer::Chat(old_hike),
        "Last year's photos are in the album",
    ));
    let stranger = w.add_channel(ChannelSpec {
        title: "Rust Worldwide".into(),
        username: Some("rust".into()),
        broadcast: true,
        creator: carol,
        members: vec![carol],
        about: None,
    });
    w.add_message(MessageSpec::post(stranger, "Rust news from everywhere"));
    (w, old_hike, stranger)
}

fn hike_id(sandbox: &Sandbox) -> i64 {
    let world = sandbox.world();
    let chat = world
        .chats
        .values()
        .find(|c| c.title == "Weekend hike")
        .expect("the demo's hike group");
    -chat.id
}

#[tokio::test]
async fn an_exact_display_name_names_the_chat_through_mcp_and_the_cli() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let page = server
        .ok(
            "search_messages_in_chat",
            json!({"chat_id": "Rust Berlin", "limit": 3}),
        )
        .await;
    let rust = sandbox
        .world()
        .channel_by_username("rust_berlin")
        .unwrap()
        .id;
    for m in page["messages"].as_array().unwrap() {
        assert_eq!(m["chat"]["title"], "Rust Berlin", "{m}");
    }
    assert_eq!(page["messages"][0]["chat"]["id"], -1_000_000_000_000 - rust);

    // The first name cost one round of the dialog list (main and archive together);
    // the process keeps it, so the next name costs none.
    let listed = sandbox.stats().count("messages.getDialogs");
    assert_eq!(listed, 2, "main list and archive, once");
    let sent = server
        .ok(
            "send_message",
            json!({"chat_id": "carol chen", "message": "See you on Saturday"}),
        )
        .await;
    let carol = sandbox.world().user_by_username("carol").unwrap().id;
    assert_eq!(sent["messages"][0]["chat"]["id"], carol, "{sent}");
    assert_eq!(sandbox.stats().count("messages.getDialogs"), listed);
    assert_eq!(sandbox.stats().count("contacts.resolveUsername"), 0);

    // The CLI: a person's full name, a group's title, Saved Messages.
    let run = env.run(&["read", "Dave", "--json", "--limit", "1"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dave = sandbox.world().user_by_phone("+15550100004").unwrap().id;
    assert_eq!(
        run.json()["messages"][0]["chat"]["id"],
        dave,
        "{}",
        run.stdout
    );
    let run = env
        .run(&["search", "hike", "--chat", "weekend HIKE", "--json"])
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.json()["messages"][0]["chat"]["id"],
        hike_id(&sandbox),
        "{}",
        run.stdout
    );
    // A dialog's @username without the @ still names it.
    let run = env
        .run(&["read", "bob_builder", "--json", "--limit", "1"])
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[tokio::test]
async fn a_name_several_chats_share_is_refused_with_their_ids() {
    let (world, old_hike, _) = twin_world();
    let (sandbox, env) = demo_with(world).await;
    let hike = hike_id(&sandbox);
    assert_ne!(hike, -old_hike);

    let server = start(&env, &["serve"]).await;
    let error = server
        .fail(
            "send_message",
            json!({"chat_id": "Weekend hike", "message": "which one?"}),
        )
        .await;
    assert_eq!(error["kind"], "invalid_input", "{error}");
    let message = error["message"].as_str().unwrap();
    for id in [hike, -old_hike] {
        assert!(message.contains(&id.to_string()), "{message}");
    }
    assert_eq!(sandbox.stats().count("messages.sendMessage"), 0);

    let run = env.run(&["read", "Weekend hike"]).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&old_hike.to_string()), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    // Either id picks one.
    let run = env.run(&["read", &(-old_hike).to_string(), "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[tokio::test]
async fn a_bare_word_never_becomes_a_strangers_public_username() {
    let (world, _, stranger) = twin_world();
    let (sandbox, env) = demo_with(world).await;

    // "rust" is no chat's name, and @rust is a channel the account never joined.
    let run = env.run(&["search", "talk", "--chat", "rust"]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("no chat is named \"rust\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Rust Berlin"),
        "did you mean: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("@rust"),
        "how to mean the username: {}",
        run.stderr
    );
    assert_eq!(sandbox.stats().count("contacts.resolveUsername"), 0);

    // With the @ it is the username, whoever owns it.
    let run = env.run(&["read", "@rust", "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.json()["messages"][0]["chat"]["id"],
        -1_000_000_000_000 - stranger
    );

    let server = start(&env, &["serve"]).await;
    let error = server
        .fail("search_messages_in_chat", json!({"chat_id": "rust"}))
        .await;
    assert_eq!(error["kind"], "peer_not_found", "{error}");
}

#[tokio::test]
async fn an_access_list_applies_to_names_and_hides_denied_twins() {
    let (world, old_hike, _) = twin_world();
    let (sandbox, env) = demo_with(world).await;
    let hike = hike_id(&sandbox);
    std::fs::write(
        env.home.path().join("config.toml"),
        format!("[access]\nread = [\"{hike}\", \"Rust Berlin\"]\nwrite = []\n"),
    )
    .unwrap();
    let server = start(&env, &["serve"]).await;

    // Only one "Weekend hike" is readable: the name is that one, and the other's id is
    // never shown.
    let page = server
        .ok(
            "search_messages_in_chat",
            json!({"chat_id": "Weekend hike"}),
        )
        .await;
    for m in page["messages"].as_array().unwrap() {
        assert_eq!(m["chat"]["id"], hike, "{m}");
    }
    // An access-list entry may itself be a name.
    server
        .ok(
            "search_messages_in_chat",
            json!({"chat_id": "@rust_berlin"}),
        )
        .await;
    // Writing is allowed nowhere: refused as any unlisted chat, with no candidates.
    let error = server
        .fail(
            "send_message",
            json!({"chat_id": "Weekend hike", "message": "hi"}),
        )
        .await;
    assert_eq!(error["kind"], "forbidden", "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(!message.contains(&old_hike.to_string()), "{message}");
    assert!(!message.contains(&hike.to_string()), "{message}");
    // A denied chat's name answers as a chat that does not exist.
    let denied = server
        .fail("search_messages_in_chat", json!({"chat_id": "Carol Chen"}))
        .await;
    let missing = server
        .fail("search_messages_in_chat", json!({"chat_id": "Nobody Here"}))
        .await;
    assert_eq!(denied["kind"], "forbidden");
    assert_eq!(
        denied["message"]
            .as_str()
            .unwrap()
            .replace("Carol Chen", "X"),
        missing["message"]
            .as_str()
            .unwrap()
            .replace("Nobody Here", "X")
    );
}

//! Inbox triage end to end: `get_unread`, `mark_read` and `list_topics` through the real
//! MCP server against the demo world, their round-trip budgets from the sandbox's
//! counters, and `topic_id` on search and send.

use std::time::Duration;

use serde_json::{Value, json};
use tgmcp::sandbox::DropPoint;

use crate::common::within;
use crate::mcp::{demo, start};

fn titles(unread: &Value) -> Vec<String> {
    unread["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["chat"]["title"].as_str().unwrap().to_owned())
        .collect()
}

fn chat<'a>(unread: &'a Value, title: &str) -> &'a Value {
    unread["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["chat"]["title"] == title)
        .unwrap_or_else(|| panic!("{title} is not listed: {unread}"))
}

#[tokio::test]
async fn get_unread_lists_chats_with_their_oldest_unread_messages() {
    let (_sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let unread = server.ok("get_unread", json!({})).await;
    let listed = titles(&unread);
    assert_eq!(listed[0], "Deploy Bot", "newest activity first: {listed:?}");
    assert!(
        !listed.contains(&"Daily Deals".to_owned()),
        "muted: {listed:?}"
    );
    assert!(
        !listed.contains(&"Old Project".to_owned()),
        "archived: {listed:?}"
    );
    assert_eq!(listed.len(), 10, "{listed:?}");
    assert_eq!(unread["cut"], false);

    let forum = chat(&unread, "tgmcp dev");
    assert_eq!(forum["unread_count"], 4);
    assert_eq!(forum["unread_mentions"], 2);
    assert_eq!(forum["unread_reactions"], 0);
    assert_eq!(
        (&forum["muted"], &forum["archived"]),
        (&json!(false), &json!(false))
    );
    let texts: Vec<&str> = forum["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Standup moved to 10:30 tomorrow",
            "Hyphen search fixed on main",
            "@alex_demo can you cut v1.0 on Friday?",
            "Changelog draft is ready",
        ],
        "oldest first"
    );
    assert_eq!(forum["first_unread_id"], forum["messages"][0]["id"]);
    let digest = chat(&unread, "Tech Digest");
    assert_eq!(digest["messages"].as_array().unwrap().len(), 10);
    assert_eq!(digest["messages"][0]["id"], 141);

    // Muted and archived chats when asked.
    let all = server
        .ok(
            "get_unread",
            json!({"include_muted": true, "include_archived": true, "include_messages": false}),
        )
        .await;
    assert_eq!(chat(&all, "Daily Deals")["muted"], true);
    let old = chat(&all, "Old Project");
    // Two messages, Dave's pin and Carol's forward.
    assert_eq!(
        (&old["archived"], &old["unread_count"]),
        (&json!(true), &json!(4))
    );
    assert!(old["messages"].as_array().unwrap().is_empty());

    // Bounds: one message per chat, five in all; what was left out is said.
    let bounded = server
        .ok("get_unread", json!({"per_chat_limit": 1, "total_limit": 5}))
        .await;
    let counts: Vec<usize> = bounded["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["messages"].as_array().unwrap().len())
        .collect();
    assert_eq!(counts.iter().sum::<usize>(), 5, "{counts:?}");
    assert!(counts.iter().all(|n| *n <= 1));
    assert_eq!(bounded["cut"], true);
    assert_eq!(chat(&bounded, "Tech Digest")["cut"], true);

    // By type and by folder.
    let channels = server
        .ok("get_unread", json!({"chat_type": "channel"}))
        .await;
    assert_eq!(titles(&channels), ["Sandbox News", "Tech Digest"]);
    let work = server.ok("get_unread", json!({"folder": "work"})).await;
    let mut work = titles(&work);
    work.sort();
    assert_eq!(work, ["Bob Builder", "Rust Berlin", "tgmcp dev"]);
    let error = server.fail("get_unread", json!({"folder": "Play"})).await;
    assert_eq!(error["kind"], "peer_not_found");
    assert!(
        error["message"].as_str().unwrap().contains("Work (2)"),
        "{error}"
    );
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn get_unread_takes_two_round_trips_for_any_number_of_chats() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let first = server.ok("get_unread", json!({})).await;
    let k = first["chats"].as_array().unwrap().len() as u64;
    assert!(k >= 10);
    // Every answer is held back long enough for all histories to be out at once.
    sandbox.faults().set_delay(Duration::from_millis(400));
    sandbox.stats().reset();
    server.ok("get_unread", json!({})).await;
    sandbox.faults().set_delay(Duration::ZERO);
    let stats = sandbox.stats();
    assert_eq!(
        stats.count("messages.getDialogs"),
        1,
        "{:?}",
        stats.snapshot()
    );
    assert_eq!(
        stats.count("messages.getHistory"),
        k,
        "{:?}",
        stats.snapshot()
    );
    assert_eq!(stats.total(), k + 1, "{:?}", stats.snapshot());
    assert_eq!(
        stats.peak_in_flight(),
        k,
        "one history per chat, all at once"
    );
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn mark_read_clears_a_chat_and_its_mentions_in_one_round_trip() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    server
        .ok("get_unread", json!({"include_messages": false}))
        .await;
    sandbox.faults().set_delay(Duration::from_millis(300));
    sandbox.stats().reset();
    let marked = server
        .ok("mark_read", json!({"chat_id": "@tgmcp_dev"}))
        .await;
    sandbox.faults().set_delay(Duration::ZERO);
    assert_eq!(marked["mentions_cleared"], true);
    assert!(marked["chat_id"].as_i64().unwrap() < -1_000_000_000_000);
    let stats = sandbox.stats();
    for method in [
        "channels.readHistory",
        "messages.readMentions",
        "messages.readReactions",
    ] {
        assert_eq!(stats.count(method), 1, "{method}: {:?}", stats.snapshot());
    }
    assert_eq!(stats.total(), 3, "{:?}", stats.snapshot());
    assert_eq!(stats.peak_in_flight(), 3, "sent together: one round trip");

    let unread = server.ok("get_unread", json!({})).await;
    assert!(!titles(&unread).contains(&"tgmcp dev".to_owned()));
    let me = sandbox.world().demo_user().unwrap();
    let forum =
        tgmcp::sandbox::Peer::Channel(sandbox.world().channel_by_username("tgmcp_dev").unwrap().id);
    assert_eq!(sandbox.world().unread_mentions_count(me, forum, None), 0);
    // Idempotent.
    server
        .ok("mark_read", json!({"chat_id": "@tgmcp_dev"}))
        .await;

    // Up to a message: the mark moves there, mentions stay.
    let bob = server
        .ok("mark_read", json!({"chat_id": "@bob_builder", "max_id": 1}))
        .await;
    assert_eq!(
        (&bob["max_id"], &bob["mentions_cleared"]),
        (&json!(1), &json!(false))
    );
    let error = server
        .fail("mark_read", json!({"chat_id": "@bob_builder", "max_id": 0}))
        .await;
    assert_eq!(error["kind"], "invalid_input");
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn mark_read_in_a_topic_leaves_the_others_unread() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let topics = server
        .ok("list_topics", json!({"chat_id": "@tgmcp_dev"}))
        .await;
    let releases = topics["topics"][0].clone();
    assert_eq!(releases["title"], "Releases");
    sandbox.stats().reset();
    sandbox.faults().set_delay(Duration::from_millis(300));
    server
        .ok(
            "mark_read",
            json!({"chat_id": "@tgmcp_dev", "topic_id": releases["id"]}),
        )
        .await;
    sandbox.faults().set_delay(Duration::ZERO);
    let stats = sandbox.stats();
    assert_eq!(
        stats.count("messages.getForumTopicsByID"),
        1,
        "{:?}",
        stats.snapshot()
    );
    assert_eq!(stats.count("messages.readDiscussion"), 1);
    assert_eq!(stats.total(), 4, "{:?}", stats.snapshot());
    assert_eq!(stats.peak_in_flight(), 3, "two round trips");
    let after = server
        .ok("list_topics", json!({"chat_id": "@tgmcp_dev"}))
        .await;
    for topic in after["topics"].as_array().unwrap() {
        let expected = match topic["title"].as_str().unwrap() {
            "Releases" | "Ideas" => 0,
            _ => 1,
        };
        assert_eq!(topic["unread_count"], expected, "{topic}");
        if topic["title"] == "Releases" {
            assert_eq!(topic["unread_mentions"], 0);
        }
    }
    let unread = server.ok("get_unread", json!({})).await;
    assert_eq!(chat(&unread, "tgmcp dev")["unread_count"], 2);
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn a_dropped_mark_read_is_an_unknown_outcome() {
    let (sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    server.ok("find_chats", json!({})).await;
    sandbox
        .faults()
        .drop_at("messages.readHistory", DropPoint::Unanswered);
    let error = server
        .fail("mark_read", json!({"chat_id": "@bob_builder"}))
        .await;
    assert_eq!(error["kind"], "unknown_outcome", "{error}");
    assert_eq!(server.stop().await, 0);

    let server = start(&env, &["serve", "--tools", "get_unread,mark_read"]).await;
    let tools = within(30, server.client.list_all_tools()).await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["get_unread", "mark_read"]);
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn topics_are_listed_searched_and_posted_to() {
    let (_sandbox, env) = demo().await;
    let server = start(&env, &["serve"]).await;
    let list = server
        .ok("list_topics", json!({"chat_id": "@tgmcp_dev"}))
        .await;
    assert_eq!(list["chat"]["title"], "tgmcp dev");
    let titles: Vec<&str> = list["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 4);
    assert!(titles.contains(&"General"));
    let general = list["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "General")
        .unwrap();
    assert_eq!(general["id"], 1);
    let bugs = server
        .ok(
            "list_topics",
            json!({"chat_id": "@tgmcp_dev", "query": "bug"}),
        )
        .await;
    assert_eq!(bugs["topics"].as_array().unwrap().len(), 1);
    let ideas = list["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Ideas")
        .unwrap()["id"]
        .clone();

    for (not_forum, kind) in [
        ("@rust_berlin", "peer_not_found"),
        ("@bob_builder", "invalid_input"),
    ] {
        let error = server
            .fail("list_topics", json!({"chat_id": not_forum}))
            .await;
        assert_eq!(error["kind"], kind, "{error}");
        assert!(
            error["message"].as_str().unwrap().contains("forum"),
            "{error}"
        );
    }

    server
        .ok(
            "send_message",
            json!({"chat_id": "@tgmcp_dev", "message": "Ship the digest idea", "topic_id": ideas}),
        )
        .await;
    let found = server
        .ok(
            "search_messages_in_chat",
            json!({"chat_id": "@tgmcp_dev", "topic_id": ideas}),
        )
        .await;
    let texts: Vec<&str> = found["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Ship the digest idea",
            "A summary of unread chats every morning?"
        ]
    );
    let error = server
        .fail(
            "search_messages_in_chat",
            json!({"chat_id": "@tgmcp_dev", "topic_id": ideas, "reply_to_msg_id": 2}),
        )
        .await;
    assert_eq!(error["kind"], "invalid_input");
    assert_eq!(server.stop().await, 0);
}

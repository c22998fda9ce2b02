//! Updates nobody reads yet: `serve` keeps Telegram's updates from the start (for
//! `wait_for_messages` and subscriptions), but before the first of those nobody follows
//! them. A burst larger than grammers' update buffer (100) in that time must not fill it
//! (grammers would warn "updates channel full" and drop the rest), and a later wait finds
//! what arrived through `since_message_id` and hears the next message live, once.

use serde_json::json;

use crate::common::within;
use crate::mcp::demo;
use crate::watch::{bob_says, user};

/// More than grammers' update buffer of 100.
const BURST: usize = 130;

#[tokio::test]
async fn a_burst_before_the_first_wait_is_drained_and_lost_for_no_one() {
    let (sandbox, env) = demo().await;
    // grammers warns of a full channel only 5 minutes into a connection, and drops what
    // does not fit silently before that: the server says at debug level what it drained.
    let server = crate::mcp::start_with(&env, &["serve"], |cmd| {
        cmd.env("TGMCP_LOG", "warn,tgmcp=debug");
    })
    .await;
    let newest = |page: &serde_json::Value| page["messages"][0]["id"].as_i64().unwrap();
    let page = server
        .ok(
            "search_messages_in_chat",
            json!({"chat_id": "@bob_builder", "limit": 1}),
        )
        .await;
    let since = newest(&page);

    let (bob, _) = user(&sandbox, "bob_builder").await;
    for n in 0..BURST {
        bob_says(&sandbox, &bob, &format!("burst {n}")).await;
    }
    // The server's connection carried every update before this answer (one connection,
    // in order).
    let page = server
        .ok(
            "search_messages_in_chat",
            json!({"chat_id": "@bob_builder", "limit": 1}),
        )
        .await;
    assert_eq!(page["messages"][0]["text"], format!("burst {}", BURST - 1));
    let last = newest(&page);
    assert!(
        !server.stderr().contains("updates channel full"),
        "{}",
        server.stderr()
    );

    // What arrived is found from the message seen before it (at most 100 per answer, the
    // newest).
    let missed = server
        .ok(
            "wait_for_messages",
            json!({"chat_id": "@bob_builder", "since_message_id": since, "timeout_s": 5}),
        )
        .await;
    // Drained, all of them, when the wait took the stream over.
    within(30, async {
        while !server
            .stderr()
            .contains("updates dropped before anyone followed them")
        {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await;
    let drained = server
        .stderr()
        .lines()
        .find(|l| l.contains("updates dropped before anyone followed them"))
        .and_then(|l| l.split("dropped=").nth(1))
        .and_then(|n| n.split_whitespace().next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    assert!(drained >= BURST, "drained {drained}");
    let missed = missed["messages"].as_array().unwrap();
    assert_eq!(missed.len(), 100);
    assert_eq!(missed.last().unwrap()["id"].as_i64(), Some(last));
    assert_eq!(missed[0]["text"], format!("burst {}", BURST - 100));

    // The stream goes on: the next message comes, once.
    let wait = server.ok(
        "wait_for_messages",
        json!({"chat_id": "@bob_builder", "since_message_id": last, "timeout_s": 30, "quiet_s": 0.5}),
    );
    let send = async {
        // A head start for the wait (since_message_id makes it exact either way).
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        bob_says(&sandbox, &bob, "after the burst").await;
    };
    let (answer, ()) = tokio::join!(wait, send);
    let texts: Vec<&str> = answer["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["after the burst"], "{answer}");
    assert!(
        !server.stderr().contains("updates channel full"),
        "{}",
        server.stderr()
    );
    assert_eq!(server.stop().await, 0);
}

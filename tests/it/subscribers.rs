//! Broadcast channels report `subscribers_count`, as fast-mcp-telegram documents it,
//! from Telegram's `channelFull.participants_count` (get_chat_info) and the channel's own
//! `participants_count` where an answer carries it (find_chats).

use serde_json::json;
use tgmcp::sandbox::{Sandbox, World};

use crate::common::TestEnv;

#[tokio::test]
async fn channels_carry_subscribers_count_and_groups_do_not() {
    let sandbox = Sandbox::start(World::demo()).await.unwrap();
    let me = sandbox.world().demo_user();
    let env = TestEnv::new();
    env.profile_at(&sandbox, "default", me).await;
    let server = crate::mcp::start(&env, &["serve"]).await;

    let info = server
        .ok("get_chat_info", json!({"chat_id": "@tech_digest"}))
        .await;
    assert_eq!(info["chat"]["type"], "channel", "{info}");
    assert_eq!(info["chat"]["subscribers_count"], 3, "{info}");
    assert_eq!(info["chat"]["members_count"], 3, "{info}");

    let found = server
        .ok("find_chats", json!({"query": "Sandbox News"}))
        .await;
    let news = found["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["username"] == "sandbox_news")
        .unwrap_or_else(|| panic!("{found}"));
    assert_eq!(news["subscribers_count"], 2, "{found}");

    // A group has members, not subscribers.
    let chats = server.ok("find_chats", json!({"limit": 50})).await;
    for chat in chats["chats"].as_array().unwrap() {
        if chat["type"] != "channel" {
            assert!(chat.get("subscribers_count").is_none(), "{chat}");
        }
    }
    assert_eq!(server.stop().await, 0);
}

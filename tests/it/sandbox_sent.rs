//! A write returns the complete message whichever form Telegram answered with: the short
//! `updateShortSentMessage` (private chats, bots, Saved Messages) or a full `updates`
//! (groups, channels). Checked through each face: `tgmcp send --json`, the MCP server's
//! `send_message`, and `invoke` (which shows Telegram's answer as it came).

use serde_json::{Value, json};
use tgmcp::sandbox::{Peer, Sandbox, World};

use crate::common::TestEnv;
use crate::mcp;

struct Fixture {
    sandbox: Sandbox,
    env: TestEnv,
    me: i64,
    bob: i64,
    /// The "Weekend hike" basic group.
    group: i64,
    /// A message of Bob's in the private chat with him, to reply to.
    bobs: i32,
}

async fn fixture() -> Fixture {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let bob = world.user_by_username("bob_builder").unwrap().id;
    let group = world
        .chats
        .values()
        .find(|c| c.title == "Weekend hike")
        .unwrap()
        .id;
    let bobs = world
        .history(me, Peer::User(bob))
        .into_iter()
        .find(|m| m.from == Some(bob))
        .unwrap()
        .id;
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::new();
    env.profile_at(&sandbox, "default", Some(me)).await;
    // A basic group is named by id only once the account has seen it.
    let seen = env.run(&["--json", "search", "hike"]).await;
    assert_eq!(seen.code, 0, "{seen:?}");
    Fixture {
        sandbox,
        env,
        me,
        bob,
        group,
        bobs,
    }
}

impl Fixture {
    /// The newest message the account sent in `dialog`, as the sandbox stored it.
    fn stored(&self, dialog: Peer) -> tgmcp::sandbox::Message {
        let world = self.sandbox.world();
        world
            .history(self.me, dialog)
            .into_iter()
            .find(|m| m.from == Some(self.me))
            .cloned()
            .unwrap()
    }

    /// Checks one returned message against what the sandbox stored.
    fn check(&self, what: &str, out: &Value, dialog: Peer, chat_id: i64, reply: Option<i32>) {
        let stored = self.stored(dialog);
        assert_eq!(out["id"], stored.id, "{what}: id: {out}");
        // Its formatting comes back as Markdown.
        let text = tgmcp::telegram::markdown::to_markdown(&stored.text, &stored.entities);
        assert_eq!(out["text"], text, "{what}: text: {out}");
        assert_eq!(out["out"], true, "{what}: out: {out}");
        assert_eq!(out["sender"]["id"], self.me, "{what}: sender: {out}");
        assert_eq!(out["chat"]["id"], chat_id, "{what}: chat: {out}");
        assert_eq!(stored.reply_to, reply, "{what}: stored reply");
        match reply {
            Some(id) => assert_eq!(out["reply_to_msg_id"], id, "{what}: reply: {out}"),
            None => assert!(out.get("reply_to_msg_id").is_none(), "{what}: {out}"),
        }
    }
}

#[tokio::test]
async fn cli_send_json_is_complete_for_every_form() {
    let f = fixture().await;
    let group_arg = format!("-{}", f.group);
    let reply_to = f.bobs.to_string();
    let cases = [
        (
            "private send",
            vec!["@bob_builder", "short form from the CLI"],
            Peer::User(f.bob),
            f.bob,
            None,
        ),
        (
            "private reply",
            vec!["@bob_builder", "a reply", "--reply-to", &reply_to],
            Peer::User(f.bob),
            f.bob,
            Some(f.bobs),
        ),
        (
            "Saved Messages",
            vec!["me", "a note"],
            Peer::User(f.me),
            f.me,
            None,
        ),
        (
            "group send",
            vec![&group_arg, "long form from the CLI"],
            Peer::Chat(f.group),
            -f.group,
            None,
        ),
    ];
    for (what, args, dialog, chat_id, reply) in cases {
        let mut argv = vec!["send", "--json"];
        argv.extend(args);
        let run = f.env.run(&argv).await;
        assert_eq!(run.code, 0, "{what}: {run:?}");
        f.check(what, &run.json()["messages"][0], dialog, chat_id, reply);
    }
}

#[tokio::test]
async fn mcp_send_message_is_complete_for_every_form() {
    let f = fixture().await;
    let server = mcp::start(&f.env, &["serve"]).await;
    let cases = [
        (
            "private send",
            json!({"chat_id": "@bob_builder", "message": "short form over MCP"}),
            Peer::User(f.bob),
            f.bob,
            None,
        ),
        (
            "private reply",
            json!({"chat_id": "@bob_builder", "message": "**a** reply", "parse_mode": "markdown",
                   "reply_to_msg_id": f.bobs}),
            Peer::User(f.bob),
            f.bob,
            Some(f.bobs),
        ),
        (
            "group send",
            json!({"chat_id": (-f.group).to_string(), "message": "long form over MCP"}),
            Peer::Chat(f.group),
            -f.group,
            None,
        ),
    ];
    for (what, args, dialog, chat_id, reply) in cases {
        let sent = server.ok("send_message", args).await;
        f.check(what, &sent["messages"][0], dialog, chat_id, reply);
    }
    assert_eq!(f.stored(Peer::User(f.bob)).text, "a reply");
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn invoke_shows_the_form_telegram_answered_with() {
    let f = fixture().await;
    let run = f
        .env
        .run(&[
            "invoke",
            "messages.sendMessage",
            r#"{"peer": "@bob_builder", "message": "raw", "random_id": 41}"#,
        ])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let short = run.json();
    assert_eq!(short["_"], "updateShortSentMessage", "{short}");
    assert_eq!(short["id"], f.stored(Peer::User(f.bob)).id);
    assert_eq!(short["out"], true);

    let params = format!(
        r#"{{"peer": "-{}", "message": "raw group", "random_id": 42}}"#,
        f.group
    );
    let run = f
        .env
        .run(&["invoke", "messages.sendMessage", &params])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let full = run.json();
    assert_eq!(full["_"], "updates", "{full}");
    let id = f.stored(Peer::Chat(f.group)).id;
    assert!(
        full["updates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["_"] == "updateNewMessage" && u["message"]["id"] == id),
        "{full}"
    );
}

#[tokio::test]
async fn a_method_the_sandbox_does_not_play_says_so() {
    let f = fixture().await;
    let run = f
        .env
        .run(&["invoke", "messages.getSuggestedDialogFilters", "{}"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("METHOD_NOT_SUPPORTED_BY_SANDBOX")
            && run
                .stderr
                .contains("the offline sandbox (--sandbox) does not play this"),
        "{run:?}"
    );
}

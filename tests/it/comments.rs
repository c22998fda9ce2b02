//! Comments from tgmcp: `send_message` / `tgmcp send --reply-to` with a post of a
//! broadcast channel that has a discussion group send a comment there (one
//! messages.getDiscussionMessage, then the send), and say so; a post without comments is
//! a clear error that sends nothing.

use serde_json::json;
use tgmcp::sandbox::{Discussion, Peer, Sandbox, World};

use crate::common::TestEnv;
use crate::mcp;

struct Fixture {
    sandbox: Sandbox,
    env: TestEnv,
    channel: i64,
    group: i64,
}

async fn fixture() -> Fixture {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let channel = world.channel_by_username("release_notes").unwrap().id;
    let group = world.channel_by_username("release_notes_chat").unwrap().id;
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::new();
    env.profile_at(&sandbox, "default", Some(me)).await;
    Fixture {
        sandbox,
        env,
        channel,
        group,
    }
}

/// Bot-API style id of a channel, as tgmcp prints it.
fn marked(channel: i64) -> i64 {
    -1_000_000_000_000 - channel
}

impl Fixture {
    /// (comments on post `post`, the group's copy of it).
    fn comments(&self, post: i32) -> (i32, i32) {
        let w = self.sandbox.world();
        let m = w
            .messages
            .iter()
            .find(|m| m.to == Peer::Channel(self.channel) && m.id == post)
            .unwrap();
        match m.discussion {
            Some(Discussion::Post { replies, copy, .. }) => (replies, copy),
            other => panic!("post {post}: {other:?}"),
        }
    }

    /// The newest message of the discussion group, as the sandbox stored it.
    fn newest_in_group(&self) -> tgmcp::sandbox::Message {
        let w = self.sandbox.world();
        w.messages
            .iter()
            .rev()
            .find(|m| m.to == Peer::Channel(self.group))
            .cloned()
            .unwrap()
    }
}

#[tokio::test]
async fn mcp_send_message_comments_on_a_post_in_two_round_trips() {
    let f = fixture().await;
    let server = mcp::start(&f.env, &["serve"]).await;
    // Seen once (resolving @release_notes costs a lookup the first time).
    server
        .ok("get_chat_info", json!({"chat_id": "@release_notes"}))
        .await;
    let (before, copy) = f.comments(1);
    f.sandbox.stats().reset();
    let result = server
        .call(
            "send_message",
            json!({"chat_id": "@release_notes", "message": "Nice release", "reply_to_msg_id": 1}),
        )
        .await;
    assert_ne!(result.is_error, Some(true), "{}", mcp::text(&result));
    assert_eq!(
        f.sandbox.stats().snapshot(),
        [
            ("messages.getDiscussionMessage".to_owned(), 1),
            ("messages.sendMessage".to_owned(), 1)
        ]
        .into_iter()
        .collect(),
        "one lookup and the send"
    );
    let sent = result.structured_content.clone().unwrap();
    let message = &sent["messages"][0];
    let stored = f.newest_in_group();
    assert_eq!(stored.text, "Nice release");
    assert_eq!(stored.reply_to, Some(copy));
    assert_eq!(message["id"], stored.id, "{sent}");
    assert_eq!(message["chat"]["id"], marked(f.group), "{sent}");
    assert_eq!(message["reply_to_msg_id"], copy, "{sent}");
    assert_eq!(sent["comment_on"]["post_id"], 1, "{sent}");
    assert_eq!(
        sent["comment_on"]["chat"]["id"],
        marked(f.channel),
        "{sent}"
    );
    assert_eq!(f.comments(1).0, before + 1, "the post counts the comment");
    let text = mcp::text(&result);
    assert!(
        text.contains("as a comment on post 1 of Release Notes"),
        "{text}"
    );

    // A channel without a discussion group: a clear error, nothing sent.
    let messages_before = f.sandbox.world().messages.len();
    let error = server
        .fail(
            "send_message",
            json!({"chat_id": "@sandbox_news", "message": "hello?", "reply_to_msg_id": 1}),
        )
        .await;
    assert_eq!(error["kind"], "invalid_input", "{error}");
    let said = error["message"].as_str().unwrap();
    assert!(
        said.contains("post 1 of @sandbox_news takes no comments"),
        "{said}"
    );
    assert!(said.contains("nothing was sent"), "{said}");
    assert_eq!(f.sandbox.world().messages.len(), messages_before);
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn cli_send_reply_to_a_post_is_a_comment() {
    let f = fixture().await;
    let (before, copy) = f.comments(2);
    let run = f
        .env
        .run(&[
            "send",
            "--json",
            "@release_notes",
            "First!",
            "--reply-to",
            "2",
        ])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let sent = run.json();
    assert_eq!(sent["messages"][0]["chat"]["id"], marked(f.group), "{sent}");
    assert_eq!(sent["messages"][0]["reply_to_msg_id"], copy, "{sent}");
    assert_eq!(sent["comment_on"]["post_id"], 2, "{sent}");
    assert_eq!(f.comments(2).0, before + 1);

    // Plain output: ids on stdout, the note for the person on stderr.
    let run = f
        .env
        .run(&["send", "@release_notes", "Second", "--reply-to", "2"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let id = f.newest_in_group().id;
    assert_eq!(
        run.stdout.trim(),
        format!("{id} https://t.me/release_notes_chat/{id}"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("comment on post 2 of Release Notes, in Release Notes Chat"),
        "{run:?}"
    );
    // No discussion group: invalid input (exit 2), nothing sent.
    let run = f
        .env
        .run(&["send", "@sandbox_news", "hello?", "--reply-to", "1"])
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("takes no comments"), "{run:?}");
}

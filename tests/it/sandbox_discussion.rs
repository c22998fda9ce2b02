//! Linked discussion groups, played as Telegram plays them: `linked_chat_id` both ways,
//! each post copied into the group as an automatic forward, `messageReplies` with
//! `comments` on the post, messages.getDiscussionMessage, messages.getReplies on a post,
//! and a comment sent by replying to the group's copy.

use grammers_client::tl;
use tgmcp::sandbox::{MessageSpec, Peer};

use crate::sandbox_support::{Demo, page};

fn replies(peer: tl::enums::InputPeer, msg_id: i32) -> tl::functions::messages::GetReplies {
    tl::functions::messages::GetReplies {
        peer,
        msg_id,
        offset_id: 0,
        offset_date: 0,
        add_offset: 0,
        limit: 100,
        max_id: 0,
        min_id: 0,
        hash: 0,
    }
}

fn discussion(
    peer: tl::enums::InputPeer,
    msg_id: i32,
) -> tl::functions::messages::GetDiscussionMessage {
    tl::functions::messages::GetDiscussionMessage { peer, msg_id }
}

fn comment(
    peer: tl::enums::InputPeer,
    reply_to: i32,
    text: &str,
) -> tl::functions::messages::SendMessage {
    tl::functions::messages::SendMessage {
        no_webpage: true,
        silent: false,
        background: false,
        clear_draft: false,
        noforwards: false,
        update_stickersets_order: false,
        invert_media: false,
        allow_paid_floodskip: false,
        peer,
        reply_to: Some(
            tl::types::InputReplyToMessage {
                reply_to_msg_id: reply_to,
                top_msg_id: None,
                reply_to_peer_id: None,
                quote_text: None,
                quote_entities: None,
                quote_offset: None,
                monoforum_peer_id: None,
                todo_item_id: None,
                poll_option: None,
            }
            .into(),
        ),
        message: text.into(),
        random_id: 4242,
        reply_markup: None,
        entities: None,
        schedule_date: None,
        schedule_repeat_period: None,
        send_as: None,
        quick_reply_shortcut: None,
        effect: None,
        allow_paid_stars: None,
        suggested_post: None,
        rich_message: None,
    }
}

fn ids(demo: &Demo) -> (i64, i64) {
    let Peer::Channel(channel) = demo.peer("release_notes") else {
        panic!()
    };
    let Peer::Channel(group) = demo.peer("release_notes_chat") else {
        panic!()
    };
    (channel, group)
}

/// The post `id` of the channel, as channels.getMessages answers it.
async fn post(demo: &Demo, id: i32) -> tl::types::Message {
    let answer = demo
        .call(&tl::functions::channels::GetMessages {
            channel: demo.input_channel("release_notes"),
            id: vec![tl::types::InputMessageId { id }.into()],
        })
        .await
        .unwrap();
    page(answer).messages.remove(0)
}

fn comments_of(m: &tl::types::Message) -> tl::types::MessageReplies {
    match m.replies.clone() {
        Some(tl::enums::MessageReplies::Replies(r)) => r,
        None => panic!("post {} has no replies: {m:?}", m.id),
    }
}

#[tokio::test]
async fn channel_and_group_name_each_other() {
    let demo = Demo::start().await;
    let (channel, group) = ids(&demo);
    for (name, linked) in [("release_notes", group), ("release_notes_chat", channel)] {
        let tl::enums::messages::ChatFull::Full(full) = demo
            .call(&tl::functions::channels::GetFullChannel {
                channel: demo.input_channel(name),
            })
            .await
            .unwrap();
        let tl::enums::ChatFull::ChannelFull(f) = &full.full_chat else {
            panic!("{full:?}")
        };
        assert_eq!(f.linked_chat_id, Some(linked), "{name}");
        assert!(
            full.chats.iter().any(|c| c.id() == linked),
            "{name}: the linked chat is in `chats`"
        );
        assert!(full.chats.iter().all(|c| match c {
            tl::enums::Chat::Channel(c) => c.has_link,
            _ => false,
        }));
    }
    // A channel without a group links nothing.
    let tl::enums::messages::ChatFull::Full(full) = demo
        .call(&tl::functions::channels::GetFullChannel {
            channel: demo.input_channel("sandbox_news"),
        })
        .await
        .unwrap();
    let tl::enums::ChatFull::ChannelFull(f) = &full.full_chat else {
        panic!()
    };
    assert_eq!(f.linked_chat_id, None);
}

#[tokio::test]
async fn posts_are_forwarded_into_the_group_and_count_their_comments() {
    let demo = Demo::start().await;
    let (channel, group) = ids(&demo);
    let history = page(
        demo.call(&crate::sandbox_support::history(
            demo.input_named("release_notes_chat"),
            100,
        ))
        .await
        .unwrap(),
    );
    // Oldest first: copy of post 1, three comments, copy of post 2.
    let mut messages = history.messages.clone();
    messages.reverse();
    assert_eq!(messages.len(), 5, "{:?}", history.texts());
    let copy = &messages[0];
    assert_eq!(
        copy.from_id,
        Some(
            tl::types::PeerChannel {
                channel_id: channel
            }
            .into()
        )
    );
    assert!(!copy.post, "the copy is not a post of the group");
    let Some(tl::enums::MessageFwdHeader::Header(fwd)) = &copy.fwd_from else {
        panic!("no fwd_from: {copy:?}")
    };
    assert_eq!(
        fwd.from_id,
        Some(
            tl::types::PeerChannel {
                channel_id: channel
            }
            .into()
        )
    );
    assert_eq!(fwd.channel_post, Some(1));
    assert_eq!(
        fwd.saved_from_peer,
        Some(
            tl::types::PeerChannel {
                channel_id: channel
            }
            .into()
        )
    );
    assert_eq!(fwd.saved_from_msg_id, Some(1));
    assert!(
        history.chats.contains(&channel),
        "the channel is in `chats`"
    );

    let first = comments_of(&post(&demo, 1).await);
    assert!(first.comments);
    assert_eq!(first.replies, 3, "two comments and an answer to one");
    assert_eq!(first.channel_id, Some(group));
    assert_eq!(first.max_id, Some(messages[3].id));
    let second = comments_of(&post(&demo, 2).await);
    assert!(second.comments);
    assert_eq!((second.replies, second.max_id), (0, None));
    // A channel without a discussion group: no `replies`.
    let answer = demo
        .call(&tl::functions::channels::GetMessages {
            channel: demo.input_channel("sandbox_news"),
            id: vec![tl::types::InputMessageId { id: 1 }.into()],
        })
        .await
        .unwrap();
    assert_eq!(page(answer).messages[0].replies, None);
}

#[tokio::test]
async fn get_discussion_message_as_telegram_answers_it() {
    let demo = Demo::start().await;
    let (channel, group) = ids(&demo);
    let tl::enums::messages::DiscussionMessage::Message(d) = demo
        .call(&discussion(demo.input_named("release_notes"), 1))
        .await
        .unwrap();
    let [tl::enums::Message::Message(top)] = d.messages.as_slice() else {
        panic!("{d:?}")
    };
    assert_eq!(
        top.peer_id,
        tl::types::PeerChannel { channel_id: group }.into()
    );
    assert_eq!(top.message, "Release 2.0: comments on channel posts");
    let copy = top.id;
    assert_eq!(d.max_id, Some(copy + 3));
    assert_eq!(d.unread_count, 0, "the demo account has read the comments");
    assert_eq!(d.read_inbox_max_id, d.max_id);
    let bob = demo.user("bob_builder");
    let late = demo
        .sandbox
        .world()
        .add_message(MessageSpec::new(bob, Peer::Channel(group), "One more thing").reply_to(copy));
    let tl::enums::messages::DiscussionMessage::Message(d) = demo
        .call(&discussion(demo.input_named("release_notes"), 1))
        .await
        .unwrap();
    assert_eq!((d.max_id, d.unread_count), (Some(late), 1));
    let chat_ids: Vec<i64> = d.chats.iter().map(|c| c.id()).collect();
    assert!(
        chat_ids.contains(&channel) && chat_ids.contains(&group),
        "{chat_ids:?}"
    );

    // A message inside the thread answers with the thread's top message.
    let tl::enums::messages::DiscussionMessage::Message(inner) = demo
        .call(&discussion(
            demo.input_named("release_notes_chat"),
            copy + 2,
        ))
        .await
        .unwrap();
    assert!(matches!(&inner.messages[..], [tl::enums::Message::Message(m)] if m.id == copy));
    assert_eq!(inner.max_id, Some(late));

    // The second post has comments enabled but none yet.
    let tl::enums::messages::DiscussionMessage::Message(second) = demo
        .call(&discussion(demo.input_named("release_notes"), 2))
        .await
        .unwrap();
    assert_eq!((second.max_id, second.unread_count), (None, 0));

    for (peer, id, error) in [
        (demo.input_named("release_notes"), 99, "MSG_ID_INVALID"),
        (demo.input_named("sandbox_news"), 1, "MSG_ID_INVALID"),
        (demo.input_named("bob_builder"), 1, "PEER_ID_INVALID"),
    ] {
        assert_eq!(demo.error(&discussion(peer, id)).await, error);
    }
    // A private channel Alex is not in.
    let ops = {
        let w = demo.sandbox.world();
        let ops = w.channel_by_title("Ops Private").unwrap();
        tl::types::InputPeerChannel {
            channel_id: ops.id,
            access_hash: ops.access_hash,
        }
        .into()
    };
    assert_eq!(demo.error(&discussion(ops, 1)).await, "CHANNEL_PRIVATE");
}

#[tokio::test]
async fn replies_of_a_post_are_its_comments_and_a_reply_to_the_copy_is_one() {
    let demo = Demo::start().await;
    let (channel, group) = ids(&demo);
    let comments = page(
        demo.call(&replies(demo.input_named("release_notes"), 1))
            .await
            .unwrap(),
    );
    assert_eq!(
        comments.texts(),
        [
            "Great release, thanks",
            "Yes: tgmcp send --reply-to",
            "Finally! Does it work from the CLI?"
        ]
    );
    assert!(
        comments
            .messages
            .iter()
            .all(|m| m.peer_id == tl::types::PeerChannel { channel_id: group }.into())
    );
    assert_eq!(comments.count, Some(3));

    let (_, copy) = demo.sandbox.world().comments_of(channel, 2).unwrap();
    demo.call(&comment(
        demo.input_named("release_notes_chat"),
        copy,
        "First!",
    ))
    .await
    .unwrap();
    let second = comments_of(&post(&demo, 2).await);
    assert_eq!(second.replies, 1);
    assert_eq!(second.max_id, Some(copy + 1));
    let thread = page(
        demo.call(&replies(demo.input_named("release_notes"), 2))
            .await
            .unwrap(),
    );
    assert_eq!(thread.texts(), ["First!"]);
}

//! The sandbox plays forwards, deletions, pins and reactions as Telegram does: their
//! answers, the updates pushed to the other side, and what getDifference replays.

use grammers_session::updates::UpdatesLike;
use grammers_tl_types as tl;
use tgmcp::sandbox::{Action, MessageSpec, Peer};

use crate::common::within;
use crate::sandbox_support::Demo;

fn state_pts(demo: &Demo, user: i64) -> i32 {
    demo.sandbox.world().pts(user)
}

/// The next pushed `updates` (skipping other shapes).
async fn next_updates(tc: &mut crate::common::TestClient) -> tl::types::Updates {
    loop {
        let got = within(5, tc.updates.recv()).await.expect("a pushed update");
        if let UpdatesLike::Updates(tl::enums::Updates::Updates(u)) = got {
            return u;
        }
    }
}

fn difference(pts: i32) -> tl::functions::updates::GetDifference {
    tl::functions::updates::GetDifference {
        pts,
        pts_limit: None,
        pts_total_limit: None,
        date: 0,
        qts: 0,
        qts_limit: None,
    }
}

/// Alex sends Bob a message and returns its id.
fn message_to_bob(demo: &Demo, text: &str) -> i32 {
    let bob = demo.user("bob_builder");
    demo.sandbox
        .world()
        .add_message(MessageSpec::new(demo.me, Peer::User(bob), text))
}

#[tokio::test]
async fn forwards_are_new_messages_with_their_origin() {
    let demo = Demo::start().await;
    let carol = demo.user("carol");
    let hike = demo.peer("Weekend hike");
    let original = {
        let w = demo.sandbox.world();
        w.messages
            .iter()
            .find(|m| m.to == hike && m.from == Some(carol))
            .expect("Carol wrote in the hike group")
            .clone()
    };
    let forward = |ids: Vec<i32>, random_id: Vec<i64>, drop_author| {
        tl::functions::messages::ForwardMessages {
            silent: true,
            background: false,
            with_my_score: false,
            drop_author,
            drop_media_captions: false,
            noforwards: false,
            allow_paid_floodskip: false,
            from_ephemeral: false,
            from_peer: demo.input(hike),
            id: ids,
            random_id,
            to_peer: tl::enums::InputPeer::PeerSelf,
            top_msg_id: None,
            reply_to: None,
            schedule_date: None,
            schedule_repeat_period: None,
            send_as: None,
            quick_reply_shortcut: None,
            effect: None,
            video_timestamp: None,
            allow_paid_stars: None,
            suggested_post: None,
        }
    };
    let answer = demo
        .call(&forward(vec![original.id, 999_999], vec![11, 12], false))
        .await
        .unwrap();
    let tl::enums::Updates::Updates(u) = answer else {
        panic!("a forward is answered in full: {answer:?}");
    };
    // updateMessageID for the random_id, then the new message; the missing id is skipped.
    let tl::enums::Update::MessageId(sent) = &u.updates[0] else {
        panic!("{u:?}")
    };
    assert_eq!(sent.random_id, 11);
    assert_eq!(u.updates.len(), 2, "{u:?}");
    let tl::enums::Update::NewMessage(new) = &u.updates[1] else {
        panic!("{u:?}")
    };
    let tl::enums::Message::Message(m) = &new.message else {
        panic!("{new:?}")
    };
    assert_eq!(m.id, sent.id);
    assert_eq!(m.message, original.text);
    let Some(tl::enums::MessageFwdHeader::Header(fwd)) = &m.fwd_from else {
        panic!("a forward names its origin: {m:?}");
    };
    assert_eq!(
        fwd.from_id,
        Some(tl::types::PeerUser { user_id: carol }.into())
    );
    assert_eq!(fwd.date, original.date);
    assert_eq!(fwd.channel_post, None);
    assert!(
        u.users
            .iter()
            .any(|user| matches!(user, tl::enums::User::User(x) if x.id == carol)),
        "the origin is described"
    );

    // drop_author: a copy, with no header.
    let answer = demo
        .call(&forward(vec![original.id], vec![13], true))
        .await
        .unwrap();
    let tl::enums::Updates::Updates(u) = answer else {
        panic!("{answer:?}")
    };
    let copy = u.updates.iter().find_map(|x| match x {
        tl::enums::Update::NewMessage(n) => Some(n.message.clone()),
        _ => None,
    });
    let Some(tl::enums::Message::Message(copy)) = copy else {
        panic!("{u:?}")
    };
    assert!(copy.fwd_from.is_none(), "{copy:?}");

    // Errors by Telegram's names.
    assert_eq!(
        demo.error(&forward(vec![999_999], vec![14], false)).await,
        "MESSAGE_ID_INVALID"
    );
    assert_eq!(
        demo.error(&forward(vec![original.id], vec![11], false))
            .await,
        "RANDOM_ID_DUPLICATE"
    );
    assert_eq!(
        demo.error(&forward(vec![original.id], vec![], false)).await,
        "RANDOM_ID_INVALID"
    );
    assert_eq!(
        demo.error(&forward(vec![], vec![], false)).await,
        "MESSAGE_IDS_EMPTY"
    );

    // A post forwarded from a broadcast channel names the channel and the post.
    let news = demo.peer("sandbox_news");
    let post = demo
        .sandbox
        .world()
        .top_message(demo.me, news)
        .expect("a post")
        .id;
    let mut from_channel = forward(vec![post], vec![15], false);
    from_channel.from_peer = demo.input(news);
    let answer = demo.call(&from_channel).await.unwrap();
    let w = demo.sandbox.world();
    let copy = w.messages.last().unwrap();
    let origin = copy.fwd_from.as_ref().expect("forwarded");
    assert_eq!((origin.from, origin.channel_post), (Some(news), Some(post)));
    drop(answer);
}

#[tokio::test]
async fn deleting_for_everyone_tells_the_other_side_and_is_replayed() {
    let demo = Demo::start().await;
    let bob = demo.user("bob_builder");
    let mut bob_tc = demo.connect_as(bob).await;
    let id = message_to_bob(&demo, "oops, wrong chat");
    let (alex_pts, bob_pts) = (state_pts(&demo, demo.me), state_pts(&demo, bob));

    let delete = tl::functions::messages::DeleteMessages {
        revoke: true,
        id: vec![id, 999_999],
    };
    let tl::enums::messages::AffectedMessages::Messages(affected) =
        demo.call(&delete).await.unwrap();
    assert_eq!((affected.pts, affected.pts_count), (alex_pts + 1, 1));
    assert!(
        !demo
            .sandbox
            .world()
            .messages
            .iter()
            .any(|m| m.id == id && !matches!(m.to, Peer::Channel(_)))
    );

    let pushed = next_updates(&mut bob_tc).await;
    assert!(
        matches!(&pushed.updates[..], [tl::enums::Update::DeleteMessages(d)]
            if d.messages == [id] && d.pts == bob_pts + 1 && d.pts_count == 1),
        "{pushed:?}"
    );
    // Bob, had he been away, gets it from getDifference.
    let replay = within(10, bob_tc.client.invoke(&difference(bob_pts)))
        .await
        .unwrap();
    let tl::enums::updates::Difference::Difference(d) = replay else {
        panic!("{replay:?}")
    };
    assert!(
        d.other_updates
            .iter()
            .any(|u| matches!(u, tl::enums::Update::DeleteMessages(x) if x.messages == [id])),
        "{d:?}"
    );

    // Without revoke, it goes for Alex only.
    let id = message_to_bob(&demo, "only mine to forget");
    let delete = tl::functions::messages::DeleteMessages {
        revoke: false,
        id: vec![id],
    };
    let tl::enums::messages::AffectedMessages::Messages(affected) =
        demo.call(&delete).await.unwrap();
    assert_eq!(affected.pts_count, 1);
    let w = demo.sandbox.world();
    assert!(w.message_index(demo.me, Peer::User(bob), id).is_none());
    assert!(
        w.message_index(bob, Peer::User(demo.me), id).is_some(),
        "Bob keeps it"
    );
}

#[tokio::test]
async fn basic_groups_and_supergroups_guard_other_peoples_messages() {
    let demo = Demo::start().await;
    let carol = demo.user("carol");
    let hike = demo.peer("Weekend hike");
    let carols = demo
        .sandbox
        .world()
        .messages
        .iter()
        .find(|m| m.to == hike && m.from == Some(carol))
        .unwrap()
        .id;
    // Carol created the group; Alex may not take her message from everyone.
    let revoke = tl::functions::messages::DeleteMessages {
        revoke: true,
        id: vec![carols],
    };
    assert_eq!(demo.error(&revoke).await, "MESSAGE_DELETE_FORBIDDEN");

    let rust = demo.peer("rust_berlin");
    let others = demo
        .sandbox
        .world()
        .messages
        .iter()
        .find(|m| m.to == rust && m.from != Some(demo.me))
        .unwrap()
        .id;
    let delete = |id| tl::functions::channels::DeleteMessages {
        channel: demo.input_channel("rust_berlin"),
        id: vec![id],
    };
    assert_eq!(
        demo.error(&delete(others)).await,
        "MESSAGE_DELETE_FORBIDDEN"
    );
    let mine = demo
        .sandbox
        .world()
        .add_message(MessageSpec::new(demo.me, rust, "typo"));
    let erin = demo.user("erin_ops");
    let mut erin_tc = demo.connect_as(erin).await;
    let pts = demo.sandbox.world().pts_for(demo.me, rust);
    let tl::enums::messages::AffectedMessages::Messages(affected) =
        demo.call(&delete(mine)).await.unwrap();
    assert_eq!((affected.pts, affected.pts_count), (pts + 1, 1));
    let pushed = next_updates(&mut erin_tc).await;
    assert!(
        matches!(&pushed.updates[..], [tl::enums::Update::DeleteChannelMessages(d)]
            if d.messages == [mine] && d.pts == pts + 1),
        "{pushed:?}"
    );
    // Replayed by getChannelDifference.
    let replay = demo
        .call(&tl::functions::updates::GetChannelDifference {
            force: false,
            channel: demo.input_channel("rust_berlin"),
            filter: tl::enums::ChannelMessagesFilter::Empty,
            pts,
            limit: 100,
        })
        .await
        .unwrap();
    let tl::enums::updates::ChannelDifference::Difference(d) = replay else {
        panic!("{replay:?}")
    };
    assert!(
        matches!(&d.other_updates[..], [tl::enums::Update::DeleteChannelMessages(x)] if x.messages == [mine]),
        "{d:?}"
    );
}

#[tokio::test]
async fn pins_come_with_their_service_message_and_reach_the_other_side() {
    let demo = Demo::start().await;
    let bob = demo.user("bob_builder");
    let mut bob_tc = demo.connect_as(bob).await;
    let id = message_to_bob(&demo, "the plan: meet at 9");
    let bob_pts = state_pts(&demo, bob);
    let pin = |id, unpin| tl::functions::messages::UpdatePinnedMessage {
        silent: false,
        unpin,
        pm_oneside: false,
        peer: demo.input_named("bob_builder"),
        id,
    };
    let answer = demo.call(&pin(id, false)).await.unwrap();
    let tl::enums::Updates::Updates(u) = answer else {
        panic!("{answer:?}")
    };
    let [
        tl::enums::Update::PinnedMessages(pinned),
        tl::enums::Update::NewMessage(service),
    ] = &u.updates[..]
    else {
        panic!("{u:?}")
    };
    assert!(pinned.pinned && pinned.messages == [id]);
    assert_eq!(pinned.peer, tl::types::PeerUser { user_id: bob }.into());
    let tl::enums::Message::Service(service) = &service.message else {
        panic!("{service:?}")
    };
    assert!(matches!(
        service.action,
        tl::enums::MessageAction::PinMessage
    ));
    assert!(matches!(&service.reply_to,
        Some(tl::enums::MessageReplyHeader::Header(h)) if h.reply_to_msg_id == Some(id)));
    {
        let w = demo.sandbox.world();
        let m = &w.messages[w.message_index(demo.me, Peer::User(bob), id).unwrap()];
        assert!(m.pinned);
        assert_eq!(w.messages.last().unwrap().action, Some(Action::PinMessage));
    }

    let pushed = next_updates(&mut bob_tc).await;
    assert!(
        matches!(&pushed.updates[0], tl::enums::Update::PinnedMessages(p)
            if p.peer == tl::types::PeerUser { user_id: demo.me }.into() && p.pts == bob_pts + 1),
        "{pushed:?}"
    );
    // And it is replayed by getDifference.
    let replay = within(10, bob_tc.client.invoke(&difference(bob_pts)))
        .await
        .unwrap();
    let tl::enums::updates::Difference::Difference(d) = replay else {
        panic!("{replay:?}")
    };
    assert!(
        d.other_updates
            .iter()
            .any(|u| matches!(u, tl::enums::Update::PinnedMessages(p) if p.pinned)),
        "{d:?}"
    );
    assert_eq!(d.new_messages.len(), 1, "the service message");

    // Unpinning: no service message.
    let answer = demo.call(&pin(id, true)).await.unwrap();
    let tl::enums::Updates::Updates(u) = answer else {
        panic!("{answer:?}")
    };
    assert!(
        matches!(&u.updates[..], [tl::enums::Update::PinnedMessages(p)] if !p.pinned),
        "{u:?}"
    );
    assert_eq!(demo.error(&pin(999_999, false)).await, "MESSAGE_ID_INVALID");

    // In a supergroup only admins pin.
    let rust = demo.peer("rust_berlin");
    let rust_message = demo.sandbox.world().top_message(demo.me, rust).unwrap().id;
    let mut in_rust = pin(rust_message, false);
    in_rust.peer = demo.input_named("rust_berlin");
    assert_eq!(demo.error(&in_rust).await, "CHAT_ADMIN_REQUIRED");
}

#[tokio::test]
async fn reactions_are_counted_per_emoji_and_pushed() {
    let demo = Demo::start().await;
    let bob = demo.user("bob_builder");
    let mut bob_tc = demo.connect_as(bob).await;
    let id = message_to_bob(&demo, "pizza tonight?");
    let react =
        |peer: tl::enums::InputPeer, emoji: Option<&str>| tl::functions::messages::SendReaction {
            big: false,
            add_to_recent: true,
            peer,
            msg_id: id,
            reaction: emoji.map(|e| {
                vec![
                    tl::types::ReactionEmoji {
                        emoticon: e.to_owned(),
                    }
                    .into(),
                ]
            }),
        };
    // Bob reacts first, then Alex.
    let alex = demo
        .sandbox
        .world()
        .input_peer(Peer::User(demo.me))
        .unwrap();
    within(10, bob_tc.client.invoke(&react(alex, Some("🔥"))))
        .await
        .unwrap();
    let answer = demo
        .call(&react(demo.input_named("bob_builder"), Some("👍")))
        .await
        .unwrap();
    let tl::enums::Updates::Updates(u) = answer else {
        panic!("{answer:?}")
    };
    let [tl::enums::Update::MessageReactions(r)] = &u.updates[..] else {
        panic!("{u:?}")
    };
    assert_eq!(r.msg_id, id);
    let tl::enums::MessageReactions::Reactions(reactions) = &r.reactions;
    let counts: Vec<(String, i32, bool)> = reactions
        .results
        .iter()
        .map(|tl::enums::ReactionCount::Count(c)| {
            let tl::enums::Reaction::Emoji(e) = &c.reaction else {
                panic!()
            };
            (e.emoticon.clone(), c.count, c.chosen_order.is_some())
        })
        .collect();
    assert_eq!(
        counts,
        [("🔥".to_owned(), 1, false), ("👍".to_owned(), 1, true)]
    );
    assert_eq!(reactions.recent_reactions.as_ref().map(Vec::len), Some(2));

    // Bob's connection hears of Alex's reaction, rendered for him.
    let pushed = loop {
        let u = next_updates(&mut bob_tc).await;
        if let [tl::enums::Update::MessageReactions(r)] = &u.updates[..] {
            let tl::enums::MessageReactions::Reactions(x) = &r.reactions;
            if x.results.len() == 2 {
                break x.clone();
            }
        }
    };
    assert!(
        pushed
            .results
            .iter()
            .any(|tl::enums::ReactionCount::Count(c)| c.chosen_order.is_some() && c.count == 1)
    );

    assert_eq!(
        demo.error(&react(demo.input_named("bob_builder"), Some("🦀")))
            .await,
        "REACTION_INVALID"
    );
    // No reaction: Alex's is taken back.
    demo.call(&react(demo.input_named("bob_builder"), None))
        .await
        .unwrap();
    let w = demo.sandbox.world();
    let m = &w.messages[w.message_index(demo.me, Peer::User(bob), id).unwrap()];
    assert_eq!(m.reactions, [(bob, "🔥".to_owned())]);
}

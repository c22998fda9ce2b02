//! Writing against the sandbox: grammers' send_message to every kind of chat, pushed
//! updates, random_id de-duplication, and messages.editMessage, with each error by name.

use grammers_client::message::InputMessage;
use grammers_client::session::types::PeerRef;
use grammers_client::session::updates::UpdatesLike;
use grammers_client::tl;
use tgmcp::sandbox::{Media, MessageSpec, Peer};

use crate::common::{TestClient, within};
use crate::sandbox_support::Demo;

fn send(
    peer: tl::enums::InputPeer,
    text: &str,
    random_id: i64,
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
        reply_to: None,
        message: text.into(),
        random_id,
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

fn edit(peer: tl::enums::InputPeer, id: i32, text: &str) -> tl::functions::messages::EditMessage {
    tl::functions::messages::EditMessage {
        no_webpage: true,
        invert_media: false,
        peer,
        id,
        message: Some(text.into()),
        media: None,
        reply_markup: None,
        entities: None,
        schedule_date: None,
        schedule_repeat_period: None,
        quick_reply_shortcut_id: None,
        rich_message: None,
    }
}

/// The id of the newest message in `dialog` (as Alex sees it) with exactly `text`.
fn find(demo: &Demo, dialog: Peer, text: &str) -> i32 {
    let w = demo.sandbox.world();
    w.history(demo.me, dialog)
        .iter()
        .find(|m| m.text == text)
        .unwrap_or_else(|| panic!("{text:?} in {dialog:?}"))
        .id
}

/// The next pushed update that carries a message, with that message. A short form
/// (`updateShortMessage`, `updateShortChatMessage`) comes back as the `updateNewMessage`
/// it stands for, as clients read it.
async fn next_message_update(tc: &mut TestClient) -> (tl::enums::Update, tl::types::Message) {
    // Only the sender's own other sessions need `me`; these tests push to someone else.
    next_message_push(tc, 0).await.1
}

/// The next pushed message: the `Updates` constructor it came in, and the update and
/// message it stands for. `me` is the account the push went to (short private forms name
/// only the other side).
async fn next_message_push(
    tc: &mut TestClient,
    me: i64,
) -> (u32, (tl::enums::Update, tl::types::Message)) {
    use tl::Identifiable;
    loop {
        let got = within(5, tc.updates.recv()).await.expect("an update");
        let UpdatesLike::Updates(updates) = got else {
            continue;
        };
        let form = match &updates {
            tl::enums::Updates::Updates(_) => tl::types::Updates::CONSTRUCTOR_ID,
            tl::enums::Updates::UpdateShortMessage(_) => {
                tl::types::UpdateShortMessage::CONSTRUCTOR_ID
            }
            tl::enums::Updates::UpdateShortChatMessage(_) => {
                tl::types::UpdateShortChatMessage::CONSTRUCTOR_ID
            }
            _ => continue,
        };
        let list = match updates {
            tl::enums::Updates::Updates(u) => u.updates,
            tl::enums::Updates::UpdateShortMessage(u) => vec![short_as_new(
                u.id,
                u.out,
                if u.out { me } else { u.user_id },
                tl::types::PeerUser { user_id: u.user_id }.into(),
                u.message,
                u.reply_to,
                (u.pts, u.date),
            )],
            tl::enums::Updates::UpdateShortChatMessage(u) => vec![short_as_new(
                u.id,
                u.out,
                u.from_id,
                tl::types::PeerChat { chat_id: u.chat_id }.into(),
                u.message,
                u.reply_to,
                (u.pts, u.date),
            )],
            _ => continue,
        };
        for update in list {
            use tl::enums::Update as U;
            let message = match &update {
                U::NewMessage(n) => &n.message,
                U::NewChannelMessage(n) => &n.message,
                U::EditMessage(e) => &e.message,
                U::EditChannelMessage(e) => &e.message,
                _ => continue,
            };
            if let tl::enums::Message::Message(m) = message {
                let m = m.clone();
                return (form, (update, m));
            }
        }
    }
}

/// The `updateNewMessage` a short push stands for.
fn short_as_new(
    id: i32,
    out: bool,
    from: i64,
    peer_id: tl::enums::Peer,
    text: String,
    reply_to: Option<tl::enums::MessageReplyHeader>,
    (pts, date): (i32, i32),
) -> tl::enums::Update {
    let mut m = plain_message(id, peer_id, text, date);
    m.out = out;
    m.from_id = Some(tl::types::PeerUser { user_id: from }.into());
    m.reply_to = reply_to;
    tl::types::UpdateNewMessage {
        message: m.into(),
        pts,
        pts_count: 1,
    }
    .into()
}

fn plain_message(id: i32, peer_id: tl::enums::Peer, text: String, date: i32) -> tl::types::Message {
    tl::types::Message {
        out: false,
        mentioned: false,
        media_unread: false,
        silent: false,
        post: false,
        from_scheduled: false,
        legacy: false,
        edit_hide: false,
        pinned: false,
        noforwards: false,
        invert_media: false,
        offline: false,
        video_processing_pending: false,
        paid_suggested_post_stars: false,
        paid_suggested_post_ton: false,
        id,
        from_id: None,
        from_boosts_applied: None,
        from_rank: None,
        peer_id,
        saved_peer_id: None,
        fwd_from: None,
        via_bot_id: None,
        via_business_bot_id: None,
        guestchat_via_from: None,
        reply_to: None,
        date,
        message: text,
        media: None,
        reply_markup: None,
        entities: None,
        views: None,
        forwards: None,
        replies: None,
        edit_date: None,
        post_author: None,
        grouped_id: None,
        reactions: None,
        restriction_reason: None,
        ttl_period: None,
        quick_reply_shortcut_id: None,
        effect: None,
        factcheck: None,
        report_delivery_until_date: None,
        paid_message_stars: None,
        suggested_post: None,
        schedule_repeat_period: None,
        summary_from_language: None,
        rich_message: None,
    }
}

#[tokio::test]
async fn send_message_reaches_every_kind_of_chat() {
    let demo = Demo::start().await;
    let bob_id = demo.user("bob_builder");
    let mut bob = demo.connect_as(bob_id).await;
    use tl::Identifiable;
    // How Bob is told, as Telegram tells him: the short forms for a plain message in a
    // private chat or a basic group, a full `updates` in a channel.
    let short_private = Some(tl::types::UpdateShortMessage::CONSTRUCTOR_ID);
    let short_chat = Some(tl::types::UpdateShortChatMessage::CONSTRUCTOR_ID);
    let full = Some(tl::types::Updates::CONSTRUCTOR_ID);
    let targets = [
        ("bob_builder", short_private),
        ("Weekend hike", short_chat),
        ("rust_berlin", full),
        ("alex_demo", None), // Saved Messages
        ("Alex's Notes", None),
    ];
    for (n, (name, bob_sees_it)) in targets.into_iter().enumerate() {
        let dialog = demo.peer(name);
        let text = format!("Hello #{n} from the test");
        let sent = within(
            10,
            demo.tc
                .client
                .send_message(PeerRef::from(demo.input(dialog)), text.as_str()),
        )
        .await
        .unwrap_or_else(|e| panic!("sending to {name}: {e}"));
        assert_eq!(
            sent.id(),
            find(&demo, dialog, &text),
            "{name}: the id grammers reports"
        );
        assert_eq!(sent.text(), text);
        if let Some(form) = bob_sees_it {
            let (pushed_as, (update, m)) = next_message_push(&mut bob, bob_id).await;
            assert_eq!(pushed_as, form, "{name}: the form of the push");
            assert_eq!(
                (m.id, m.message.as_str(), m.out),
                (sent.id(), text.as_str(), false)
            );
            let is_channel = matches!(dialog, Peer::Channel(_));
            assert_eq!(
                matches!(update, tl::enums::Update::NewChannelMessage(_)),
                is_channel
            );
            if let Peer::User(_) = dialog {
                let alex = tl::types::PeerUser { user_id: demo.me };
                assert_eq!(m.peer_id, alex.into(), "Bob sees the chat with Alex");
            }
        }
    }

    // A reply, through grammers.
    let bob_peer = demo.peer("bob_builder");
    let great = find(&demo, bob_peer, "Great, see you then");
    let message = InputMessage::new().text("Replying").reply_to(Some(great));
    let reply = within(
        10,
        demo.tc
            .client
            .send_message(PeerRef::from(demo.input(bob_peer)), message),
    )
    .await
    .unwrap();
    assert_eq!(reply.reply_to_message_id(), Some(great));
    // Saved Messages and Alex's own channel reached nobody else: the next message Bob
    // is pushed (pushes arrive in order) is this reply.
    let (_, m) = next_message_update(&mut bob).await;
    assert_eq!((m.id, m.message.as_str()), (reply.id(), "Replying"));
}

#[tokio::test]
async fn send_answer_keeps_pts_in_step_with_get_state() {
    let demo = Demo::start().await;
    let state = || async {
        let tl::enums::updates::State::State(state) = demo
            .call(&tl::functions::updates::GetState {})
            .await
            .unwrap();
        state
    };
    // To a user: Telegram's short answer, with the id, pts and date only.
    let answer = demo
        .call(&send(demo.input_named("carol"), "pts check", 7))
        .await
        .unwrap();
    let tl::enums::Updates::UpdateShortSentMessage(short) = answer else {
        panic!("updateShortSentMessage expected: {answer:?}")
    };
    assert!(short.out);
    assert_eq!(short.id, find(&demo, demo.peer("carol"), "pts check"));
    assert_eq!(
        (short.pts_count, short.media, short.entities),
        (1, None, None)
    );
    assert_eq!(state().await.pts, short.pts);

    // Formatting the client sent comes back in the short answer, as Telegram sends it.
    let mut bold = send(demo.input_named("carol"), "bold news", 8);
    let entities = vec![
        tl::types::MessageEntityBold {
            offset: 0,
            length: 4,
        }
        .into(),
    ];
    bold.entities = Some(entities.clone());
    let tl::enums::Updates::UpdateShortSentMessage(short) = demo.call(&bold).await.unwrap() else {
        panic!("updateShortSentMessage expected")
    };
    assert_eq!(short.entities, Some(entities));

    // To a group: the full form, with updateMessageID for the random_id.
    let answer = demo
        .call(&send(demo.input_named("Weekend hike"), "pts check", 9))
        .await
        .unwrap();
    let tl::enums::Updates::Updates(u) = answer else {
        panic!("updates expected")
    };
    let [
        tl::enums::Update::MessageId(sent),
        tl::enums::Update::NewMessage(new),
    ] = &u.updates[..]
    else {
        panic!("updateMessageID then updateNewMessage: {:?}", u.updates);
    };
    assert_eq!(sent.random_id, 9);
    assert_eq!((new.message.id(), new.pts_count), (sent.id, 1));
    let users: Vec<i64> = u.users.iter().map(|u| u.id()).collect();
    assert!(users.contains(&demo.me));
    assert_eq!(state().await.pts, new.pts);
}

#[tokio::test]
async fn send_errors_have_telegram_names() {
    let demo = Demo::start().await;
    let bob = demo.input_named("bob_builder");
    let cases = [
        (send(bob.clone(), " \n ", 1), "MESSAGE_EMPTY"),
        (send(bob.clone(), &"a".repeat(4097), 2), "MESSAGE_TOO_LONG"),
        // Telegram counts UTF-16 code units: 2049 emoji are 4098.
        (send(bob.clone(), &"😀".repeat(2049), 3), "MESSAGE_TOO_LONG"),
        (
            send(demo.input_named("sandbox_news"), "hi", 4),
            "CHAT_WRITE_FORBIDDEN",
        ),
        (
            send(demo.input_named("Book club"), "hi", 5),
            "CHAT_WRITE_FORBIDDEN",
        ),
        (
            send(demo.input_named("berlin_events"), "hi", 6),
            "CHAT_WRITE_FORBIDDEN",
        ),
        (
            send(demo.input_named("Ops Private"), "hi", 7),
            "CHANNEL_PRIVATE",
        ),
        (
            send(tl::enums::InputPeer::Empty, "hi", 8),
            "PEER_ID_INVALID",
        ),
    ];
    for (request, expected) in cases {
        assert_eq!(demo.error(&request).await, expected, "{:?}", request.peer);
    }

    let mut reply = send(bob.clone(), "hi", 9);
    reply.reply_to = Some(
        tl::types::InputReplyToMessage {
            reply_to_msg_id: 99_999,
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
    );
    assert_eq!(demo.error(&reply).await, "REPLY_MESSAGE_ID_INVALID");

    let mut scheduled = send(bob.clone(), "later", 10);
    scheduled.schedule_date = Some(i32::MAX);
    assert_eq!(
        demo.error(&scheduled).await,
        "SCHEDULE_NOT_SUPPORTED_BY_SANDBOX"
    );

    // At the limits exactly, sends go through.
    demo.call(&send(bob.clone(), &"a".repeat(4096), 11))
        .await
        .unwrap();
    demo.call(&send(bob, &"😀".repeat(2048), 12)).await.unwrap();
}

#[tokio::test]
async fn a_repeated_random_id_is_refused_and_sends_nothing() {
    let demo = Demo::start().await;
    let carol = demo.peer("carol");
    let request = send(demo.input(carol), "exactly once", 0x5eed);
    demo.call(&request).await.unwrap();
    let err = demo.call(&request).await.unwrap_err();
    match &err {
        grammers_client::InvocationError::Rpc(rpc) => {
            assert_eq!((rpc.code, rpc.name.as_str()), (500, "RANDOM_ID_DUPLICATE"))
        }
        other => panic!("expected RANDOM_ID_DUPLICATE, got {other:?}"),
    }
    let copies = {
        let w = demo.sandbox.world();
        w.history(demo.me, carol)
            .iter()
            .filter(|m| m.text == "exactly once")
            .count()
    };
    assert_eq!(copies, 1);

    // The id is Alex's: Bob may use the same one. A refused send does not use one up.
    let bob = demo.connect_as(demo.user("bob_builder")).await;
    let bobs = send(
        demo.input(Peer::User(demo.me)),
        "same id, other sender",
        0x5eed,
    );
    within(10, bob.client.invoke(&bobs)).await.unwrap();
    let empty = send(demo.input(carol), "", 0xfeed);
    assert_eq!(demo.error(&empty).await, "MESSAGE_EMPTY");
    demo.call(&send(demo.input(carol), "now with text", 0xfeed))
        .await
        .unwrap();
}

#[tokio::test]
async fn editing_checks_author_age_and_change() {
    let demo = Demo::start().await;
    let bob_id = demo.user("bob_builder");
    let mut bob = demo.connect_as(bob_id).await;
    let bob_peer = demo.peer("bob_builder");
    let bob_input = demo.input(bob_peer);

    demo.call(&send(bob_input.clone(), "Draft text", 1))
        .await
        .unwrap();
    let _ = next_message_update(&mut bob).await;
    let mine = find(&demo, bob_peer, "Draft text");
    let answer = demo
        .call(&edit(bob_input.clone(), mine, "Final text"))
        .await
        .unwrap();
    let tl::enums::Updates::Updates(u) = answer else {
        panic!("updates expected")
    };
    let [tl::enums::Update::EditMessage(e)] = &u.updates[..] else {
        panic!("one updateEditMessage: {:?}", u.updates)
    };
    let tl::enums::Message::Message(edited) = &e.message else {
        panic!()
    };
    assert_eq!((edited.id, edited.message.as_str()), (mine, "Final text"));
    assert!(edited.edit_date.is_some());
    let (update, pushed) = next_message_update(&mut bob).await;
    assert!(matches!(update, tl::enums::Update::EditMessage(_)));
    assert_eq!(pushed.message, "Final text");

    // Formatting alone is a change.
    let mut bold = edit(bob_input.clone(), mine, "Final text");
    bold.entities = Some(vec![
        tl::types::MessageEntityBold {
            offset: 0,
            length: 5,
        }
        .into(),
    ]);
    demo.call(&bold).await.unwrap();

    let great = find(&demo, bob_peer, "Great, see you then");
    let thursday = find(&demo, bob_peer, "Thursday 10:00 works for me");
    let carols = find(&demo, demo.peer("carol"), "Photo from the summit last time");
    let cases = [
        (edit(bob_input.clone(), 99_999, "x"), "MESSAGE_ID_INVALID"),
        (edit(bob_input.clone(), carols, "x"), "MESSAGE_ID_INVALID"),
        (
            edit(bob_input.clone(), great, "x"),
            "MESSAGE_AUTHOR_REQUIRED",
        ),
        (bold, "MESSAGE_NOT_MODIFIED"),
        (edit(bob_input.clone(), mine, "   "), "MESSAGE_EMPTY"),
        (
            edit(bob_input.clone(), mine, &"a".repeat(4097)),
            "MESSAGE_TOO_LONG",
        ),
        (
            edit(bob_input.clone(), thursday, "x"),
            "MESSAGE_EDIT_TIME_EXPIRED",
        ),
    ];
    for (request, expected) in cases {
        assert_eq!(
            demo.error(&request).await,
            expected,
            "editing {}",
            request.id
        );
    }

    // No time limit in Saved Messages, nor for a channel's own posts; other posts are
    // the channel's authors' to edit.
    let saved = demo.peer("alex_demo");
    let note = find(&demo, saved, "Note to self: renew passport before June");
    demo.call(&edit(demo.input(saved), note, "Renew passport in May"))
        .await
        .unwrap();
    let notes = demo.peer("Alex's Notes");
    let post = find(&demo, notes, "Reading list: the Rustonomicon, chapter 3");
    let answer = demo
        .call(&edit(demo.input(notes), post, "Reading list: chapter 4"))
        .await
        .unwrap();
    let tl::enums::Updates::Updates(u) = answer else {
        panic!()
    };
    assert!(matches!(
        u.updates[..],
        [tl::enums::Update::EditChannelMessage(_)]
    ));
    let digest = demo.peer("tech_digest");
    let first = find(&demo, digest, "Tech Digest #1: compilers and build times");
    assert_eq!(
        demo.error(&edit(demo.input(digest), first, "x")).await,
        "MESSAGE_AUTHOR_REQUIRED"
    );

    // A caption has its own, shorter limit.
    let photo = demo
        .sandbox
        .world()
        .add_message(MessageSpec::new(demo.me, saved, "A caption").media(Media::Photo { id: 1 }));
    let long = edit(demo.input(saved), photo, &"a".repeat(1025));
    assert_eq!(demo.error(&long).await, "MEDIA_CAPTION_TOO_LONG");
    let mut media = edit(demo.input(saved), photo, "x");
    media.media = Some(tl::enums::InputMedia::Empty);
    assert_eq!(
        demo.error(&media).await,
        "MEDIA_EDIT_NOT_SUPPORTED_BY_SANDBOX"
    );
}

/// A message the client never got pushed is recovered through updates.getDifference:
/// grammers sees the gap in pts on the next push and asks the sandbox to replay it.
#[tokio::test]
async fn a_missed_update_is_recovered_through_get_difference() {
    use grammers_client::sender::UpdatesConfiguration;
    let demo = Demo::start().await;
    let bob_id = demo.user("bob_builder");
    let mut bob = demo.connect_as(bob_id).await;
    // Bob's client learns Alex (short pushes name him by id only).
    within(10, bob.client.resolve_username("alex_demo"))
        .await
        .unwrap();
    let pushes = std::mem::replace(&mut bob.updates, tokio::sync::mpsc::channel(1).1);
    let mut stream = bob
        .client
        .stream_updates(pushes, UpdatesConfiguration { catch_up: false })
        .await
        .unwrap();
    let to_bob = demo.input_named("bob_builder");
    demo.call(&send(to_bob.clone(), "before the gap", 31))
        .await
        .unwrap();
    assert_eq!(next_new_text(&mut stream).await, "before the gap");

    // Sent while Bob's connection heard nothing: in the world and the log, never pushed.
    demo.sandbox
        .world()
        .add_message(MessageSpec::new(demo.me, Peer::User(bob_id), "missed"));
    demo.sandbox.stats().reset();
    demo.call(&send(to_bob, "after the gap", 32)).await.unwrap();
    assert_eq!(next_new_text(&mut stream).await, "missed");
    assert_eq!(next_new_text(&mut stream).await, "after the gap");
    assert!(demo.sandbox.stats().count("updates.getDifference") >= 1);
}

/// The text of the next new message an update stream yields.
async fn next_new_text(stream: &mut grammers_client::client::UpdateStream) -> String {
    loop {
        let (update, _, _) = within(10, stream.next_raw()).await.unwrap();
        if let tl::enums::Update::NewMessage(n) = update
            && let tl::enums::Message::Message(m) = n.message
        {
            return m.message;
        }
    }
}

/// More missed events than one answer holds: a slice, then the rest from its state.
#[tokio::test]
async fn a_long_difference_comes_in_slices() {
    let demo = Demo::start().await;
    let saved = demo.peer("alex_demo");
    let start = demo.sandbox.world().pts(demo.me);
    for n in 0..150 {
        demo.sandbox
            .world()
            .add_message(MessageSpec::new(demo.me, saved, &format!("note {n}")));
    }
    let difference = |pts| tl::functions::updates::GetDifference {
        pts,
        pts_limit: None,
        pts_total_limit: None,
        date: 0,
        qts: 0,
        qts_limit: None,
    };
    let first = demo.call(&difference(start)).await.unwrap();
    let tl::enums::updates::Difference::Slice(slice) = first else {
        panic!("a slice: {first:?}")
    };
    assert_eq!(slice.new_messages.len(), 100, "Telegram's 100 per answer");
    let tl::enums::updates::State::State(middle) = &slice.intermediate_state;
    assert_eq!(middle.pts, start + 100);
    let rest = demo.call(&difference(middle.pts)).await.unwrap();
    let tl::enums::updates::Difference::Difference(rest) = rest else {
        panic!("the rest: {rest:?}")
    };
    assert_eq!(rest.new_messages.len(), 50);
    let last = rest.new_messages.last().unwrap();
    let tl::enums::Message::Message(last) = last else {
        panic!()
    };
    assert_eq!(last.message, "note 149");
    let tl::enums::updates::State::State(state) = &rest.state;
    assert_eq!(state.pts, start + 150);
}

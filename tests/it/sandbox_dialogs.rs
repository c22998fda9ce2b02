//! The chat list and read state against the sandbox: messages.getDialogs order, unread
//! counts and paging, readHistory for chats and channels, full chat and channel info,
//! and the update state.

use std::collections::BTreeMap;

use grammers_client::session::updates::UpdatesLike;
use grammers_client::tl;
use tgmcp::sandbox::Peer;

use crate::common::within;
use crate::sandbox_support::{Demo, dialogs};

/// A getDialogs answer as (peer, dialog) in order, plus the top messages' dates by peer.
struct DialogPage {
    dialogs: Vec<(Peer, tl::types::Dialog)>,
    count: Option<i32>,
    dates: BTreeMap<Peer, i32>,
}

fn to_peer(p: &tl::enums::Peer) -> Peer {
    match p {
        tl::enums::Peer::User(u) => Peer::User(u.user_id),
        tl::enums::Peer::Chat(c) => Peer::Chat(c.chat_id),
        tl::enums::Peer::Channel(c) => Peer::Channel(c.channel_id),
    }
}

fn dialog_page(answer: tl::enums::messages::Dialogs) -> DialogPage {
    let (dialogs, messages, count) = match answer {
        tl::enums::messages::Dialogs::Dialogs(d) => (d.dialogs, d.messages, None),
        tl::enums::messages::Dialogs::Slice(d) => (d.dialogs, d.messages, Some(d.count)),
        tl::enums::messages::Dialogs::NotModified(_) => panic!("never sent"),
    };
    let dates = messages
        .iter()
        .filter_map(|m| match m {
            tl::enums::Message::Message(m) => Some((to_peer(&m.peer_id), m.date)),
            _ => None,
        })
        .collect();
    let dialogs = dialogs
        .into_iter()
        .map(|d| match d {
            tl::enums::Dialog::Dialog(d) => (to_peer(&d.peer), d),
            other => panic!("no folders in the sandbox: {other:?}"),
        })
        .collect();
    DialogPage {
        dialogs,
        count,
        dates,
    }
}

#[tokio::test]
async fn dialogs_are_ordered_with_unread_counts() {
    let demo = Demo::start().await;
    let all = dialog_page(demo.call(&dialogs(100)).await.unwrap());
    assert_eq!(all.count, None, "everything fits: messages.dialogs");

    let unread: BTreeMap<Peer, i32> = all
        .dialogs
        .iter()
        .map(|(p, d)| (*p, d.unread_count))
        .collect();
    let dave = demo
        .sandbox
        .world()
        .user_by_phone("+15550100004")
        .unwrap()
        .id;
    let expected = BTreeMap::from([
        (demo.peer("deploy_bot"), 2),
        (demo.peer("bob_builder"), 2),
        (demo.peer("carol"), 1),
        (Peer::User(dave), 1),
        (Peer::User(demo.me), 0), // Saved Messages
        (demo.peer("lucia_fz"), 0),
        (demo.peer("dmitri_iv"), 1),
        (demo.peer("yuki_t"), 0),
        (demo.peer("Weekend hike"), 3),
        (demo.peer("rust_berlin"), 7),
        (demo.peer("sandbox_news"), 1),
        (demo.peer("tech_digest"), 10),
        (demo.peer("Alex's Notes"), 0),
        (demo.peer("tgmcp_dev"), 4),
        (demo.peer("daily_deals_demo"), 3), // muted, still in the main list
        (demo.peer("release_notes"), 0),
        (demo.peer("release_notes_chat"), 0),
    ]);
    assert_eq!(unread, expected);

    let dates: Vec<i32> = all.dialogs.iter().map(|(p, _)| all.dates[p]).collect();
    assert!(
        dates.is_sorted_by(|a, b| a >= b),
        "newest top message first: {dates:?}"
    );
    assert_eq!(all.dialogs[0].0, demo.peer("deploy_bot"));

    for (peer, d) in &all.dialogs {
        assert_eq!(
            d.pts.is_some(),
            matches!(peer, Peer::Channel(_)),
            "{peer:?}"
        );
        assert!(d.read_inbox_max_id <= d.top_message);
    }
    let bob = &all
        .dialogs
        .iter()
        .find(|(p, _)| *p == demo.peer("bob_builder"))
        .unwrap()
        .1;
    assert_eq!(
        bob.read_outbox_max_id, bob.top_message,
        "Bob has read everything"
    );
}

#[tokio::test]
async fn dialogs_page_by_offsets_and_match_grammers() {
    let demo = Demo::start().await;
    let all = dialog_page(demo.call(&dialogs(100)).await.unwrap());
    let order: Vec<Peer> = all.dialogs.iter().map(|(p, _)| *p).collect();
    assert_eq!(order.len(), 17);

    let mut request = dialogs(4);
    let mut paged = Vec::new();
    loop {
        let page = dialog_page(demo.call(&request).await.unwrap());
        assert_eq!(page.count, Some(17));
        let Some((last, d)) = page.dialogs.last() else {
            break;
        };
        request.offset_date = page.dates[last];
        request.offset_id = d.top_message;
        request.offset_peer = demo.input(*last);
        paged.extend(page.dialogs.iter().map(|(p, _)| *p));
    }
    assert_eq!(paged, order);

    let mut iter = demo.tc.client.iter_dialogs();
    let mut seen = Vec::new();
    while let Some(d) = within(10, iter.next()).await.unwrap() {
        let peer = to_peer(&match d.raw {
            tl::enums::Dialog::Dialog(ref d) => d.peer.clone(),
            _ => unreachable!("no folders"),
        });
        assert!(d.last_message.is_some(), "{peer:?} has its top message");
        seen.push(peer);
    }
    assert_eq!(seen, order);

    let mut archive = dialogs(100);
    archive.folder_id = Some(1);
    let archived = dialog_page(demo.call(&archive).await.unwrap());
    let archived: Vec<Peer> = archived.dialogs.iter().map(|(p, _)| *p).collect();
    assert_eq!(archived, [demo.peer("Old Project")]);
}

async fn state(demo: &Demo) -> tl::types::updates::State {
    match demo
        .call(&tl::functions::updates::GetState {})
        .await
        .unwrap()
    {
        tl::enums::updates::State::State(s) => s,
    }
}

fn unread_of(page: &DialogPage, peer: Peer) -> i32 {
    page.dialogs
        .iter()
        .find(|(p, _)| *p == peer)
        .unwrap()
        .1
        .unread_count
}

#[tokio::test]
async fn reading_history_clears_unread_and_tells_the_sender() {
    let demo = Demo::start().await;
    let mut bob = demo.connect_as(demo.user("bob_builder")).await;

    let before = state(&demo).await;
    let read = tl::functions::messages::ReadHistory {
        peer: demo.input_named("bob_builder"),
        max_id: 0,
    };
    let tl::enums::messages::AffectedMessages::Messages(affected) = demo.call(&read).await.unwrap();
    assert_eq!((affected.pts, affected.pts_count), (before.pts + 1, 1));
    let after = state(&demo).await;
    assert_eq!(after.pts, affected.pts);
    assert_eq!(after.unread_count, before.unread_count - 2);
    let tl::enums::messages::AffectedMessages::Messages(again) = demo.call(&read).await.unwrap();
    assert_eq!(again.pts_count, 0, "nothing new to read");

    let page = dialog_page(demo.call(&dialogs(100)).await.unwrap());
    assert_eq!(unread_of(&page, demo.peer("bob_builder")), 0);

    // Bob's connection learns his messages were read.
    let got = within(5, bob.updates.recv())
        .await
        .expect("a pushed update");
    let UpdatesLike::Updates(tl::enums::Updates::Updates(u)) = got else {
        panic!("unexpected {got:?}");
    };
    assert!(
        matches!(&u.updates[0], tl::enums::Update::ReadHistoryOutbox(r)
            if r.peer == tl::enums::Peer::User(tl::types::PeerUser { user_id: demo.me })),
        "{u:?}"
    );

    // Channels: up to a given post.
    let read = tl::functions::channels::ReadHistory {
        channel: demo.input_channel("tech_digest"),
        max_id: 145,
    };
    assert!(demo.call(&read).await.unwrap());
    let page = dialog_page(demo.call(&dialogs(100)).await.unwrap());
    assert_eq!(unread_of(&page, demo.peer("tech_digest")), 5);

    let not_member = tl::functions::channels::ReadHistory {
        channel: demo.input_channel("berlin_events"),
        max_id: 0,
    };
    assert_eq!(demo.error(&not_member).await, "CHANNEL_PRIVATE");
}

#[tokio::test]
async fn full_chat_lists_the_members() {
    let demo = Demo::start().await;
    let Peer::Chat(hike) = demo.peer("Weekend hike") else {
        unreachable!()
    };
    let tl::enums::messages::ChatFull::Full(full) = demo
        .call(&tl::functions::messages::GetFullChat { chat_id: hike })
        .await
        .unwrap();
    let tl::enums::ChatFull::Full(chat) = full.full_chat else {
        panic!("a basic group has chatFull");
    };
    assert_eq!(chat.id, hike);
    let tl::enums::ChatParticipants::Participants(p) = chat.participants else {
        panic!("members are listed");
    };
    assert_eq!(p.participants.len(), 3);
    let carol = demo.user("carol");
    assert!(
        matches!(&p.participants[0], tl::enums::ChatParticipant::Creator(c) if c.user_id == carol)
    );
    let users: Vec<i64> = full.users.iter().map(|u| u.id()).collect();
    assert_eq!(users.len(), 3);
    assert!(users.contains(&carol) && users.contains(&demo.me));
    assert_eq!(
        full.chats.iter().map(|c| c.id()).collect::<Vec<_>>(),
        [hike]
    );

    let Peer::Chat(book_club) = demo.peer("Book club") else {
        unreachable!()
    };
    for chat_id in [book_club, 12345] {
        let request = tl::functions::messages::GetFullChat { chat_id };
        assert_eq!(demo.error(&request).await, "CHAT_ID_INVALID");
    }
}

#[tokio::test]
async fn full_channel_has_counts_and_read_state() {
    let demo = Demo::start().await;
    let full = |name: &str| tl::functions::channels::GetFullChannel {
        channel: demo.input_channel(name),
    };
    let tl::enums::messages::ChatFull::Full(answer) =
        demo.call(&full("rust_berlin")).await.unwrap();
    let tl::enums::ChatFull::ChannelFull(channel) = answer.full_chat else {
        panic!("a supergroup has channelFull");
    };
    assert_eq!(channel.participants_count, Some(5));
    assert_eq!(channel.unread_count, 7);
    assert!(
        channel.read_inbox_max_id > 0,
        "read up to Alex's own message"
    );
    assert_eq!(channel.about, "Rustaceans in Berlin: meetups and questions");
    assert_eq!(answer.chats.len(), 1);

    // Public and not joined: visible, nothing read.
    let tl::enums::messages::ChatFull::Full(answer) =
        demo.call(&full("berlin_events")).await.unwrap();
    let tl::enums::ChatFull::ChannelFull(events) = answer.full_chat else {
        panic!()
    };
    assert_eq!((events.read_inbox_max_id, events.unread_count), (0, 2));

    assert_eq!(demo.error(&full("Ops Private")).await, "CHANNEL_PRIVATE");
    let mut wrong = full("rust_berlin");
    if let tl::enums::InputChannel::Channel(c) = &mut wrong.channel {
        c.access_hash ^= 1;
    }
    assert_eq!(demo.error(&wrong).await, "CHANNEL_INVALID");
    let empty = tl::functions::channels::GetFullChannel {
        channel: tl::enums::InputChannel::Empty,
    };
    assert_eq!(demo.error(&empty).await, "CHANNEL_INVALID");
}

#[tokio::test]
async fn difference_is_empty_when_up_to_date() {
    let demo = Demo::start().await;
    let tl::enums::updates::State::State(state) = demo
        .call(&tl::functions::updates::GetState {})
        .await
        .unwrap();
    let difference = |pts| tl::functions::updates::GetDifference {
        pts,
        pts_limit: None,
        pts_total_limit: None,
        date: state.date,
        qts: 0,
        qts_limit: None,
    };
    let empty = demo.call(&difference(state.pts)).await.unwrap();
    assert!(
        matches!(empty, tl::enums::updates::Difference::Empty(_)),
        "{empty:?}"
    );
    // One behind: the last event is replayed, with the state to continue from.
    let behind = demo.call(&difference(state.pts - 1)).await.unwrap();
    let tl::enums::updates::Difference::Difference(d) = behind else {
        panic!("a replay: {behind:?}")
    };
    let tl::enums::updates::State::State(now) = &d.state;
    assert_eq!(now.pts, state.pts);
    assert_eq!(d.new_messages.len() + d.other_updates.len(), 1, "{d:?}");
    // Further behind than the client's own pts_total_limit: too long, as Telegram says.
    let mut limited = difference(state.pts - 3);
    limited.pts_total_limit = Some(2);
    let too_long = demo.call(&limited).await.unwrap();
    assert!(
        matches!(too_long, tl::enums::updates::Difference::TooLong(ref t) if t.pts == state.pts),
        "{too_long:?}"
    );
}

#[tokio::test]
async fn channel_difference_is_empty_when_up_to_date() {
    let demo = Demo::start().await;
    let rust = demo.peer("rust_berlin");
    let pts = demo.sandbox.world().pts_for(demo.me, rust);
    let difference = |pts| tl::functions::updates::GetChannelDifference {
        force: false,
        channel: demo.input_channel("rust_berlin"),
        filter: tl::enums::ChannelMessagesFilter::Empty,
        pts,
        limit: 100,
    };
    let empty = demo.call(&difference(pts)).await.unwrap();
    assert!(
        matches!(empty, tl::enums::updates::ChannelDifference::Empty(ref e) if e.pts == pts),
        "{empty:?}"
    );
    // Behind within the log: the missed posts are replayed.
    let behind = demo.call(&difference(pts - 3)).await.unwrap();
    let tl::enums::updates::ChannelDifference::Difference(replay) = behind else {
        panic!("a replay of the last three events: {behind:?}");
    };
    assert!(replay.r#final && replay.pts == pts, "{replay:?}");
    assert_eq!(
        replay.new_messages.len() + replay.other_updates.len(),
        3,
        "{replay:?}"
    );
    // Behind the log's horizon: the dialog to start over from.
    let horizon = 1000;
    for n in 0..=horizon {
        let spec = tgmcp::sandbox::MessageSpec::new(demo.me, rust, &format!("filler {n}"));
        demo.sandbox.world().add_message(spec);
    }
    let pts = demo.sandbox.world().pts_for(demo.me, rust);
    let behind = demo.call(&difference(pts - horizon - 1)).await.unwrap();
    let tl::enums::updates::ChannelDifference::TooLong(too_long) = behind else {
        panic!("a client behind is sent the dialog to start over: {behind:?}");
    };
    let tl::enums::Dialog::Dialog(dialog) = too_long.dialog else {
        panic!()
    };
    assert_eq!(dialog.pts, Some(pts));
    assert_eq!(too_long.messages.len(), 1, "the top message");
}

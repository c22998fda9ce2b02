//! Inbox triage against the sandbox: unread mentions, muted, archived and pinned
//! dialogs, chat folders, forum topics with their own read marks, and the read marks'
//! updates to the other side.

use grammers_client::session::updates::UpdatesLike;
use grammers_client::tl;
use tgmcp::sandbox::{Peer, Sandbox, World};

use crate::common::{connect, within};
use crate::sandbox_support::{Demo, dialogs, page, search};

fn dialog_of(answer: tl::enums::messages::Dialogs, peer: Peer) -> Option<tl::types::Dialog> {
    let list = match answer {
        tl::enums::messages::Dialogs::Dialogs(d) => d.dialogs,
        tl::enums::messages::Dialogs::Slice(d) => d.dialogs,
        tl::enums::messages::Dialogs::NotModified(_) => panic!("never sent"),
    };
    list.into_iter().find_map(|d| match d {
        tl::enums::Dialog::Dialog(d) if same(&d.peer, peer) => Some(d),
        _ => None,
    })
}

fn same(p: &tl::enums::Peer, peer: Peer) -> bool {
    match (p, peer) {
        (tl::enums::Peer::User(u), Peer::User(id)) => u.user_id == id,
        (tl::enums::Peer::Chat(c), Peer::Chat(id)) => c.chat_id == id,
        (tl::enums::Peer::Channel(c), Peer::Channel(id)) => c.channel_id == id,
        _ => false,
    }
}

fn mute_until(d: &tl::types::Dialog) -> Option<i32> {
    let tl::enums::PeerNotifySettings::Settings(s) = &d.notify_settings;
    s.mute_until
}

fn topics(answer: tl::enums::messages::ForumTopics) -> Vec<tl::types::ForumTopic> {
    let tl::enums::messages::ForumTopics::Topics(t) = answer;
    t.topics
        .into_iter()
        .filter_map(|t| match t {
            tl::enums::ForumTopic::Topic(t) => Some(t),
            tl::enums::ForumTopic::Deleted(_) => None,
        })
        .collect()
}

fn get_topics(demo: &Demo, q: Option<&str>) -> tl::functions::messages::GetForumTopics {
    tl::functions::messages::GetForumTopics {
        peer: demo.input_named("tgmcp_dev"),
        q: q.map(str::to_owned),
        offset_date: 0,
        offset_id: 0,
        offset_topic: 0,
        limit: 100,
    }
}

#[tokio::test]
async fn dialogs_carry_mentions_mute_and_archive() {
    let demo = Demo::start().await;
    let forum = dialog_of(
        demo.call(&dialogs(100)).await.unwrap(),
        demo.peer("tgmcp_dev"),
    )
    .expect("the forum is in the main list");
    assert_eq!(forum.unread_count, 4);
    assert_eq!(forum.unread_mentions_count, 2, "a @mention and a reply");
    assert_eq!(forum.unread_reactions_count, 0);
    assert!(forum.read_inbox_max_id > 0 && forum.read_inbox_max_id < forum.top_message);
    assert_eq!((forum.folder_id, mute_until(&forum)), (None, None));

    let deals = dialog_of(
        demo.call(&dialogs(100)).await.unwrap(),
        demo.peer("daily_deals_demo"),
    )
    .unwrap();
    assert_eq!(mute_until(&deals), Some(i32::MAX));

    let old = demo.peer("Old Project");
    assert!(dialog_of(demo.call(&dialogs(100)).await.unwrap(), old).is_none());
    let mut archive = dialogs(100);
    archive.folder_id = Some(1);
    let archived = dialog_of(demo.call(&archive).await.unwrap(), old).unwrap();
    // Two messages, Dave's pin (a service message) and Carol's forward.
    assert_eq!((archived.folder_id, archived.unread_count), (Some(1), 4));

    // Mentions Alex read past long ago are not unread (the Weekend hike replies).
    let hike = dialog_of(
        demo.call(&dialogs(100)).await.unwrap(),
        demo.peer("Weekend hike"),
    )
    .unwrap();
    assert_eq!(hike.unread_mentions_count, 0);

    // Reading the history leaves mentions; readMentions clears them, once.
    let read = tl::functions::channels::ReadHistory {
        channel: demo.input_channel("tgmcp_dev"),
        max_id: 0,
    };
    assert!(demo.call(&read).await.unwrap());
    let forum = dialog_of(
        demo.call(&dialogs(100)).await.unwrap(),
        demo.peer("tgmcp_dev"),
    )
    .unwrap();
    assert_eq!((forum.unread_count, forum.unread_mentions_count), (0, 2));
    let mentions = tl::functions::messages::ReadMentions {
        peer: demo.input_named("tgmcp_dev"),
        top_msg_id: None,
    };
    let tl::enums::messages::AffectedHistory::History(h) = demo.call(&mentions).await.unwrap();
    assert_eq!(
        (h.pts_count, h.offset),
        (0, 0),
        "channels keep their own pts"
    );
    let forum = dialog_of(
        demo.call(&dialogs(100)).await.unwrap(),
        demo.peer("tgmcp_dev"),
    )
    .unwrap();
    assert_eq!(forum.unread_mentions_count, 0);
    let reactions = tl::functions::messages::ReadReactions {
        peer: demo.input_named("tgmcp_dev"),
        top_msg_id: None,
        saved_peer_id: None,
    };
    let tl::enums::messages::AffectedHistory::History(h) = demo.call(&reactions).await.unwrap();
    assert_eq!(h.offset, 0);
}

#[tokio::test]
async fn mentions_in_a_basic_group_are_read_with_a_pts() {
    let mut world = World::new();
    let a = world.add_user(tgmcp::sandbox::UserSpec::new("A").username("alice_a"));
    let b = world.add_user(tgmcp::sandbox::UserSpec::new("B"));
    let group = world.add_group("g", a, &[b]);
    world.add_message(tgmcp::sandbox::MessageSpec::new(
        b,
        Peer::Chat(group),
        "ping @alice_a",
    ));
    world.pin_dialog(a, Peer::Chat(group), true);
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = connect(&sandbox, sandbox.authorized_key(a));
    let answer = within(10, tc.client.invoke(&dialogs(100))).await.unwrap();
    let d = dialog_of(answer, Peer::Chat(group)).unwrap();
    assert!(d.pinned);
    assert_eq!(d.unread_mentions_count, 1);
    let tl::enums::messages::AffectedHistory::History(h) = within(
        10,
        tc.client.invoke(&tl::functions::messages::ReadMentions {
            peer: tl::types::InputPeerChat { chat_id: group }.into(),
            top_msg_id: None,
        }),
    )
    .await
    .unwrap();
    assert_eq!(h.pts_count, 1);
    let tl::enums::updates::State::State(state) =
        within(10, tc.client.invoke(&tl::functions::updates::GetState {}))
            .await
            .unwrap();
    assert_eq!(state.pts, h.pts);
    let answer = within(10, tc.client.invoke(&dialogs(100))).await.unwrap();
    assert_eq!(
        dialog_of(answer, Peer::Chat(group))
            .unwrap()
            .unread_mentions_count,
        0
    );
}

#[tokio::test]
async fn folders_are_dialog_filters() {
    let demo = Demo::start().await;
    let tl::enums::messages::DialogFilters::Filters(f) = demo
        .call(&tl::functions::messages::GetDialogFilters {})
        .await
        .unwrap();
    assert!(matches!(f.filters[0], tl::enums::DialogFilter::Default));
    let tl::enums::DialogFilter::Filter(work) = &f.filters[1] else {
        panic!("{:?}", f.filters)
    };
    let tl::enums::TextWithEntities::Entities(title) = &work.title;
    assert_eq!((work.id, title.text.as_str()), (2, "Work"));
    let forum = demo.input_named("tgmcp_dev");
    assert!(work.include_peers.contains(&forum));
    assert_eq!(work.include_peers.len(), 3);
}

#[tokio::test]
async fn forum_topics_have_their_own_unread_and_read_marks() {
    let demo = Demo::start().await;
    let all = topics(demo.call(&get_topics(&demo, None)).await.unwrap());
    let by_title = |title: &str| all.iter().find(|t| t.title == title).unwrap().clone();
    assert_eq!(all.len(), 4);
    let general = by_title("General");
    assert_eq!((general.id, general.unread_count), (1, 1));
    let releases = by_title("Releases");
    assert_eq!(
        (releases.unread_count, releases.unread_mentions_count),
        (2, 2)
    );
    assert_eq!(by_title("Bugs").unread_count, 1);
    assert_eq!(by_title("Ideas").unread_count, 0);
    // Newest activity first: Releases had the last message.
    assert_eq!(all[0].id, releases.id);
    let bugs = topics(demo.call(&get_topics(&demo, Some("bug"))).await.unwrap());
    assert_eq!(bugs.len(), 1);

    let by_id = tl::functions::messages::GetForumTopicsById {
        peer: demo.input_named("tgmcp_dev"),
        topics: vec![releases.id, 999],
    };
    let tl::enums::messages::ForumTopics::Topics(answer) = demo.call(&by_id).await.unwrap();
    assert!(matches!(&answer.topics[0], tl::enums::ForumTopic::Topic(t) if t.id == releases.id));
    assert!(matches!(&answer.topics[1], tl::enums::ForumTopic::Deleted(d) if d.id == 999));

    let not_forum = tl::functions::messages::GetForumTopics {
        peer: demo.input_named("rust_berlin"),
        ..get_topics(&demo, None)
    };
    assert_eq!(demo.error(&not_forum).await, "CHANNEL_FORUM_MISSING");

    // The channel says it is a forum.
    let tl::enums::messages::Dialogs::Dialogs(list) = demo.call(&dialogs(100)).await.unwrap()
    else {
        panic!("one page")
    };
    let forum_flags: Vec<(String, bool)> = list
        .chats
        .iter()
        .filter_map(|c| match c {
            tl::enums::Chat::Channel(c) => Some((c.title.clone(), c.forum)),
            _ => None,
        })
        .filter(|(_, forum)| *forum)
        .collect();
    assert_eq!(forum_flags, [("tgmcp dev".to_owned(), true)]);

    // Reading one topic leaves the others unread.
    let read = tl::functions::messages::ReadDiscussion {
        peer: demo.input_named("tgmcp_dev"),
        msg_id: releases.id,
        read_max_id: releases.top_message,
    };
    assert!(demo.call(&read).await.unwrap());
    let after = topics(demo.call(&get_topics(&demo, None)).await.unwrap());
    let unread: Vec<(String, i32)> = after
        .iter()
        .map(|t| (t.title.clone(), t.unread_count))
        .collect();
    assert!(unread.contains(&("Releases".into(), 0)), "{unread:?}");
    assert!(unread.contains(&("Bugs".into(), 1)), "{unread:?}");
    let forum = dialog_of(
        demo.call(&dialogs(100)).await.unwrap(),
        demo.peer("tgmcp_dev"),
    )
    .unwrap();
    assert_eq!(forum.unread_count, 2);
    let bad = tl::functions::messages::ReadDiscussion {
        msg_id: 4242,
        ..read
    };
    assert_eq!(demo.error(&bad).await, "TOPIC_ID_INVALID");
}

#[tokio::test]
async fn a_message_sent_to_a_topic_lands_in_it() {
    let demo = Demo::start().await;
    let all = topics(demo.call(&get_topics(&demo, None)).await.unwrap());
    let ideas = all.iter().find(|t| t.title == "Ideas").unwrap().id;
    let send = tl::functions::messages::SendMessage {
        no_webpage: false,
        silent: false,
        background: false,
        clear_draft: false,
        noforwards: false,
        update_stickersets_order: false,
        invert_media: false,
        allow_paid_floodskip: false,
        peer: demo.input_named("tgmcp_dev"),
        reply_to: Some(
            tl::types::InputReplyToMessage {
                reply_to_msg_id: ideas,
                top_msg_id: Some(ideas),
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
        message: "What about a weekly summary?".into(),
        random_id: 77,
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
    };
    demo.call(&send).await.unwrap();
    let mut in_topic = search(demo.input_named("tgmcp_dev"), "");
    in_topic.top_msg_id = Some(ideas);
    let found = page(demo.call(&in_topic).await.unwrap());
    assert_eq!(
        found.texts(),
        [
            "What about a weekly summary?",
            "A summary of unread chats every morning?"
        ]
    );
    let sent = &found.messages[0];
    let Some(tl::enums::MessageReplyHeader::Header(h)) = &sent.reply_to else {
        panic!("{sent:?}")
    };
    assert!(h.forum_topic);
    assert_eq!((h.reply_to_msg_id, h.reply_to_top_id), (Some(ideas), None));
    let after = topics(demo.call(&get_topics(&demo, None)).await.unwrap());
    assert_eq!(after[0].id, ideas, "the newest activity sorts first");
}

#[tokio::test]
async fn reading_a_channel_tells_the_authors() {
    let demo = Demo::start().await;
    let mut carol = demo.connect_as(demo.user("carol")).await;
    let read = tl::functions::channels::ReadHistory {
        channel: demo.input_channel("tgmcp_dev"),
        max_id: 0,
    };
    assert!(demo.call(&read).await.unwrap());
    let got = within(5, carol.updates.recv())
        .await
        .expect("a pushed update");
    let UpdatesLike::Updates(tl::enums::Updates::Updates(u)) = got else {
        panic!("unexpected {got:?}");
    };
    let Peer::Channel(forum) = demo.peer("tgmcp_dev") else {
        unreachable!()
    };
    assert!(
        matches!(&u.updates[0], tl::enums::Update::ReadChannelOutbox(r) if r.channel_id == forum),
        "{u:?}"
    );
}

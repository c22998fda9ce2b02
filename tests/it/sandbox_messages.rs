//! Reading against the sandbox: messages.search (words, prefixes, languages, filters,
//! threads, paging), messages.searchGlobal (scopes, dates, rate paging), getHistory
//! paging, channels.getMessages, and hostile arguments.

use std::collections::BTreeSet;

use grammers_client::session::types::PeerRef;
use grammers_client::tl;
use tgmcp::sandbox::Peer;

use crate::common::within;
use crate::sandbox_support::{
    Demo, Form, Page, history, page, peer_of, rpc_name, search, search_global, sender,
};

async fn search_texts(demo: &Demo, peer: &str, q: &str) -> Vec<String> {
    let answer = demo.call(&search(demo.input_named(peer), q)).await.unwrap();
    page(answer)
        .texts()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn search_matches_words_and_prefixes_in_any_language() {
    let demo = Demo::start().await;
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "bob_builder",
            "invo",
            &[
                "Here is the invoice for April",
                "Hey Alex, did you get the invoice for March?",
            ],
        ),
        (
            "bob_builder",
            "INVOICE april",
            &["Here is the invoice for April"],
        ),
        ("bob_builder", "voice", &[]),
        (
            "lucia_fz",
            "factu",
            &["Te envío la factura mañana por la mañana."],
        ),
        ("lucia_fz", "🎉", &["🎂 ¡Feliz cumpleaños, Alex! 🎉"]),
        (
            "dmitri_iv",
            "встреч",
            &["Привет! Встреча переносится на пятницу."],
        ),
        (
            "yuki_t",
            "明日",
            &["こんにちは！明日の会議は十時からです。"],
        ),
        (
            "rust_berlin",
            "fehlerbehandlung",
            &["Gibt es Interesse an einem Workshop über Fehlerbehandlung?"],
        ),
        (
            "rust_berlin",
            "größen",
            &["Die Folien über Größenoptimierung sind jetzt online."],
        ),
    ];
    for (peer, q, expected) in cases {
        let found = search_texts(&demo, peer, q).await;
        assert_eq!(&found, expected, "searching {q:?} in {peer}");
    }
}

#[tokio::test]
async fn search_answers_in_telegrams_three_forms_and_pages_to_the_end() {
    let demo = Demo::start().await;

    // Everything fits: messages.messages. A private chat never gets channelMessages.
    let all = page(
        demo.call(&search(demo.input_named("bob_builder"), "sync"))
            .await
            .unwrap(),
    );
    assert_eq!(all.form, Form::Messages);
    assert_eq!(all.messages.len(), 20);

    // A part of a private chat: messagesSlice with the full count; paging by offset_id.
    let mut seen = Vec::new();
    let mut request = search(demo.input_named("bob_builder"), "sync");
    request.limit = 3;
    loop {
        let p = page(demo.call(&request).await.unwrap());
        assert_eq!((p.form, p.count), (Form::Slice, Some(20)));
        let Some(last) = p.messages.last() else { break };
        request.offset_id = last.id;
        seen.extend(p.ids());
    }
    assert_eq!(
        seen,
        all.ids(),
        "paging yields exactly the one-shot answer, in order"
    );

    // A channel: channelMessages, 150 posts in pages of 40, newest first, no gaps.
    let mut request = search(demo.input_named("tech_digest"), "digest");
    request.limit = 40;
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let p = page(demo.call(&request).await.unwrap());
        assert_eq!((p.form, p.count), (Form::Channel, Some(150)));
        pages += 1;
        let Some(last) = p.messages.last() else { break };
        request.offset_id = last.id;
        ids.extend(p.ids());
    }
    assert_eq!(pages, 5, "four full pages and an empty one");
    assert_eq!(ids, (1..=150).rev().collect::<Vec<_>>());

    // grammers' own iterator gets the same 150.
    let peer = PeerRef::from(demo.input_named("tech_digest"));
    let mut iter = demo.tc.client.search_messages(peer).query("digest");
    let mut count = 0;
    while let Some(m) = within(10, iter.next()).await.unwrap() {
        assert!(m.text().starts_with("Tech Digest #"));
        count += 1;
    }
    assert_eq!(count, 150);
}

#[tokio::test]
async fn search_add_offset_reaches_newer_messages() {
    let demo = Demo::start().await;
    let mut request = search(demo.input_named("tech_digest"), "");
    request.offset_id = 100;
    request.add_offset = -3;
    request.limit = 6;
    let p = page(demo.call(&request).await.unwrap());
    assert_eq!(p.ids(), vec![102, 101, 100, 99, 98, 97]);
    // Past the newest message, the window shrinks rather than shifting.
    request.offset_id = 149;
    request.add_offset = -4;
    let p = page(demo.call(&request).await.unwrap());
    assert_eq!(p.ids(), vec![150, 149, 148, 147]);
}

#[tokio::test]
async fn search_filters_senders_threads_and_dates() {
    let demo = Demo::start().await;
    let filtered = |peer: &str, filter| {
        let mut r = search(demo.input_named(peer), "");
        r.filter = filter;
        r
    };
    use tl::enums::MessagesFilter as F;
    let cases = [
        (
            "carol",
            F::InputMessagesFilterPhotos,
            vec!["Photo from the summit last time"],
        ),
        (
            "bob_builder",
            F::InputMessagesFilterDocument,
            vec!["Here is the invoice for April"],
        ),
        (
            "lucia_fz",
            F::InputMessagesFilterVoice,
            vec!["Nota de voz sobre el viaje"],
        ),
        (
            "alex_demo",
            F::InputMessagesFilterUrl,
            vec!["Wi-Fi password for the cabin: https://t.me/+cabin"],
        ),
        ("bob_builder", F::InputMessagesFilterGif, vec![]),
    ];
    for (peer, filter, expected) in cases {
        let p = page(demo.call(&filtered(peer, filter.clone())).await.unwrap());
        assert_eq!(p.texts(), expected, "{filter:?} in {peer}");
    }

    // from_id: only Bob's messages in the supergroup.
    let bob = demo.user("bob_builder");
    let mut r = search(demo.input_named("rust_berlin"), "");
    r.from_id = Some(demo.input(Peer::User(bob)));
    let p = page(demo.call(&r).await.unwrap());
    assert_eq!(p.messages.len(), 2);
    assert!(p.messages.iter().all(|m| sender(m) == Some(bob)));

    // top_msg_id: the whole reply tree under Bob's question, nothing else.
    let mut r = search(demo.input_named("rust_berlin"), "io_uring");
    let question = page(demo.call(&r).await.unwrap()).messages[0].id;
    r.q = String::new();
    r.top_msg_id = Some(question);
    let thread = page(demo.call(&r).await.unwrap());
    assert_eq!(thread.messages.len(), 4, "{:?}", thread.texts());
    assert!(
        thread
            .texts()
            .contains(&"Ja, funktioniert gut seit Version 0.5"),
        "nested reply"
    );
    assert!(!thread.ids().contains(&question));
    r.top_msg_id = Some(9999);
    assert_eq!(demo.error(&r).await, "MSG_ID_INVALID");

    // Dates are inclusive bounds.
    let all = page(
        demo.call(&search(demo.input_named("tech_digest"), ""))
            .await
            .unwrap(),
    );
    let (newest, oldest) = (&all.messages[10], &all.messages[19]);
    let mut r = search(demo.input_named("tech_digest"), "");
    r.min_date = oldest.date;
    r.max_date = newest.date;
    let p = page(demo.call(&r).await.unwrap());
    assert_eq!(p.ids(), all.ids()[10..20].to_vec());
    assert_eq!(p.count, Some(10));
}

#[tokio::test]
async fn search_checks_the_peer() {
    let demo = Demo::start().await;
    let mut wrong_hash = demo.input_named("bob_builder");
    if let tl::enums::InputPeer::User(u) = &mut wrong_hash {
        u.access_hash ^= 1;
    }
    assert_eq!(
        demo.error(&search(wrong_hash, "x")).await,
        "PEER_ID_INVALID"
    );
    assert_eq!(
        demo.error(&search(demo.input_named("Ops Private"), "x"))
            .await,
        "CHANNEL_PRIVATE"
    );
    assert_eq!(
        demo.error(&search(demo.input_named("Book club"), "x"))
            .await,
        "PEER_ID_INVALID",
        "a basic group Alex is not in"
    );
    assert_eq!(
        demo.error(&search(tl::enums::InputPeer::Empty, "x")).await,
        "PEER_ID_INVALID"
    );
    // A public channel can be read without joining.
    let events = search_texts(&demo, "berlin_events", "kino").await;
    assert_eq!(events, ["Open-Air-Kino am Freitag im Volkspark"]);
}

#[tokio::test]
async fn search_global_covers_joined_chats_by_kind() {
    let demo = Demo::start().await;
    let kinds = |p: &Page| -> BTreeSet<&'static str> {
        p.messages
            .iter()
            .map(|m| match peer_of(m) {
                Peer::User(_) => "user",
                Peer::Chat(_) => "group",
                Peer::Channel(id) if id == demo_id(&demo, "rust_berlin") => "group",
                Peer::Channel(_) => "broadcast",
            })
            .collect()
    };
    let all = page(demo.call(&search_global("meeting")).await.unwrap());
    assert_eq!(all.form, Form::Messages, "everything fits on one page");
    assert_eq!(kinds(&all), BTreeSet::from(["user", "group"]));
    let dates: Vec<i32> = all.messages.iter().map(|m| m.date).collect();
    assert!(dates.is_sorted_by(|a, b| a >= b), "newest first: {dates:?}");

    let mut users_only = search_global("meeting");
    users_only.users_only = true;
    let p = page(demo.call(&users_only).await.unwrap());
    assert_eq!(kinds(&p), BTreeSet::from(["user"]));

    let mut groups_only = search_global("hike");
    groups_only.groups_only = true;
    let p = page(demo.call(&groups_only).await.unwrap());
    assert_eq!(kinds(&p), BTreeSet::from(["group"]));
    assert!(p.texts().contains(&"Weather looks good, the hike is on!"));
    assert!(
        !p.texts()
            .contains(&"Are you coming to the hike on Saturday?")
    );

    let mut broadcasts_only = search_global("digest");
    broadcasts_only.broadcasts_only = true;
    broadcasts_only.limit = 100;
    let p = page(demo.call(&broadcasts_only).await.unwrap());
    assert_eq!(kinds(&p), BTreeSet::from(["broadcast"]));
    // The 150 digest posts and the first one forwarded to Alex's Notes.
    assert_eq!(
        p.count,
        Some(151),
        "Bob's private 'digest' message is left out"
    );

    // Chats Alex is not in stay out, public or not.
    for q in ["Volkspark", "credentials", "Darkness"] {
        let p = page(demo.call(&search_global(q)).await.unwrap());
        assert!(p.messages.is_empty(), "{q}: {:?}", p.texts());
    }

    let mut dated = search_global("digest");
    let cutoff = all.messages[0].date - 10 * 24 * 3600;
    dated.min_date = cutoff;
    let p = page(demo.call(&dated).await.unwrap());
    assert!(!p.messages.is_empty() && p.messages.iter().all(|m| m.date >= cutoff));

    assert_eq!(demo.error(&search_global("")).await, "SEARCH_QUERY_EMPTY");
    assert_eq!(
        demo.error(&search_global(" ?! ")).await,
        "SEARCH_QUERY_EMPTY"
    );
    // With a media filter, no query is needed.
    let mut photos = search_global("");
    photos.filter = tl::enums::MessagesFilter::InputMessagesFilterPhotos;
    let p = page(demo.call(&photos).await.unwrap());
    assert_eq!(p.messages.len(), 3, "{:?}", p.texts());
}

fn demo_id(demo: &Demo, name: &str) -> i64 {
    match demo.peer(name) {
        Peer::User(id) | Peer::Chat(id) | Peer::Channel(id) => id,
    }
}

#[tokio::test]
async fn search_global_rate_paging_reaches_the_end() {
    let demo = Demo::start().await;
    let mut request = search_global("digest");
    request.limit = 9;
    let mut seen: Vec<(i32, Peer, i32)> = Vec::new();
    loop {
        let p = page(demo.call(&request).await.unwrap());
        // 150 posts, Bob's message, the post forwarded to Alex's Notes.
        assert_eq!((p.form, p.count), (Form::Slice, Some(152)));
        seen.extend(p.messages.iter().map(|m| (m.date, peer_of(m), m.id)));
        let Some(rate) = p.next_rate else {
            assert!(p.messages.len() <= 9);
            break;
        };
        let last = p
            .messages
            .last()
            .expect("a page with next_rate has messages");
        assert_eq!(rate, last.date, "next_rate is the last message's date");
        request.offset_rate = rate;
        request.offset_peer = demo.input(peer_of(last));
        request.offset_id = last.id;
    }
    let unique: BTreeSet<_> = seen.iter().map(|&(_, p, id)| (p, id)).collect();
    assert_eq!(
        (seen.len(), unique.len()),
        (152, 152),
        "no repeats, no gaps"
    );
    assert!(
        seen.is_sorted_by(|a, b| a.0 >= b.0),
        "newest first across pages"
    );
    let bob = Peer::User(demo.user("bob_builder"));
    assert!(
        seen.iter().any(|s| s.1 == bob),
        "Bob's private message is among them"
    );
}

#[tokio::test]
async fn history_pages_like_telegram() {
    let demo = Demo::start().await;
    let bob = demo.input_named("bob_builder");
    let total = page(demo.call(&history(bob.clone(), 1)).await.unwrap());
    assert_eq!(total.form, Form::Slice);
    let count = total.count.unwrap();
    assert!(count > 20, "{count}");

    let one_shot = page(demo.call(&history(bob.clone(), 100)).await.unwrap());
    assert_eq!(one_shot.form, Form::Messages);
    assert_eq!(one_shot.messages.len() as i32, count);
    assert!(one_shot.ids().is_sorted_by(|a, b| a > b), "newest first");

    let mut request = history(bob.clone(), 4);
    let mut ids = Vec::new();
    loop {
        let p = page(demo.call(&request).await.unwrap());
        let Some(last) = p.messages.last() else { break };
        request.offset_id = last.id;
        ids.extend(p.ids());
    }
    assert_eq!(ids, one_shot.ids(), "offset_id paging: no gaps, no repeats");

    // offset_date: messages sent before it.
    let mut by_date = history(bob.clone(), 3);
    by_date.offset_date = one_shot.messages[5].date;
    let p = page(demo.call(&by_date).await.unwrap());
    assert_eq!(p.ids(), one_shot.ids()[6..9].to_vec());

    // min_id and max_id bound the list.
    let mut bounded = history(bob, 100);
    bounded.max_id = one_shot.messages[2].id;
    bounded.min_id = one_shot.messages[7].id;
    let p = page(demo.call(&bounded).await.unwrap());
    assert_eq!(p.ids(), one_shot.ids()[3..7].to_vec());

    // grammers' iterators, both directions, over a channel.
    let peer = PeerRef::from(demo.input_named("tech_digest"));
    let mut newest_first = demo.tc.client.iter_messages(peer);
    let mut ids = Vec::new();
    while let Some(m) = within(10, newest_first.next()).await.unwrap() {
        ids.push(m.id());
    }
    assert_eq!(ids, (1..=150).rev().collect::<Vec<_>>());
    let mut oldest_first = demo.tc.client.iter_messages(peer).reverse(true);
    let mut ids = Vec::new();
    while let Some(m) = within(10, oldest_first.next()).await.unwrap() {
        ids.push(m.id());
    }
    assert_eq!(ids, (1..=150).collect::<Vec<_>>());
}

#[tokio::test]
async fn channel_messages_by_id_mark_missing_ones_empty() {
    let demo = Demo::start().await;
    let ids = [1, 150, 9999]
        .into_iter()
        .map(|id| tl::types::InputMessageId { id }.into())
        .collect();
    let request = tl::functions::channels::GetMessages {
        channel: demo.input_channel("tech_digest"),
        id: ids,
    };
    let p = page(demo.call(&request).await.unwrap());
    assert_eq!(p.form, Form::Channel);
    assert_eq!(p.ids(), [1, 150]);
    assert_eq!(p.texts()[0], "Tech Digest #1: compilers and build times");
    assert_eq!(p.empty_ids, [9999]);

    let mut wrong = demo.input_channel("tech_digest");
    if let tl::enums::InputChannel::Channel(c) = &mut wrong {
        c.access_hash ^= 1;
    }
    let request = tl::functions::channels::GetMessages {
        channel: wrong,
        id: Vec::new(),
    };
    assert_eq!(demo.error(&request).await, "CHANNEL_INVALID");
}

/// Offsets, limits and ids at and past every edge: each call answers (with messages or an
/// RPC error), never more than 100 messages, and the connection survives.
#[tokio::test]
async fn hostile_paging_arguments_get_answers_not_panics() {
    let demo = Demo::start().await;
    let edges = [i32::MIN, -101, -1, 0, 1, 99, 100, 101, 150, i32::MAX];
    let peers = [
        demo.input_named("tech_digest"),
        demo.input_named("bob_builder"),
    ];
    let check = |answer: Result<tl::enums::messages::Messages, _>| match answer {
        Ok(a) => assert!(page(a).messages.len() <= 100),
        Err(e) => assert!(
            rpc_name(&e)
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()),
            "{e:?}"
        ),
    };
    for (i, &a) in edges.iter().enumerate() {
        let b = edges[(i * 7 + 3) % edges.len()];
        let c = edges[(i * 3 + 5) % edges.len()];
        for peer in &peers {
            let mut h = history(peer.clone(), a);
            (h.offset_id, h.add_offset, h.max_id, h.min_id, h.offset_date) = (b, c, a, b, c);
            check(demo.call(&h).await);
            let mut s = search(peer.clone(), "digest sync");
            (s.offset_id, s.add_offset, s.limit, s.min_date, s.max_date) = (a, b, c, b, a);
            s.top_msg_id = Some(c);
            check(demo.call(&s).await);
        }
        let mut g = search_global("digest");
        (g.offset_rate, g.offset_id, g.limit, g.min_date) = (a, b, c, b);
        check(demo.call(&g).await);
        let mut d = crate::sandbox_support::dialogs(a);
        (d.offset_date, d.offset_id) = (b, c);
        assert!(demo.call(&d).await.is_ok());
    }
    within(5, demo.tc.client.get_me()).await.unwrap();
}

/// Two channels with a post each in the same second, both with id 1: only the peer tells
/// them apart, and rate paging must still return both, once.
#[tokio::test]
async fn search_global_breaks_ties_by_peer() {
    use tgmcp::sandbox::{ChannelSpec, MessageSpec, Sandbox, UserSpec, World};
    let mut world = World::new();
    let me = world.add_user(UserSpec::new("Ann"));
    let date = 1_700_000_000;
    for title in ["One", "Two"] {
        let channel = world.add_channel(ChannelSpec {
            title: title.into(),
            creator: me,
            broadcast: true,
            ..ChannelSpec::default()
        });
        world.add_message(MessageSpec::post(channel, "tie").at(date));
    }
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = crate::common::connect(&sandbox, sandbox.authorized_key(me));
    let mut request = search_global("tie");
    request.limit = 1;
    let mut seen = Vec::new();
    loop {
        let p = page(within(10, tc.client.invoke(&request)).await.unwrap());
        seen.extend(p.messages.iter().map(|m| (peer_of(m), m.id, m.date)));
        let (Some(rate), Some(last)) = (p.next_rate, p.messages.last()) else {
            break;
        };
        request.offset_rate = rate;
        request.offset_peer = sandbox.world().input_peer(peer_of(last)).unwrap();
        request.offset_id = last.id;
    }
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_ne!(seen[0].0, seen[1].0);
    assert!(seen.iter().all(|&(_, id, d)| (id, d) == (1, date)));
}

fn replies(
    peer: tl::enums::InputPeer,
    msg_id: i32,
    limit: i32,
) -> tl::functions::messages::GetReplies {
    tl::functions::messages::GetReplies {
        peer,
        msg_id,
        offset_id: 0,
        offset_date: 0,
        add_offset: 0,
        limit,
        max_id: 0,
        min_id: 0,
        hash: 0,
    }
}

#[tokio::test]
async fn get_replies_pages_a_supergroups_thread_and_refuses_where_threads_do_not_exist() {
    let demo = Demo::start().await;
    let group = demo.input_named("rust_berlin");
    let question =
        page(demo.call(&search(group.clone(), "io_uring")).await.unwrap()).messages[0].id;

    // The whole reply tree under the question (as search's top_msg_id finds it), newest
    // first, in a supergroup's channelMessages.
    let answer = demo
        .call(&replies(group.clone(), question, 100))
        .await
        .unwrap();
    assert!(
        matches!(answer, tl::enums::messages::Messages::ChannelMessages(_)),
        "{answer:?}"
    );
    let thread = page(answer);
    let mut by_search = search(group.clone(), "");
    by_search.top_msg_id = Some(question);
    let expected = page(demo.call(&by_search).await.unwrap());
    assert_eq!(thread.ids(), expected.ids());
    assert_eq!(thread.messages.len(), 4, "{:?}", thread.texts());
    assert!(!thread.ids().contains(&question));
    thread.assert_mentions_match();

    // Paged: two at a time, then from the last one seen.
    let first = page(
        demo.call(&replies(group.clone(), question, 2))
            .await
            .unwrap(),
    );
    assert_eq!(first.ids(), thread.ids()[..2]);
    let mut next = replies(group.clone(), question, 2);
    next.offset_id = *first.ids().last().unwrap();
    let second = page(demo.call(&next).await.unwrap());
    assert_eq!(second.ids(), thread.ids()[2..4]);

    // Telegram's errors: no such message; a private chat has no threads.
    assert_eq!(
        demo.error(&replies(group, 9999, 10)).await,
        "MSG_ID_INVALID"
    );
    let bob = demo.input_named("bob_builder");
    assert_eq!(demo.error(&replies(bob, 1, 10)).await, "PEER_ID_INVALID");
}

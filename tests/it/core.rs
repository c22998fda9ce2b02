//! The Telegram core against the sandbox: results, paging, and round trips read from the
//! sandbox's counters (deterministic, so asserted rather than timed).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tgmcp::sandbox::Peer;
use tgmcp::telegram::{
    ChatSearch, ChatType, ConnectOptions, EditMessage, FileSession, FindChats, GlobalSearch,
    SendMessage, Telegram,
};

use crate::common::{API_ID, within};
use crate::harness::{Setup, unix_now};

struct Fixture {
    tg: Telegram,
    setup: Setup,
}

impl std::ops::Deref for Fixture {
    type Target = Setup;
    fn deref(&self) -> &Setup {
        &self.setup
    }
}

async fn fixture() -> Fixture {
    let setup = Setup::demo().await;
    let (sandbox, env) = (&setup.sandbox, &setup.env);
    let session = Arc::new(FileSession::open(env.session_path("default")).unwrap());
    let tg = Telegram::open(
        session,
        ConnectOptions {
            api_id: API_ID,
            timeout: Duration::from_secs(10),
            ..ConnectOptions::default()
        },
    );
    // Connect once so round-trip counts below are per operation, not per connection.
    within(10, tg.is_authorized()).await.unwrap();
    sandbox.stats().reset();
    Fixture { tg, setup }
}

fn chat_search(chat: &str, query: Option<&str>, limit: usize) -> ChatSearch {
    ChatSearch {
        chat: chat.into(),
        query: query.map(str::to_owned),
        limit,
        ..ChatSearch::default()
    }
}

#[tokio::test]
async fn a_new_username_costs_one_round_trip_then_none() {
    let f = fixture().await;
    let page = within(
        10,
        f.tg.search_chat(chat_search("@bob_builder", Some("invoice"), 10)),
    )
    .await
    .unwrap();
    assert!(!page.messages.is_empty());
    assert!(
        page.messages
            .iter()
            .all(|m| m.text.to_lowercase().contains("invoice"))
    );
    assert_eq!(f.sandbox.stats().count("contacts.resolveUsername"), 1);
    assert_eq!(
        f.sandbox.stats().total(),
        2,
        "{:?}",
        f.sandbox.stats().snapshot()
    );

    f.sandbox.stats().reset();
    within(
        10,
        // With the @: a bare word is a chat's name first (a dialog-list round, tested in
        // chat_names.rs).
        f.tg.search_chat(chat_search("@bob_builder", Some("meeting"), 10)),
    )
    .await
    .unwrap();
    within(
        10,
        f.tg.search_chat(chat_search("https://t.me/bob_builder", None, 5)),
    )
    .await
    .unwrap();
    assert_eq!(
        f.sandbox.stats().total(),
        2,
        "warm: one round trip each: {:?}",
        f.sandbox.stats().snapshot()
    );
    assert_eq!(f.sandbox.stats().count("contacts.resolveUsername"), 0);
}

#[tokio::test]
async fn ids_from_outputs_can_be_passed_back() {
    let f = fixture().await;
    let page = within(10, f.tg.search_chat(chat_search("@rust_berlin", None, 3)))
        .await
        .unwrap();
    let chat = &page.messages[0].chat;
    assert_eq!(chat.kind, ChatType::Group);
    assert!(
        chat.id < -1_000_000_000_000,
        "supergroups use -100… ids: {}",
        chat.id
    );
    f.sandbox.stats().reset();
    let again = within(
        10,
        f.tg.search_chat(chat_search(&chat.id.to_string(), None, 3)),
    )
    .await
    .unwrap();
    assert_eq!(again.messages[0].id, page.messages[0].id);
    assert_eq!(
        f.sandbox.stats().total(),
        1,
        "a seen id costs no resolution"
    );
}

#[tokio::test]
async fn in_chat_paging_reaches_the_end_without_gaps_or_repeats() {
    let f = fixture().await;
    let first = within(10, f.tg.search_chat(chat_search("@rust_berlin", None, 100)))
        .await
        .unwrap();
    let total = first.total.expect("a total for one chat") as usize;
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let mut req = chat_search("@rust_berlin", None, 7);
        req.cursor = cursor.take();
        let page = within(10, f.tg.search_chat(req)).await.unwrap();
        seen.extend(page.messages.iter().map(|m| m.id));
        if !page.has_more {
            assert!(page.cursor.is_none());
            break;
        }
        cursor = page.cursor;
        assert!(seen.len() <= total, "more pages than messages");
    }
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no repeats");
    assert_eq!(seen.len(), total, "no gaps");
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first");
}

#[tokio::test]
async fn global_multi_term_search_merges_concurrently_and_pages() {
    let f = fixture().await;
    let single = |q: &str| GlobalSearch {
        query: q.into(),
        limit: 100,
        ..GlobalSearch::default()
    };
    let invoice = within(10, f.tg.search_global(single("invoice")))
        .await
        .unwrap();
    let meeting = within(10, f.tg.search_global(single("meeting")))
        .await
        .unwrap();
    let expected: HashSet<(i64, i32)> = invoice
        .messages
        .iter()
        .chain(&meeting.messages)
        .map(|m| (m.chat.id, m.id))
        .collect();
    assert!(!invoice.messages.is_empty() && !meeting.messages.is_empty());

    f.sandbox.stats().reset();
    let mut got = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = within(
            10,
            f.tg.search_global(GlobalSearch {
                query: "invoice, meeting".into(),
                limit: 2,
                cursor: cursor.take(),
                ..GlobalSearch::default()
            }),
        )
        .await
        .unwrap();
        pages += 1;
        got.extend(
            page.messages
                .iter()
                .map(|m| (m.chat.id, m.id, m.date.clone())),
        );
        if !page.has_more {
            break;
        }
        cursor = page.cursor;
        assert!(pages < 50);
    }
    let keys: HashSet<(i64, i32)> = got.iter().map(|(c, i, _)| (*c, *i)).collect();
    assert_eq!(keys.len(), got.len(), "no duplicates across pages");
    assert_eq!(keys, expected, "the union of both terms");
    assert!(
        got.windows(2).all(|w| w[0].2 >= w[1].2),
        "newest first across pages"
    );
    assert!(f.sandbox.stats().count("messages.searchGlobal") <= 2 * pages as u64);
}

#[tokio::test]
async fn global_search_filters_by_chat_type_and_date() {
    let f = fixture().await;
    let search = |chat_type, min_date| GlobalSearch {
        query: "hike".into(),
        limit: 50,
        chat_type,
        min_date,
        ..GlobalSearch::default()
    };
    let groups = within(10, f.tg.search_global(search(Some(ChatType::Group), None)))
        .await
        .unwrap();
    assert!(!groups.messages.is_empty());
    assert!(
        groups
            .messages
            .iter()
            .all(|m| m.chat.kind == ChatType::Group)
    );
    let private = within(
        10,
        f.tg.search_global(search(Some(ChatType::Private), None)),
    )
    .await
    .unwrap();
    assert!(
        private
            .messages
            .iter()
            .all(|m| m.chat.kind == ChatType::Private)
    );
    let recent_min = unix_now() - 2 * 86_400;
    let recent = within(10, f.tg.search_global(search(None, Some(recent_min))))
        .await
        .unwrap();
    let all = within(10, f.tg.search_global(search(None, None)))
        .await
        .unwrap();
    assert!(
        recent.messages.len() < all.messages.len(),
        "the date filter drops older messages"
    );
}

#[tokio::test]
async fn read_reports_missing_ids_and_other_chats_messages() {
    let f = fixture().await;
    let history = within(10, f.tg.search_chat(chat_search("@carol", None, 3)))
        .await
        .unwrap();
    let id = history.messages[0].id;
    let result = within(10, f.tg.read_messages("@carol", &[id, 999_999]))
        .await
        .unwrap();
    assert_eq!(result.messages.len(), 1);
    assert_eq!(result.messages[0].id, id);
    assert_eq!(result.missing, vec![999_999]);
    // The same id read "in" another private chat is not there.
    let elsewhere = within(10, f.tg.read_messages("@bob_builder", &[id]))
        .await
        .unwrap();
    assert_eq!(elsewhere.missing, vec![id]);
}

#[tokio::test]
async fn long_messages_are_split_and_every_part_is_returned() {
    let f = fixture().await;
    let paragraph = format!("**{}**", "word ".repeat(150).trim_end());
    let text = vec![paragraph; 12].join("\n\n");
    f.sandbox.stats().reset();
    let sent = within(
        20,
        f.tg.send_message(SendMessage {
            chat: "me".into(),
            text,
            parse_mode: Some(tgmcp::telegram::ParseMode::Markdown),
            ..SendMessage::default()
        }),
    )
    .await
    .unwrap();
    assert!(sent.message_ids.len() >= 2, "{:?}", sent.message_ids);
    assert!(
        sent.messages
            .iter()
            .all(|m| m.text.encode_utf16().count() <= 4096)
    );
    // Stored as formatting (entities), and shown as Markdown again.
    {
        let world = f.sandbox.world();
        let stored: Vec<_> = world
            .messages
            .iter()
            .filter(|m| sent.message_ids.contains(&m.id) && !matches!(m.to, Peer::Channel(_)))
            .collect();
        assert_eq!(stored.len(), sent.message_ids.len());
        assert!(
            stored
                .iter()
                .all(|m| !m.text.contains("**") && !m.entities.is_empty()),
            "markdown became formatting"
        );
    }
    assert!(sent.messages.iter().all(|m| m.text.starts_with("**")));
    assert_eq!(
        f.sandbox.stats().count("messages.sendMessage"),
        sent.message_ids.len() as u64
    );
    let read = within(10, f.tg.read_messages("me", &sent.message_ids))
        .await
        .unwrap();
    assert_eq!(read.messages.len(), sent.message_ids.len());
}

#[tokio::test]
async fn edits_and_their_errors() {
    let f = fixture().await;
    let sent = within(
        10,
        f.tg.send_message(SendMessage {
            chat: "me".into(),
            text: "draft".into(),
            ..SendMessage::default()
        }),
    )
    .await
    .unwrap();
    let id = sent.message_ids[0];
    let edit = |text: &str, message_id| EditMessage {
        chat: "me".into(),
        message_id,
        text: text.into(),
        parse_mode: None,
    };
    let edited = within(10, f.tg.edit_message(edit("final", id)))
        .await
        .unwrap();
    assert_eq!(edited.text, "final");
    assert!(edited.edit_date.is_some());
    let err = within(10, f.tg.edit_message(edit("final", id)))
        .await
        .unwrap_err();
    assert_eq!(err.rpc_name(), Some("MESSAGE_NOT_MODIFIED"), "{err}");
    let err = within(10, f.tg.edit_message(edit("x", 987_654)))
        .await
        .unwrap_err();
    assert_eq!(err.rpc_name(), Some("MESSAGE_ID_INVALID"), "{err}");
    let theirs = within(10, f.tg.search_chat(chat_search("@bob_builder", None, 20)))
        .await
        .unwrap();
    let not_mine = theirs.messages.iter().find(|m| !m.out).unwrap().id;
    let err = within(
        10,
        f.tg.edit_message(EditMessage {
            chat: "@bob_builder".into(),
            message_id: not_mine,
            text: "mine now".into(),
            parse_mode: None,
        }),
    )
    .await
    .unwrap_err();
    assert_eq!(err.rpc_name(), Some("MESSAGE_AUTHOR_REQUIRED"), "{err}");
}

#[tokio::test]
async fn finds_chats_and_describes_them() {
    let f = fixture().await;
    let dialogs = within(
        10,
        f.tg.find_chats(FindChats {
            query: None,
            limit: 20,
            chat_type: None,
        }),
    )
    .await
    .unwrap();
    assert!(dialogs.chats.len() >= 5);
    assert!(dialogs.chats.iter().all(|c| c.unread_count.is_some()));
    let found = within(
        10,
        f.tg.find_chats(FindChats {
            query: Some("bob, rust".into()),
            limit: 20,
            chat_type: None,
        }),
    )
    .await
    .unwrap();
    let names: Vec<_> = found.chats.iter().map(|c| c.title.as_str()).collect();
    assert!(
        names.contains(&"Bob Builder") && names.contains(&"Rust Berlin"),
        "{names:?}"
    );
    let ids: HashSet<_> = found.chats.iter().map(|c| c.id).collect();
    assert_eq!(ids.len(), found.chats.len(), "de-duplicated");

    let user = within(10, f.tg.chat_info("@bob_builder")).await.unwrap();
    assert_eq!(user.chat.kind, ChatType::Private);
    assert!(user.about.is_some() && user.can_write);
    let channel = within(10, f.tg.chat_info("@sandbox_news")).await.unwrap();
    assert_eq!(channel.chat.kind, ChatType::Channel);
    assert!(
        !channel.can_write,
        "only admins post in a broadcast channel"
    );
    assert!(channel.chat.members_count.is_some());
    let group = dialogs
        .chats
        .iter()
        .find(|c| c.title == "Weekend hike")
        .unwrap();
    let info = within(10, f.tg.chat_info(&group.id.to_string()))
        .await
        .unwrap();
    assert_eq!(info.chat.kind, ChatType::Group);
    assert!(info.can_write);
}

//! Contacts against the sandbox: contacts.search, getContacts, importContacts (found and
//! not on Telegram), deleteContacts and resolvePhone, with phone privacy respected.

use grammers_client::tl;
use tgmcp::sandbox::Peer;

use crate::sandbox_support::Demo;

fn to_peer(p: &tl::enums::Peer) -> Peer {
    match p {
        tl::enums::Peer::User(u) => Peer::User(u.user_id),
        tl::enums::Peer::Chat(c) => Peer::Chat(c.chat_id),
        tl::enums::Peer::Channel(c) => Peer::Channel(c.channel_id),
    }
}

fn contacts_search(q: &str) -> tl::functions::contacts::Search {
    tl::functions::contacts::Search {
        broadcasts: false,
        bots: false,
        q: q.into(),
        limit: 20,
    }
}

async fn found(demo: &Demo, q: &str) -> (Vec<Peer>, Vec<Peer>) {
    let request = contacts_search(q);
    let tl::enums::contacts::Found::Found(f) = demo.call(&request).await.unwrap();
    let users: Vec<i64> = f.users.iter().map(|u| u.id()).collect();
    let chats: Vec<i64> = f.chats.iter().map(|c| c.id()).collect();
    let (mine, others): (Vec<Peer>, Vec<Peer>) = (
        f.my_results.iter().map(to_peer).collect(),
        f.results.iter().map(to_peer).collect(),
    );
    for p in mine.iter().chain(&others) {
        match p {
            Peer::User(id) => assert!(users.contains(id), "{p:?} in users"),
            Peer::Chat(id) | Peer::Channel(id) => assert!(chats.contains(id), "{p:?} in chats"),
        }
    }
    assert_eq!(
        users.len() + chats.len(),
        mine.len() + others.len(),
        "nothing extra"
    );
    (mine, others)
}

#[tokio::test]
async fn contacts_search_splits_mine_from_public() {
    let demo = Demo::start().await;
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("berlin", &["rust_berlin"], &["berlin_events"]),
        ("bob", &["bob_builder"], &[]),
        ("@bob_b", &["bob_builder"], &[]),
        ("дмит", &["dmitri_iv"], &[]),
        ("LUC", &["lucia_fz"], &[]),
        ("grace", &[], &["grace_h"]),
        ("erin", &[], &["erin_ops"]),
        ("hike", &["Weekend hike"], &[]),
        ("frank", &[], &[]), // on Telegram, but no username: not public
        ("book club", &[], &[]),
    ];
    for (q, mine, others) in cases {
        let (got_mine, got_others) = found(&demo, q).await;
        let want = |names: &[&str]| names.iter().map(|n| demo.peer(n)).collect::<Vec<_>>();
        assert_eq!(got_mine, want(mine), "my_results for {q:?}");
        assert_eq!(got_others, want(others), "results for {q:?}");
    }
    let empty = contacts_search(" ");
    assert_eq!(demo.error(&empty).await, "QUERY_TOO_SHORT");
}

async fn contacts(demo: &Demo) -> Vec<(i64, bool)> {
    let request = tl::functions::contacts::GetContacts { hash: 0 };
    let tl::enums::contacts::Contacts::Contacts(c) = demo.call(&request).await.unwrap() else {
        panic!("the full list is always sent");
    };
    assert_eq!(c.users.len(), c.contacts.len());
    c.contacts
        .into_iter()
        .map(|tl::enums::Contact::Contact(c)| (c.user_id, c.mutual))
        .collect()
}

fn phone_contact(client_id: i64, phone: &str) -> tl::enums::InputContact {
    tl::types::InputPhoneContact {
        client_id,
        phone: phone.into(),
        first_name: "Someone".into(),
        last_name: String::new(),
        note: None,
    }
    .into()
}

#[tokio::test]
async fn import_get_and_delete_contacts() {
    let demo = Demo::start().await;
    let before = contacts(&demo).await;
    assert_eq!(before.len(), 5);
    assert!(before.iter().all(|&(_, mutual)| mutual));

    let frank = demo
        .sandbox
        .world()
        .user_by_phone("+15550100006")
        .unwrap()
        .id;
    let import = tl::functions::contacts::ImportContacts {
        contacts: vec![
            phone_contact(1, "+1 (555) 010-0006"), // Frank
            phone_contact(2, "+15550109999"),      // nobody
            phone_contact(3, "+15550100009"),      // Grace: only her contacts find her
        ],
    };
    let tl::enums::contacts::ImportedContacts::Contacts(imported) =
        demo.call(&import).await.unwrap();
    let pairs: Vec<(i64, i64)> = imported
        .imported
        .iter()
        .map(|tl::enums::ImportedContact::Contact(c)| (c.user_id, c.client_id))
        .collect();
    assert_eq!(pairs, [(frank, 1)], "only Frank is found");
    let tl::enums::User::User(user) = &imported.users[0] else {
        panic!()
    };
    assert_eq!(
        (user.contact, user.phone.as_deref()),
        (true, Some("15550100006"))
    );

    let after = contacts(&demo).await;
    assert!(
        after.contains(&(frank, false)),
        "Frank is a contact, not mutual"
    );

    let frank_input = match demo.input(Peer::User(frank)) {
        tl::enums::InputPeer::User(u) => tl::types::InputUser {
            user_id: u.user_id,
            access_hash: u.access_hash,
        },
        _ => unreachable!(),
    };
    let delete = tl::functions::contacts::DeleteContacts {
        id: vec![frank_input.clone().into()],
    };
    let tl::enums::Updates::Updates(u) = demo.call(&delete).await.unwrap() else {
        panic!("updates expected")
    };
    assert!(u.updates.is_empty());
    assert_eq!(u.users.iter().map(|u| u.id()).collect::<Vec<_>>(), [frank]);
    assert_eq!(contacts(&demo).await, before);

    let mut wrong = frank_input;
    wrong.access_hash ^= 1;
    let delete = tl::functions::contacts::DeleteContacts {
        id: vec![wrong.into()],
    };
    assert_eq!(demo.error(&delete).await, "CONTACT_ID_INVALID");
}

#[tokio::test]
async fn resolve_phone_respects_phone_privacy() {
    let demo = Demo::start().await;
    let resolve = |phone: &str| tl::functions::contacts::ResolvePhone {
        phone: phone.into(),
    };
    for (phone, who) in [("+15550100002", "bob_builder"), ("15550100006", "")] {
        let tl::enums::contacts::ResolvedPeer::Peer(r) = demo.call(&resolve(phone)).await.unwrap();
        let expected = match who {
            "" => demo.sandbox.world().user_by_phone(phone).unwrap().id,
            name => demo.user(name),
        };
        assert_eq!(to_peer(&r.peer), Peer::User(expected), "{phone}");
        assert_eq!(r.users.len(), 1);
    }
    for phone in ["+15550100009", "+15550109999", ""] {
        assert_eq!(
            demo.error(&resolve(phone)).await,
            "PHONE_NOT_OCCUPIED",
            "{phone:?}"
        );
    }
}

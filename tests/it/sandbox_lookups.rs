//! The lookups other clients make (Telethon calls channels.getChannels for every channel
//! it resolves): channels.getChannels, messages.getChats, messages.getCommonChats and
//! messages.getPeerDialogs, with Telegram's constructors and error names.

use grammers_client::tl;
use tgmcp::sandbox::Peer;

use crate::sandbox_support::Demo;

fn chat_ids(chats: &[tl::enums::Chat]) -> Vec<i64> {
    chats.iter().map(|c| c.id()).collect()
}

#[tokio::test]
async fn channels_and_chats_by_id() {
    let demo = Demo::start().await;
    let rust = demo.input_channel("rust_berlin");
    let (ops_id, ops_hash) = {
        let w = demo.sandbox.world();
        let ops = w
            .channels
            .values()
            .find(|c| c.title == "Ops Private")
            .unwrap();
        (ops.id, ops.access_hash)
    };
    let ops: tl::enums::InputChannel = tl::types::InputChannel {
        channel_id: ops_id,
        access_hash: ops_hash,
    }
    .into();
    let answer = demo
        .call(&tl::functions::channels::GetChannels {
            id: vec![rust.clone(), ops.clone()],
        })
        .await
        .unwrap();
    let tl::enums::messages::Chats::Chats(found) = answer else {
        panic!("messages.chats: {answer:?}")
    };
    let Peer::Channel(rust_id) = demo.peer("rust_berlin") else {
        panic!()
    };
    assert_eq!(chat_ids(&found.chats), [rust_id, ops_id]);
    assert!(matches!(found.chats[0], tl::enums::Chat::Channel(ref c) if c.megagroup && !c.left));
    // Private and Alex is not in it: Telegram shows it as forbidden.
    assert!(
        matches!(found.chats[1], tl::enums::Chat::ChannelForbidden(ref c) if c.title == "Ops Private"),
        "{:?}",
        found.chats[1]
    );
    let mut wrong = rust;
    if let tl::enums::InputChannel::Channel(c) = &mut wrong {
        c.access_hash ^= 1;
    }
    let bad = tl::functions::channels::GetChannels { id: vec![wrong] };
    assert_eq!(demo.error(&bad).await, "CHANNEL_INVALID");

    let Peer::Chat(hike) = demo.peer("Weekend hike") else {
        panic!()
    };
    let book_club = {
        let w = demo.sandbox.world();
        w.chats
            .values()
            .find(|c| c.title == "Book club")
            .unwrap()
            .id
    };
    let answer = demo
        .call(&tl::functions::messages::GetChats {
            id: vec![hike, book_club],
        })
        .await
        .unwrap();
    let tl::enums::messages::Chats::Chats(found) = answer else {
        panic!()
    };
    assert!(matches!(found.chats[0], tl::enums::Chat::Chat(ref c) if c.id == hike));
    assert!(matches!(found.chats[1], tl::enums::Chat::Forbidden(ref c) if c.id == book_club));
    let unknown = tl::functions::messages::GetChats { id: vec![424_242] };
    assert_eq!(demo.error(&unknown).await, "CHAT_ID_INVALID");
}

#[tokio::test]
async fn common_chats_agree_with_the_full_user() {
    let demo = Demo::start().await;
    let tl::enums::InputPeer::User(bob) = demo.input_named("bob_builder") else {
        panic!()
    };
    let bob: tl::enums::InputUser = tl::types::InputUser {
        user_id: bob.user_id,
        access_hash: bob.access_hash,
    }
    .into();
    let tl::enums::users::UserFull::Full(full) = demo
        .call(&tl::functions::users::GetFullUser { id: bob.clone() })
        .await
        .unwrap();
    let tl::enums::UserFull::Full(full) = full.full_user;
    let common = |max_id, limit| tl::functions::messages::GetCommonChats {
        user_id: bob.clone(),
        max_id,
        limit,
    };
    let answer = demo.call(&common(0, 100)).await.unwrap();
    let tl::enums::messages::Chats::Chats(all) = answer else {
        panic!("all at once: {answer:?}")
    };
    assert_eq!(all.chats.len() as i32, full.common_chats_count);
    assert!(all.chats.len() >= 2, "{:?}", all.chats);
    // Paged: one at a time, after the last id seen.
    let answer = demo.call(&common(0, 1)).await.unwrap();
    let tl::enums::messages::Chats::Slice(first) = answer else {
        panic!("a slice: {answer:?}")
    };
    assert_eq!(first.count, full.common_chats_count);
    assert_eq!(chat_ids(&first.chats), chat_ids(&all.chats[..1]));
    let wrong = tl::functions::messages::GetCommonChats {
        user_id: tl::types::InputUser {
            user_id: 1,
            access_hash: 0,
        }
        .into(),
        max_id: 0,
        limit: 10,
    };
    assert_eq!(demo.error(&wrong).await, "USER_ID_INVALID");
}

#[tokio::test]
async fn peer_dialogs_carry_read_state_and_top_messages() {
    let demo = Demo::start().await;
    let peers = ["bob_builder", "Weekend hike", "rust_berlin"];
    let answer = demo
        .call(&tl::functions::messages::GetPeerDialogs {
            peers: peers
                .iter()
                .map(|name| {
                    tl::types::InputDialogPeer {
                        peer: demo.input_named(name),
                    }
                    .into()
                })
                .collect(),
        })
        .await
        .unwrap();
    let tl::enums::messages::PeerDialogs::Dialogs(d) = answer;
    assert_eq!(d.dialogs.len(), 3);
    assert_eq!(d.messages.len(), 3, "each dialog's top message");
    for (dialog, name) in d.dialogs.iter().zip(peers) {
        let tl::enums::Dialog::Dialog(dialog) = dialog else {
            panic!()
        };
        let expected: tl::enums::Peer = match demo.peer(name) {
            Peer::User(user_id) => tl::types::PeerUser { user_id }.into(),
            Peer::Chat(chat_id) => tl::types::PeerChat { chat_id }.into(),
            Peer::Channel(channel_id) => tl::types::PeerChannel { channel_id }.into(),
        };
        assert_eq!(dialog.peer, expected, "{name}");
    }
    let tl::enums::updates::State::State(state) = d.state;
    assert_eq!(state.pts, demo.sandbox.world().pts(demo.me));
}

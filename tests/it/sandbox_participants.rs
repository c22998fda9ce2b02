//! channels.getParticipants and channels.getParticipant as Telegram plays them: who may
//! list whom, filters, paging (at most 200 a page), the hash, and the error names.

use grammers_client::tl;
use tgmcp::sandbox::{Peer, UserSpec};

use crate::sandbox_support::Demo;

fn list(
    channel: tl::enums::InputChannel,
    filter: tl::enums::ChannelParticipantsFilter,
    offset: i32,
    limit: i32,
) -> tl::functions::channels::GetParticipants {
    tl::functions::channels::GetParticipants {
        channel,
        filter,
        offset,
        limit,
        hash: 0,
    }
}

fn recent() -> tl::enums::ChannelParticipantsFilter {
    tl::enums::ChannelParticipantsFilter::ChannelParticipantsRecent
}

fn user_id(p: &tl::enums::ChannelParticipant) -> i64 {
    use tl::enums::ChannelParticipant as P;
    match p {
        P::Participant(p) => p.user_id,
        P::ParticipantSelf(p) => p.user_id,
        P::Creator(p) => p.user_id,
        P::Admin(p) => p.user_id,
        other => panic!("unexpected participant {other:?}"),
    }
}

async fn page(
    demo: &Demo,
    request: &tl::functions::channels::GetParticipants,
) -> tl::types::channels::ChannelParticipants {
    match demo.call(request).await.unwrap() {
        tl::enums::channels::ChannelParticipants::Participants(p) => {
            // Every participant comes with its user.
            let users: Vec<i64> = p.users.iter().map(|u| u.id()).collect();
            for participant in &p.participants {
                assert!(users.contains(&user_id(participant)), "{p:?}");
            }
            p
        }
        other => panic!("expected channels.channelParticipants, got {other:?}"),
    }
}

#[tokio::test]
async fn a_supergroups_members_in_telegrams_forms_and_filters() {
    let demo = Demo::start().await;
    let rust = demo.input_channel("rust_berlin");
    let (erin, bob, hans) = (
        demo.user("erin_ops"),
        demo.user("bob_builder"),
        demo.user("hans_m"),
    );
    let all = page(&demo, &list(rust.clone(), recent(), 0, 100)).await;
    assert_eq!(all.count, 5);
    let ids: Vec<i64> = all.participants.iter().map(user_id).collect();
    // The creator first; Alex sees their own entry as channelParticipantSelf.
    assert_eq!(ids[0], erin);
    assert!(matches!(
        all.participants[0],
        tl::enums::ChannelParticipant::Creator(_)
    ));
    let me = all
        .participants
        .iter()
        .find(|p| user_id(p) == demo.me)
        .unwrap();
    assert!(
        matches!(me, tl::enums::ChannelParticipant::ParticipantSelf(s) if s.inviter_id == erin),
        "{me:?}"
    );
    let bobs = all.participants.iter().find(|p| user_id(p) == bob).unwrap();
    assert!(
        matches!(bobs, tl::enums::ChannelParticipant::Participant(_)),
        "{bobs:?}"
    );

    // Paging: offset and limit over the same order; past the end, an empty page.
    let second = page(&demo, &list(rust.clone(), recent(), 2, 2)).await;
    assert_eq!(second.count, 5);
    assert_eq!(
        second.participants.iter().map(user_id).collect::<Vec<_>>(),
        ids[2..4]
    );
    let past = page(&demo, &list(rust.clone(), recent(), 9, 10)).await;
    assert_eq!((past.count, past.participants.len()), (5, 0));

    let admins = tl::enums::ChannelParticipantsFilter::ChannelParticipantsAdmins;
    let admins = page(&demo, &list(rust.clone(), admins, 0, 100)).await;
    assert_eq!(
        admins.participants.iter().map(user_id).collect::<Vec<_>>(),
        [erin]
    );
    let search = tl::types::ChannelParticipantsSearch { q: "han".into() }.into();
    let found = page(&demo, &list(rust.clone(), search, 0, 100)).await;
    assert_eq!(
        found.participants.iter().map(user_id).collect::<Vec<_>>(),
        [hans]
    );
    assert_eq!(found.count, 1);

    // The banned list is an admin's to see.
    let banned = tl::types::ChannelParticipantsBanned { q: String::new() }.into();
    assert_eq!(
        demo.error(&list(rust.clone(), banned, 0, 10)).await,
        "CHAT_ADMIN_REQUIRED"
    );

    // The hash of what the client holds: unchanged is channelParticipantsNotModified.
    let held = tl::functions::channels::GetParticipants {
        hash: telegram_hash(&ids),
        ..list(rust.clone(), recent(), 0, 100)
    };
    assert!(matches!(
        demo.call(&held).await.unwrap(),
        tl::enums::channels::ChannelParticipants::NotModified
    ));

    // One member, and someone who is not one.
    let one = tl::functions::channels::GetParticipant {
        channel: rust.clone(),
        participant: demo.input(Peer::User(erin)),
    };
    let tl::enums::channels::ChannelParticipant::Participant(one) = demo.call(&one).await.unwrap();
    assert!(
        matches!(one.participant, tl::enums::ChannelParticipant::Creator(ref c) if c.user_id == erin)
    );
    assert!(one.users.iter().any(|u| u.id() == erin));
    let lucia = demo.user("lucia_fz");
    let outsider = tl::functions::channels::GetParticipant {
        channel: rust.clone(),
        participant: demo.input(Peer::User(lucia)),
    };
    assert_eq!(demo.error(&outsider).await, "USER_NOT_PARTICIPANT");
    let not_a_user = tl::functions::channels::GetParticipant {
        channel: rust,
        participant: demo.input_named("sandbox_news"),
    };
    assert_eq!(demo.error(&not_a_user).await, "PARTICIPANT_ID_INVALID");
}

/// Telegram's hash over ids (core.telegram.org/api/offsets#hash-generation), written
/// out here so the test does not trust the sandbox's copy.
fn telegram_hash(ids: &[i64]) -> i64 {
    let mut hash: u64 = 0;
    for &id in ids {
        hash ^= hash >> 21;
        hash ^= hash << 35;
        hash ^= hash >> 4;
        hash = hash.wrapping_add(id as u64);
    }
    hash as i64
}

#[tokio::test]
async fn a_broadcast_channels_members_are_for_its_admins() {
    let demo = Demo::start().await;
    let news = demo.input_channel("sandbox_news");
    // Alex reads Sandbox News but does not run it.
    assert_eq!(
        demo.error(&list(news.clone(), recent(), 0, 10)).await,
        "CHAT_ADMIN_REQUIRED"
    );
    let erin = demo.user("erin_ops");
    let about_erin = tl::functions::channels::GetParticipant {
        channel: news.clone(),
        participant: demo.input(Peer::User(erin)),
    };
    assert_eq!(demo.error(&about_erin).await, "CHAT_ADMIN_REQUIRED");
    // Their own membership, a member may see.
    let about_me = tl::functions::channels::GetParticipant {
        channel: news.clone(),
        participant: tl::enums::InputPeer::PeerSelf,
    };
    let tl::enums::channels::ChannelParticipant::Participant(mine) =
        demo.call(&about_me).await.unwrap();
    assert!(matches!(
        mine.participant,
        tl::enums::ChannelParticipant::ParticipantSelf(_)
    ));

    // Erin, its creator, sees the list.
    let tc = demo.connect_as(erin).await;
    let as_erin = tc
        .client
        .invoke(&list(news, recent(), 0, 10))
        .await
        .unwrap();
    let tl::enums::channels::ChannelParticipants::Participants(listed) = as_erin else {
        panic!("{as_erin:?}")
    };
    assert_eq!(listed.count, 2);

    // A private channel Alex is not in.
    let ops = {
        let w = demo.sandbox.world();
        let ops = w.channel_by_title("Ops Private").unwrap();
        tl::types::InputChannel {
            channel_id: ops.id,
            access_hash: ops.access_hash,
        }
        .into()
    };
    assert_eq!(
        demo.error(&list(ops, recent(), 0, 10)).await,
        "CHANNEL_PRIVATE"
    );
}

#[tokio::test]
async fn a_page_holds_at_most_200() {
    let demo = Demo::start().await;
    let rust = demo.input_channel("rust_berlin");
    {
        let mut w = demo.sandbox.world();
        let id = w.channel_by_username("rust_berlin").unwrap().id;
        let new: Vec<i64> = (0..250)
            .map(|n| w.add_user(UserSpec::new(&format!("Member {n}"))))
            .collect();
        w.channels.get_mut(&id).unwrap().members.extend(new);
    }
    let first = page(&demo, &list(rust.clone(), recent(), 0, 1000)).await;
    assert_eq!((first.count, first.participants.len()), (255, 200));
    let rest = page(&demo, &list(rust, recent(), 200, 1000)).await;
    assert_eq!(rest.participants.len(), 55);
    let mut seen: Vec<i64> = first
        .participants
        .iter()
        .chain(&rest.participants)
        .map(user_id)
        .collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 255);
}

//! Contacts and finding people: by username, by phone, by name (contacts.search), and
//! the address book (getContacts, importContacts, deleteContacts).
//!
//! Finding someone by phone number follows their "Who can find me by my number" setting
//! ([`PhonePrivacy`](crate::sandbox::PhonePrivacy)), whose Telegram default is everybody: resolvePhone and importContacts
//! find a user unless they allow only their contacts and the caller is not one. A number
//! nobody has is PHONE_NOT_OCCUPIED to resolvePhone and simply missing from importContacts'
//! `imported`, which is how Telegram says "not on Telegram".

use std::collections::BTreeSet;

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::search::Query;
use crate::sandbox::tlbuild::{self, Mentions};
use crate::sandbox::world::{Peer, World, now};

fn valid_username(name: &str) -> bool {
    (4..=32).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
}

pub(super) fn resolve_username(
    ctx: &mut Ctx,
    req: tl::functions::contacts::ResolveUsername,
) -> Result<tl::enums::contacts::ResolvedPeer, RpcErr> {
    let me = ctx.me()?;
    if !valid_username(&req.username) {
        return Err(RpcErr::bad("USERNAME_INVALID"));
    }
    let peer = if let Some(u) = ctx.world.user_by_username(&req.username) {
        Peer::User(u.id)
    } else if let Some(c) = ctx.world.channel_by_username(&req.username) {
        Peer::Channel(c.id)
    } else {
        return Err(RpcErr::bad("USERNAME_NOT_OCCUPIED"));
    };
    let mut mentions = Mentions::default();
    mentions.add(peer);
    Ok(tl::types::contacts::ResolvedPeer {
        peer: tlbuild::peer(peer),
        chats: mentions.chats(ctx.world, me),
        users: mentions.users(ctx.world, me),
    }
    .into())
}

pub(super) fn resolve_phone(
    ctx: &mut Ctx,
    req: tl::functions::contacts::ResolvePhone,
) -> Result<tl::enums::contacts::ResolvedPeer, RpcErr> {
    let me = ctx.me()?;
    let user =
        find_by_phone(ctx, me, &req.phone).ok_or_else(|| RpcErr::bad("PHONE_NOT_OCCUPIED"))?;
    let mut mentions = Mentions::default();
    mentions.add(Peer::User(user));
    Ok(tl::types::contacts::ResolvedPeer {
        peer: tlbuild::peer(Peer::User(user)),
        chats: Vec::new(),
        users: mentions.users(ctx.world, me),
    }
    .into())
}

/// The user with this phone number, if the caller may find them by it.
fn find_by_phone(ctx: &Ctx, me: i64, phone: &str) -> Option<i64> {
    let has_digits = phone.chars().any(|c| c.is_ascii_digit());
    let user = ctx.world.user_by_phone(phone).filter(|_| has_digits)?;
    ctx.world.findable_by_phone(user, me).then_some(user.id)
}

/// The words a peer is found by: a person's names and username, a chat's title.
fn names(world: &World, peer: Peer) -> Vec<&str> {
    match peer {
        Peer::User(id) => world.users.get(&id).map_or(Vec::new(), |u| {
            [
                Some(u.first_name.as_str()),
                u.last_name.as_deref(),
                u.username.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect()
        }),
        Peer::Chat(id) => world
            .chats
            .get(&id)
            .map_or(Vec::new(), |c| vec![c.title.as_str()]),
        Peer::Channel(id) => world.channels.get(&id).map_or(Vec::new(), |c| {
            [Some(c.title.as_str()), c.username.as_deref()]
                .into_iter()
                .flatten()
                .collect()
        }),
    }
}

/// Everyone public: users and channels with a username.
fn public_peers(world: &World) -> impl Iterator<Item = Peer> + '_ {
    let users = world
        .users
        .values()
        .filter(|u| u.username.is_some())
        .map(|u| Peer::User(u.id));
    let channels = world
        .channels
        .values()
        .filter(|c| c.username.is_some())
        .map(|c| Peer::Channel(c.id));
    users.chain(channels)
}

fn is_broadcast(world: &World, peer: Peer) -> bool {
    matches!(peer, Peer::Channel(id) if world.channels.get(&id).is_some_and(|c| c.broadcast))
}

fn is_bot(world: &World, peer: Peer) -> bool {
    matches!(peer, Peer::User(id) if world.users.get(&id).is_some_and(|u| u.bot))
}

/// contacts.search: `my_results` from the caller's contacts and chats, `results` from
/// everyone public they have no chat with yet. The `broadcasts` and `bots` flags narrow
/// both to broadcast channels or bots.
pub(super) fn search(
    ctx: &mut Ctx,
    req: tl::functions::contacts::Search,
) -> Result<tl::enums::contacts::Found, RpcErr> {
    let me = ctx.me()?;
    let query = Query::new(req.q.trim().trim_start_matches('@'));
    if query.is_empty() {
        return Err(RpcErr::bad("QUERY_TOO_SHORT"));
    }
    let limit = req.limit.clamp(0, 100) as usize;
    let contacts = ctx.world.users.get(&me).map(|u| u.contacts.clone());
    let mine: BTreeSet<Peer> = ctx
        .world
        .dialogs(me)
        .into_iter()
        .chain(contacts.into_iter().flatten().map(Peer::User))
        .filter(|&p| p != Peer::User(me))
        .collect();
    let kind = |p: &Peer| match (req.broadcasts, req.bots) {
        (false, false) => true,
        (broadcasts, bots) => {
            (broadcasts && is_broadcast(ctx.world, *p)) || (bots && is_bot(ctx.world, *p))
        }
    };
    let matches = |p: &Peer| kind(p) && query.matches_any(&names(ctx.world, *p));
    let my_results: Vec<Peer> = mine.iter().copied().filter(matches).take(limit).collect();
    let results: Vec<Peer> = public_peers(ctx.world)
        .filter(|p| *p != Peer::User(me) && !mine.contains(p))
        .filter(matches)
        .take(limit)
        .collect();
    let mut mentions = Mentions::default();
    my_results.iter().chain(&results).for_each(|&p| {
        mentions.add(p);
    });
    Ok(tl::types::contacts::Found {
        my_results: my_results.into_iter().map(tlbuild::peer).collect(),
        results: results.into_iter().map(tlbuild::peer).collect(),
        chats: mentions.chats(ctx.world, me),
        users: mentions.users(ctx.world, me),
    }
    .into())
}

/// The caller's contacts. `hash` is ignored: the full list is always sent.
pub(super) fn get_contacts(
    ctx: &mut Ctx,
    _: tl::functions::contacts::GetContacts,
) -> Result<tl::enums::contacts::Contacts, RpcErr> {
    let me = ctx.me()?;
    let ids: Vec<i64> = ctx
        .world
        .users
        .get(&me)
        .map(|u| u.contacts.iter().copied().collect())
        .unwrap_or_default();
    let mut mentions = Mentions::default();
    let contacts = ids
        .iter()
        .filter_map(|id| ctx.world.users.get(id))
        .map(|u| {
            mentions.add(Peer::User(u.id));
            tl::types::Contact {
                user_id: u.id,
                mutual: u.contacts.contains(&me),
            }
            .into()
        })
        .collect();
    Ok(tl::types::contacts::Contacts {
        contacts,
        saved_count: 0,
        users: mentions.users(ctx.world, me),
    }
    .into())
}

/// Adds everyone found by phone to the caller's contacts (the names given are ignored:
/// the sandbox keeps one name per user).
pub(super) fn import_contacts(
    ctx: &mut Ctx,
    req: tl::functions::contacts::ImportContacts,
) -> Result<tl::enums::contacts::ImportedContacts, RpcErr> {
    let me = ctx.me()?;
    let mut imported = Vec::new();
    let mut mentions = Mentions::default();
    for tl::enums::InputContact::InputPhoneContact(contact) in &req.contacts {
        let Some(user_id) = find_by_phone(ctx, me, &contact.phone).filter(|&u| u != me) else {
            continue;
        };
        ctx.world.add_contact(me, user_id);
        mentions.add(Peer::User(user_id));
        imported.push(
            tl::types::ImportedContact {
                user_id,
                client_id: contact.client_id,
            }
            .into(),
        );
    }
    Ok(tl::types::contacts::ImportedContacts {
        imported,
        popular_invites: Vec::new(),
        retry_contacts: Vec::new(),
        users: mentions.users(ctx.world, me),
    }
    .into())
}

pub(super) fn delete_contacts(
    ctx: &mut Ctx,
    req: tl::functions::contacts::DeleteContacts,
) -> Result<tl::enums::Updates, RpcErr> {
    let me = ctx.me()?;
    let ids = req
        .id
        .iter()
        .map(|input| ctx.user(me, input))
        .collect::<Result<Vec<i64>, _>>()
        .map_err(|_| RpcErr::bad("CONTACT_ID_INVALID"))?;
    let mut mentions = Mentions::default();
    for &id in &ids {
        ctx.world.remove_contact(me, id);
        mentions.add(Peer::User(id));
    }
    Ok(tl::types::Updates {
        updates: Vec::new(),
        users: mentions.users(ctx.world, me),
        chats: Vec::new(),
        date: now(),
        seq: 0,
    }
    .into())
}

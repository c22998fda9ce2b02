//! Who is in a channel or supergroup: channels.getParticipants (filters, paging, the
//! hash that answers `channelParticipantsNotModified`) and channels.getParticipant.
//!
//! As on Telegram, a broadcast channel's members are for its admins only
//! (CHAT_ADMIN_REQUIRED); anyone may list a public supergroup's, members a private one's;
//! the banned and kicked lists need admin rights; a page holds at most 200.

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::tlbuild::Mentions;
use crate::sandbox::world::{Channel, Peer, World};

/// The most participants one channels.getParticipants answer holds (larger limits are
/// clamped, as Telegram does).
pub(crate) const MAX_PARTICIPANTS: i32 = 200;

fn admin_required() -> RpcErr {
    RpcErr::bad("CHAT_ADMIN_REQUIRED")
}

fn is_admin(channel: &Channel, user: i64) -> bool {
    channel.creator == user || channel.admins.contains(&user)
}

/// Telegram's participant list order: the creator, then admins, then everyone else, each
/// by id (the sandbox keeps no join dates, so every member joined when the channel began).
fn ordered_members(channel: &Channel) -> Vec<i64> {
    let mut members: Vec<i64> = channel.members.iter().copied().collect();
    members.sort_by_key(|&u| (u != channel.creator, !channel.admins.contains(&u), u));
    members
}

fn matches_query(world: &World, user: i64, q: &str) -> bool {
    let q = q.trim().to_lowercase();
    if q.is_empty() {
        return true;
    }
    let Some(u) = world.users.get(&user) else {
        return false;
    };
    let name = format!(
        "{} {}",
        u.first_name,
        u.last_name.as_deref().unwrap_or_default()
    )
    .to_lowercase();
    name.split_whitespace().any(|word| word.starts_with(&q))
        || name.starts_with(&q)
        || u.username
            .as_deref()
            .is_some_and(|n| n.to_lowercase().starts_with(&q))
}

fn admin_rights(channel: &Channel) -> tl::enums::ChatAdminRights {
    tl::types::ChatAdminRights {
        change_info: true,
        post_messages: channel.broadcast,
        edit_messages: channel.broadcast,
        delete_messages: true,
        ban_users: true,
        invite_users: true,
        pin_messages: true,
        add_admins: false,
        anonymous: false,
        manage_call: true,
        other: true,
        manage_topics: false,
        post_stories: channel.broadcast,
        edit_stories: channel.broadcast,
        delete_stories: channel.broadcast,
        manage_direct_messages: false,
        manage_ranks: false,
        manage_linked_peers: false,
        manage_welcome_messages: false,
    }
    .into()
}

/// One member as `viewer` sees them: the creator, an admin (with `self` for the viewer),
/// the viewer (`channelParticipantSelf`), or anyone else.
fn participant(channel: &Channel, user: i64, viewer: i64) -> tl::enums::ChannelParticipant {
    if user == channel.creator {
        let tl::enums::ChatAdminRights::Rights(mut rights) = admin_rights(channel);
        rights.add_admins = true;
        let rights = rights.into();
        return tl::types::ChannelParticipantCreator {
            user_id: user,
            admin_rights: rights,
            rank: None,
        }
        .into();
    }
    if channel.admins.contains(&user) {
        let is_self = user == viewer;
        return tl::types::ChannelParticipantAdmin {
            can_edit: viewer == channel.creator,
            is_self,
            user_id: user,
            // `self` and `inviter_id` share a flag: the viewer's own entry names who
            // invited them.
            inviter_id: is_self.then_some(channel.creator),
            promoted_by: channel.creator,
            date: channel.date,
            admin_rights: admin_rights(channel),
            rank: None,
        }
        .into();
    }
    if user == viewer {
        return tl::types::ChannelParticipantSelf {
            via_request: false,
            user_id: user,
            inviter_id: channel.creator,
            date: channel.date,
            subscription_until_date: None,
            rank: None,
        }
        .into();
    }
    tl::types::ChannelParticipant {
        user_id: user,
        date: channel.date,
        subscription_until_date: None,
        rank: None,
    }
    .into()
}

/// Telegram's hash over a list of ids (core.telegram.org/api/offsets#hash-generation).
fn ids_hash(ids: &[i64]) -> i64 {
    let mut hash: u64 = 0;
    for &id in ids {
        let id = id as u64;
        hash ^= hash >> 21;
        hash ^= hash << 35;
        hash ^= hash >> 4;
        hash = hash.wrapping_add(id);
    }
    hash as i64
}

pub(super) fn get_participants(
    ctx: &mut Ctx,
    req: tl::functions::channels::GetParticipants,
) -> Result<tl::enums::channels::ChannelParticipants, RpcErr> {
    use tl::enums::ChannelParticipantsFilter as F;
    let me = ctx.me()?;
    let id = ctx.channel(me, &req.channel)?;
    let channel = &ctx.world.channels[&id];
    let admin = is_admin(channel, me);
    if channel.broadcast && !admin {
        return Err(admin_required());
    }
    let world = &*ctx.world;
    let contacts = world.users.get(&me).map(|u| &u.contacts);
    let all = ordered_members(channel);
    let matching: Vec<i64> = match &req.filter {
        F::ChannelParticipantsRecent => all,
        F::ChannelParticipantsAdmins => all.into_iter().filter(|&u| is_admin(channel, u)).collect(),
        F::ChannelParticipantsBots => all
            .into_iter()
            .filter(|u| world.users.get(u).is_some_and(|u| u.bot))
            .collect(),
        F::ChannelParticipantsSearch(s) => all
            .into_iter()
            .filter(|&u| matches_query(world, u, &s.q))
            .collect(),
        F::ChannelParticipantsContacts(s) => all
            .into_iter()
            .filter(|u| contacts.is_some_and(|c| c.contains(u)))
            .filter(|&u| matches_query(world, u, &s.q))
            .collect(),
        F::ChannelParticipantsMentions(s) => all
            .into_iter()
            .filter(|&u| matches_query(world, u, s.q.as_deref().unwrap_or_default()))
            .collect(),
        // Nobody is banned in the sandbox; the lists are an admin's to see.
        F::ChannelParticipantsKicked(_) | F::ChannelParticipantsBanned(_) => {
            if !admin {
                return Err(admin_required());
            }
            Vec::new()
        }
    };
    let count = matching.len() as i32;
    let offset = req.offset.max(0) as usize;
    let limit = req.limit.clamp(0, MAX_PARTICIPANTS) as usize;
    let page: Vec<i64> = matching.into_iter().skip(offset).take(limit).collect();
    if req.hash != 0 && req.hash == ids_hash(&page) {
        return Ok(tl::enums::channels::ChannelParticipants::NotModified);
    }
    let mut mentions = Mentions::default();
    let participants = page
        .iter()
        .map(|&user| {
            mentions.add(Peer::User(user));
            participant(channel, user, me)
        })
        .collect();
    Ok(tl::types::channels::ChannelParticipants {
        count,
        participants,
        chats: Vec::new(),
        users: mentions.users(world, me),
    }
    .into())
}

pub(super) fn get_participant(
    ctx: &mut Ctx,
    req: tl::functions::channels::GetParticipant,
) -> Result<tl::enums::channels::ChannelParticipant, RpcErr> {
    let me = ctx.me()?;
    let id = ctx.channel(me, &req.channel)?;
    let user = match ctx.peer(me, &req.participant) {
        Ok(Peer::User(user)) => user,
        Ok(_) | Err(_) => return Err(RpcErr::bad("PARTICIPANT_ID_INVALID")),
    };
    let channel = &ctx.world.channels[&id];
    if channel.broadcast && user != me && !is_admin(channel, me) {
        return Err(admin_required());
    }
    if !channel.members.contains(&user) {
        return Err(RpcErr::bad("USER_NOT_PARTICIPANT"));
    }
    let mut mentions = Mentions::default();
    mentions.add(Peer::User(user));
    mentions.add(Peer::User(channel.creator));
    Ok(tl::types::channels::ChannelParticipant {
        participant: participant(channel, user, me),
        chats: Vec::new(),
        users: mentions.users(ctx.world, me),
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_telegrams() {
        // Worked by hand from the algorithm: one id hashes to itself.
        assert_eq!(ids_hash(&[]), 0);
        assert_eq!(ids_hash(&[42]), 42);
        assert_ne!(ids_hash(&[1, 2]), ids_hash(&[2, 1]));
    }
}

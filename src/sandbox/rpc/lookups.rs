//! The lookups clients make while resolving what they show: channels.getChannels,
//! messages.getChats, messages.getCommonChats and messages.getPeerDialogs.

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::tlbuild::{self, Mentions};
use crate::sandbox::world::Peer;

/// The most chats one messages.getCommonChats answer holds.
const MAX_COMMON_CHATS: i32 = 100;

/// Channels by `InputChannel`; a wrong access hash is CHANNEL_INVALID. A private channel
/// the caller is not in comes back as `channelForbidden`, as Telegram shows it.
pub(super) fn get_channels(
    ctx: &mut Ctx,
    req: tl::functions::channels::GetChannels,
) -> Result<tl::enums::messages::Chats, RpcErr> {
    let me = ctx.me()?;
    let mut chats = Vec::with_capacity(req.id.len());
    for input in &req.id {
        let id = match input {
            tl::enums::InputChannel::Channel(c) => match ctx.world.channels.get(&c.channel_id) {
                Some(channel) if channel.access_hash == c.access_hash => c.channel_id,
                _ => return Err(RpcErr::channel_invalid()),
            },
            other => ctx.channel(me, other)?,
        };
        let channel = &ctx.world.channels[&id];
        if channel.username.is_none() && !channel.members.contains(&me) {
            chats.push(
                tl::types::ChannelForbidden {
                    broadcast: channel.broadcast,
                    megagroup: !channel.broadcast,
                    monoforum: false,
                    id,
                    access_hash: channel.access_hash,
                    title: channel.title.clone(),
                    until_date: None,
                }
                .into(),
            );
        } else {
            chats.push(tlbuild::channel(channel, me));
        }
    }
    Ok(tl::types::messages::Chats { chats }.into())
}

/// Basic groups by id; one the caller is not in is `chatForbidden`, an unknown id is
/// CHAT_ID_INVALID.
pub(super) fn get_chats(
    ctx: &mut Ctx,
    req: tl::functions::messages::GetChats,
) -> Result<tl::enums::messages::Chats, RpcErr> {
    let me = ctx.me()?;
    let mut chats = Vec::with_capacity(req.id.len());
    for id in &req.id {
        let chat = ctx
            .world
            .chats
            .get(id)
            .ok_or_else(|| RpcErr::bad("CHAT_ID_INVALID"))?;
        if chat.members.contains(&me) {
            chats.push(tlbuild::chat(chat, me));
        } else {
            chats.push(
                tl::types::ChatForbidden {
                    id: chat.id,
                    title: chat.title.clone(),
                }
                .into(),
            );
        }
    }
    Ok(tl::types::messages::Chats { chats }.into())
}

/// The groups and supergroups the caller shares with a user (what users.getFullUser's
/// `common_chats_count` counts), by ascending id after `max_id`.
pub(super) fn get_common_chats(
    ctx: &mut Ctx,
    req: tl::functions::messages::GetCommonChats,
) -> Result<tl::enums::messages::Chats, RpcErr> {
    let me = ctx.me()?;
    let user = ctx.user(me, &req.user_id)?;
    let world = &*ctx.world;
    let mut common: Vec<Peer> = world
        .dialogs(me)
        .into_iter()
        .filter(|&p| match p {
            Peer::Chat(_) => world.is_member(user, p),
            Peer::Channel(id) => {
                world.is_member(user, p) && world.channels.get(&id).is_some_and(|c| !c.broadcast)
            }
            Peer::User(_) => false,
        })
        .collect();
    let key = |p: &Peer| match p {
        Peer::Chat(id) | Peer::Channel(id) | Peer::User(id) => *id,
    };
    common.sort_by_key(key);
    let total = common.len();
    let limit = req.limit.clamp(0, MAX_COMMON_CHATS) as usize;
    let page: Vec<Peer> = common
        .into_iter()
        .filter(|p| key(p) > req.max_id)
        .take(limit)
        .collect();
    let chats: Vec<tl::enums::Chat> = page
        .iter()
        .filter_map(|p| match p {
            Peer::Chat(id) => world.chats.get(id).map(|c| tlbuild::chat(c, me)),
            Peer::Channel(id) => world.channels.get(id).map(|c| tlbuild::channel(c, me)),
            Peer::User(_) => None,
        })
        .collect();
    if page.len() == total {
        return Ok(tl::types::messages::Chats { chats }.into());
    }
    Ok(tl::types::messages::ChatsSlice {
        count: total as i32,
        chats,
    }
    .into())
}

/// The dialogs of the given peers, with their top messages and the update state.
pub(super) fn get_peer_dialogs(
    ctx: &mut Ctx,
    req: tl::functions::messages::GetPeerDialogs,
) -> Result<tl::enums::messages::PeerDialogs, RpcErr> {
    let me = ctx.me()?;
    let mut mentions = Mentions::default();
    let mut dialogs = Vec::with_capacity(req.peers.len());
    let mut messages = Vec::new();
    for input in &req.peers {
        let tl::enums::InputDialogPeer::Peer(p) = input else {
            return Err(RpcErr::peer_id_invalid());
        };
        let peer = ctx.readable_peer(me, &p.peer)?;
        mentions.add(peer);
        if let Some(top) = ctx.world.top_message(me, peer) {
            mentions.add_message(top, me);
            messages.push(tlbuild::message(top, me));
        }
        dialogs.push(tlbuild::dialog(ctx.world, me, peer));
    }
    let state = super::updates::state(ctx, me);
    Ok(tl::types::messages::PeerDialogs {
        dialogs,
        messages,
        chats: mentions.chats(ctx.world, me),
        users: mentions.users(ctx.world, me),
        state: state.into(),
    }
    .into())
}

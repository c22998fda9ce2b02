//! Groups and channels: full info (messages.getFullChat, channels.getFullChannel),
//! channel messages by id, and channel read marks.

use grammers_tl_types as tl;

use super::dialogs::push_one;
use super::messages::{message_ids, render_by_ids};
use super::{Ctx, RpcErr};
use crate::sandbox::tlbuild::{self, Mentions};
use crate::sandbox::world::{Message, Peer};

/// A basic group's full info; only its members may see it.
pub(super) fn get_full_chat(
    ctx: &mut Ctx,
    req: tl::functions::messages::GetFullChat,
) -> Result<tl::enums::messages::ChatFull, RpcErr> {
    let me = ctx.me()?;
    let chat = ctx
        .world
        .chats
        .get(&req.chat_id)
        .filter(|c| c.members.contains(&me))
        .ok_or_else(|| RpcErr::bad("CHAT_ID_INVALID"))?;
    let mut mentions = Mentions::default();
    mentions.add(Peer::Chat(chat.id));
    chat.members.iter().for_each(|&user| {
        mentions.add(Peer::User(user));
    });
    Ok(tl::types::messages::ChatFull {
        full_chat: tlbuild::chat_full(chat),
        chats: mentions.chats(ctx.world, me),
        users: mentions.users(ctx.world, me),
    }
    .into())
}

/// A channel's or supergroup's full info: members see it, and so does anyone for a
/// public one (as a preview before joining).
pub(super) fn get_full_channel(
    ctx: &mut Ctx,
    req: tl::functions::channels::GetFullChannel,
) -> Result<tl::enums::messages::ChatFull, RpcErr> {
    let me = ctx.me()?;
    let id = ctx.channel(me, &req.channel)?;
    let channel = ctx
        .world
        .channels
        .get(&id)
        .ok_or_else(RpcErr::channel_invalid)?;
    let mut mentions = Mentions::default();
    mentions.add(Peer::Channel(id));
    if let Some(linked) = channel.linked_chat {
        mentions.add(Peer::Channel(linked));
    }
    Ok(tl::types::messages::ChatFull {
        full_chat: tlbuild::channel_full(channel, me, ctx.world),
        chats: mentions.chats(ctx.world, me),
        users: mentions.users(ctx.world, me),
    }
    .into())
}

/// Channel messages by their channel-local ids; missing ones as `messageEmpty`.
pub(super) fn get_messages(
    ctx: &mut Ctx,
    req: tl::functions::channels::GetMessages,
) -> Result<tl::enums::messages::Messages, RpcErr> {
    let me = ctx.me()?;
    let channel = Peer::Channel(ctx.channel(me, &req.channel)?);
    let ids = message_ids(&req.id)?;
    let found: Vec<Option<&Message>> = ids
        .iter()
        .map(|&id| {
            ctx.world
                .messages
                .iter()
                .find(|m| m.to == channel && m.id == id)
        })
        .collect();
    let (messages, mut mentions) = render_by_ids(me, &ids, &found);
    mentions.add(channel);
    Ok(tl::types::messages::ChannelMessages {
        inexact: false,
        pts: ctx.world.pts_for(me, channel),
        count: found.iter().flatten().count() as i32,
        offset_id_offset: None,
        messages,
        topics: Vec::new(),
        chats: mentions.chats(ctx.world, me),
        users: mentions.users(ctx.world, me),
    }
    .into())
}

/// Marks a channel read; the reader's other sessions get `updateReadChannelInbox`.
pub(super) fn read_history(
    ctx: &mut Ctx,
    req: tl::functions::channels::ReadHistory,
) -> Result<bool, RpcErr> {
    let me = ctx.me()?;
    let channel_id = ctx.channel(me, &req.channel)?;
    let channel = Peer::Channel(channel_id);
    if !ctx.world.is_member(me, channel) {
        return Err(RpcErr::channel_private());
    }
    if let Some(max_id) = ctx.world.read_history(me, channel, req.max_id) {
        let update = tl::types::UpdateReadChannelInbox {
            folder_id: None,
            channel_id,
            max_id,
            still_unread_count: ctx.world.unread_count(me, channel),
            pts: ctx.world.pts_for(me, channel),
        };
        push_one(ctx, me, channel, update.into());
        super::read::push_channel_outbox(ctx, me, channel_id, max_id);
    }
    Ok(true)
}

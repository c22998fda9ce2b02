//! Comments and threads: messages.getDiscussionMessage, as Telegram answers it.

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::tlbuild::{self, Mentions};
use crate::sandbox::world::Peer;

/// The thread a message starts or is in: for a channel post with comments, its copy in
/// the discussion group; for a supergroup message, the top of its reply thread. A post
/// without comments, an unknown message, or a message of a private chat or basic group
/// has none (MSG_ID_INVALID / PEER_ID_INVALID, as Telegram answers).
pub(super) fn get_discussion_message(
    ctx: &mut Ctx,
    req: tl::functions::messages::GetDiscussionMessage,
) -> Result<tl::enums::messages::DiscussionMessage, RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.readable_peer(me, &req.peer)?;
    let Peer::Channel(channel_id) = dialog else {
        return Err(RpcErr::peer_id_invalid());
    };
    let msg_invalid = || RpcErr::bad("MSG_ID_INVALID");
    let broadcast = ctx
        .world
        .channels
        .get(&channel_id)
        .ok_or_else(RpcErr::channel_invalid)?
        .broadcast;
    let (group, top) = if broadcast {
        ctx.world
            .comments_of(channel_id, req.msg_id)
            .ok_or_else(msg_invalid)?
    } else {
        let top = ctx
            .world
            .thread_top(channel_id, req.msg_id)
            .ok_or_else(msg_invalid)?;
        (channel_id, top)
    };
    let world = &*ctx.world;
    let group_peer = Peer::Channel(group);
    let top_message = world
        .messages
        .iter()
        .find(|m| m.to == group_peer && m.id == top && !m.hidden_for.contains(&me))
        .ok_or_else(msg_invalid)?;
    let thread: Vec<_> = world
        .messages
        .iter()
        .filter(|m| {
            m.to == group_peer
                && m.id != top
                && !m.hidden_for.contains(&me)
                && world.thread_top(group, m.id) == Some(top)
        })
        .collect();
    let max_id = thread.iter().map(|m| m.id).max();
    let member = world.is_member(me, group_peer);
    let read_inbox = world.read_inbox_max_id(me, group_peer);
    let unread_count = if member {
        thread
            .iter()
            .filter(|m| !m.is_out(me) && m.id > read_inbox)
            .count() as i32
    } else {
        0
    };
    let mut mentions = Mentions::default();
    mentions
        .add(dialog)
        .add(group_peer)
        .add_message(top_message, me);
    Ok(tl::types::messages::DiscussionMessage {
        messages: vec![tlbuild::message(top_message, me)],
        max_id,
        read_inbox_max_id: (member && read_inbox > 0)
            .then(|| read_inbox.min(max_id.unwrap_or(top))),
        read_outbox_max_id: max_id.map(|max| world.read_outbox_max_id(me, group_peer).min(max)),
        unread_count,
        chats: mentions.chats(world, me),
        users: mentions.users(world, me),
    }
    .into())
}

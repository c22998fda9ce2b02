//! Unread mentions and reactions (messages.readMentions, messages.readReactions), topic
//! read marks (messages.readDiscussion) and chat folders (messages.getDialogFilters).

use grammers_tl_types as tl;

use super::dialogs::push_one;
use super::{Ctx, RpcErr};
use crate::sandbox::updlog::Event;
use crate::sandbox::world::Peer;

fn affected_history(pts: i32, pts_count: i32) -> tl::enums::messages::AffectedHistory {
    tl::types::messages::AffectedHistory {
        pts,
        pts_count,
        offset: 0,
    }
    .into()
}

/// `top_msg_id` of a request, checked: a topic of this forum, or TOPIC_ID_INVALID.
fn topic(ctx: &Ctx, dialog: Peer, top_msg_id: Option<i32>) -> Result<Option<i32>, RpcErr> {
    let Some(id) = top_msg_id else {
        return Ok(None);
    };
    match dialog {
        Peer::Channel(channel) if ctx.world.topics(channel).iter().any(|t| t.id == id) => {
            Ok(Some(id))
        }
        _ => Err(RpcErr::bad("TOPIC_ID_INVALID")),
    }
}

/// Marks the caller's unread mentions in a chat (or one topic) seen. In a private chat or
/// basic group that is one event of their common box (`updateReadMessagesContents`); in
/// a channel Telegram answers with the channel's pts and nothing moves.
pub(super) fn read_mentions(
    ctx: &mut Ctx,
    req: tl::functions::messages::ReadMentions,
) -> Result<tl::enums::messages::AffectedHistory, RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.readable_peer(me, &req.peer)?;
    let topic = topic(ctx, dialog, req.top_msg_id)?;
    let ids = ctx.world.read_mentions(me, dialog, topic);
    if let Peer::Channel(_) = dialog {
        return Ok(affected_history(ctx.world.pts_for(me, dialog), 0));
    }
    if ids.is_empty() {
        return Ok(affected_history(ctx.world.pts(me), 0));
    }
    let pts = ctx
        .world
        .bump_user_pts_for(me, 1, Event::ReadContents { ids: ids.clone() });
    let update = tl::types::UpdateReadMessagesContents {
        messages: ids,
        pts,
        pts_count: 1,
        date: None,
    };
    push_one(ctx, me, dialog, update.into());
    Ok(affected_history(pts, 1))
}

/// Marks the caller's unread reactions in a chat (or one topic) seen; the dialog's
/// `unread_reactions_count` drops to 0. Answered with the chat's pts as it stands.
pub(super) fn read_reactions(
    ctx: &mut Ctx,
    req: tl::functions::messages::ReadReactions,
) -> Result<tl::enums::messages::AffectedHistory, RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.readable_peer(me, &req.peer)?;
    let topic = topic(ctx, dialog, req.top_msg_id)?;
    ctx.world.read_reactions(me, dialog, topic);
    Ok(affected_history(ctx.world.pts_for(me, dialog), 0))
}

/// Marks a thread read: in a forum, a topic (`msg_id` is the topic's id). The reader's
/// other sessions learn it by `updateReadChannelDiscussionInbox`.
pub(super) fn read_discussion(
    ctx: &mut Ctx,
    req: tl::functions::messages::ReadDiscussion,
) -> Result<bool, RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.readable_peer(me, &req.peer)?;
    let Peer::Channel(channel) = dialog else {
        return Err(RpcErr::peer_id_invalid());
    };
    if !ctx.world.is_member(me, dialog) {
        return Err(RpcErr::channel_private());
    }
    let Some(topic) = topic(ctx, dialog, Some(req.msg_id))? else {
        return Err(RpcErr::bad("MSG_ID_INVALID"));
    };
    if let Some(max_id) = ctx.world.read_topic(me, channel, topic, req.read_max_id) {
        let update = tl::types::UpdateReadChannelDiscussionInbox {
            channel_id: channel,
            top_msg_id: topic,
            read_max_id: max_id,
            broadcast_id: None,
            broadcast_post: None,
        };
        push_one(ctx, me, dialog, update.into());
    }
    Ok(true)
}

/// The caller's chat folders, after the default "All chats" entry, as
/// `messages.dialogFilters`.
pub(super) fn get_dialog_filters(
    ctx: &mut Ctx,
    _req: tl::functions::messages::GetDialogFilters,
) -> Result<tl::enums::messages::DialogFilters, RpcErr> {
    let me = ctx.me()?;
    let input = |p: &Peer| ctx.world.input_peer(*p);
    let mut filters: Vec<tl::enums::DialogFilter> = vec![tl::enums::DialogFilter::Default];
    for f in ctx.world.folders(me) {
        filters.push(
            tl::types::DialogFilter {
                contacts: false,
                non_contacts: false,
                groups: f.groups,
                broadcasts: f.broadcasts,
                bots: false,
                exclude_muted: false,
                exclude_read: false,
                exclude_archived: false,
                title_noanimate: false,
                id: f.id,
                title: tl::types::TextWithEntities {
                    text: f.title.clone(),
                    entities: Vec::new(),
                }
                .into(),
                emoticon: f.emoticon.clone(),
                color: None,
                pinned_peers: f.pinned.iter().filter_map(input).collect(),
                include_peers: f.include.iter().filter_map(input).collect(),
                exclude_peers: Vec::new(),
            }
            .into(),
        );
    }
    Ok(tl::types::messages::DialogFilters {
        tags_enabled: false,
        filters,
    }
    .into())
}

/// Tells the authors of messages in `channel` up to `max_id` that they were read:
/// `updateReadChannelOutbox`, which carries no pts.
pub(super) fn push_channel_outbox(ctx: &mut Ctx, reader: i64, channel: i64, max_id: i32) {
    let dialog = Peer::Channel(channel);
    let mut authors: Vec<i64> = ctx
        .world
        .messages
        .iter()
        .filter(|m| m.to == dialog && m.id <= max_id)
        .filter_map(|m| m.author())
        .filter(|&a| a != reader)
        .collect();
    authors.sort_unstable();
    authors.dedup();
    for author in authors {
        let update = tl::types::UpdateReadChannelOutbox {
            channel_id: channel,
            max_id,
        };
        push_one(ctx, author, dialog, update.into());
    }
}

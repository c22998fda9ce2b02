//! Forum topics: messages.getForumTopics (newest activity first, by title, paged) and
//! messages.getForumTopicsByID.

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::inbox::Topic;
use crate::sandbox::tlbuild::{self, Mentions};
use crate::sandbox::world::Peer;

/// The most topics Telegram returns in one answer.
const MAX_LIMIT: i32 = 100;

/// The forum a request names: a supergroup with topics, which the caller may read.
fn forum(ctx: &Ctx, me: i64, input: &tl::enums::InputPeer) -> Result<i64, RpcErr> {
    match ctx.readable_peer(me, input)? {
        Peer::Channel(id) if ctx.world.is_forum(Peer::Channel(id)) => Ok(id),
        Peer::Channel(_) => Err(RpcErr::bad("CHANNEL_FORUM_MISSING")),
        _ => Err(RpcErr::channel_invalid()),
    }
}

/// Where a topic sorts: by its newest message (or its creation), then by id.
fn activity(ctx: &Ctx, channel: i64, t: &Topic) -> (i32, i32) {
    let top = ctx.world.topic_top_message(channel, t.id);
    (top.map_or(t.date, |m| m.date), top.map_or(t.id, |m| m.id))
}

pub(super) fn get_forum_topics(
    ctx: &mut Ctx,
    req: tl::functions::messages::GetForumTopics,
) -> Result<tl::enums::messages::ForumTopics, RpcErr> {
    let me = ctx.me()?;
    let channel = forum(ctx, me, &req.peer)?;
    let query = req.q.as_deref().unwrap_or_default().to_lowercase();
    let mut topics: Vec<&Topic> = ctx
        .world
        .topics(channel)
        .iter()
        .filter(|t| query.is_empty() || t.title.to_lowercase().contains(&query))
        .collect();
    topics.sort_by_key(|t| std::cmp::Reverse(activity(ctx, channel, t)));
    let count = topics.len();
    // Paging: after the topic the previous page ended with.
    let start = if req.offset_topic > 0 {
        topics
            .iter()
            .position(|t| t.id == req.offset_topic)
            .map_or(0, |i| i + 1)
    } else {
        0
    };
    let limit = req.limit.clamp(0, MAX_LIMIT) as usize;
    let page: Vec<Topic> = topics
        .into_iter()
        .skip(start)
        .take(limit)
        .cloned()
        .collect();
    Ok(answer(ctx, me, channel, &page, Vec::new(), count))
}

pub(super) fn get_forum_topics_by_id(
    ctx: &mut Ctx,
    req: tl::functions::messages::GetForumTopicsById,
) -> Result<tl::enums::messages::ForumTopics, RpcErr> {
    let me = ctx.me()?;
    let channel = forum(ctx, me, &req.peer)?;
    if req.topics.len() > MAX_LIMIT as usize {
        return Err(RpcErr::bad("LIMIT_INVALID"));
    }
    let known = ctx.world.topics(channel);
    let found: Vec<Topic> = req
        .topics
        .iter()
        .filter_map(|id| known.iter().find(|t| t.id == *id).cloned())
        .collect();
    let deleted = req
        .topics
        .iter()
        .filter(|id| !found.iter().any(|t| t.id == **id))
        .copied()
        .collect();
    let count = found.len();
    Ok(answer(ctx, me, channel, &found, deleted, count))
}

fn answer(
    ctx: &Ctx,
    me: i64,
    channel: i64,
    page: &[Topic],
    deleted: Vec<i32>,
    count: usize,
) -> tl::enums::messages::ForumTopics {
    let world = &*ctx.world;
    let dialog = Peer::Channel(channel);
    let mut mentions = Mentions::default();
    mentions.add(dialog);
    let mut messages = Vec::new();
    let mut topics: Vec<tl::enums::ForumTopic> = Vec::new();
    for t in page {
        mentions.add(Peer::User(t.creator));
        let top = world.topic_top_message(channel, t.id);
        if let Some(m) = top {
            mentions.add_message(m, me);
            messages.push(tlbuild::message(m, me));
        }
        topics.push(
            tl::types::ForumTopic {
                my: t.creator == me,
                closed: false,
                pinned: false,
                short: false,
                hidden: false,
                title_missing: false,
                id: t.id,
                date: t.date,
                peer: tlbuild::peer(dialog),
                title: t.title.clone(),
                icon_color: t.icon_color,
                icon_emoji_id: None,
                top_message: top.map_or(t.id, |m| m.id),
                read_inbox_max_id: world.topic_read_mark(me, channel, t.id),
                read_outbox_max_id: world.read_outbox_max_id(me, dialog),
                unread_count: world.topic_unread_count(me, channel, t.id),
                unread_mentions_count: world.unread_mentions_count(me, dialog, Some(t.id)),
                unread_reactions_count: world.unread_reactions_count(me, dialog, Some(t.id)),
                unread_poll_votes_count: 0,
                from_id: tlbuild::peer(Peer::User(t.creator)),
                notify_settings: tlbuild::notify_settings(),
                draft: None,
            }
            .into(),
        );
    }
    topics.extend(
        deleted
            .into_iter()
            .map(|id| tl::types::ForumTopicDeleted { id }.into()),
    );
    tl::types::messages::ForumTopics {
        order_by_create_date: false,
        count: count as i32,
        topics,
        messages,
        chats: mentions.chats(world, me),
        users: mentions.users(world, me),
        pts: world.pts_for(me, dialog),
    }
    .into()
}

//! Reading messages: by id, a chat's history, search in one chat and across all of them.
//!
//! Paging follows Telegram, because clients page by its rules and a sandbox that paged
//! differently would hide their bugs: history-like methods position a window at
//! `offset_id` (or `offset_date`), shift it by `add_offset` and take `limit` messages,
//! newest first; messages.searchGlobal pages by (date, id, peer) of the last message seen
//! ("rate-based" paging, with `next_rate` saying where to continue).

use std::collections::{BTreeSet, HashMap};

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::search::Query;
use crate::sandbox::tlbuild::{self, Mentions};
use crate::sandbox::world::{Media, Message, Peer};

/// The most messages Telegram returns in one answer.
const MAX_LIMIT: i32 = 100;

/// Which part of a newest-first list a request asks for.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Window {
    pub offset_id: i32,
    pub offset_date: i32,
    pub add_offset: i32,
    pub limit: i32,
}

impl Window {
    /// The page of `newest_first`, and its position in the list. The anchor is the first
    /// message older than `offset_id` (or sent before `offset_date`); a negative
    /// `add_offset` reaches back towards newer messages, as clients paging upwards do.
    fn apply<'a, 'm>(&self, newest_first: &'a [&'m Message]) -> (usize, &'a [&'m Message]) {
        let anchor = if self.offset_id > 0 {
            newest_first.partition_point(|m| m.id >= self.offset_id)
        } else if self.offset_date > 0 {
            newest_first.partition_point(|m| m.date >= self.offset_date)
        } else {
            0
        };
        let start = anchor as i64 + i64::from(self.add_offset);
        let end = start + i64::from(self.limit.clamp(0, MAX_LIMIT));
        let len = newest_first.len() as i64;
        let (start, end) = (start.clamp(0, len) as usize, end.clamp(0, len) as usize);
        (start, &newest_first[start..end])
    }

    fn has_offset(&self) -> bool {
        self.offset_id != 0 || self.offset_date != 0 || self.add_offset != 0
    }
}

/// Bounds every history-like request may set; zero means unbounded. Dates are inclusive
/// so that a client paging with `max_date` = the last date it saw (as grammers does)
/// never loses messages sent in the same second.
#[derive(Debug, Clone, Copy, Default)]
struct Bounds {
    min_id: i32,
    max_id: i32,
    min_date: i32,
    max_date: i32,
}

impl Bounds {
    fn contains(&self, m: &Message) -> bool {
        (self.min_id == 0 || m.id > self.min_id)
            && (self.max_id == 0 || m.id < self.max_id)
            && (self.min_date == 0 || m.date >= self.min_date)
            && (self.max_date == 0 || m.date <= self.max_date)
    }
}

/// Whether `m` passes a messages filter. Filters for things the sandbox never has
/// (videos, GIFs, music, polls, calls …) or does not track (pins, mentions) match nothing.
fn passes(filter: &tl::enums::MessagesFilter, m: &Message) -> bool {
    use tl::enums::MessagesFilter as F;
    match filter {
        F::InputMessagesFilterEmpty => true,
        F::InputMessagesFilterPhotos | F::InputMessagesFilterPhotoVideo => {
            matches!(
                m.media,
                Some(Media::Photo { .. } | Media::UploadedPhoto { .. })
            )
        }
        F::InputMessagesFilterDocument => matches!(m.media, Some(Media::Document { .. })),
        F::InputMessagesFilterVoice | F::InputMessagesFilterRoundVoice => {
            matches!(m.media, Some(Media::Voice { .. }))
        }
        F::InputMessagesFilterUrl => ["http://", "https://", "t.me/"]
            .iter()
            .any(|scheme| m.text.contains(scheme)),
        _ => false,
    }
}

/// Answers a page of `found` (every match, newest first) the way Telegram does: a
/// channel's messages as `channelMessages` (with its pts), everything at once as
/// `messages.messages`, part of a longer list as `messagesSlice`.
fn answer(
    ctx: &Ctx,
    me: i64,
    dialog: Peer,
    found: &[&Message],
    window: Window,
) -> tl::enums::messages::Messages {
    let (start, page) = window.apply(found);
    let mut mentions = Mentions::default();
    mentions.add(dialog);
    page.iter().for_each(|m| {
        mentions.add_message(m, me);
    });
    let messages = page.iter().map(|m| tlbuild::message(m, me)).collect();
    let (chats, users) = (mentions.chats(ctx.world, me), mentions.users(ctx.world, me));
    let count = found.len() as i32;
    let offset_id_offset = window.has_offset().then_some(start as i32);
    if let Peer::Channel(_) = dialog {
        return tl::types::messages::ChannelMessages {
            inexact: false,
            pts: ctx.world.pts_for(me, dialog),
            count,
            offset_id_offset,
            messages,
            topics: Vec::new(),
            chats,
            users,
        }
        .into();
    }
    if page.len() == found.len() {
        return tl::types::messages::Messages {
            messages,
            topics: Vec::new(),
            chats,
            users,
        }
        .into();
    }
    tl::types::messages::MessagesSlice {
        inexact: false,
        count,
        next_rate: None,
        offset_id_offset,
        search_flood: None,
        messages,
        topics: Vec::new(),
        chats,
        users,
    }
    .into()
}

/// Messages by id from the common box (private chats and basic groups); ids that do not
/// exist or that the caller cannot see come back as `messageEmpty`, as in Telegram.
pub(super) fn get_messages(
    ctx: &mut Ctx,
    req: tl::functions::messages::GetMessages,
) -> Result<tl::enums::messages::Messages, RpcErr> {
    let me = ctx.me()?;
    let visible = |m: &&Message| match m.to {
        Peer::Channel(_) => false,
        Peer::User(_) => m.in_dialog(me, m.peer_for(me)),
        chat => ctx.world.is_member(me, chat),
    };
    let ids = message_ids(&req.id)?;
    let found = ids
        .iter()
        .map(|&id| {
            ctx.world
                .messages
                .iter()
                .filter(visible)
                .find(|m| m.id == id)
        })
        .collect::<Vec<_>>();
    Ok(by_ids(ctx, me, &ids, &found))
}

/// The plain ids of a list of `InputMessage`s (the only kind the sandbox resolves).
pub(super) fn message_ids(inputs: &[tl::enums::InputMessage]) -> Result<Vec<i32>, RpcErr> {
    inputs
        .iter()
        .map(|input| match input {
            tl::enums::InputMessage::Id(m) => Ok(m.id),
            _ => Err(RpcErr::bad("MESSAGE_ID_INVALID")),
        })
        .collect()
}

/// `messages.messages` for a by-id lookup: each id in order, `messageEmpty` if missing.
pub(super) fn by_ids(
    ctx: &Ctx,
    me: i64,
    ids: &[i32],
    found: &[Option<&Message>],
) -> tl::enums::messages::Messages {
    let (messages, mentions) = render_by_ids(me, ids, found);
    tl::types::messages::Messages {
        messages,
        topics: Vec::new(),
        chats: mentions.chats(ctx.world, me),
        users: mentions.users(ctx.world, me),
    }
    .into()
}

pub(super) fn render_by_ids(
    me: i64,
    ids: &[i32],
    found: &[Option<&Message>],
) -> (Vec<tl::enums::Message>, Mentions) {
    let mut mentions = Mentions::default();
    let messages = ids
        .iter()
        .zip(found)
        .map(|(&id, m)| match m {
            Some(m) => {
                mentions.add_message(m, me);
                tlbuild::message(m, me)
            }
            None => tl::types::MessageEmpty { id, peer_id: None }.into(),
        })
        .collect();
    (messages, mentions)
}

pub(super) fn get_history(
    ctx: &mut Ctx,
    req: tl::functions::messages::GetHistory,
) -> Result<tl::enums::messages::Messages, RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.readable_peer(me, &req.peer)?;
    let bounds = Bounds {
        min_id: req.min_id,
        max_id: req.max_id,
        ..Bounds::default()
    };
    let found: Vec<&Message> = ctx
        .world
        .history(me, dialog)
        .into_iter()
        .filter(|m| bounds.contains(m))
        .collect();
    let window = Window {
        offset_id: req.offset_id,
        offset_date: req.offset_date,
        add_offset: req.add_offset,
        limit: req.limit,
    };
    Ok(answer(ctx, me, dialog, &found, window))
}

/// `messages.getReplies`: a supergroup's or channel's reply thread under `msg_id`, paged
/// like the history. Threads exist only there: other peers are PEER_ID_INVALID.
pub(super) fn get_replies(
    ctx: &mut Ctx,
    req: tl::functions::messages::GetReplies,
) -> Result<tl::enums::messages::Messages, RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.readable_peer(me, &req.peer)?;
    let Peer::Channel(channel) = dialog else {
        return Err(RpcErr::bad("PEER_ID_INVALID"));
    };
    // A channel post's replies are its comments, in the discussion group.
    let (dialog, top) = match ctx.world.comments_of(channel, req.msg_id) {
        Some((group, copy)) => (Peer::Channel(group), copy),
        None => (dialog, req.msg_id),
    };
    let history = ctx.world.history(me, dialog);
    let thread = Thread::new(&history, top)?;
    let bounds = Bounds {
        min_id: req.min_id,
        max_id: req.max_id,
        ..Bounds::default()
    };
    let found: Vec<&Message> = history
        .iter()
        .copied()
        .filter(|m| bounds.contains(m) && thread.contains(m))
        .collect();
    let window = Window {
        offset_id: req.offset_id,
        offset_date: req.offset_date,
        add_offset: req.add_offset,
        limit: req.limit,
    };
    Ok(answer(ctx, me, dialog, &found, window))
}

/// The replies under one message, however deep: Telegram's "thread" of `top`.
struct Thread {
    top: i32,
    reply_to: HashMap<i32, i32>,
}

impl Thread {
    fn new(history: &[&Message], top: i32) -> Result<Self, RpcErr> {
        if !history.iter().any(|m| m.id == top) {
            return Err(RpcErr::bad("MSG_ID_INVALID"));
        }
        let reply_to = history
            .iter()
            .filter_map(|m| Some((m.id, m.reply_to?)))
            .collect();
        Ok(Self { top, reply_to })
    }

    fn contains(&self, m: &Message) -> bool {
        let mut parent = m.reply_to;
        // Replies point at older messages, so this ends; the bound is for hostile worlds.
        for _ in 0..self.reply_to.len() + 1 {
            match parent {
                Some(p) if p == self.top => return true,
                Some(p) => parent = self.reply_to.get(&p).copied(),
                None => return false,
            }
        }
        false
    }
}

/// Who a search's `from_id` names: a user's messages, or a channel's own posts.
fn sent_by(author: Peer, m: &Message) -> bool {
    match author {
        Peer::User(user) => m.from == Some(user),
        Peer::Channel(_) => m.from.is_none() && m.to == author,
        Peer::Chat(_) => false,
    }
}

pub(super) fn search(
    ctx: &mut Ctx,
    req: tl::functions::messages::Search,
) -> Result<tl::enums::messages::Messages, RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.readable_peer(me, &req.peer)?;
    let from = match &req.from_id {
        Some(input) => Some(ctx.peer(me, input)?),
        None => None,
    };
    let query = Query::new(&req.q);
    let bounds = Bounds {
        min_id: req.min_id,
        max_id: req.max_id,
        min_date: req.min_date,
        max_date: req.max_date,
    };
    let history = ctx.world.history(me, dialog);
    // In a forum, top_msg_id names a topic: its messages, not a reply thread.
    let topic = match (req.top_msg_id, dialog) {
        (Some(top), Peer::Channel(channel)) if ctx.world.is_forum(dialog) => {
            if !ctx.world.topics(channel).iter().any(|t| t.id == top) {
                return Err(RpcErr::bad("TOPIC_ID_INVALID"));
            }
            Some(top)
        }
        _ => None,
    };
    let thread = match req.top_msg_id {
        Some(top) if topic.is_none() => Some(Thread::new(&history, top)?),
        _ => None,
    };
    let found: Vec<&Message> = history
        .iter()
        .copied()
        .filter(|m| {
            bounds.contains(m)
                && passes(&req.filter, m)
                && from.is_none_or(|author| sent_by(author, m))
                && thread.as_ref().is_none_or(|t| t.contains(m))
                && topic.is_none_or(|t| ctx.world.topic_of(m) == Some(t))
                && query.matches(&m.text)
        })
        .collect();
    let window = Window {
        offset_id: req.offset_id,
        add_offset: req.add_offset,
        limit: req.limit,
        ..Window::default()
    };
    Ok(answer(ctx, me, dialog, &found, window))
}

/// Which chats a global search looks in.
fn in_scope(ctx: &Ctx, req: &tl::functions::messages::SearchGlobal, dialog: Peer) -> bool {
    let broadcast = match dialog {
        Peer::Channel(id) => ctx.world.channels.get(&id).map(|c| c.broadcast),
        _ => None,
    };
    if req.users_only {
        matches!(dialog, Peer::User(_))
    } else if req.groups_only {
        matches!(dialog, Peer::Chat(_)) || broadcast == Some(false)
    } else if req.broadcasts_only {
        broadcast == Some(true)
    } else {
        true
    }
}

/// Where a global search continues: after the message with this (date, id, peer).
struct RateOffset {
    rate: i32,
    id: i32,
    peer: Option<Peer>,
}

impl RateOffset {
    /// Whether `m` (in `dialog`) comes after the offset in newest-first order.
    fn is_before(&self, m: &Message, dialog: Peer) -> bool {
        let key = (m.date, m.id);
        let offset = (self.rate, self.id);
        key < offset || (key == offset && self.peer.is_some_and(|p| dialog < p))
    }
}

pub(super) fn search_global(
    ctx: &mut Ctx,
    req: tl::functions::messages::SearchGlobal,
) -> Result<tl::enums::messages::Messages, RpcErr> {
    let me = ctx.me()?;
    let query = Query::new(&req.q);
    if query.is_empty() && req.filter == tl::enums::MessagesFilter::InputMessagesFilterEmpty {
        return Err(RpcErr::bad("SEARCH_QUERY_EMPTY"));
    }
    let offset_peer = match req.offset_peer {
        tl::enums::InputPeer::Empty => None,
        ref input => Some(ctx.peer(me, input)?),
    };
    let offset = (req.offset_rate != 0 || req.offset_id != 0).then_some(RateOffset {
        rate: if req.offset_rate == 0 {
            i32::MAX
        } else {
            req.offset_rate
        },
        id: req.offset_id,
        peer: offset_peer,
    });
    let found = global_matches(ctx, me, &req, &query);
    let total = found.len();
    let rest: Vec<(&Message, Peer)> = found
        .into_iter()
        .filter(|&(m, dialog)| offset.as_ref().is_none_or(|o| o.is_before(m, dialog)))
        .collect();
    let limit = req.limit.clamp(0, MAX_LIMIT) as usize;
    let page = &rest[..limit.min(rest.len())];
    let more = rest.len() > page.len();
    Ok(global_answer(ctx, me, page, total, more, offset.is_some()))
}

/// Every message in the caller's chats that a global search finds, newest first.
fn global_matches<'w>(
    ctx: &'w Ctx,
    me: i64,
    req: &tl::functions::messages::SearchGlobal,
    query: &Query,
) -> Vec<(&'w Message, Peer)> {
    let dialogs: BTreeSet<Peer> = ctx
        .world
        .dialogs(me)
        .into_iter()
        .filter(|&d| in_scope(ctx, req, d))
        .collect();
    let bounds = Bounds {
        min_date: req.min_date,
        max_date: req.max_date,
        ..Bounds::default()
    };
    let mut found: Vec<(&Message, Peer)> = ctx
        .world
        .messages
        .iter()
        .map(|m| (m, m.peer_for(me)))
        .filter(|&(m, dialog)| {
            dialogs.contains(&dialog)
                && m.in_dialog(me, dialog)
                && bounds.contains(m)
                && passes(&req.filter, m)
                && query.matches(&m.text)
        })
        .collect();
    found.sort_by(|(a, pa), (b, pb)| (b.date, b.id, pb).cmp(&(a.date, a.id, pa)));
    found
}

fn global_answer(
    ctx: &Ctx,
    me: i64,
    page: &[(&Message, Peer)],
    total: usize,
    more: bool,
    has_offset: bool,
) -> tl::enums::messages::Messages {
    let mut mentions = Mentions::default();
    page.iter().for_each(|(m, _)| {
        mentions.add_message(m, me);
    });
    let messages = page.iter().map(|(m, _)| tlbuild::message(m, me)).collect();
    let (chats, users) = (mentions.chats(ctx.world, me), mentions.users(ctx.world, me));
    if !more && !has_offset {
        return tl::types::messages::Messages {
            messages,
            topics: Vec::new(),
            chats,
            users,
        }
        .into();
    }
    tl::types::messages::MessagesSlice {
        inexact: false,
        count: total as i32,
        next_rate: more.then(|| page.last().map(|(m, _)| m.date)).flatten(),
        offset_id_offset: None,
        search_flood: None,
        messages,
        topics: Vec::new(),
        chats,
        users,
    }
    .into()
}

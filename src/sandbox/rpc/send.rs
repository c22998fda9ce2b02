//! Writing: messages.sendMessage, messages.sendMedia, messages.sendMultiMedia and
//! messages.editMessage.
//!
//! They answer the sender the way Telegram does: `updateShortSentMessage` for a text
//! message to a user, bot or Saved Messages, a full `updates` otherwise (with
//! `updateMessageID.random_id` for a new message). The new or edited message is pushed to
//! everyone else in the chat, each rendered for its reader and carrying their pts; a
//! plain new message of a private chat or basic group goes as `updateShortMessage` /
//! `updateShortChatMessage`.

use grammers_tl_types as tl;

use super::{Ctx, RpcErr, upload};
use crate::sandbox::tlbuild::{self, Mentions};
use crate::sandbox::world::{Media, Message, MessageSpec, Peer, now};

/// `message_length_max` and `caption_length_max` of the config the sandbox announces,
/// counted in UTF-16 code units as Telegram counts them.
const MAX_TEXT: usize = 4096;
const MAX_CAPTION: usize = 1024;
/// `edit_time_limit` of the announced config: outside Saved Messages and channel posts,
/// a message may be edited for 48 hours.
const EDIT_TIME_LIMIT: i32 = 172_800;

pub(super) fn send_message(
    ctx: &mut Ctx,
    req: tl::functions::messages::SendMessage,
) -> Result<tl::enums::Updates, RpcErr> {
    let (me, dialog, reply_to) =
        writable(ctx, &req.peer, req.reply_to.as_ref(), req.schedule_date)?;
    check_text(&req.message, false)?;
    if !ctx.world.remember_random_id(me, req.random_id) {
        return Err(RpcErr::new(500, "RANDOM_ID_DUPLICATE"));
    }
    let mut spec = spec_for(ctx, me, dialog, &req.message);
    spec.entities = req.entities.unwrap_or_default();
    spec.reply_to = reply_to;
    spec.topic = forum_topic(ctx, dialog, req.reply_to.as_ref(), reply_to);
    post(ctx, me, dialog, spec, req.random_id, Answer::ShortToUsers)
}

pub(super) fn send_media(
    ctx: &mut Ctx,
    req: tl::functions::messages::SendMedia,
) -> Result<tl::enums::Updates, RpcErr> {
    let (me, dialog, reply_to) =
        writable(ctx, &req.peer, req.reply_to.as_ref(), req.schedule_date)?;
    check_text(&req.message, true)?;
    if ctx.world.sent_random_id(me, req.random_id) {
        return Err(RpcErr::new(500, "RANDOM_ID_DUPLICATE"));
    }
    let media = upload::media(ctx, me, &req.media)?;
    ctx.world.remember_random_id(me, req.random_id);
    let mut spec = spec_for(ctx, me, dialog, &req.message).media(media);
    spec.entities = req.entities.unwrap_or_default();
    spec.reply_to = reply_to;
    spec.topic = forum_topic(ctx, dialog, req.reply_to.as_ref(), reply_to);
    // Telegram answers a media send in full whatever the chat (Telethon's send_file
    // reads nothing else).
    post(ctx, me, dialog, spec, req.random_id, Answer::Full)
}

/// What every send checks first: who is asking, a chat they may write to, the message
/// replied to, and no scheduling (the sandbox does not play it).
fn writable(
    ctx: &Ctx,
    peer: &tl::enums::InputPeer,
    reply_to: Option<&tl::enums::InputReplyTo>,
    schedule_date: Option<i32>,
) -> Result<(i64, Peer, Option<i32>), RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.peer(me, peer)?;
    check_can_write(ctx, me, dialog)?;
    let reply_to = reply_target(ctx, me, dialog, reply_to)?;
    if schedule_date.is_some() {
        return Err(RpcErr::bad("SCHEDULE_NOT_SUPPORTED_BY_SANDBOX"));
    }
    Ok((me, dialog, reply_to))
}

/// How a send is answered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// `updateShortSentMessage` in a chat with a user, bot or Saved Messages (sendMessage).
    ShortToUsers,
    /// A full `updates` everywhere (sendMedia).
    Full,
}

/// Adds one message and answers with the updates that announce it.
fn post(
    ctx: &mut Ctx,
    me: i64,
    dialog: Peer,
    spec: MessageSpec,
    random_id: i64,
    form: Answer,
) -> Result<tl::enums::Updates, RpcErr> {
    let id = ctx.world.add_message(spec);
    let index = ctx
        .world
        .message_index(me, dialog, id)
        .ok_or_else(RpcErr::peer_id_invalid)?;
    if let (Peer::User(_), Answer::ShortToUsers) = (dialog, form) {
        // To a user, a bot or Saved Messages Telegram answers the sender with the short
        // form: no users, no message, only what the server added to it.
        let answer = short_sent(ctx, me, index);
        queue_pushes(ctx, index, new_message, true);
        return Ok(answer);
    }
    Ok(announce(ctx, me, index, Some(random_id), new_message))
}

/// `updateShortSentMessage` for the sender of message `index`: its id, pts and date, and
/// the media and entities the message ended up with.
fn short_sent(ctx: &Ctx, me: i64, index: usize) -> tl::enums::Updates {
    let m = &ctx.world.messages[index];
    tl::types::UpdateShortSentMessage {
        out: true,
        id: m.id,
        pts: ctx.world.pts_for(me, m.peer_for(me)),
        pts_count: 1,
        date: m.date,
        media: m.media.as_ref().map(|x| tlbuild::message_media(x, m.date)),
        entities: (!m.entities.is_empty()).then(|| m.entities.clone()),
        ttl_period: None,
    }
    .into()
}

/// How Telegram pushes a new message to one reader when it can: `updateShortMessage`
/// (private chats) or `updateShortChatMessage` (basic groups) for a plain message, which
/// carries no media, no album and no channel. `None` when only the full form will do.
fn short_push(ctx: &Ctx, m: &Message, reader: i64) -> Option<tl::enums::Updates> {
    if m.media.is_some() || m.grouped_id.is_some() {
        return None;
    }
    let dialog = m.peer_for(reader);
    let pts = ctx.world.pts_for(reader, dialog);
    let reply_to = m.reply_to.map(tlbuild::reply_header);
    let entities = (!m.entities.is_empty()).then(|| m.entities.clone());
    let out = m.is_out(reader);
    match (dialog, m.from) {
        (Peer::User(user_id), Some(_)) => Some(
            tl::types::UpdateShortMessage {
                out,
                mentioned: false,
                media_unread: false,
                silent: false,
                id: m.id,
                user_id,
                message: m.text.clone(),
                pts,
                pts_count: 1,
                date: m.date,
                fwd_from: None,
                via_bot_id: None,
                reply_to,
                entities,
                ttl_period: None,
            }
            .into(),
        ),
        (Peer::Chat(chat_id), Some(from)) => Some(
            tl::types::UpdateShortChatMessage {
                out,
                mentioned: false,
                media_unread: false,
                silent: false,
                id: m.id,
                from_id: from,
                chat_id,
                message: m.text.clone(),
                pts,
                pts_count: 1,
                date: m.date,
                fwd_from: None,
                via_bot_id: None,
                reply_to,
                entities,
                ttl_period: None,
            }
            .into(),
        ),
        _ => None,
    }
}

/// Most items in one album.
const MAX_ALBUM: usize = 10;

/// An album: every item must be media already uploaded with messages.uploadMedia, photos
/// (and videos) or documents but not both; the items share a `grouped_id`.
pub(super) fn send_multi_media(
    ctx: &mut Ctx,
    req: tl::functions::messages::SendMultiMedia,
) -> Result<tl::enums::Updates, RpcErr> {
    let (me, dialog, reply_to) =
        writable(ctx, &req.peer, req.reply_to.as_ref(), req.schedule_date)?;
    if req.multi_media.is_empty() {
        return Err(RpcErr::bad("MEDIA_EMPTY"));
    }
    if req.multi_media.len() > MAX_ALBUM {
        return Err(RpcErr::bad("MULTI_MEDIA_TOO_LONG"));
    }
    let mut items = Vec::with_capacity(req.multi_media.len());
    for tl::enums::InputSingleMedia::Media(item) in &req.multi_media {
        check_text(&item.message, true)?;
        if !matches!(
            item.media,
            tl::enums::InputMedia::Photo(_) | tl::enums::InputMedia::Document(_)
        ) {
            // Telegram wants album items uploaded first (messages.uploadMedia).
            return Err(RpcErr::bad("MEDIA_INVALID"));
        }
        if ctx.world.sent_random_id(me, item.random_id)
            || items.iter().any(|(r, _, _)| *r == item.random_id)
        {
            return Err(RpcErr::new(500, "RANDOM_ID_DUPLICATE"));
        }
        let media = upload::media(ctx, me, &item.media)?;
        items.push((item.random_id, media, item));
    }
    // Photos and videos share albums; documents (audio, files) go with their own kind.
    let visual = |m: &Media| match m {
        Media::Photo { .. } | Media::UploadedPhoto { .. } => true,
        Media::Document { mime_type, .. } => mime_type.starts_with("video/"),
        Media::Voice { .. } => false,
    };
    let visuals = items.iter().filter(|(_, m, _)| visual(m)).count();
    if visuals != 0 && visuals != items.len() {
        return Err(RpcErr::bad("MEDIA_INVALID"));
    }
    let grouped_id = crate::sandbox::crypto::random_i64() & i64::MAX;
    let mut sent = Vec::with_capacity(items.len());
    for (i, (random_id, media, item)) in items.into_iter().enumerate() {
        ctx.world.remember_random_id(me, random_id);
        ctx.world.loose_media.remove(&media.id());
        let mut spec = spec_for(ctx, me, dialog, &item.message).media(media);
        spec.entities = item.entities.clone().unwrap_or_default();
        spec.reply_to = if i == 0 { reply_to } else { None };
        spec.grouped_id = Some(grouped_id);
        let id = ctx.world.add_message(spec);
        let index = ctx
            .world
            .message_index(me, dialog, id)
            .ok_or_else(RpcErr::peer_id_invalid)?;
        sent.push((index, random_id));
    }
    Ok(announce_many(ctx, me, &sent))
}

pub(super) fn spec_for(ctx: &Ctx, me: i64, dialog: Peer, text: &str) -> MessageSpec {
    match dialog {
        Peer::Channel(id) if is_broadcast(ctx, id) => MessageSpec::post(id, text).posted_by(me),
        _ => MessageSpec::new(me, dialog, text),
    }
}

pub(super) fn edit_message(
    ctx: &mut Ctx,
    req: tl::functions::messages::EditMessage,
) -> Result<tl::enums::Updates, RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.readable_peer(me, &req.peer)?;
    let index = ctx
        .world
        .message_index(me, dialog, req.id)
        .ok_or_else(|| RpcErr::bad("MESSAGE_ID_INVALID"))?;
    let m = &ctx.world.messages[index];
    if !may_edit(ctx, me, m) {
        return Err(RpcErr::forbidden("MESSAGE_AUTHOR_REQUIRED"));
    }
    if req.media.is_some() {
        return Err(RpcErr::bad("MEDIA_EDIT_NOT_SUPPORTED_BY_SANDBOX"));
    }
    let (text, entities) = match req.message {
        Some(text) => (text, req.entities.unwrap_or_default()),
        None => (m.text.clone(), req.entities.unwrap_or(m.entities.clone())),
    };
    check_text(&text, m.media.is_some())?;
    if text == m.text && entities == m.entities {
        return Err(RpcErr::bad("MESSAGE_NOT_MODIFIED"));
    }
    let time_limited = m.from == Some(me) && dialog != Peer::User(me);
    if time_limited && now().saturating_sub(m.date) > EDIT_TIME_LIMIT {
        return Err(RpcErr::bad("MESSAGE_EDIT_TIME_EXPIRED"));
    }
    ctx.world.edit_message(index, text, entities);
    Ok(announce(ctx, me, index, None, edited_message))
}

pub(super) fn is_broadcast(ctx: &Ctx, channel: i64) -> bool {
    ctx.world
        .channels
        .get(&channel)
        .is_some_and(|c| c.broadcast)
}

/// Members write in groups and supergroups; only the creator and admins post in a
/// broadcast channel; anyone may write to a user.
pub(super) fn check_can_write(ctx: &Ctx, me: i64, dialog: Peer) -> Result<(), RpcErr> {
    let allowed = match dialog {
        Peer::User(_) => true,
        Peer::Chat(_) => ctx.world.is_member(me, dialog),
        Peer::Channel(id) => ctx.world.channels.get(&id).is_some_and(|c| {
            let admin = c.creator == me || c.admins.contains(&me);
            if c.broadcast {
                admin
            } else {
                c.members.contains(&me)
            }
        }),
    };
    if allowed {
        Ok(())
    } else {
        Err(RpcErr::forbidden("CHAT_WRITE_FORBIDDEN"))
    }
}

/// Text must have something besides whitespace (unless it is a media caption) and fit
/// Telegram's limits.
fn check_text(text: &str, is_caption: bool) -> Result<(), RpcErr> {
    let len = text.encode_utf16().count();
    if text.trim().is_empty() && !is_caption {
        return Err(RpcErr::bad("MESSAGE_EMPTY"));
    }
    if is_caption && len > MAX_CAPTION {
        return Err(RpcErr::bad("MEDIA_CAPTION_TOO_LONG"));
    }
    if len > MAX_TEXT {
        return Err(RpcErr::bad("MESSAGE_TOO_LONG"));
    }
    Ok(())
}

/// The message a send replies to, which must exist in the same chat.
fn reply_target(
    ctx: &Ctx,
    me: i64,
    dialog: Peer,
    reply_to: Option<&tl::enums::InputReplyTo>,
) -> Result<Option<i32>, RpcErr> {
    let invalid = || RpcErr::bad("REPLY_MESSAGE_ID_INVALID");
    if let (Some(tl::enums::InputReplyTo::Message(r)), Peer::Channel(channel)) = (reply_to, dialog)
        && ctx.world.is_forum(dialog)
    {
        let topics = ctx.world.topics(channel);
        if let Some(top) = r.top_msg_id
            && !topics.iter().any(|t| t.id == top)
        {
            return Err(RpcErr::bad("TOPIC_ID_INVALID"));
        }
        // Naming the topic itself posts in it without replying to anything.
        if topics.iter().any(|t| t.id == r.reply_to_msg_id) && r.reply_to_peer_id.is_none() {
            return Ok(None);
        }
    }
    match reply_to {
        None => Ok(None),
        Some(tl::enums::InputReplyTo::Message(r)) if r.reply_to_peer_id.is_none() => ctx
            .world
            .message_index(me, dialog, r.reply_to_msg_id)
            .map(|_| Some(r.reply_to_msg_id))
            .ok_or_else(invalid),
        // Replies to stories, other chats' messages and the like are not played.
        Some(_) => Err(invalid()),
    }
}

/// The forum topic a send goes to: the one named by `top_msg_id` or `reply_to_msg_id`, or
/// the topic of the message it answers; `None` (General) otherwise.
fn forum_topic(
    ctx: &Ctx,
    dialog: Peer,
    reply_to: Option<&tl::enums::InputReplyTo>,
    answered: Option<i32>,
) -> Option<i32> {
    let Peer::Channel(channel) = dialog else {
        return None;
    };
    if !ctx.world.is_forum(dialog) {
        return None;
    }
    let Some(tl::enums::InputReplyTo::Message(r)) = reply_to else {
        return None;
    };
    let is_topic = |id: i32| ctx.world.topics(channel).iter().any(|t| t.id == id);
    if let Some(top) = r.top_msg_id.filter(|&t| is_topic(t)) {
        return Some(top);
    }
    if is_topic(r.reply_to_msg_id) {
        return Some(r.reply_to_msg_id);
    }
    let index = ctx.world.message_index(0, dialog, answered?)?;
    ctx.world.topic_of(&ctx.world.messages[index])
}

/// Senders edit their own messages; a broadcast channel's creator and admins edit any
/// post in it.
fn may_edit(ctx: &Ctx, me: i64, m: &Message) -> bool {
    let channel_admin = match m.to {
        Peer::Channel(id) => ctx
            .world
            .channels
            .get(&id)
            .is_some_and(|c| c.creator == me || c.admins.contains(&me)),
        _ => false,
    };
    m.from == Some(me) || (m.from.is_none() && channel_admin)
}

/// How one reader learns of a message: the update and the pts it carries.
type Announcement = fn(tl::enums::Message, i32, bool) -> tl::enums::Update;

pub(super) fn new_message(
    message: tl::enums::Message,
    pts: i32,
    channel: bool,
) -> tl::enums::Update {
    let pts_count = 1;
    if channel {
        tl::types::UpdateNewChannelMessage {
            message,
            pts,
            pts_count,
        }
        .into()
    } else {
        tl::types::UpdateNewMessage {
            message,
            pts,
            pts_count,
        }
        .into()
    }
}

fn edited_message(message: tl::enums::Message, pts: i32, channel: bool) -> tl::enums::Update {
    let pts_count = 1;
    if channel {
        tl::types::UpdateEditChannelMessage {
            message,
            pts,
            pts_count,
        }
        .into()
    } else {
        tl::types::UpdateEditMessage {
            message,
            pts,
            pts_count,
        }
        .into()
    }
}

/// Tells everyone in the chat of message `index`: returns the sender's `updates` (with
/// `updateMessageID` for a new message) and queues a push for every participant's other
/// connections, the sender's own included.
fn announce(
    ctx: &mut Ctx,
    me: i64,
    index: usize,
    random_id: Option<i64>,
    update: Announcement,
) -> tl::enums::Updates {
    let answer = updates_for(ctx, &ctx.world.messages[index], me, random_id, update);
    queue_pushes(ctx, index, update, random_id.is_some());
    answer
}

/// Queues the push of message `index` to every participant's connections (the sender's
/// other ones included), in the short form where Telegram uses one.
fn queue_pushes(ctx: &mut Ctx, index: usize, update: Announcement, is_new: bool) {
    let m = &ctx.world.messages[index];
    let readers = ctx.world.participants(m.to, m.from.or(m.posted_by));
    let pushes: Vec<_> = readers
        .into_iter()
        .map(|reader| {
            let short = is_new.then(|| short_push(ctx, m, reader)).flatten();
            let updates = short.unwrap_or_else(|| updates_for(ctx, m, reader, None, update));
            (reader, updates)
        })
        .collect();
    for (reader, updates) in pushes {
        ctx.push(reader, updates);
    }
}

/// [`announce`] for several new messages sent at once (an album): one `updates` with an
/// `updateMessageID` and an `updateNewMessage` per message, pts counted up.
pub(super) fn announce_many(ctx: &mut Ctx, me: i64, sent: &[(usize, i64)]) -> tl::enums::Updates {
    let Some(&(first, _)) = sent.first() else {
        return tlbuild::updates(Vec::new(), &Mentions::default(), ctx.world, me);
    };
    let m = &ctx.world.messages[first];
    let readers = ctx.world.participants(m.to, m.from.or(m.posted_by));
    let build = |ctx: &Ctx, reader: i64, with_ids: bool| {
        let mut mentions = Mentions::default();
        let mut updates = Vec::new();
        let count = sent.len() as i32;
        for (i, &(index, random_id)) in sent.iter().enumerate() {
            let m = &ctx.world.messages[index];
            mentions.add_message(m, reader);
            let dialog = m.peer_for(reader);
            let channel = matches!(dialog, Peer::Channel(_));
            // The box's pts now counts every message; each update carries its own.
            let pts = ctx.world.pts_for(reader, dialog) - (count - 1 - i as i32);
            if with_ids {
                updates.push(
                    tl::types::UpdateMessageId {
                        id: m.id,
                        random_id,
                    }
                    .into(),
                );
            }
            updates.push(new_message(tlbuild::message(m, reader), pts, channel));
        }
        tlbuild::updates(updates, &mentions, ctx.world, reader)
    };
    let answer = build(ctx, me, true);
    let pushes: Vec<_> = readers
        .into_iter()
        .map(|reader| (reader, build(ctx, reader, false)))
        .collect();
    for (reader, updates) in pushes {
        ctx.push(reader, updates);
    }
    answer
}

fn updates_for(
    ctx: &Ctx,
    m: &Message,
    reader: i64,
    random_id: Option<i64>,
    update: Announcement,
) -> tl::enums::Updates {
    let mut mentions = Mentions::default();
    mentions.add_message(m, reader);
    let dialog = m.peer_for(reader);
    let channel = matches!(dialog, Peer::Channel(_));
    let pts = ctx.world.pts_for(reader, dialog);
    let sent = random_id.map(|random_id| {
        tl::types::UpdateMessageId {
            id: m.id,
            random_id,
        }
        .into()
    });
    let updates = sent
        .into_iter()
        .chain([update(tlbuild::message(m, reader), pts, channel)])
        .collect();
    tlbuild::updates(updates, &mentions, ctx.world, reader)
}

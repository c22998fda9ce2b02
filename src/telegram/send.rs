//! Sending and editing messages.
//!
//! Writes are never repeated behind the caller's back: a connection lost after a request
//! left is reported as an unknown outcome, and a long message that fails halfway reports
//! which parts were sent. Long texts are split at paragraph, then line, then word
//! boundaries, and the formatting (entities) is cut along with the text.

use grammers_client::parsers::{parse_html_message, parse_markdown_message};
use grammers_session::types::PeerRef;
use grammers_tl_types as tl;

use super::access::Intent;
use super::client::Telegram;
use super::files::Attachments;
use super::model::{Message, PhoneSendResult, SendResult, mask_phone};
use super::ops::{EditMessage, ParseMode, SendMessage, SendToPhone};
use super::render::{self, Peers};
use crate::error::{Error, Result};

/// Telegram's limit for one message, in UTF-16 code units (how it counts).
pub const MAX_MESSAGE_LEN: usize = 4096;

/// Text and entities from what the caller wrote.
pub(super) fn format(
    text: &str,
    mode: Option<ParseMode>,
) -> (String, Vec<tl::enums::MessageEntity>) {
    match mode {
        Some(ParseMode::Markdown) => parse_markdown_message(text),
        Some(ParseMode::Html) => parse_html_message(text),
        None => (text.to_owned(), Vec::new()),
    }
}

pub(super) fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `entity` moved to another place (every variant has an offset and a length).
fn with_range(
    entity: &tl::enums::MessageEntity,
    offset: i32,
    length: i32,
) -> tl::enums::MessageEntity {
    use tl::enums::MessageEntity as E;
    macro_rules! set {
        ($($variant:ident),* $(,)?) => {
            match entity {
                $(E::$variant(e) => {
                    let mut e = e.clone();
                    e.offset = offset;
                    e.length = length;
                    E::$variant(e)
                })*
            }
        };
    }
    set!(
        Unknown,
        Mention,
        Hashtag,
        BotCommand,
        Url,
        Email,
        Bold,
        Italic,
        Code,
        Pre,
        TextUrl,
        MentionName,
        InputMessageEntityMentionName,
        Phone,
        Cashtag,
        Underline,
        Strike,
        BankCard,
        Spoiler,
        CustomEmoji,
        Blockquote,
        FormattedDate,
        DiffInsert,
        DiffReplace,
        DiffDelete,
        TonAddress,
    )
}

/// Messages one send may be split into unless the caller raises the limit: a runaway
/// text (or a prompt-injected model) cannot post thousands of messages.
pub const DEFAULT_MAX_PARTS: usize = 20;

/// Refuses, before anything is sent, a text that would go as more than `max_parts`
/// messages. `parts` is what [`split`] made of it.
pub fn check_parts(parts: usize, max_parts: usize) -> Result<()> {
    if parts > max_parts {
        return Err(Error::InvalidInput(format!(
            "the text would be sent as {parts} messages, more than the limit of {max_parts}; nothing was sent — shorten it, send it as a file, or raise the limit (`tgmcp send --max-parts {parts}`)"
        )));
    }
    Ok(())
}

/// [`check_parts`] for a text about to be sent (with files, only a text too long for a
/// caption goes as messages of its own).
fn check_text_parts(
    text: &str,
    entities: &[tl::enums::MessageEntity],
    attachments: &Attachments,
    max_parts: Option<usize>,
) -> Result<()> {
    let own_messages = attachments.is_empty()
        || (!text.trim().is_empty() && utf16_len(text) > super::files::MAX_CAPTION_LEN);
    if own_messages {
        let parts = split(text, entities, MAX_MESSAGE_LEN).len();
        check_parts(parts, max_parts.unwrap_or(DEFAULT_MAX_PARTS))?;
    }
    Ok(())
}

/// Where an entity ends, in UTF-16 units (0 for nonsense offsets).
fn entity_end(e: &tl::enums::MessageEntity) -> usize {
    e.offset().saturating_add(e.length()).max(0) as usize
}

fn entity_start(e: &tl::enums::MessageEntity) -> usize {
    e.offset().max(0) as usize
}

/// Cuts entities along consecutive parts in one pass: each entity is picked up when the
/// parts reach it and dropped once they are past it, so splitting stays linear however
/// many entities and parts there are.
struct Clipper<'a> {
    entities: &'a [tl::enums::MessageEntity],
    /// Indices into `entities`, by start.
    by_start: Vec<usize>,
    next: usize,
    /// Entities that started before the current part and may still reach into it.
    live: Vec<usize>,
}

impl<'a> Clipper<'a> {
    fn new(entities: &'a [tl::enums::MessageEntity]) -> Self {
        let mut by_start: Vec<usize> = (0..entities.len()).collect();
        by_start.sort_by_key(|&i| entity_start(&entities[i]));
        Self {
            entities,
            by_start,
            next: 0,
            live: Vec::new(),
        }
    }

    /// The entities inside UTF-16 range `[start, end)`, clipped to it and made relative,
    /// in their original order. Ranges must come in increasing order.
    fn clip(&mut self, start: usize, end: usize) -> Vec<tl::enums::MessageEntity> {
        while let Some(&i) = self.by_start.get(self.next)
            && entity_start(&self.entities[i]) < end
        {
            self.live.push(i);
            self.next += 1;
        }
        let entities = self.entities;
        self.live.retain(|&i| entity_end(&entities[i]) > start);
        let mut inside = self.live.clone();
        inside.sort_unstable();
        inside
            .into_iter()
            .filter_map(|i| {
                let e = &entities[i];
                let from = entity_start(e).max(start);
                let to = entity_end(e).min(end);
                (from < to).then(|| with_range(e, (from - start) as i32, (to - from) as i32))
            })
            .collect()
    }
}

/// Splits a formatted text into parts of at most `max` UTF-16 units, in time linear in
/// the text and its entities.
pub fn split(
    text: &str,
    entities: &[tl::enums::MessageEntity],
    max: usize,
) -> Vec<(String, Vec<tl::enums::MessageEntity>)> {
    let mut parts = Vec::new();
    let mut clipper = Clipper::new(entities);
    let total = utf16_len(text);
    let mut rest = text;
    let mut rest_at = 0usize; // UTF-16 offset of `rest` in `text`
    // Only the window of each part is ever measured, never the whole rest.
    while total - rest_at > max {
        // The longest prefix that fits, at a char boundary.
        let mut fit = 0;
        let mut units = 0;
        for (i, c) in rest.char_indices() {
            if units + c.len_utf16() > max {
                break;
            }
            units += c.len_utf16();
            fit = i + c.len_utf8();
        }
        let window = &rest[..fit];
        let cut = [
            window.rfind("\n\n").map(|i| i + 2),
            window.rfind('\n').map(|i| i + 1),
            window.rfind(' ').map(|i| i + 1),
        ]
        .into_iter()
        .flatten()
        .find(|&i| i > fit / 4)
        .unwrap_or(fit.max(rest.chars().next().map_or(1, char::len_utf8)));
        let (head, tail) = rest.split_at(cut);
        let body = head.trim_end();
        let body_len = utf16_len(body);
        parts.push((body.to_owned(), clipper.clip(rest_at, rest_at + body_len)));
        let skipped = tail.len() - tail.trim_start().len();
        rest_at += utf16_len(head) + utf16_len(&tail[..skipped]);
        rest = tail.trim_start();
    }
    if !rest.trim().is_empty() || parts.is_empty() {
        let len = total - rest_at;
        parts.push((rest.to_owned(), clipper.clip(rest_at, rest_at + len)));
    }
    parts
}

pub(super) fn random_id() -> i64 {
    let mut bytes = [0u8; 8];
    // No RNG means no safe random_id; Telegram would dedupe a constant one wrongly.
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    i64::from_le_bytes(bytes)
}

/// What Telegram answered a write with.
pub(super) enum Answer<'a> {
    /// The message itself, rendered with the peers the answer described.
    Full(Box<Message>),
    /// `updateShortSentMessage` (sends to users, bots and Saved Messages): the id, pts,
    /// date and whatever the server added (media, entities), and nothing else.
    Short(&'a tl::types::UpdateShortSentMessage),
    /// Neither: the message is not in the answer.
    Missing,
}

/// The message a write produced, from the `Updates` Telegram answered with.
pub(super) fn sent_message<'a>(
    updates: &'a tl::enums::Updates,
    random_id: i64,
    chat_hint: &Peers,
) -> Answer<'a> {
    use tl::enums::{Update, Updates};
    let list: Vec<&Update> = match updates {
        Updates::Updates(u) => u.updates.iter().collect(),
        Updates::Combined(u) => u.updates.iter().collect(),
        Updates::UpdateShort(u) => vec![&u.update],
        Updates::UpdateShortSentMessage(u) => return Answer::Short(u),
        _ => return Answer::Missing,
    };
    let id = list.iter().find_map(|u| match u {
        Update::MessageId(m) if m.random_id == random_id => Some(m.id),
        _ => None,
    });
    let found = list.iter().find_map(|u| {
        let message = match u {
            Update::NewMessage(m) => &m.message,
            Update::NewChannelMessage(m) => &m.message,
            Update::EditMessage(m) => &m.message,
            Update::EditChannelMessage(m) => &m.message,
            _ => return None,
        };
        let rendered = render::message(message, chat_hint)?;
        id.is_none_or(|id| id == rendered.id).then_some(rendered)
    });
    found.map_or(Answer::Missing, |m| Answer::Full(Box::new(m)))
}

/// What a send asked for: everything Telegram's short answer does not repeat.
pub(super) struct Sent<'a> {
    pub peer: &'a PeerRef,
    pub text: &'a str,
    pub entities: &'a [tl::enums::MessageEntity],
    pub reply_to: Option<i32>,
}

/// The message an `updateShortSentMessage` stands for: its id, date, media and entities
/// from the answer; chat, text and reply from the request; the sender is the account.
pub(super) fn short_message(
    short: &tl::types::UpdateShortSentMessage,
    me: Option<i64>,
    sent: &Sent,
) -> tl::enums::Message {
    let entities = short
        .entities
        .clone()
        .or_else(|| (!sent.entities.is_empty()).then(|| sent.entities.to_vec()));
    tl::types::Message {
        out: short.out,
        mentioned: false,
        media_unread: false,
        silent: false,
        post: false,
        from_scheduled: false,
        legacy: false,
        edit_hide: false,
        pinned: false,
        noforwards: false,
        invert_media: false,
        offline: false,
        video_processing_pending: false,
        paid_suggested_post_stars: false,
        paid_suggested_post_ton: false,
        id: short.id,
        from_id: me.map(|user_id| tl::types::PeerUser { user_id }.into()),
        from_boosts_applied: None,
        from_rank: None,
        peer_id: peer_of(sent.peer, me),
        saved_peer_id: None,
        fwd_from: None,
        via_bot_id: None,
        via_business_bot_id: None,
        guestchat_via_from: None,
        reply_to: sent.reply_to.map(|id| {
            tl::types::MessageReplyHeader {
                reply_to_scheduled: false,
                forum_topic: false,
                quote: false,
                reply_to_ephemeral: false,
                reply_to_msg_id: Some(id),
                reply_to_peer_id: None,
                reply_from: None,
                reply_media: None,
                reply_to_top_id: None,
                quote_text: None,
                quote_entities: None,
                quote_offset: None,
                todo_item_id: None,
                poll_option: None,
            }
            .into()
        }),
        date: short.date,
        message: sent.text.to_owned(),
        media: short.media.clone(),
        reply_markup: None,
        entities,
        views: None,
        forwards: None,
        replies: None,
        edit_date: None,
        post_author: None,
        grouped_id: None,
        reactions: None,
        restriction_reason: None,
        ttl_period: short.ttl_period,
        quick_reply_shortcut_id: None,
        effect: None,
        factcheck: None,
        report_delivery_until_date: None,
        paid_message_stars: None,
        suggested_post: None,
        schedule_repeat_period: None,
        summary_from_language: None,
        rich_message: None,
    }
    .into()
}

/// The chat `peer` names; Saved Messages (`me`, which grammers keeps as a placeholder
/// id) is the account's own user.
fn peer_of(peer: &PeerRef, me: Option<i64>) -> tl::enums::Peer {
    match (peer.id.bare_id(), me) {
        (None, Some(user_id)) => tl::types::PeerUser { user_id }.into(),
        _ => tl::enums::Peer::from(peer.id),
    }
}

/// The users and chats an `Updates` carries (to cache them).
pub(super) fn updates_peers(
    updates: &tl::enums::Updates,
) -> (&[tl::enums::User], &[tl::enums::Chat]) {
    match updates {
        tl::enums::Updates::Updates(u) => (&u.users, &u.chats),
        tl::enums::Updates::Combined(u) => (&u.users, &u.chats),
        _ => (&[], &[]),
    }
}

pub(super) fn lost_write(method: &str, what: &str, reason: &str) -> Error {
    Error::UnknownOutcome(format!(
        "{what} may or may not have been delivered: {reason} (during {method}) — check the chat before sending again"
    ))
}

impl Telegram {
    /// Sends a text message, split into parts if it is too long. Every part's id is
    /// returned; a failure after the first part is a [`Error::PartialSend`].
    pub async fn send_message(&self, req: SendMessage) -> Result<SendResult> {
        self.send_message_with(req, &Attachments::default()).await
    }

    /// [`Telegram::send_message`] with files: the text becomes their caption (or follows
    /// them when it is too long for one) and may be empty.
    pub async fn send_message_with(
        &self,
        req: SendMessage,
        attachments: &Attachments,
    ) -> Result<SendResult> {
        let (text, entities) = format(&req.text, req.parse_mode);
        if attachments.is_empty() && text.trim().is_empty() {
            return Err(Error::InvalidInput("message is empty".into()));
        }
        check_text_parts(&text, &entities, attachments, req.max_parts)?;
        let (peer, draft) = self.send_target(&req.chat).await?;
        if draft && !attachments.is_empty() {
            return Err(Error::InvalidInput(
                "this server saves drafts instead of sending (draft mode), and a draft holds text only — send the text without files".into(),
            ));
        }
        self.take_write()?;
        if draft {
            return self
                .save_draft(&peer, &text, entities, req.reply_to, req.no_preview)
                .await;
        }
        let comment = match req.reply_to {
            Some(post) => self.comment_target(&peer, post, &req.chat).await?,
            None => None,
        };
        let (peer, req) = match &comment {
            Some(target) => (
                target.group,
                SendMessage {
                    reply_to: Some(target.copy),
                    ..req
                },
            ),
            None => (peer, req),
        };
        let mut sent = if attachments.is_empty() {
            self.send_parts(&peer, &text, &entities, &req).await
        } else {
            self.send_files(&peer, &req, attachments).await
        }?;
        sent.comment_on = comment.map(|target| target.on);
        Ok(sent)
    }

    pub(super) async fn send_parts(
        &self,
        peer: &PeerRef,
        text: &str,
        entities: &[tl::enums::MessageEntity],
        req: &SendMessage,
    ) -> Result<SendResult> {
        let parts = split(text, entities, MAX_MESSAGE_LEN);
        let count = parts.len();
        let mut result = SendResult {
            message_ids: Vec::with_capacity(count),
            messages: Vec::with_capacity(count),
            draft: false,
            comment_on: None,
        };
        for (i, (part, part_entities)) in parts.into_iter().enumerate() {
            let reply_to = if i == 0 { req.reply_to } else { None };
            match self
                .send_one(peer, part, part_entities, reply_to, req, i, count)
                .await
            {
                Ok(message) => {
                    result.message_ids.push(message.id);
                    result.messages.push(message);
                }
                Err(reason) if i > 0 => {
                    return Err(Error::PartialSend {
                        sent: result.message_ids,
                        parts: count,
                        reason: Box::new(reason),
                    });
                }
                Err(reason) => return Err(reason),
            }
        }
        Ok(result)
    }

    #[allow(clippy::too_many_arguments)]
    async fn send_one(
        &self,
        peer: &PeerRef,
        text: String,
        entities: Vec<tl::enums::MessageEntity>,
        reply_to: Option<i32>,
        req: &SendMessage,
        index: usize,
        count: usize,
    ) -> Result<Message> {
        let random_id = random_id();
        let request = tl::functions::messages::SendMessage {
            no_webpage: req.no_preview,
            silent: req.silent,
            background: false,
            clear_draft: false,
            noforwards: false,
            update_stickersets_order: false,
            invert_media: false,
            allow_paid_floodskip: false,
            peer: peer.into(),
            reply_to: topic_reply(reply_to, req.topic_id),
            message: text.clone(),
            random_id,
            reply_markup: None,
            entities: (!entities.is_empty()).then_some(entities),
            schedule_date: None,
            schedule_repeat_period: None,
            send_as: None,
            quick_reply_shortcut: None,
            effect: None,
            allow_paid_stars: None,
            suggested_post: None,
            rich_message: None,
        };
        let what = if count > 1 {
            format!("part {} of {count}", index + 1)
        } else {
            "the message".to_owned()
        };
        let updates = match self.command(&request).await {
            Err(Error::UnknownOutcome(reason)) => {
                return Err(lost_write("messages.sendMessage", &what, &reason));
            }
            other => other?,
        };
        let (users, chats) = updates_peers(&updates);
        self.remember(users, chats).await?;
        let hint = Peers::new(users, chats);
        match sent_message(&updates, random_id, &hint) {
            Answer::Full(message) => Ok(*message),
            Answer::Short(short) => {
                let sent = Sent {
                    peer,
                    text: &text,
                    entities: request.entities.as_deref().unwrap_or_default(),
                    reply_to,
                };
                Ok(self.complete_short(short, &sent).await)
            }
            Answer::Missing => Err(lost_write(
                "messages.sendMessage",
                &what,
                "Telegram's answer did not include the message",
            )),
        }
    }

    /// The complete message behind a short answer. A reply is read back (one more round
    /// trip) so that the reply it reports is the one Telegram stored; anything else is
    /// fully known from the answer and the request, so it costs nothing more.
    pub(super) async fn complete_short(
        &self,
        short: &tl::types::UpdateShortSentMessage,
        sent: &Sent<'_>,
    ) -> Message {
        if sent.reply_to.is_some() {
            match self.read_back(short.id).await {
                Ok(Some(message)) => return message,
                Ok(None) => tracing::warn!(
                    "message {} was sent but could not be read back; reporting it as sent",
                    short.id
                ),
                Err(e) => tracing::warn!(
                    "message {} was sent but could not be read back ({e}); reporting it as sent",
                    short.id
                ),
            }
        }
        let me = match self.session().self_user_id() {
            Some(id) => Some(id),
            None => self.self_id().await.ok(),
        };
        let raw = short_message(short, me, sent);
        // Names from what this process already knows (no round trip): the chat and the
        // account itself.
        let chat = match &raw {
            tl::enums::Message::Message(m) => render::marked_id(&m.peer_id),
            _ => 0,
        };
        let (users, chats) = self.seen.get(&[chat, me.unwrap_or_default()], &[chat]);
        let message = render::message(&raw, &Peers::new(&users, &chats));
        message.expect("a message built from a short answer is never empty")
    }

    /// A message of a private chat or basic group, by id, as Telegram stored it.
    async fn read_back(&self, id: i32) -> Result<Option<Message>> {
        let request = tl::functions::messages::GetMessages {
            id: vec![tl::types::InputMessageId { id }.into()],
        };
        let (messages, users, chats) = match self.query(&request).await? {
            tl::enums::messages::Messages::Messages(m) => (m.messages, m.users, m.chats),
            tl::enums::messages::Messages::Slice(m) => (m.messages, m.users, m.chats),
            _ => return Ok(None),
        };
        self.remember(&users, &chats).await?;
        let peers = Peers::new(&users, &chats);
        Ok(messages
            .iter()
            .filter_map(|m| render::message(m, &peers))
            .find(|m| m.id == id))
    }

    /// Replaces a message's text (and formatting).
    pub async fn edit_message(&self, req: EditMessage) -> Result<Message> {
        let (text, entities) = format(&req.text, req.parse_mode);
        if text.trim().is_empty() {
            return Err(Error::InvalidInput("message is empty".into()));
        }
        if utf16_len(&text) > MAX_MESSAGE_LEN {
            return Err(Error::InvalidInput(format!(
                "an edited message must fit in {MAX_MESSAGE_LEN} characters; it cannot be split like a new one"
            )));
        }
        if req.message_id <= 0 {
            return Err(Error::InvalidInput(format!(
                "message id {} is not valid",
                req.message_id
            )));
        }
        let peer = self.resolve_for(&req.chat, Intent::Write).await?;
        self.take_write()?;
        let request = tl::functions::messages::EditMessage {
            no_webpage: false,
            invert_media: false,
            peer: (&peer).into(),
            id: req.message_id,
            message: Some(text.clone()),
            media: None,
            reply_markup: None,
            entities: Some(entities),
            schedule_date: None,
            schedule_repeat_period: None,
            quick_reply_shortcut_id: None,
            rich_message: None,
        };
        let updates = self.command(&request).await?;
        let (users, chats) = updates_peers(&updates);
        self.remember(users, chats).await?;
        match sent_message(&updates, 0, &Peers::new(users, chats)) {
            Answer::Full(message) => Ok(*message),
            // Telegram answers edits in full; a short answer here would be a new kind.
            Answer::Short(_) | Answer::Missing => Err(lost_write(
                "messages.editMessage",
                "the edit",
                "Telegram's answer did not include the message",
            )),
        }
    }

    /// Sends to a phone number: finds the person among contacts or imports them as one,
    /// sends, and with `remove_if_new` removes a contact it created.
    pub async fn send_to_phone(&self, req: SendToPhone) -> Result<PhoneSendResult> {
        self.send_to_phone_with(req, &Attachments::default()).await
    }

    /// [`Telegram::send_to_phone`] with files (see [`Telegram::send_message_with`]).
    pub async fn send_to_phone_with(
        &self,
        req: SendToPhone,
        attachments: &Attachments,
    ) -> Result<PhoneSendResult> {
        let digits: String = req.phone.chars().filter(char::is_ascii_digit).collect();
        if !(5..=15).contains(&digits.len()) {
            return Err(Error::InvalidInput(format!(
                "{:?} is not a phone number — use the international format, e.g. +15551234567",
                req.phone
            )));
        }
        let (text, entities) = format(&req.text, req.parse_mode);
        if attachments.is_empty() && text.trim().is_empty() {
            return Err(Error::InvalidInput("message is empty".into()));
        }
        check_text_parts(&text, &entities, attachments, None)?;
        self.check_phone_access(&digits).await?;
        self.take_write()?;
        let (user, created) = self.contact_for_phone(&digits, &req).await?;
        let peer = self
            .known_peer(grammers_session::types::PeerId::user_unchecked(user.id))
            .await?
            .ok_or_else(|| {
                Error::PeerNotFound(format!(
                    "{}: Telegram did not describe the user",
                    mask_phone(&digits)
                ))
            })?;
        let send = SendMessage {
            chat: String::new(),
            text: req.text.clone(),
            reply_to: req.reply_to,
            parse_mode: req.parse_mode,
            silent: false,
            no_preview: false,
            max_parts: None,
            topic_id: None,
        };
        let sent = if attachments.is_empty() {
            self.send_parts(&peer, &text, &entities, &send).await?
        } else {
            self.send_files(&peer, &send, attachments).await?
        };
        let mut contact_removed = false;
        if created && req.remove_if_new {
            let request = tl::functions::contacts::DeleteContacts {
                id: vec![(&peer).into()],
            };
            match self.command(&request).await {
                Ok(_) => contact_removed = true,
                // The message went out; a contact left behind is worth a warning, not a failure.
                Err(e) => tracing::warn!("sent, but could not remove the new contact: {e}"),
            }
        }
        Ok(PhoneSendResult {
            user: render::user_entity(&user),
            message_ids: sent.message_ids,
            messages: sent.messages,
            contact_removed,
        })
    }

    /// With an access list, a phone number is sent to only when it is an account the
    /// list lets this server write to — checked before a contact is imported, so a
    /// refused number changes nothing.
    async fn check_phone_access(&self, digits: &str) -> Result<()> {
        if !self.has_access_list() {
            return Ok(());
        }
        let shown = mask_phone(digits);
        let resolved = self
            .query(&tl::functions::contacts::ResolvePhone {
                phone: digits.to_owned(),
            })
            .await;
        match resolved {
            Ok(tl::enums::contacts::ResolvedPeer::Peer(found)) => {
                self.remember(&found.users, &found.chats).await?;
                self.check_access(
                    grammers_session::types::PeerId::from(&found.peer),
                    Intent::Write,
                    &shown,
                )
                .await
            }
            Err(e)
                if matches!(
                    e.rpc_name(),
                    Some("PHONE_NOT_OCCUPIED" | "PHONE_NUMBER_INVALID")
                ) =>
            {
                Err(super::access::denied(&shown, Intent::Write))
            }
            Err(e) => Err(e),
        }
    }

    /// The user with phone `digits`: an existing contact, or one imported now (`true`).
    async fn contact_for_phone(
        &self,
        digits: &str,
        req: &SendToPhone,
    ) -> Result<(tl::types::User, bool)> {
        let resolved = self
            .query(&tl::functions::contacts::ResolvePhone {
                phone: digits.to_owned(),
            })
            .await;
        match resolved {
            Ok(tl::enums::contacts::ResolvedPeer::Peer(found)) => {
                self.remember(&found.users, &found.chats).await?;
                let user = found.users.into_iter().find_map(|u| match u {
                    tl::enums::User::User(u) => Some(u),
                    _ => None,
                });
                if let Some(user) = user
                    && user.contact
                {
                    return Ok((user, false));
                }
            }
            Err(e) if matches!(e.rpc_name(), Some("PHONE_NOT_OCCUPIED")) => {}
            Err(e) => return Err(e),
        }
        let request = tl::functions::contacts::ImportContacts {
            contacts: vec![
                tl::types::InputPhoneContact {
                    client_id: random_id(),
                    phone: digits.to_owned(),
                    first_name: req.first_name.clone().unwrap_or_else(|| mask_phone(digits)),
                    last_name: req.last_name.clone().unwrap_or_default(),
                    note: None,
                }
                .into(),
            ],
        };
        let tl::enums::contacts::ImportedContacts::Contacts(imported) =
            self.command(&request).await?;
        self.remember(&imported.users, &[]).await?;
        let user_id = imported
            .imported
            .iter()
            .map(|tl::enums::ImportedContact::Contact(c)| c.user_id)
            .next();
        let user = user_id.and_then(|id| {
            imported.users.into_iter().find_map(|u| match u {
                tl::enums::User::User(u) if u.id == id => Some(u),
                _ => None,
            })
        });
        match user {
            Some(user) => Ok((user, true)),
            None => Err(Error::PeerNotFound(format!(
                "{} is not on Telegram (or does not let others find it by phone number)",
                mask_phone(digits)
            ))),
        }
    }
}

/// Where a send goes in a forum: replying to `reply_to` (or to nothing) inside `topic`.
pub(super) fn topic_reply(
    reply_to: Option<i32>,
    topic: Option<i32>,
) -> Option<tl::enums::InputReplyTo> {
    let Some(topic) = topic else {
        return reply_to.map(reply_header);
    };
    let tl::enums::InputReplyTo::Message(mut header) = reply_header(reply_to.unwrap_or(topic))
    else {
        return None;
    };
    header.top_msg_id = Some(topic);
    Some(header.into())
}

/// Replying to message `id` of the same chat.
pub(super) fn reply_header(id: i32) -> tl::enums::InputReplyTo {
    tl::types::InputReplyToMessage {
        reply_to_msg_id: id,
        top_msg_id: None,
        reply_to_peer_id: None,
        quote_text: None,
        quote_entities: None,
        quote_offset: None,
        monoforum_peer_id: None,
        todo_item_id: None,
        poll_option: None,
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bold(offset: i32, length: i32) -> tl::enums::MessageEntity {
        tl::types::MessageEntityBold { offset, length }.into()
    }

    #[test]
    fn megabytes_with_many_entities_split_into_bounded_parts_losing_nothing() {
        // Quadratic before (16 MB took 28 s in release); linear now.
        let line = "lorem ipsum dolor sit amet, consectetur adipiscing elit sed do eiusmod\n";
        let text = line.repeat(4 * 1024 * 1024 / line.len());
        let marks: Vec<_> = (0..100_000).map(|i| bold(i * 37, 50 + i % 9000)).collect();
        let parts = split(&text, &marks, MAX_MESSAGE_LEN);
        assert!(parts.len() > 1000);
        assert!(parts.iter().all(|p| utf16_len(&p.0) <= MAX_MESSAGE_LEN));
        let joined: String = parts
            .iter()
            .map(|p| p.0.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(joined.trim_end(), text.trim_end());
        for (part, entities) in &parts {
            for e in entities {
                assert!(e.offset() >= 0 && entity_end(e) <= utf16_len(part), "{e:?}");
            }
        }
    }

    #[test]
    fn too_many_parts_are_refused_with_the_flag_to_raise_it() {
        assert!(check_parts(20, 20).is_ok());
        let error = check_parts(21, 20).unwrap_err().to_string();
        assert!(error.contains("21 messages") && error.contains("--max-parts 21"));
    }

    #[test]
    fn short_text_is_one_part() {
        let parts = split("hello", &[bold(0, 5)], 4096);
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].0, "hello");
    }

    #[test]
    fn splits_at_paragraphs_then_lines_then_words() {
        let text = "aaaa bbbb\n\ncccc dddd\neeee";
        let parts: Vec<String> = split(text, &[], 12).into_iter().map(|p| p.0).collect();
        assert_eq!(parts, ["aaaa bbbb", "cccc dddd", "eeee"]);
        let parts: Vec<String> = split("one two three four", &[], 9)
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(parts, ["one two", "three", "four"]);
        let parts: Vec<String> = split("abcdefghij", &[], 4)
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(parts, ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn formatting_is_cut_with_the_text() {
        // "xx **bold across** yy" with bold spanning the cut.
        let text = "xx bold\nacross yy";
        let parts = split(text, &[bold(3, 11)], 10);
        assert_eq!(parts[0].0, "xx bold");
        assert_eq!(parts[0].1, vec![bold(3, 4)]);
        assert_eq!(parts[1].0, "across yy");
        assert_eq!(parts[1].1, vec![bold(0, 6)]);
    }

    #[test]
    fn counts_utf16_like_telegram() {
        let emoji = "😀".repeat(3000); // 2 UTF-16 units each
        let parts = split(&emoji, &[], 4096);
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| utf16_len(&p.0) <= 4096));
        assert_eq!(
            parts.iter().map(|p| p.0.chars().count()).sum::<usize>(),
            3000
        );
    }
}

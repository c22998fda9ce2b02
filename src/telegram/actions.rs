//! Acting on messages that exist: forwarding, deleting, pinning and reacting.
//!
//! Every one is a write: sent once through [`Telegram::write`] (never repeated; a lost
//! connection after it left is an unknown outcome), refused like any write by the faces'
//! read-only mode.

use grammers_session::types::{PeerKind, PeerRef};
use grammers_tl_types as tl;

use super::access::Intent;
use super::client::Telegram;
use super::model::{DeleteResult, Message, PinResult, Reaction, ReactionResult, SendResult};
use super::ops::{DeleteMessages, ForwardMessages, PinMessage, SendReaction};
use super::render::{self, Peers};
use super::send::{random_id, updates_peers};
use crate::error::{Error, Result};

/// Most messages one forward or delete takes (Telegram's limit per request).
pub const MAX_IDS: usize = 100;

fn check_ids(ids: &[i32]) -> Result<()> {
    if ids.is_empty() || ids.len() > MAX_IDS {
        return Err(Error::InvalidInput(format!(
            "message_ids must hold 1 to {MAX_IDS} ids, not {}",
            ids.len()
        )));
    }
    ids.iter().try_for_each(|&id| check_id(id))
}

fn check_id(id: i32) -> Result<()> {
    if id <= 0 {
        return Err(Error::InvalidInput(format!(
            "message id {id} is not valid — message ids are positive"
        )));
    }
    Ok(())
}

/// An emoji as Telegram names reactions: no variation selector (`❤️` is `❤`).
pub fn reaction_emoji(emoji: &str) -> Result<String> {
    let emoji: String = emoji.trim().chars().filter(|&c| c != '\u{fe0f}').collect();
    if emoji.is_empty() || emoji.chars().count() > 8 {
        return Err(Error::InvalidInput(format!(
            "{emoji:?} is not one emoji — pass a single emoji such as 👍, or leave emoji out to remove your reaction"
        )));
    }
    Ok(emoji)
}

/// A message's reactions as the model shows them.
pub(super) fn reactions(raw: &tl::enums::MessageReactions) -> Vec<Reaction> {
    let tl::enums::MessageReactions::Reactions(r) = raw;
    r.results
        .iter()
        .map(|tl::enums::ReactionCount::Count(c)| Reaction {
            emoji: match &c.reaction {
                tl::enums::Reaction::Emoji(e) => e.emoticon.clone(),
                tl::enums::Reaction::CustomEmoji(_) => "custom".to_owned(),
                tl::enums::Reaction::Paid => "paid".to_owned(),
                tl::enums::Reaction::Empty => String::new(),
            },
            count: c.count,
            mine: c.chosen_order.is_some(),
        })
        .filter(|r| !r.emoji.is_empty())
        .collect()
}

impl Telegram {
    /// Forwards messages from one chat to another; returns the new messages, in order.
    pub async fn forward_messages(&self, req: ForwardMessages) -> Result<SendResult> {
        check_ids(&req.message_ids)?;
        let from = self.resolve_for(&req.from_chat, Intent::Read).await?;
        let to = self.resolve_for(&req.to_chat, Intent::Write).await?;
        self.take_write()?;
        let random_ids: Vec<i64> = req.message_ids.iter().map(|_| random_id()).collect();
        let request = tl::functions::messages::ForwardMessages {
            silent: req.silent,
            background: false,
            with_my_score: false,
            drop_author: req.drop_author,
            drop_media_captions: false,
            noforwards: false,
            allow_paid_floodskip: false,
            from_ephemeral: false,
            from_peer: (&from).into(),
            id: req.message_ids.clone(),
            random_id: random_ids.clone(),
            to_peer: (&to).into(),
            top_msg_id: None,
            reply_to: None,
            schedule_date: None,
            schedule_repeat_period: None,
            send_as: None,
            quick_reply_shortcut: None,
            effect: None,
            video_timestamp: None,
            allow_paid_stars: None,
            suggested_post: None,
        };
        let updates = self.command(&request).await?;
        let (users, chats) = updates_peers(&updates);
        self.remember(users, chats).await?;
        let messages = new_messages(&updates, &random_ids, &Peers::new(users, chats));
        if messages.is_empty() {
            return Err(Error::UnknownOutcome(
                "Telegram accepted the forward but its answer named no new message — check the chat before forwarding again".into(),
            ));
        }
        Ok(SendResult {
            message_ids: messages.iter().map(|m| m.id).collect(),
            messages,
            draft: false,
            comment_on: None,
        })
    }

    /// Deletes messages; in channels and supergroups always for everyone.
    pub async fn delete_messages(&self, req: DeleteMessages) -> Result<DeleteResult> {
        check_ids(&req.message_ids)?;
        let peer = self.resolve_for(&req.chat, Intent::Write).await?;
        self.take_write()?;
        let answer = if is_channel(&peer) {
            let request = tl::functions::channels::DeleteMessages {
                channel: (&peer).into(),
                id: req.message_ids.clone(),
            };
            self.command(&request).await?
        } else {
            let request = tl::functions::messages::DeleteMessages {
                revoke: req.for_everyone,
                id: req.message_ids.clone(),
            };
            self.command(&request).await?
        };
        let tl::enums::messages::AffectedMessages::Messages(affected) = answer;
        Ok(DeleteResult {
            deleted: affected.pts_count,
            for_everyone: req.for_everyone || is_channel(&peer),
        })
    }

    /// Pins a message (Telegram adds a "pinned" service message) or unpins it.
    pub async fn pin_message(&self, req: PinMessage) -> Result<PinResult> {
        check_id(req.message_id)?;
        let peer = self.resolve_for(&req.chat, Intent::Write).await?;
        self.take_write()?;
        let request = tl::functions::messages::UpdatePinnedMessage {
            silent: req.silent,
            unpin: req.unpin,
            pm_oneside: false,
            peer: (&peer).into(),
            id: req.message_id,
        };
        let updates = self.command(&request).await?;
        let (users, chats) = updates_peers(&updates);
        self.remember(users, chats).await?;
        let service_message_id = updates_list(&updates).into_iter().find_map(|u| match u {
            tl::enums::Update::NewMessage(m) => service_id(&m.message),
            tl::enums::Update::NewChannelMessage(m) => service_id(&m.message),
            _ => None,
        });
        Ok(PinResult {
            message_id: req.message_id,
            pinned: !req.unpin,
            service_message_id,
        })
    }

    /// Sets the account's reaction to a message, or takes it back (`emoji: None`).
    pub async fn send_reaction(&self, req: SendReaction) -> Result<ReactionResult> {
        check_id(req.message_id)?;
        let emoji = req.emoji.as_deref().map(reaction_emoji).transpose()?;
        let peer = self.resolve_for(&req.chat, Intent::Write).await?;
        self.take_write()?;
        let request = tl::functions::messages::SendReaction {
            big: false,
            add_to_recent: emoji.is_some(),
            peer: (&peer).into(),
            msg_id: req.message_id,
            reaction: Some(
                emoji
                    .into_iter()
                    .map(|emoticon| tl::types::ReactionEmoji { emoticon }.into())
                    .collect(),
            ),
        };
        let updates = self.command(&request).await?;
        let reactions = updates_list(&updates)
            .into_iter()
            .find_map(|u| match u {
                tl::enums::Update::MessageReactions(r) if r.msg_id == req.message_id => {
                    Some(reactions(&r.reactions))
                }
                _ => None,
            })
            .unwrap_or_default();
        Ok(ReactionResult {
            message_id: req.message_id,
            reactions,
        })
    }
}

fn is_channel(peer: &PeerRef) -> bool {
    peer.id.kind() == PeerKind::Channel
}

fn updates_list(updates: &tl::enums::Updates) -> Vec<&tl::enums::Update> {
    match updates {
        tl::enums::Updates::Updates(u) => u.updates.iter().collect(),
        tl::enums::Updates::Combined(u) => u.updates.iter().collect(),
        tl::enums::Updates::UpdateShort(u) => vec![&u.update],
        _ => Vec::new(),
    }
}

fn service_id(message: &tl::enums::Message) -> Option<i32> {
    match message {
        tl::enums::Message::Service(s) => Some(s.id),
        _ => None,
    }
}

/// The new messages an answer announces, in the order of `random_ids` (each matched by
/// its `updateMessageID`).
fn new_messages(updates: &tl::enums::Updates, random_ids: &[i64], peers: &Peers) -> Vec<Message> {
    let list = updates_list(updates);
    let ids: Vec<i32> = random_ids
        .iter()
        .filter_map(|random_id| {
            list.iter().find_map(|u| match u {
                tl::enums::Update::MessageId(m) if m.random_id == *random_id => Some(m.id),
                _ => None,
            })
        })
        .collect();
    let rendered: Vec<Message> = list
        .iter()
        .filter_map(|u| match u {
            tl::enums::Update::NewMessage(m) => render::message(&m.message, peers),
            tl::enums::Update::NewChannelMessage(m) => render::message(&m.message, peers),
            _ => None,
        })
        .collect();
    ids.iter()
        .filter_map(|id| rendered.iter().find(|m| m.id == *id).cloned())
        .collect()
}

//! The serde types every face returns: the JSON `tgmcp … --json` prints is the structured
//! content the MCP tools return, and each derives a JSON Schema for the tools'
//! `outputSchema`.
//!
//! Chat ids are "marked" as the Bot API marks them (user `123`, basic group `-123`,
//! channel or supergroup `-100123`), so any id an output carries can be passed back as a
//! `chat_id`. They all fit in 2^53, so they stay JSON numbers.

use grammers_tl_types as tl;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The logged-in account. The phone number is masked: outputs end up in logs and chats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Account {
    pub id: i64,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub bot: bool,
    pub premium: bool,
}

impl From<&tl::types::User> for Account {
    fn from(user: &tl::types::User) -> Self {
        Self {
            id: user.id,
            name: full_name(user.first_name.as_deref(), user.last_name.as_deref()),
            username: user.username.clone(),
            phone: user.phone.as_deref().map(mask_phone),
            bot: user.bot,
            premium: user.premium,
        }
    }
}

/// What kind of chat: a person (or bot), a group (basic or supergroup), or a broadcast
/// channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChatType {
    Private,
    Group,
    Channel,
}

/// A user, group or channel: the one shape every output uses for a chat or a sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Entity {
    /// Marked id: pass it back as `chat_id`.
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: ChatType,
    /// Display name: a person's full name, or a group's or channel's title.
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Set for bots.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub bot: bool,
    /// Members or subscribers, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members_count: Option<i32>,
    /// A broadcast channel's subscribers, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscribers_count: Option<i32>,
    /// Unread messages, when known (dialog listings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread_count: Option<i32>,
}

/// What a message carries besides text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Media {
    /// photo, document, video, audio, voice, sticker, contact, location, poll, webpage or other.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
}

/// A message, in the one shape every output uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Message {
    /// Message id within its chat.
    pub id: i32,
    pub chat: Entity,
    /// ISO 8601, UTC.
    pub date: String,
    pub text: String,
    /// Who sent it; absent for channel posts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<Entity>,
    /// Sent by the logged-in account.
    pub out: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to_msg_id: Option<i32>,
    /// ISO 8601, UTC, if edited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edit_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media: Option<Media>,
    /// https://t.me link, for chats with a public username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub reactions: Vec<Reaction>,
    /// The original's author (id 0 when they hide their account).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forwarded_from: Option<Entity>,
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub pinned: bool,
    /// Mentions the user.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub mentioned: bool,
    /// Forum topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<i32>,
    /// A service message: text says what happened.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub service: bool,
    /// Set on an incoming message above the chat's read mark, where the mark is known
    /// (get_unread, `tgmcp read`).
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub unread: bool,
}

/// One page of search results, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SearchPage {
    pub messages: Vec<Message>,
    /// More results exist: pass `cursor` back to get them.
    pub has_more: bool,
    /// Opaque; present when `has_more`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// How many messages match in all, when Telegram says (single-chat, single-term search).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i32>,
}

/// Messages fetched by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ReadResult {
    pub messages: Vec<Message>,
    /// Requested ids that do not exist in that chat (or were deleted).
    pub missing: Vec<i32>,
}

/// What was sent: one message, or several parts of a long one, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SendResult {
    pub message_ids: Vec<i32>,
    pub messages: Vec<Message>,
    /// Nothing was sent: the text was saved as a draft in the chat (draft mode), for
    /// the user to send from their Telegram app.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// Sent as a comment on this channel post (in the channel's discussion group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_on: Option<CommentOn>,
}

/// The channel post a comment answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CommentOn {
    pub chat: Entity,
    pub post_id: i32,
}

/// Chats found or listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ChatList {
    pub chats: Vec<Entity>,
}

/// A chat's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ChatInfo {
    pub chat: Entity,
    /// Bio of a person, description of a group or channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    /// A person's last-seen status: online, offline, recently, last_week, last_month, long_ago.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// ISO 8601, UTC, when Telegram shares it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread_count: Option<i32>,
    /// Groups this account shares with a person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub common_chats_count: Option<i32>,
    /// Whether this account can send messages there.
    pub can_write: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// The result of sending to a phone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PhoneSendResult {
    pub user: Entity,
    pub message_ids: Vec<i32>,
    pub messages: Vec<Message>,
    /// The contact was created for this message and removed again.
    pub contact_removed: bool,
}

/// One reaction on a message: an emoji, how many chose it, and whether the account did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Reaction {
    /// The emoji; `custom` for a custom emoji, `paid` for Telegram Stars.
    pub emoji: String,
    pub count: i32,
    /// The account chose it.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub mine: bool,
}

/// What deleting messages did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DeleteResult {
    /// How many messages Telegram deleted (ids it could not find are skipped).
    pub deleted: i32,
    /// Deleted for the other people in the chat too.
    pub for_everyone: bool,
}

/// A pin or unpin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PinResult {
    pub message_id: i32,
    pub pinned: bool,
    /// The "pinned a message" service message Telegram added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_message_id: Option<i32>,
}

/// A message's reactions after a reaction was set or taken back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ReactionResult {
    pub message_id: i32,
    pub reactions: Vec<Reaction>,
}

pub fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    match (
        first.unwrap_or_default().trim(),
        last.unwrap_or_default().trim(),
    ) {
        ("", "") => "(no name)".to_owned(),
        (f, "") => f.to_owned(),
        ("", l) => l.to_owned(),
        (f, l) => format!("{f} {l}"),
    }
}

/// `15550100001` → `+1555•••••01`: enough to tell accounts apart, not to call them.
pub fn mask_phone(digits: &str) -> String {
    let digits: Vec<char> = digits.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 6 {
        return "+•••".to_owned();
    }
    let (head, rest) = digits.split_at(4);
    let (middle, tail) = rest.split_at(rest.len() - 2);
    format!(
        "+{}{}{}",
        head.iter().collect::<String>(),
        "•".repeat(middle.len()),
        tail.iter().collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_masked() {
        assert_eq!(mask_phone("15550100001"), "+1555•••••01");
        assert_eq!(mask_phone("123"), "+•••");
    }

    #[test]
    fn names_join_cleanly() {
        assert_eq!(full_name(Some("Ann"), None), "Ann");
        assert_eq!(full_name(Some("Ann"), Some("Lee")), "Ann Lee");
        assert_eq!(full_name(None, Some(" ")), "(no name)");
    }
}

/// A chat with unread messages (`get_unread`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct UnreadChat {
    pub chat: Entity,
    pub unread_count: i32,
    pub unread_mentions: i32,
    pub unread_reactions: i32,
    pub muted: bool,
    pub archived: bool,
    pub pinned: bool,
    /// Marked unread by hand in a Telegram app.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub marked_unread: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_unread_id: Option<i32>,
    /// ISO 8601, UTC: the newest message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_message_date: Option<String>,
    /// The oldest unread messages, oldest first.
    pub messages: Vec<Message>,
    /// More unread messages exist than `messages` holds.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub cut: bool,
}

/// What the account has not read yet (`get_unread`), most recent activity first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Unread {
    pub chats: Vec<UnreadChat>,
    /// Some chats' messages were left out by the per-chat or total bound, or more chats
    /// have unread messages than were listed.
    pub cut: bool,
}

/// A read mark moved (`mark_read`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct MarkedRead {
    /// Marked id of the chat.
    pub chat_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<i32>,
    /// Read up to this message; absent: everything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_id: Option<i32>,
    /// Unread mentions and reactions were cleared too.
    pub mentions_cleared: bool,
}

/// A forum topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Topic {
    /// Pass as topic_id. The General topic is 1.
    pub id: i32,
    pub title: String,
    pub unread_count: i32,
    pub unread_mentions: i32,
    /// ISO 8601, UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_message_date: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub closed: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub pinned: bool,
}

/// A forum's topics (`list_topics`), most recent activity first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TopicList {
    pub chat: Entity,
    pub topics: Vec<Topic>,
}

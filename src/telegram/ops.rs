//! The operations both faces call, one per tool/subcommand, with typed requests.
//! (Bodies live in the sibling modules; this file is the contract.)

use super::model::ChatType;

/// How message text is formatted.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ParseMode {
    Markdown,
    Html,
}

/// `search_messages_globally`: messages.searchGlobal, one request per comma-separated term.
#[derive(Debug, Clone, Default)]
pub struct GlobalSearch {
    pub query: String,
    pub limit: usize,
    pub chat_type: Option<ChatType>,
    /// Unix seconds, inclusive.
    pub min_date: Option<i64>,
    /// Unix seconds, inclusive.
    pub max_date: Option<i64>,
    pub cursor: Option<String>,
}

/// `search_messages_in_chat`: messages.search in one chat; no query = latest messages.
#[derive(Debug, Clone, Default)]
pub struct ChatSearch {
    pub chat: String,
    pub query: Option<String>,
    pub limit: usize,
    pub min_date: Option<i64>,
    pub max_date: Option<i64>,
    pub from_user: Option<String>,
    /// Read the replies to this message (a thread).
    pub reply_to_msg_id: Option<i32>,
    pub cursor: Option<String>,
    /// Only this forum topic's messages.
    pub topic_id: Option<i32>,
}

/// `send_message`.
#[derive(Debug, Clone, Default)]
pub struct SendMessage {
    pub chat: String,
    pub text: String,
    pub reply_to: Option<i32>,
    pub parse_mode: Option<ParseMode>,
    pub silent: bool,
    pub no_preview: bool,
    /// Most messages a long text may be split into; `None` is
    /// [`super::send::DEFAULT_MAX_PARTS`]. More is refused before anything is sent.
    pub max_parts: Option<usize>,
    /// Post in this forum topic.
    pub topic_id: Option<i32>,
}

/// `edit_message`.
#[derive(Debug, Clone, Default)]
pub struct EditMessage {
    pub chat: String,
    pub message_id: i32,
    pub text: String,
    pub parse_mode: Option<ParseMode>,
}

/// `find_chats`: contacts, dialogs and global results; no query = recent dialogs.
#[derive(Debug, Clone, Default)]
pub struct FindChats {
    pub query: Option<String>,
    pub limit: usize,
    pub chat_type: Option<ChatType>,
}

/// `send_message_to_phone`.
#[derive(Debug, Clone, Default)]
pub struct SendToPhone {
    pub phone: String,
    pub text: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub remove_if_new: bool,
    pub parse_mode: Option<ParseMode>,
    pub reply_to: Option<i32>,
}

/// `get_unread`: the chats with unread messages, and each one's oldest unread messages.
#[derive(Debug, Clone)]
pub struct GetUnread {
    pub include_messages: bool,
    /// Most messages per chat.
    pub per_chat_limit: usize,
    /// Most messages in all.
    pub total_limit: usize,
    /// Most chats listed.
    pub chat_limit: usize,
    pub include_muted: bool,
    pub include_archived: bool,
    pub chat_type: Option<ChatType>,
    /// A chat folder, by id or title.
    pub folder: Option<String>,
}

impl Default for GetUnread {
    fn default() -> Self {
        Self {
            include_messages: true,
            per_chat_limit: 20,
            total_limit: 200,
            chat_limit: 50,
            include_muted: false,
            include_archived: false,
            chat_type: None,
            folder: None,
        }
    }
}

/// `mark_read`.
#[derive(Debug, Clone, Default)]
pub struct MarkRead {
    pub chat: String,
    /// Up to this message; `None` is everything (and clears mentions and reactions).
    pub max_id: Option<i32>,
    pub topic_id: Option<i32>,
}

/// `list_topics`.
#[derive(Debug, Clone, Default)]
pub struct ListTopics {
    pub chat: String,
    pub query: Option<String>,
    pub limit: usize,
}

/// `forward_messages`.
#[derive(Debug, Clone, Default)]
pub struct ForwardMessages {
    pub from_chat: String,
    pub message_ids: Vec<i32>,
    pub to_chat: String,
    /// Send as copies: no "forwarded from" header.
    pub drop_author: bool,
    pub silent: bool,
}

/// `delete_messages`.
#[derive(Debug, Clone, Default)]
pub struct DeleteMessages {
    pub chat: String,
    pub message_ids: Vec<i32>,
    /// Also for the other people in the chat (channels and supergroups: always).
    pub for_everyone: bool,
}

/// `pin_message`.
#[derive(Debug, Clone, Default)]
pub struct PinMessage {
    pub chat: String,
    pub message_id: i32,
    pub unpin: bool,
    pub silent: bool,
}

/// `send_reaction`.
#[derive(Debug, Clone, Default)]
pub struct SendReaction {
    pub chat: String,
    pub message_id: i32,
    /// `None` takes the account's reaction back.
    pub emoji: Option<String>,
}

//! Arguments of the inbox tools (`get_unread`, `mark_read`, `list_topics`).

use schemars::JsonSchema;
use serde::Deserialize;

use super::params::ChatId;
use crate::error::Result;
use crate::telegram::{ChatType, GetUnread, ListTopics, MarkRead};

fn yes() -> bool {
    true
}
fn per_chat() -> u32 {
    20
}
fn total() -> u32 {
    200
}
fn chats() -> u32 {
    50
}
fn topics() -> u32 {
    100
}

/// Arguments of `get_unread`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetUnreadArgs {
    /// Each chat's oldest unread messages too.
    #[serde(default = "yes")]
    pub include_messages: bool,
    /// Messages per chat.
    #[serde(default = "per_chat")]
    #[schemars(range(min = 1, max = 100))]
    pub per_chat_limit: u32,
    /// Messages in all.
    #[serde(default = "total")]
    #[schemars(range(min = 1, max = 1000))]
    pub total_limit: u32,
    #[serde(default = "chats")]
    #[schemars(range(min = 1, max = 100))]
    pub chat_limit: u32,
    #[serde(default)]
    pub include_muted: bool,
    #[serde(default)]
    pub include_archived: bool,
    pub chat_type: Option<ChatType>,
    /// A chat folder's title or id.
    pub folder: Option<String>,
}

impl GetUnreadArgs {
    pub fn into_request(self) -> GetUnread {
        GetUnread {
            include_messages: self.include_messages,
            per_chat_limit: self.per_chat_limit as usize,
            total_limit: self.total_limit as usize,
            chat_limit: self.chat_limit as usize,
            include_muted: self.include_muted,
            include_archived: self.include_archived,
            chat_type: self.chat_type,
            folder: self.folder,
        }
    }
}

/// Arguments of `mark_read`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkReadArgs {
    pub chat_id: ChatId,
    #[schemars(range(min = 1, max = i32::MAX))]
    pub max_id: Option<i32>,
    #[schemars(range(min = 1, max = i32::MAX))]
    pub topic_id: Option<i32>,
}

impl MarkReadArgs {
    pub fn into_request(self) -> MarkRead {
        MarkRead {
            chat: self.chat_id.into_peer(),
            max_id: self.max_id,
            topic_id: self.topic_id,
        }
    }
}

/// Arguments of `list_topics`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListTopicsArgs {
    /// A forum supergroup.
    pub chat_id: ChatId,
    /// Words of the title.
    pub query: Option<String>,
    #[serde(default = "topics")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: u32,
}

impl ListTopicsArgs {
    pub fn into_request(self) -> Result<ListTopics> {
        Ok(ListTopics {
            chat: self.chat_id.into_peer(),
            query: self.query,
            limit: self.limit as usize,
        })
    }
}

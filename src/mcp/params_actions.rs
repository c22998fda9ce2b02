//! Arguments of the tools that act on messages: forward, delete, pin, react.

use schemars::JsonSchema;
use serde::Deserialize;

use super::params::ChatId;
use crate::telegram::{DeleteMessages, ForwardMessages, PinMessage, SendReaction};

/// Arguments of `forward_messages`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardMessagesArgs {
    pub from_chat_id: ChatId,
    /// At most 100, in order.
    #[schemars(inner(range(min = 1, max = i32::MAX)))]
    pub message_ids: Vec<i32>,
    pub to_chat_id: ChatId,
    /// Send copies, without "forwarded from".
    #[serde(default)]
    pub drop_author: bool,
    /// Without a notification.
    #[serde(default)]
    pub silent: bool,
}

impl ForwardMessagesArgs {
    pub fn into_request(self) -> ForwardMessages {
        ForwardMessages {
            from_chat: self.from_chat_id.into_peer(),
            message_ids: self.message_ids,
            to_chat: self.to_chat_id.into_peer(),
            drop_author: self.drop_author,
            silent: self.silent,
        }
    }
}

/// Arguments of `delete_messages`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMessagesArgs {
    pub chat_id: ChatId,
    /// At most 100.
    #[schemars(inner(range(min = 1, max = i32::MAX)))]
    pub message_ids: Vec<i32>,
    #[serde(default)]
    pub for_everyone: bool,
}

impl DeleteMessagesArgs {
    pub fn into_request(self) -> DeleteMessages {
        DeleteMessages {
            chat: self.chat_id.into_peer(),
            message_ids: self.message_ids,
            for_everyone: self.for_everyone,
        }
    }
}

/// Arguments of `pin_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PinMessageArgs {
    pub chat_id: ChatId,
    #[schemars(range(min = 1, max = i32::MAX))]
    pub message_id: i32,
    /// Unpin it instead.
    #[serde(default)]
    pub unpin: bool,
    /// Without a notification.
    #[serde(default)]
    pub silent: bool,
}

impl PinMessageArgs {
    pub fn into_request(self) -> PinMessage {
        PinMessage {
            chat: self.chat_id.into_peer(),
            message_id: self.message_id,
            unpin: self.unpin,
            silent: self.silent,
        }
    }
}

/// Arguments of `send_reaction`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendReactionArgs {
    pub chat_id: ChatId,
    #[schemars(range(min = 1, max = i32::MAX))]
    pub message_id: i32,
    pub emoji: Option<String>,
}

impl SendReactionArgs {
    pub fn into_request(self) -> SendReaction {
        SendReaction {
            chat: self.chat_id.into_peer(),
            message_id: self.message_id,
            emoji: self.emoji,
        }
    }
}

//! Arguments of `wait_for_messages`.

use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;

use super::params::ChatId;
use crate::error::{Error, Result};

/// Longest one wait may last.
pub const MAX_TIMEOUT_S: u32 = 120;

fn default_timeout() -> u32 {
    60
}

fn default_quiet() -> f64 {
    2.0
}

/// Arguments of `wait_for_messages`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitForMessages {
    /// Only this chat.
    pub chat_id: Option<ChatId>,
    /// Only these chats.
    pub chat_ids: Option<Vec<ChatId>>,
    /// Return messages newer than this id at once, if any (needs one chat).
    #[schemars(range(min = 0, max = i32::MAX))]
    pub since_message_id: Option<i32>,
    /// 0: only what since_message_id finds.
    #[serde(default = "default_timeout")]
    #[schemars(range(min = 0, max = 120))]
    pub timeout_s: u32,
    #[serde(default = "default_quiet")]
    #[schemars(range(min = 0, max = 30))]
    pub quiet_s: f64,
}

/// A wait, checked.
#[derive(Debug)]
pub struct Wait {
    pub chats: Vec<String>,
    pub since: Option<i32>,
    pub timeout: Duration,
    pub quiet: Duration,
}

impl WaitForMessages {
    pub fn into_request(self) -> Result<Wait> {
        let chats: Vec<String> = self
            .chat_id
            .into_iter()
            .chain(self.chat_ids.unwrap_or_default())
            .map(ChatId::into_peer)
            .collect();
        if chats.len() > 100 {
            return Err(Error::InvalidInput(format!(
                "chat_ids may name at most 100 chats, not {}",
                chats.len()
            )));
        }
        if self.since_message_id.is_some() && chats.len() != 1 {
            return Err(Error::InvalidInput(
                "since_message_id needs exactly one chat (message ids count per chat) — pass chat_id too"
                    .into(),
            ));
        }
        if self.timeout_s > MAX_TIMEOUT_S {
            return Err(Error::InvalidInput(format!(
                "timeout_s must be 0 to {MAX_TIMEOUT_S}, not {}",
                self.timeout_s
            )));
        }
        if !(0.0..=30.0).contains(&self.quiet_s) {
            return Err(Error::InvalidInput(format!(
                "quiet_s must be 0 to 30, not {}",
                self.quiet_s
            )));
        }
        Ok(Wait {
            chats,
            since: self.since_message_id.filter(|id| *id > 0),
            timeout: Duration::from_secs(u64::from(self.timeout_s)),
            quiet: Duration::from_secs_f64(self.quiet_s),
        })
    }
}

//! Reading messages by id.

use grammers_session::types::{PeerId, PeerKind};
use grammers_tl_types as tl;

use super::client::Telegram;
use super::model::ReadResult;
use super::render::{self, MessagesPage, Peers};
use crate::error::{Error, Result};

/// Telegram's cap on ids per request.
pub const MAX_IDS: usize = 100;

impl Telegram {
    /// Messages `ids` of `chat`, in the order asked; ids that do not exist there (or were
    /// deleted) are listed in `missing`, not dropped silently.
    pub async fn read_messages(&self, chat: &str, ids: &[i32]) -> Result<ReadResult> {
        if ids.is_empty() || ids.len() > MAX_IDS {
            return Err(Error::InvalidInput(format!(
                "message_ids must hold 1 to {MAX_IDS} ids, got {}",
                ids.len()
            )));
        }
        if let Some(bad) = ids.iter().find(|id| **id <= 0) {
            return Err(Error::InvalidInput(format!(
                "message id {bad} is not valid: ids are positive"
            )));
        }
        let peer = self.resolve(chat).await?;
        let input_ids: Vec<tl::enums::InputMessage> = ids
            .iter()
            .map(|&id| tl::types::InputMessageId { id }.into())
            .collect();
        let answer = if peer.id.kind() == PeerKind::Channel {
            let request = tl::functions::channels::GetMessages {
                channel: (&peer).into(),
                id: input_ids,
            };
            self.query(&request).await?
        } else {
            let request = tl::functions::messages::GetMessages { id: input_ids };
            self.query(&request).await?
        };
        let page = MessagesPage::from(answer);
        self.remember(&page.users, &page.chats).await?;
        let peers = Peers::new(&page.users, &page.chats);

        // Private chats and basic groups share one id space per account: an id may name a
        // message of another chat, which is "missing" from this one.
        let wanted = if peer.id == PeerId::self_user() {
            self.self_id().await?
        } else {
            peer.id.bot_api_dialog_id_unchecked()
        };
        let mut found: Vec<_> = page
            .messages
            .iter()
            .filter_map(|m| render::message(m, &peers))
            .filter(|m| m.chat.id == wanted)
            .collect();
        found.sort_by_key(|m| ids.iter().position(|id| *id == m.id));
        let missing = ids
            .iter()
            .copied()
            .filter(|id| !found.iter().any(|m| m.id == *id))
            .collect();
        Ok(ReadResult {
            messages: found,
            missing,
        })
    }
}

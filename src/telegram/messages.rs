//! Reading messages by id.

use grammers_session::types::{PeerId, PeerKind, PeerRef};
use grammers_tl_types as tl;

use super::client::Telegram;
use super::model::{Message, ReadResult};
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
        let mut found: Vec<Message> = self
            .messages_of(&peer, ids)
            .await?
            .into_iter()
            .map(|(_, message)| message)
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

    /// Messages `ids` of the chat `peer`, each raw and rendered, in Telegram's order. Only
    /// that chat's: private chats and basic groups share one id space per account, so an
    /// id may name another chat's message, which is left out here.
    pub(super) async fn messages_of(
        &self,
        peer: &PeerRef,
        ids: &[i32],
    ) -> Result<Vec<(tl::enums::Message, Message)>> {
        let input_ids: Vec<tl::enums::InputMessage> = ids
            .iter()
            .map(|&id| tl::types::InputMessageId { id }.into())
            .collect();
        let answer = if peer.id.kind() == PeerKind::Channel {
            let request = tl::functions::channels::GetMessages {
                channel: peer.into(),
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
        let wanted = if peer.id == PeerId::self_user() {
            self.self_id().await?
        } else {
            peer.id.bot_api_dialog_id_unchecked()
        };
        Ok(page
            .messages
            .into_iter()
            .filter_map(|raw| {
                let rendered = render::message(&raw, &peers)?;
                (rendered.chat.id == wanted).then_some((raw, rendered))
            })
            .collect())
    }
}

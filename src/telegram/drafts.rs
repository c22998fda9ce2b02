//! Draft mode (`serve --drafts`, or a chat in the access list's `draft`): `send_message`
//! saves a Telegram draft in the chat (`messages.saveDraft`) instead of sending, so the
//! user sees the text in their own Telegram app and sends it themselves.

use grammers_session::types::PeerRef;
use grammers_tl_types as tl;

use super::access::Intent;
use super::client::Telegram;
use super::model::SendResult;
use super::peers::parse_chat;
use super::send::MAX_MESSAGE_LEN;
use crate::error::{Error, Result};

impl Telegram {
    /// The peer `send_message` goes to, and whether it saves a draft there instead: in
    /// draft mode always; with an access list, for a chat listed under `draft` — which
    /// need not be writable, since a draft sends nothing.
    pub(crate) async fn send_target(&self, chat: &str) -> Result<(PeerRef, bool)> {
        match self.resolve_for(chat, Intent::Write).await {
            Ok(peer) => {
                let draft = self.drafts_only() || self.drafts_to(peer.id).await?;
                Ok((peer, draft))
            }
            Err(refused @ Error::Forbidden(_)) => match self.draft_only_chat(chat).await {
                Some(peer) => Ok((peer, true)),
                None => Err(refused),
            },
            Err(e) => Err(e),
        }
    }

    /// A chat the access list lets this server draft in but not write to.
    async fn draft_only_chat(&self, chat: &str) -> Option<PeerRef> {
        let chat_ref = parse_chat(chat).ok()?;
        let peer = self.resolve_ref(&chat_ref, chat).await.ok()?;
        self.drafts_to(peer.id).await.ok()?.then_some(peer)
    }

    /// Saves `text` as the draft of `peer` (replacing any draft there).
    pub(crate) async fn save_draft(
        &self,
        peer: &PeerRef,
        text: &str,
        entities: Vec<tl::enums::MessageEntity>,
        reply_to: Option<i32>,
        no_preview: bool,
    ) -> Result<SendResult> {
        if super::send::utf16_len(text) > MAX_MESSAGE_LEN {
            return Err(Error::InvalidInput(format!(
                "a draft must fit in {MAX_MESSAGE_LEN} characters; it cannot be split like a message — shorten it"
            )));
        }
        let request = tl::functions::messages::SaveDraft {
            no_webpage: no_preview,
            invert_media: false,
            reply_to: reply_to.map(super::send::reply_header),
            peer: peer.into(),
            message: text.to_owned(),
            entities: (!entities.is_empty()).then_some(entities),
            media: None,
            effect: None,
            suggested_post: None,
            rich_message: None,
        };
        self.command(&request).await?;
        Ok(SendResult {
            message_ids: Vec::new(),
            messages: Vec::new(),
            draft: true,
            comment_on: None,
        })
    }
}

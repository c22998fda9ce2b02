//! New messages as they arrive: the updates Telegram pushes, in order and without gaps.
//!
//! grammers' update receiver does the bookkeeping Telegram asks of a client: it follows
//! each box's pts, and when a connection drops or an update is missing it fills the gap
//! with `updates.getDifference` / `updates.getChannelDifference`. So a message that
//! arrived while the connection was down comes out here once, like any other.
//!
//! The starting point is taken with `updates.getState` *before* [`NewMessages`] is handed
//! out: everything after that moment reaches the caller, nothing before it does (that is
//! what history is for).

use std::sync::Arc;
use std::time::Duration;

use grammers_client::Client;
use grammers_mtsender::{InvocationError, UpdatesConfiguration, UpdatesReceiver};
use grammers_session::Session as _;
use grammers_session::types::{PeerId, PeerInfo, UpdateState, UpdatesState};
use grammers_tl_types as tl;
use schemars::JsonSchema;
use serde::Serialize;

use super::client::Telegram;
use super::model::Message;
use super::render::{self, MessagesPage, Peers};
use super::session::FileSession;
use crate::error::{Error, Result};

/// Longest pause between attempts to reach Telegram again after the connection failed.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// New messages, as `wait_for_messages` and `tgmcp watch` return them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct NewMessagesPage {
    /// Oldest first; empty when none arrived in time.
    pub messages: Vec<Message>,
}

/// The messages that arrive from now on, in every chat of the account.
pub struct NewMessages {
    receiver: UpdatesReceiver,
    client: Client,
    session: Arc<FileSession>,
}

impl Telegram {
    /// Starts following new messages. Needs a client opened with
    /// [`super::ConnectOptions::updates`], and works once per client.
    pub async fn new_messages(&self) -> Result<NewMessages> {
        let updates = self.take_updates().ok_or_else(|| {
            Error::Config(
                "this connection does not keep Telegram's updates (or already hands them out)"
                    .into(),
            )
        })?;
        // Caches the account as self, which grammers needs to follow updates at all.
        self.me().await?;
        let tl::enums::updates::State::State(state) =
            self.query(&tl::functions::updates::GetState {}).await?;
        let session = grammers_session::storages::erase(Arc::clone(self.session_arc()));
        session
            .set_update_state(UpdateState::All(UpdatesState {
                pts: state.pts,
                qts: state.qts,
                date: state.date,
                seq: state.seq,
                channels: Vec::new(),
            }))
            .await
            .map_err(|e| Error::Session(e.to_string()))?;
        let receiver = UpdatesReceiver::create(
            self.sender_handle(),
            session,
            updates,
            // Resume from the state just stored (not a second getState, which would skip
            // what arrived in between).
            UpdatesConfiguration { catch_up: true },
        )
        .await
        .map_err(|e| Error::Session(e.to_string()))?;
        Ok(NewMessages {
            receiver,
            client: self.client().clone(),
            session: Arc::clone(self.session_arc()),
        })
    }
}

impl NewMessages {
    /// The next new messages (one or more, oldest first). Waits as long as it takes; a
    /// lost connection is dialed again with a growing pause, and what arrived meanwhile
    /// is fetched then. Fails only when the account is logged out or the client closed.
    pub async fn next(&mut self) -> Result<Vec<Message>> {
        let mut backoff = Duration::from_millis(250);
        loop {
            let (updates, users, chats) = match self.receiver.next().await {
                Ok(batch) => batch,
                Err(InvocationError::Dropped(reason)) if reason.contains("updates channel") => {
                    return Err(Error::Network("the Telegram connection was closed".into()));
                }
                Err(e) => match Error::from(e) {
                    Error::Network(reason) | Error::Timeout(reason) => {
                        tracing::debug!(%reason, "updates: connection lost, trying again");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                    other => return Err(other),
                },
            };
            backoff = Duration::from_millis(250);
            self.remember(&users, &chats).await;
            let peers = Peers::new(&users, &chats);
            let mut messages = Vec::new();
            for (update, _) in updates {
                let raw = match update {
                    tl::enums::Update::NewMessage(u) => u.message,
                    tl::enums::Update::NewChannelMessage(u) => u.message,
                    _ => continue,
                };
                let Some(mut message) = render::message(&raw, &peers) else {
                    continue;
                };
                if message.chat.title.is_empty() {
                    // A short update (updateShortMessage) names the chat by id only.
                    if let Some(full) = self.reread(&raw).await {
                        message = full;
                    }
                }
                messages.push(message);
            }
            if !messages.is_empty() {
                return Ok(messages);
            }
        }
    }

    /// Caches the peers an update carried, so a later gap in their channel can be filled.
    async fn remember(&self, users: &[tl::enums::User], chats: &[tl::enums::Chat]) {
        let infos: Vec<PeerInfo> = users
            .iter()
            .filter(|u| matches!(u, tl::enums::User::User(u) if !u.min))
            .map(PeerInfo::from)
            .chain(
                chats
                    .iter()
                    .filter(|c| !matches!(c, tl::enums::Chat::Channel(c) if c.min))
                    .map(PeerInfo::from),
            )
            .collect();
        if !infos.is_empty()
            && let Err(e) = self.session.cache_peers(infos).await
        {
            tracing::debug!("updates: caching peers failed: {e}");
        }
    }

    /// The message read again, with its chat and sender described; `None` when that
    /// fails (the bare rendering is kept then).
    async fn reread(&self, raw: &tl::enums::Message) -> Option<Message> {
        let (id, peer) = match raw {
            tl::enums::Message::Message(m) => (m.id, m.peer_id.clone()),
            tl::enums::Message::Service(m) => (m.id, m.peer_id.clone()),
            tl::enums::Message::Empty(_) => return None,
        };
        let ids = vec![tl::types::InputMessageId { id }.into()];
        let answer = match peer {
            tl::enums::Peer::Channel(c) => {
                let info = self
                    .session
                    .peer(PeerId::channel(c.channel_id)?)
                    .await
                    .ok()??;
                let PeerInfo::Channel {
                    id,
                    auth: Some(auth),
                    ..
                } = info
                else {
                    return None;
                };
                let request = tl::functions::channels::GetMessages {
                    channel: tl::types::InputChannel {
                        channel_id: id,
                        access_hash: auth.hash(),
                    }
                    .into(),
                    id: ids,
                };
                self.client.invoke(&request).await.ok()?
            }
            _ => {
                let request = tl::functions::messages::GetMessages { id: ids };
                self.client.invoke(&request).await.ok()?
            }
        };
        let page = MessagesPage::from(answer);
        self.remember(&page.users, &page.chats).await;
        let peers = Peers::new(&page.users, &page.chats);
        page.messages
            .iter()
            .find_map(|m| render::message(m, &peers))
    }
}

impl Telegram {
    /// Messages of `chat` newer than `since` (at most `limit`), oldest first: what a
    /// waiter that last saw `since` has missed.
    pub async fn messages_after(&self, chat: &str, since: i32, limit: i32) -> Result<Vec<Message>> {
        let peer = self.resolve(chat).await?;
        let request = tl::functions::messages::GetHistory {
            peer: (&peer).into(),
            offset_id: 0,
            offset_date: 0,
            add_offset: 0,
            limit,
            max_id: 0,
            min_id: since,
            hash: 0,
        };
        let page = MessagesPage::from(self.query(&request).await?);
        self.remember(&page.users, &page.chats).await?;
        let peers = Peers::new(&page.users, &page.chats);
        let mut messages: Vec<Message> = page
            .messages
            .iter()
            .filter_map(|m| render::message(m, &peers))
            .filter(|m| m.id > since)
            .collect();
        messages.sort_by_key(|m| m.id);
        Ok(messages)
    }

    /// The marked id of the chat `chat` names (as [`Message::chat`] carries it).
    pub async fn chat_id_of(&self, chat: &str) -> Result<i64> {
        let peer = self.resolve(chat).await?;
        if peer.id == PeerId::self_user() {
            self.self_id().await
        } else {
            Ok(peer.id.bot_api_dialog_id_unchecked())
        }
    }
}

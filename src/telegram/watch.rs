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
        let updates = self.take_kept_updates().await.ok_or_else(|| {
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

type UpdatesChannel = tokio::sync::mpsc::Receiver<grammers_session::updates::UpdatesLike>;

/// A client's updates, kept for whoever follows them first. Until then they may be
/// drained ([`KeptUpdates::drain`]): read and dropped as they come, so grammers' bounded
/// channel never fills (it would drop updates and, after a while, warn "updates channel
/// full"), and an unread burst costs no memory. Dropping them loses nothing: a follower
/// starts from `updates.getState`, and what came before is history.
pub(crate) struct KeptUpdates(std::sync::Mutex<Kept>);

enum Kept {
    Gone,
    Held(UpdatesChannel),
    Draining {
        stop: tokio::sync::oneshot::Sender<()>,
        task: tokio::task::JoinHandle<UpdatesChannel>,
    },
}

impl KeptUpdates {
    pub(crate) fn new(updates: Option<UpdatesChannel>) -> Self {
        Self(std::sync::Mutex::new(
            updates.map_or(Kept::Gone, Kept::Held),
        ))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The channel, unless it is being drained or was taken.
    pub(crate) fn take_held(&self) -> Option<UpdatesChannel> {
        let mut kept = self.lock();
        match std::mem::replace(&mut *kept, Kept::Gone) {
            Kept::Held(updates) => Some(updates),
            other => {
                *kept = other;
                None
            }
        }
    }

    /// Starts dropping updates until [`KeptUpdates::take`].
    pub(crate) fn drain(&self) {
        let mut kept = self.lock();
        let Kept::Held(mut updates) = std::mem::replace(&mut *kept, Kept::Gone) else {
            return;
        };
        let (stop, mut stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(async move {
            let mut dropped = 0u64;
            loop {
                tokio::select! {
                    biased;
                    _ = &mut stopped => break,
                    update = updates.recv() => match update {
                        Some(_) => dropped += 1,
                        None => break,
                    },
                }
            }
            tracing::debug!(dropped, "updates dropped before anyone followed them");
            updates
        });
        *kept = Kept::Draining { stop, task };
    }

    /// The channel, drained up to now or held; `None` once taken.
    pub(crate) async fn take(&self) -> Option<UpdatesChannel> {
        let kept = std::mem::replace(&mut *self.lock(), Kept::Gone);
        match kept {
            Kept::Gone => None,
            Kept::Held(updates) => Some(updates),
            Kept::Draining { stop, task } => {
                let _ = stop.send(());
                task.await.ok()
            }
        }
    }
}

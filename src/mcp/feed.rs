//! One stream of new messages per account, shared by every waiting tool call and every
//! resource subscription of every MCP session on it.
//!
//! Started on first use (a server nobody asks for new messages costs no update traffic),
//! stopped with the link. Waiters subscribe before they look at history, so nothing that
//! arrives in between is missed; they drop what they saw twice.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::sync::broadcast;
use tokio::task::AbortHandle;

use crate::error::{Error, Result};
use crate::telegram::{Message, Telegram};

/// How many messages a slow subscriber may fall behind before it misses some.
const CAPACITY: usize = 1024;

#[derive(Debug, Clone)]
pub enum Event {
    Message(Arc<Message>),
    /// The stream stopped for good (logged out, shutting down).
    Ended(Error),
}

pub struct Feed {
    events: broadcast::Sender<Event>,
    /// Subscribed before the stream started, for the first subscriber (the caller that
    /// started it): what arrives before it subscribes is not lost to it.
    first: std::sync::Mutex<Option<broadcast::Receiver<Event>>>,
    ended: Arc<std::sync::Mutex<Option<Error>>>,
    task: AbortHandle,
}

impl Feed {
    /// Starts following `telegram`'s new messages; the stream has its starting point once
    /// this returns.
    pub async fn start(telegram: &Telegram) -> Result<Self> {
        let mut messages = telegram.new_messages().await?;
        let (events, first) = broadcast::channel(CAPACITY);
        let ended = Arc::new(std::sync::Mutex::new(None));
        let sender = events.clone();
        let end = Arc::clone(&ended);
        let task = tokio::spawn(async move {
            loop {
                match messages.next().await {
                    Ok(batch) => {
                        for message in batch {
                            let _ = sender.send(Event::Message(Arc::new(message)));
                        }
                    }
                    Err(e) => {
                        tracing::warn!("new messages stopped: {e}");
                        *end.lock().unwrap_or_else(|e| e.into_inner()) = Some(e.clone());
                        let _ = sender.send(Event::Ended(e));
                        break;
                    }
                }
            }
        });
        Ok(Self {
            events,
            first: std::sync::Mutex::new(Some(first)),
            ended,
            task: task.abort_handle(),
        })
    }

    /// Everything from now on (the first subscriber: since the stream started); an error
    /// if the stream already ended.
    pub fn subscribe(&self) -> Result<broadcast::Receiver<Event>> {
        let first = self.first.lock().unwrap_or_else(|e| e.into_inner()).take();
        let receiver = first.unwrap_or_else(|| self.events.subscribe());
        match self.ended.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            Some(error) => Err(error),
            None => Ok(receiver),
        }
    }

    /// Whether the stream stopped (its client closed or logged out).
    pub fn has_ended(&self) -> bool {
        self.ended
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
            || self.task.is_finished()
    }

    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Which messages one waiter or subscriber is shown. The one place results are filtered
/// by chat, so an access list can hook in here.
#[derive(Debug, Clone, Default)]
pub struct ChatFilter {
    /// Marked chat ids; `None` = every chat.
    chats: Option<HashSet<i64>>,
}

impl ChatFilter {
    pub fn only(chats: impl IntoIterator<Item = i64>) -> Self {
        Self {
            chats: Some(chats.into_iter().collect()),
        }
    }

    pub fn admits(&self, message: &Message) -> bool {
        self.chats
            .as_ref()
            .is_none_or(|chats| chats.contains(&message.chat.id))
    }
}

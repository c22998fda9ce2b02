//! Resources: the account, its chats, one chat and its latest messages, as JSON; and
//! subscriptions to a chat's messages, answered with `notifications/resources/updated`
//! for each new one (legacy `resources/subscribe`, and `subscriptions/listen` under
//! protocol 2026-07-28).
//!
//! Subscriptions belong to the server instance, that is to one MCP session: a hosted
//! server with many sessions keeps each session's own.

use std::collections::HashMap;
use std::sync::Mutex;

use rmcp::ErrorData;
use rmcp::model::{
    CompleteRequestParams, CompleteResult, CompletionInfo, ListResourceTemplatesResult,
    ListResourcesResult, ReadResourceResult, Reference, Resource, ResourceContents,
    ResourceTemplate, ResourceUpdatedNotificationParam, SubscriptionFilter,
};
use rmcp::service::{Peer, RoleServer};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::AbortHandle;

use super::feed::{ChatFilter, Event};
use super::server::TelegramServer;
use crate::error::{Error, Result};
use crate::telegram::access::{ChatFacts, Resolved};
use crate::telegram::{ChatSearch, Entity, FindChats, Intent, Message};

/// The access list in force (`None`: every chat may be read).
pub(super) type Readable = Option<std::sync::Arc<Resolved>>;

pub const ME: &str = "tg://me";
pub const CHATS: &str = "tg://chats";
const CHAT_TEMPLATE: &str = "tg://chat/{chat}";
const MESSAGES_TEMPLATE: &str = "tg://chat/{chat}/messages";
/// Latest messages a `tg://chat/{chat}/messages` read returns.
const PAGE: usize = 50;

/// What a `tg://` URI names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uri {
    Me,
    Chats,
    Chat(String),
    Messages(String),
}

impl Uri {
    pub fn parse(uri: &str) -> Result<Self> {
        let unknown = || {
            Error::InvalidInput(format!(
                "no resource {uri:?} — the resources are {ME}, {CHATS}, {CHAT_TEMPLATE} and {MESSAGES_TEMPLATE}"
            ))
        };
        let rest = uri.strip_prefix("tg://").ok_or_else(unknown)?;
        match rest {
            "me" => return Ok(Self::Me),
            "chats" => return Ok(Self::Chats),
            _ => {}
        }
        let chat = rest.strip_prefix("chat/").ok_or_else(unknown)?;
        let (chat, messages) = match chat.strip_suffix("/messages") {
            Some(chat) => (chat, true),
            None => (chat, false),
        };
        let chat = percent_decode(chat);
        if chat.is_empty() || chat.contains('/') {
            return Err(unknown());
        }
        Ok(if messages {
            Self::Messages(chat)
        } else {
            Self::Chat(chat)
        })
    }
}

/// `%40` → `@` and the like, for clients that encode template values.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn json_contents<T: Serialize>(uri: &str, value: &T) -> Result<ReadResourceResult> {
    let text = serde_json::to_string(value)
        .map_err(|e| Error::InvalidInput(format!("cannot encode {uri}: {e}")))?;
    Ok(ReadResourceResult::new(vec![
        ResourceContents::TextResourceContents {
            uri: uri.to_owned(),
            mime_type: Some("application/json".into()),
            text,
            meta: None,
        },
    ]))
}

/// The resource subscriptions of one MCP session, by URI.
#[derive(Default)]
pub struct Subscriptions(Mutex<HashMap<String, AbortHandle>>);

impl Subscriptions {
    fn insert(&self, uri: String, task: AbortHandle) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = map.insert(uri, task) {
            old.abort();
        }
    }

    fn remove(&self, uri: &str) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(task) = map.remove(uri) {
            task.abort();
        }
    }
}

impl Drop for Subscriptions {
    fn drop(&mut self) {
        let map = self.0.get_mut().unwrap_or_else(|e| e.into_inner());
        map.values().for_each(AbortHandle::abort);
    }
}

/// A failure as a JSON-RPC error: resources have no tool-error channel.
pub fn rpc_error(error: &Error) -> ErrorData {
    match error {
        Error::InvalidInput(_) | Error::PeerNotFound(_) | Error::NotFound(_) => {
            ErrorData::invalid_params(error.to_string(), None)
        }
        _ => ErrorData::internal_error(error.to_string(), None),
    }
}

impl TelegramServer {
    /// The access list in force for this call, resolved once (`None`: every chat).
    pub(super) async fn readable(&self) -> Result<Readable> {
        self.telegram().await?.access().await
    }

    /// Whether results from `chat` may be shown to this session: the one place an
    /// access list decides what resources, completions and waits return. (Chats named
    /// in a request are checked earlier, when the core resolves them.)
    pub(super) fn may_read(readable: &Readable, chat: &Entity) -> bool {
        readable
            .as_ref()
            .is_none_or(|list| list.permits(&ChatFacts::of(chat), Intent::Read))
    }

    /// [`TelegramServer::may_read`] on a message.
    pub(super) fn admits(readable: &Readable, filter: &ChatFilter, message: &Message) -> bool {
        filter.admits(message) && Self::may_read(readable, &message.chat)
    }

    pub(super) fn resource_list() -> ListResourcesResult {
        ListResourcesResult::with_all_items(vec![
            Resource::new(ME, "me")
                .with_title("Your Telegram account")
                .with_mime_type("application/json"),
            Resource::new(CHATS, "chats")
                .with_title("Your chats, newest first, with unread counts")
                .with_mime_type("application/json"),
        ])
    }

    pub(super) fn resource_templates() -> ListResourceTemplatesResult {
        ListResourceTemplatesResult::with_all_items(vec![
            template(
                CHAT_TEMPLATE,
                "chat",
                "One chat's profile (chat: @username, id or me)",
            ),
            template(
                MESSAGES_TEMPLATE,
                "chat_messages",
                "One chat's latest messages; subscribe to hear of new ones",
            ),
        ])
    }

    pub(super) async fn read(&self, uri: &str) -> Result<ReadResourceResult> {
        let telegram = self.telegram().await?;
        match Uri::parse(uri)? {
            Uri::Me => json_contents(uri, &telegram.me().await?),
            Uri::Chats => {
                let mut list = telegram
                    .find_chats(FindChats {
                        query: None,
                        limit: 100,
                        chat_type: None,
                    })
                    .await?;
                let readable = self.readable().await?;
                list.chats.retain(|chat| Self::may_read(&readable, chat));
                json_contents(uri, &list)
            }
            Uri::Chat(chat) => {
                // Resolved by the core, which refuses a chat the list denies.
                let info = telegram.chat_info(&chat).await?;
                json_contents(uri, &info)
            }
            Uri::Messages(chat) => {
                let page = telegram
                    .search_chat(ChatSearch {
                        chat,
                        limit: PAGE,
                        ..ChatSearch::default()
                    })
                    .await?;
                json_contents(uri, &page)
            }
        }
    }

    /// The chat a subscribable URI names, resolved to its marked id.
    async fn subscribable(&self, uri: &str) -> Result<i64> {
        let Uri::Messages(chat) = Uri::parse(uri)? else {
            return Err(Error::InvalidInput(format!(
                "only {MESSAGES_TEMPLATE} can be subscribed to, not {uri}"
            )));
        };
        // Resolved by the core, which refuses a chat the list denies.
        self.telegram().await?.chat_id_of(&chat).await
    }

    /// `resources/subscribe`: a task that sends `notifications/resources/updated` for
    /// `uri` on every new message of its chat, until unsubscribed or the session ends.
    pub(super) async fn subscribe_to(&self, uri: String, peer: Peer<RoleServer>) -> Result<()> {
        let id = self.subscribable(&uri).await?;
        let mut events = self.link().feed().await?.subscribe()?;
        let filter = ChatFilter::only([id]);
        let notified = uri.clone();
        let task = tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(Event::Message(message)) if filter.admits(&message) => {
                        let param = ResourceUpdatedNotificationParam::new(notified.clone());
                        if peer.notify_resource_updated(param).await.is_err() {
                            break;
                        }
                    }
                    Ok(Event::Message(_)) | Err(RecvError::Lagged(_)) => {}
                    Ok(Event::Ended(_)) | Err(RecvError::Closed) => break,
                }
            }
        });
        self.subscriptions().insert(uri, task.abort_handle());
        Ok(())
    }

    pub(super) fn unsubscribe_from(&self, uri: &str) {
        self.subscriptions().remove(uri);
    }

    /// Under 2026-07-28: which of the requested URIs this server can follow.
    pub(super) fn accepted_filter(requested: &SubscriptionFilter) -> SubscriptionFilter {
        let uris: Vec<String> = requested
            .resource_subscriptions
            .iter()
            .flatten()
            .filter(|uri| matches!(Uri::parse(uri), Ok(Uri::Messages(_))))
            .cloned()
            .collect();
        let mut accepted = SubscriptionFilter::new();
        if !uris.is_empty() {
            accepted.resource_subscriptions = Some(uris);
        }
        accepted
    }

    /// Under 2026-07-28: one `subscriptions/listen` stream, until cancelled.
    pub(super) async fn listen_to(
        &self,
        context: rmcp::service::SubscriptionContext,
    ) -> Result<()> {
        let mut chats: Vec<(i64, String)> = Vec::new();
        for uri in context.accepted().resource_subscriptions.iter().flatten() {
            chats.push((self.subscribable(uri).await?, uri.clone()));
        }
        let mut events = self.link().feed().await?.subscribe()?;
        loop {
            let event = tokio::select! {
                event = events.recv() => event,
                () = context.cancelled() => return Ok(()),
            };
            match event {
                Ok(Event::Message(message)) => {
                    for (id, uri) in &chats {
                        if message.chat.id == *id
                            && context
                                .sink()
                                .notify_resource_updated(uri.clone())
                                .await
                                .is_err()
                        {
                            return Ok(());
                        }
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Ok(Event::Ended(error)) => return Err(error),
                Err(RecvError::Closed) => return Ok(()),
            }
        }
    }

    /// `completion/complete`: `chat` arguments of the prompts and resource templates, from
    /// the account's dialogs (most recent first), then any known chat matching the text.
    pub(super) async fn complete_chat(
        &self,
        request: &CompleteRequestParams,
    ) -> Result<CompleteResult> {
        let takes_chat = match &request.r#ref {
            Reference::Prompt(prompt) => super::prompts::takes_chat(&prompt.name),
            Reference::Resource(resource) => resource.uri.contains("{chat}"),
            _ => false,
        };
        if !takes_chat || request.argument.name != "chat" {
            return Ok(CompleteResult::default());
        }
        let typed = request
            .argument
            .value
            .trim()
            .trim_start_matches('@')
            .to_lowercase();
        let telegram = self.telegram().await?;
        let readable = telegram.access().await?;
        let mut chats = telegram
            .find_chats(FindChats {
                query: None,
                limit: 100,
                chat_type: None,
            })
            .await?
            .chats;
        if !typed.is_empty() {
            chats.retain(|chat| {
                chat.title
                    .to_lowercase()
                    .split_whitespace()
                    .any(|word| word.starts_with(&typed))
                    || chat
                        .username
                        .as_deref()
                        .is_some_and(|name| name.to_lowercase().starts_with(&typed))
            });
            if chats.len() < 10
                && let Ok(more) = telegram
                    .find_chats(FindChats {
                        query: Some(typed.clone()),
                        limit: 20,
                        chat_type: None,
                    })
                    .await
            {
                for chat in more.chats {
                    if !chats.iter().any(|known| known.id == chat.id) {
                        chats.push(chat);
                    }
                }
            }
        }
        let values: Vec<String> = chats
            .iter()
            .filter(|chat| Self::may_read(&readable, chat))
            .map(|chat| match &chat.username {
                Some(name) => format!("@{name}"),
                None => chat.id.to_string(),
            })
            .take(CompletionInfo::MAX_VALUES)
            .collect();
        let total = values.len() as u32;
        let mut info = CompletionInfo::new(values).unwrap_or_default();
        info.total = Some(total);
        info.has_more = Some(false);
        Ok(CompleteResult::new(info))
    }
}

/// The server's icon: a paper plane on Telegram's blue, as an inline SVG (no fetch).
pub fn icon() -> rmcp::model::Icon {
    const SVG: &str = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAzMiAzMiI+PGNpcmNsZSBjeD0iMTYiIGN5PSIxNiIgcj0iMTYiIGZpbGw9IiMyOUE5RUIiLz48cGF0aCBkPSJNNyAxNWwxNi03LTMgMTYtNS00LTMgMyAxLTUgNi02LTggNXoiIGZpbGw9IiNmZmYiLz48L3N2Zz4=";
    let mut icon = rmcp::model::Icon::new(SVG);
    icon.mime_type = Some("image/svg+xml".into());
    icon
}

fn template(uri: &str, name: &str, title: &str) -> ResourceTemplate {
    ResourceTemplate::new(uri, name)
        .with_title(title)
        .with_mime_type("application/json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(Uri::parse("tg://me").unwrap(), Uri::Me);
        assert_eq!(Uri::parse("tg://chats").unwrap(), Uri::Chats);
        assert_eq!(
            Uri::parse("tg://chat/@bob/messages").unwrap(),
            Uri::Messages("@bob".into())
        );
        assert_eq!(
            Uri::parse("tg://chat/%40bob").unwrap(),
            Uri::Chat("@bob".into())
        );
        assert_eq!(
            Uri::parse("tg://chat/-1001/messages").unwrap(),
            Uri::Messages("-1001".into())
        );
        for bad in [
            "tg://",
            "tg://chat/",
            "https://x",
            "tg://chat/a/b/messages",
            "tg://nope",
        ] {
            assert!(Uri::parse(bad).is_err(), "{bad}");
        }
    }
}

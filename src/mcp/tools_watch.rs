//! `wait_for_messages`: new messages as they arrive, without polling.

use std::collections::HashSet;
use std::time::Duration;

use rmcp::model::CallToolResult;
use rmcp::service::RequestContext;
use rmcp::{RoleServer, tool, tool_router};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use super::feed::{ChatFilter, Event};
use super::params::Args;
use super::params_watch::{Wait, WaitForMessages};
use super::reply::{input_schema, output_schema};
use super::server::TelegramServer;
use super::text;
use crate::error::{Error, Result};
use crate::telegram::{Message, NewMessagesPage};

/// Most messages one answer carries.
const MAX_MESSAGES: usize = 100;
/// Longest a busy chat may keep a wait from settling once a first message arrived.
const MAX_SETTLE: Duration = Duration::from_secs(10);

#[tool_router(router = watch_router, vis = "pub(super)")]
impl TelegramServer {
    #[tool(
        name = "wait_for_messages",
        description = "Wait for new messages (in given chats, or any) instead of polling. \
                       Answers once messages stop arriving for quiet_s seconds, or empty after \
                       timeout_s.",
        input_schema = input_schema::<WaitForMessages>(),
        output_schema = output_schema::<NewMessagesPage>(),
        annotations(
            title = "Wait for new messages",
            read_only_hint = true,
            destructive_hint = false
        )
    )]
    async fn wait_for_messages(
        &self,
        Args(args): Args<WaitForMessages>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let wait = args.into_request()?;
            self.wait_for(wait).await
        };
        self.answer("wait_for_messages", &request, call, text::new_messages)
            .await
    }
}

impl TelegramServer {
    async fn wait_for(&self, wait: Wait) -> Result<NewMessagesPage> {
        let started = Instant::now();
        // Answer before the server's own limit per request cuts the call.
        let cap = self.request_limit().map_or(wait.timeout, |limit| {
            wait.timeout
                .min(limit.saturating_sub(Duration::from_secs(1)))
        });
        let hard_stop = started
            + self.request_limit().map_or(cap + MAX_SETTLE, |limit| {
                limit.saturating_sub(Duration::from_secs(1))
            });
        let deadline = started + cap;
        // Chats first (a mistake there costs no update traffic); then subscribe before
        // reading history, so nothing slips between the two.
        let filter = self.chat_filter(&wait.chats).await?;
        let readable = self.readable().await?;
        let mut events = self.link().feed().await?.subscribe()?;
        let mut seen = HashSet::new();
        let mut messages: Vec<Message> = Vec::new();
        if let (Some(since), Some(chat)) = (wait.since, wait.chats.first()) {
            let missed = self
                .telegram()
                .await?
                .messages_after(chat, since, MAX_MESSAGES as i32)
                .await?;
            for message in missed
                .into_iter()
                .filter(|m| Self::admits(&readable, &filter, m))
            {
                seen.insert((message.chat.id, message.id));
                messages.push(message);
            }
            if !messages.is_empty() {
                return Ok(NewMessagesPage { messages });
            }
        }
        // Once a first message came: until `quiet` passes without another, or `settle_by`.
        let mut settle: Option<(Instant, Instant)> = None;
        loop {
            let until = match settle {
                None => deadline,
                Some((last, settle_by)) => (last + wait.quiet).min(settle_by).min(hard_stop),
            };
            let event = tokio::select! {
                event = events.recv() => event,
                () = tokio::time::sleep_until(until) => break,
            };
            match event {
                Ok(Event::Message(message)) => {
                    let newer = wait.since.is_none_or(|since| message.id > since);
                    if newer
                        && Self::admits(&readable, &filter, &message)
                        && seen.insert((message.chat.id, message.id))
                    {
                        messages.push((*message).clone());
                        let now = Instant::now();
                        let settle_by = settle.map_or(now + MAX_SETTLE, |(_, by)| by);
                        settle = Some((now, settle_by));
                        if messages.len() >= MAX_MESSAGES {
                            break;
                        }
                    }
                }
                Ok(Event::Ended(error)) => return Err(error),
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "wait_for_messages fell behind the new messages");
                }
                Err(RecvError::Closed) => {
                    return Err(Error::Network("the stream of new messages stopped".into()));
                }
            }
        }
        Ok(NewMessagesPage { messages })
    }

    /// The chats `chats` names, as a filter; every chat when empty.
    pub(super) async fn chat_filter(&self, chats: &[String]) -> Result<ChatFilter> {
        if chats.is_empty() {
            return Ok(ChatFilter::default());
        }
        let telegram = self.telegram().await?;
        let mut ids = Vec::with_capacity(chats.len());
        for chat in chats {
            ids.push(telegram.chat_id_of(chat).await?);
        }
        Ok(ChatFilter::only(ids))
    }
}

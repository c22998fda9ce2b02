//! The MCP server: tools routed through rmcp, `--read-only` and `--tools` applied, and the
//! plumbing every call shares (cancellation, the profile in errors, logging).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, ServerCapabilities,
    ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, tool_handler};
use serde::Serialize;
use tokio::sync::RwLockReadGuard;

use super::link::Link;
use super::{TOOL_NAMES, ToolSelection, reply};
use crate::error::{Error, Result};
use crate::telegram::Telegram;

/// What `initialize` tells the model about using the tools (it costs context: keep it
/// short).
const INSTRUCTIONS: &str = include_str!("instructions.md");

const READ_ONLY_NOTE: &str =
    "\nThis server is read-only: it can search and read, but not send or edit.";

pub struct TelegramServer {
    link: Arc<Link>,
    tools: ToolRouter<Self>,
    selection: ToolSelection,
    observer: Option<Arc<dyn CallObserver>>,
    /// Longest a tool call may take before it answers with a timeout error.
    call_timeout: Option<Duration>,
}

/// Sees every tool call's outcome (the HTTP server's metrics).
pub trait CallObserver: Send + Sync {
    /// `error` is `None` when the call succeeded.
    fn tool_call(&self, tool: &'static str, error: Option<&Error>, elapsed: Duration);
}

impl TelegramServer {
    /// A server offering the `selection` of tools over `link`.
    pub fn new(link: Arc<Link>, selection: ToolSelection) -> Self {
        let mut tools = Self::tool_router();
        for name in TOOL_NAMES {
            if !selection.offers(name) {
                tools.remove_route(name);
            }
        }
        Self {
            link,
            tools,
            selection,
            observer: None,
            call_timeout: None,
        }
    }

    /// Reports every tool call's outcome to `observer`.
    pub fn with_observer(mut self, observer: Arc<dyn CallObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Answers a tool call that runs longer than `timeout` with a network error.
    pub fn with_call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    pub(super) fn is_read_only(&self) -> bool {
        self.selection.is_read_only()
    }

    pub(super) async fn telegram(&self) -> Result<RwLockReadGuard<'_, Telegram>> {
        self.link.telegram().await
    }

    /// Runs one tool call to its answer: stops waiting when the client cancels, names the
    /// profile in a not-logged-in error, and renders the result.
    pub(super) async fn answer<T: Serialize>(
        &self,
        tool: &'static str,
        request: &RequestContext<RoleServer>,
        call: impl Future<Output = Result<T>>,
        render: impl FnOnce(&T) -> String,
    ) -> CallToolResult {
        let started = Instant::now();
        let deadline = async {
            match self.call_timeout {
                Some(timeout) => tokio::time::sleep(timeout).await,
                None => std::future::pending().await,
            }
        };
        let result = tokio::select! {
            result = call => result.map_err(|e| e.with_profile(self.link.profile())),
            () = request.ct.cancelled() => Err(Error::Interrupted),
            () = deadline => Err(Error::Network(format!(
                "{tool} took longer than this server's {}s limit per request (--request-timeout) — try again, or ask for less",
                self.call_timeout.unwrap_or_default().as_secs()
            ))),
        };
        let elapsed = started.elapsed();
        let ms = elapsed.as_millis() as u64;
        match &result {
            Ok(_) => {
                self.link.observe_success();
                tracing::info!(tool, ms, "tool call answered");
            }
            Err(e) => {
                self.link.observe(e);
                tracing::info!(tool, ms, kind = e.kind(), "tool call failed");
            }
        }
        if let Some(observer) = &self.observer {
            observer.tool_call(tool, result.as_ref().err(), elapsed);
        }
        reply::outcome(result, render)
    }
}

#[tool_handler(router = self.tools)]
impl ServerHandler for TelegramServer {
    fn get_info(&self) -> ServerConfig {
        let mut instructions = INSTRUCTIONS.trim_end().to_owned();
        if self.selection.is_read_only() {
            instructions.push_str(READ_ONLY_NOTE);
        }
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("tgmcp", env!("CARGO_PKG_VERSION")).with_title("Telegram"),
            )
            .with_instructions(instructions)
    }

    /// A tool this server turned off answers with a tool error saying how to turn it on;
    /// a name that is no tool at all is a JSON-RPC error that lists the tools.
    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.as_ref();
        if TOOL_NAMES.contains(&name)
            && let Some(refusal) = self.selection.refusal(name)
        {
            return Ok(reply::failure(&refusal).into());
        }
        if !self.tools.has_route(name) {
            return Err(unknown_tool(name, &self.tools));
        }
        self.tools
            .call(ToolCallContext::new(self, request, context))
            .await
    }
}

fn unknown_tool(name: &str, tools: &ToolRouter<TelegramServer>) -> ErrorData {
    let offered: Vec<_> = tools.list_all().into_iter().map(|tool| tool.name).collect();
    ErrorData::invalid_params(
        format!(
            "no tool named {name:?} — the tools are {}",
            offered.join(", ")
        ),
        None,
    )
}

//! The MCP server: tools routed through rmcp, `--read-only` and `--tools` applied, and the
//! plumbing every call shares (cancellation, the profile in errors, logging).

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
#[allow(deprecated)]
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestParams, CompleteResult,
    ContentBlock, GetPromptRequestParams, GetPromptResponse, Implementation, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities, ServerConfig,
    SubscribeRequestParams, SubscriptionFilter, UnsubscribeRequestParams,
};
use rmcp::service::{RequestContext, SubscriptionContext};
use rmcp::{ErrorData, RoleServer, ServerHandler, tool_handler};
use serde::Serialize;
use tokio::sync::RwLockReadGuard;

use super::link::Link;
use super::{TOOL_NAMES, ToolSelection, check, params, reply};
use crate::error::{Error, Result};
use crate::net::FetchPolicy;
use crate::telegram::outcome::WriteWatch;
use crate::telegram::{DownloadTarget, FilePolicy, LocalFiles, Telegram};

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
    files: FileOptions,
    /// This session's resource subscriptions.
    subscriptions: super::resources::Subscriptions,
}

/// How the server is reached, which decides what a tool may do with the local disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Started by the client on the same machine: its paths are the server's paths.
    Stdio,
    /// Reached over the network: a path would name a file on the server's machine.
    Http,
}

/// Files in tool calls: where local paths may come from, how URLs are fetched, where
/// downloads go.
#[derive(Debug, Clone)]
pub struct FileOptions {
    pub transport: Transport,
    /// On stdio, local paths only inside these folders (`--file-root`); empty = any.
    pub file_roots: Vec<PathBuf>,
    pub fetch: FetchPolicy,
    /// Where download_media saves files; `None` refuses it.
    pub download_dir: Option<PathBuf>,
}

impl FileOptions {
    /// The safe default: as over HTTP, with no download folder.
    pub fn new(transport: Transport) -> Self {
        Self {
            transport,
            file_roots: Vec::new(),
            fetch: FetchPolicy::default(),
            download_dir: None,
        }
    }

    pub(super) fn policy(&self) -> FilePolicy {
        let local = match self.transport {
            Transport::Http => LocalFiles::Refused(
                "local paths are refused over HTTP: the path would be read on the server's machine, not yours — send an https URL or a data: URI instead"
                    .into(),
            ),
            Transport::Stdio if self.file_roots.is_empty() => LocalFiles::Allowed,
            Transport::Stdio => LocalFiles::Within(self.file_roots.clone()),
        };
        FilePolicy {
            local,
            fetch: self.fetch.clone(),
        }
    }

    pub(super) fn download_target(&self, path: Option<String>) -> Result<DownloadTarget> {
        match (&self.download_dir, self.transport) {
            (Some(dir), _) => Ok(DownloadTarget {
                dir: dir.clone(),
                path,
            }),
            (None, Transport::Http) => Err(Error::Forbidden(
                "download_media is off over HTTP unless the server has a download folder — start it with --download-dir DIR"
                    .into(),
            )),
            (None, Transport::Stdio) => Err(Error::Config(
                "no download folder: this system has none by default — start the server with --download-dir DIR"
                    .into(),
            )),
        }
    }
}

/// Put in an HTTP request's extensions by the server; a tool call answered for that
/// request notes its tool and outcome there, for the request's log event.
#[derive(Clone, Default)]
pub struct CallNote(Arc<std::sync::Mutex<Option<(&'static str, &'static str)>>>);

impl CallNote {
    /// The tool and its outcome (`ok` or the error kind), once a call has answered.
    pub fn get(&self) -> Option<(&'static str, &'static str)> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, tool: &'static str, outcome: &'static str) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((tool, outcome));
    }
}

/// Sees every tool call's outcome (the HTTP server's metrics).
pub trait CallObserver: Send + Sync {
    /// `error` is `None` when the call succeeded.
    fn tool_call(&self, tool: &'static str, error: Option<&Error>, elapsed: Duration);
}

impl TelegramServer {
    /// A server offering the `selection` of tools over `link`.
    pub fn new(link: Arc<Link>, selection: ToolSelection) -> Self {
        let mut tools = Self::tool_router()
            + Self::inbox_router()
            + Self::watch_router()
            + Self::actions_router();
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
            files: FileOptions::new(Transport::Http),
            subscriptions: super::resources::Subscriptions::default(),
        }
    }

    /// How files in tool calls are read and saved (by default: as over HTTP, no
    /// downloads).
    pub fn with_files(mut self, files: FileOptions) -> Self {
        self.files = files;
        self
    }

    pub(super) fn files(&self) -> &FileOptions {
        &self.files
    }

    /// Reports every tool call's outcome to `observer`.
    pub fn with_observer(mut self, observer: Arc<dyn CallObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Answers a tool call that runs longer than `timeout` with a timeout error, or an
    /// unknown outcome once a write has left.
    pub fn with_call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    pub(super) fn subscriptions(&self) -> &super::resources::Subscriptions {
        &self.subscriptions
    }

    pub(super) fn link(&self) -> &Arc<Link> {
        &self.link
    }

    /// The server's limit per request (`--request-timeout`), if any.
    pub(super) fn request_limit(&self) -> Option<Duration> {
        self.call_timeout
    }

    pub(super) fn is_read_only(&self) -> bool {
        self.selection.is_read_only()
    }

    pub(super) fn selection(&self) -> &ToolSelection {
        &self.selection
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
        self.answer_with(tool, request, None, call, render).await
    }

    /// [`Self::answer`] for a call that reports its `progress` (see [`super::progress`]):
    /// notifications go out while it runs, the last one before the result.
    pub(super) async fn answer_with<T: Serialize>(
        &self,
        tool: &'static str,
        request: &RequestContext<RoleServer>,
        progress: Option<&super::progress::Progress>,
        call: impl Future<Output = Result<T>>,
        render: impl FnOnce(&T) -> String,
    ) -> CallToolResult {
        let call = async {
            match progress {
                Some(progress) => tokio::select! {
                    biased;
                    result = call => result,
                    never = progress.run() => match never {},
                },
                None => call.await,
            }
        };
        let started = Instant::now();
        let deadline = async {
            match self.call_timeout {
                Some(timeout) => tokio::time::sleep(timeout).await,
                None => std::future::pending().await,
            }
        };
        // A write stopped after its request left may still be carried out: that is an
        // unknown outcome, never "try again".
        let writes = WriteWatch::new();
        let result = tokio::select! {
            result = writes.watch(call) => result.map_err(|e| e.with_profile(self.link.profile())),
            () = request.ct.cancelled() => Err(writes
                .stopped(&format!("{tool} was cancelled by the client"))
                .unwrap_or(Error::Interrupted)),
            () = deadline => {
                let limit = self.call_timeout.unwrap_or_default().as_secs();
                Err(writes
                    .stopped(&format!(
                        "{tool} took longer than this server's {limit}s limit per request (--request-timeout) and was stopped"
                    ))
                    .unwrap_or_else(|| Error::Timeout(format!(
                        "{tool} took longer than this server's {limit}s limit per request (--request-timeout) — try again, or ask for less"
                    ))))
            }
        };
        // The last progress goes out before the result; a cancelled call hears no more.
        if let Some(progress) = progress
            && !request.ct.is_cancelled()
        {
            progress.flush().await;
        }
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
        if let Some(note) = request
            .extensions
            .get::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CallNote>())
        {
            note.set(tool, result.as_ref().map_or_else(Error::kind, |_| "ok"));
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
        let capabilities = ServerCapabilities::builder()
            .enable_completions()
            .enable_prompts()
            .enable_resources()
            .enable_resources_subscribe()
            .enable_tools()
            .build();
        ServerConfig::new(capabilities)
            .with_server_info(
                Implementation::new("tgmcp", env!("CARGO_PKG_VERSION"))
                    .with_title("Telegram")
                    .with_icons(vec![super::resources::icon()]),
            )
            .with_instructions(instructions)
    }

    /// A tool this server turned off answers with a tool error saying how to turn it on;
    /// a name that is no tool at all is a JSON-RPC error that lists the tools. Arguments
    /// are checked against the tool's schema first ([`check`]): a mistake is a tool error
    /// the model can fix.
    async fn call_tool(
        &self,
        mut request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.as_ref();
        if TOOL_NAMES.contains(&name)
            && let Some(refusal) = self.selection.refusal(name)
        {
            return Ok(reply::failure(&refusal).into());
        }
        let Some(tool) = self.tools.get(name) else {
            return Err(unknown_tool(name, &self.tools));
        };
        let schema = tool.input_schema.clone();
        let mut arguments = request.arguments.take().unwrap_or_default();
        let checked = match check::arguments(name, &schema, &mut arguments) {
            Ok(checked) => checked,
            Err(error) => {
                self.refused(name, &error, &context);
                return Ok(reply::failure(&error).into());
            }
        };
        if self.selection.confirms_writes()
            && super::confirm::is_write(name, &arguments)
            && let Err(error) = super::confirm::ask(name, &arguments, &context).await
        {
            self.refused(name, &error, &context);
            return Ok(reply::failure(&error).into());
        }
        request.arguments = Some(arguments);
        let response = self
            .tools
            .call(ToolCallContext::new(self, request, context))
            .await;
        let mut response = match response {
            Err(error) if params::is_argument_error(&error) => {
                return Ok(reply::failure(&Error::InvalidInput(error.message.into_owned())).into());
            }
            other => other?,
        };
        if let (Some(note), CallToolResponse::Complete(result)) =
            (checked.note(&schema), &mut response)
        {
            result.content.push(ContentBlock::text(note));
        }
        Ok(response)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(Self::resource_list())
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(Self::resource_templates())
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        self.read(&request.uri)
            .await
            .map(Into::into)
            .map_err(|e| super::resources::rpc_error(&e.with_profile(self.link.profile())))
    }

    #[allow(deprecated)]
    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.subscribe_to(request.uri, context.peer)
            .await
            .map_err(|e| super::resources::rpc_error(&e.with_profile(self.link.profile())))
    }

    #[allow(deprecated)]
    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.unsubscribe_from(&request.uri);
        Ok(())
    }

    fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        Some(Self::accepted_filter(requested))
    }

    async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        self.listen_to(context)
            .await
            .map_err(|e| super::resources::rpc_error(&e))
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(super::prompts::list())
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        super::prompts::get(&request).map(Into::into)
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        self.complete_chat(&request)
            .await
            .map_err(|e| super::resources::rpc_error(&e.with_profile(self.link.profile())))
    }
}

impl TelegramServer {
    /// A call refused for its arguments is logged and counted like any other tool error.
    fn refused(&self, name: &str, error: &Error, request: &RequestContext<RoleServer>) {
        let Some(tool) = TOOL_NAMES.iter().copied().find(|tool| *tool == name) else {
            return;
        };
        tracing::info!(tool, kind = error.kind(), "tool call refused");
        if let Some(observer) = &self.observer {
            observer.tool_call(tool, Some(error), Duration::ZERO);
        }
        if let Some(note) = request
            .extensions
            .get::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CallNote>())
        {
            note.set(tool, error.kind());
        }
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

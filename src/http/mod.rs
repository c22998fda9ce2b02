//! `tgmcp serve --http`: the MCP tools over streamable HTTP, with nothing open by accident.
//!
//! rmcp's streamable HTTP service does the MCP part, mounted at `/mcp` and `/v1/mcp`.
//! Around it, in this order: every request is counted and logged ([`observe`]); its Host
//! and Origin must name this server, against DNS rebinding ([`check_host`]); MCP requests
//! need the bearer token ([`require_token`]) and fit the limits ([`limit`]), and so do
//! calls of API methods at `/mtproto-api/{method}` ([`mtproto`]). `/health`, `/ready` and
//! `/metrics` are answered here; errors are JSON everywhere.

mod answer;
mod auth_hint;
mod conn;
mod host;
mod hosted;
mod metrics;
mod mtproto;
pub mod setup;
mod sizes;
pub mod token;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::StreamExt as _;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

pub use conn::Limits as ConnectionLimits;
use host::Authority;
pub use metrics::process_rss_bytes;
use metrics::{Gauges, Metrics};

use crate::error::{Error, Result};
use crate::mcp::{CallNote, Link, Status, TelegramServer, ToolSelection};

/// The MCP endpoints: ours, the reference server's path, and the bare root its client
/// configurations name.
const MCP_ROUTES: [&str; 3] = ["/mcp", "/v1/mcp", "/"];
/// With `--allow-url-token`: the token in the path, for clients that cannot send headers.
const URL_TOKEN_ROUTE: &str = "/v1/url_auth/{token}/mcp";
const URL_TOKEN_PREFIX: &str = "/v1/url_auth/";
/// Any API method by name, as the reference server serves them.
const MTPROTO_ROUTES: [&str; 2] = ["/mtproto-api/{method}", "/mtproto-api/v1/{method}"];
/// How long a health probe's answer is reused, so a busy monitor cannot flood Telegram.
const PROBE_REUSE: Duration = Duration::from_secs(1);
/// The longest a health probe waits for Telegram.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// A response stream still open this long after its request's deadline is cut.
const STREAM_GRACE: Duration = Duration::from_secs(5);

/// Everything `serve --http` was told on the command line.
#[derive(Clone)]
pub struct Options {
    /// `None`: no authentication (`--no-auth`, loopback only).
    pub token: Option<String>,
    /// Host names (or `host:port`) accepted in the Host header besides the loopback ones.
    pub allow_hosts: Vec<String>,
    pub metrics_public: bool,
    pub max_body_bytes: usize,
    pub max_concurrent: usize,
    pub request_timeout: Duration,
    /// How long shutdown waits for requests in flight.
    pub drain_timeout: Duration,
    /// Header-read and idle timeouts, and the cap on open connections.
    pub connections: ConnectionLimits,
    /// Files by URL and downloads (local paths are always refused over HTTP).
    pub files: crate::mcp::FileOptions,
    /// Hosted mode (`--accounts DIR`): every token selects its own account.
    pub accounts: Option<Arc<crate::hosted::Accounts>>,
    /// Calls at once per hosted account.
    pub account_max_concurrent: usize,
    /// `--allow-url-token`: also take the token in the path (`/v1/url_auth/{token}/mcp`).
    pub allow_url_token: bool,
    /// `--web-setup`: log in from a browser at `/setup`.
    pub web_setup: Option<setup::Options>,
}

impl std::fmt::Debug for Options {
    /// The token stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("auth", &self.token.is_some())
            .field("allow_hosts", &self.allow_hosts)
            .field("metrics_public", &self.metrics_public)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_concurrent", &self.max_concurrent)
            .field("request_timeout", &self.request_timeout)
            .field("connections", &self.connections)
            .field("hosted", &self.accounts.is_some())
            .field("allow_url_token", &self.allow_url_token)
            .field("web_setup", &self.web_setup.is_some())
            .finish()
    }
}

/// Refuses to serve without a token anywhere but on loopback.
pub fn check_exposure(addr: SocketAddr, has_token: bool, no_auth: bool) -> Result<()> {
    let loopback = addr.ip().is_loopback();
    if no_auth && !loopback {
        return Err(Error::Config(format!(
            "--no-auth is allowed on a loopback address only (127.0.0.1, ::1), not {addr}: anyone who can reach it could use your Telegram account — drop --no-auth and use the bearer token from `tgmcp setup`"
        )));
    }
    if !no_auth && !has_token {
        let hint = if loopback {
            ", or pass --no-auth to serve this loopback address without one"
        } else {
            ""
        };
        return Err(Error::Config(format!(
            "no bearer token for this profile, so {addr} would be open to anyone who reaches it — run `tgmcp setup --rotate-token` to create one (it prints the client configurations){hint}"
        )));
    }
    Ok(())
}

struct Shared {
    options: Options,
    /// Hosts accepted in the Host header (or an absolute-form request's authority).
    hosts: Vec<Authority>,
    /// The `--allow-host` entries: an Origin naming one of them is accepted too.
    allowed_origins: Vec<Authority>,
    link: Arc<Link>,
    /// `--read-only`: `/mtproto-api` allows only methods that read.
    read_only: bool,
    /// The tools on offer and the operator's consent to dangerous methods.
    selection: ToolSelection,
    metrics: Arc<Metrics>,
    sessions: Arc<LocalSessionManager>,
    limit: Arc<Semaphore>,
    started: Instant,
    stopping: AtomicBool,
    /// Cancelled when shutdown stops waiting for requests in flight: their streams end
    /// with an error then.
    drain_over: CancellationToken,
    /// When Telegram was last probed for a health check.
    probed: tokio::sync::Mutex<Option<Instant>>,
    /// Hosted mode: the accounts and their MCP services.
    hosted: Option<hosted::Hosted>,
    /// `--web-setup`: the logins in progress at `/setup`.
    web_setup: Option<Arc<setup::WebSetup>>,
}

type AppState = Arc<Shared>;

impl Shared {
    fn in_flight(&self) -> usize {
        self.options.max_concurrent - self.limit.available_permits()
    }

    async fn sessions(&self) -> usize {
        let hosted = match &self.hosted {
            Some(hosted) => hosted.sessions().await,
            None => 0,
        };
        self.sessions.sessions.read().await.len() + hosted
    }

    /// The connection's state, asking Telegram again if the last answer is stale.
    async fn telegram_status(&self) -> Status {
        let mut probed = self.probed.lock().await;
        if probed.is_none_or(|at| at.elapsed() >= PROBE_REUSE) {
            let status = self.link.probe(PROBE_TIMEOUT).await;
            *probed = Some(Instant::now());
            return status;
        }
        self.link.snapshot()
    }
}

/// Serves until `shutdown` resolves, then stops accepting, lets requests in flight finish
/// (for at most `options.drain_timeout`) and ends the MCP sessions.
pub async fn serve(
    listener: TcpListener,
    options: Options,
    link: Arc<Link>,
    selection: ToolSelection,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Network(format!("the listening socket: {e}")))?;
    let mut hosts: Vec<Authority> = ["localhost", "127.0.0.1", "::1"]
        .into_iter()
        .filter_map(Authority::parse_allowed)
        .collect();
    if !addr.ip().is_unspecified() {
        hosts.extend(Authority::parse_allowed(&addr.ip().to_string()));
    }
    let mut allowed_origins = Vec::new();
    for entry in &options.allow_hosts {
        let parsed = Authority::parse_allowed(entry).ok_or_else(|| {
            Error::Config(format!(
                "--allow-host {entry:?} is not a host name or address (write HOST, HOST:PORT, [IPv6] or [IPv6]:PORT)"
            ))
        })?;
        allowed_origins.push(parsed);
    }
    hosts.extend(allowed_origins.iter().cloned());

    let read_only = selection.is_read_only();
    let tool_selection = selection.clone();
    let metrics = Arc::new(Metrics::default());
    let sessions = Arc::new(LocalSessionManager::default());
    let mcp_stop = CancellationToken::new();
    let config = StreamableHttpServerConfig::default()
        // Host and Origin are checked for every route below, with JSON answers.
        .disable_allowed_hosts()
        .disable_allowed_origins()
        .with_max_request_body_bytes(options.max_body_bytes)
        .with_cancellation_token(mcp_stop.clone());
    let factory = {
        let (link, metrics) = (Arc::clone(&link), Arc::clone(&metrics));
        let timeout = options.request_timeout;
        let files = options.files.clone();
        move || {
            Ok(TelegramServer::new(Arc::clone(&link), selection.clone())
                .with_observer(metrics.clone())
                .with_call_timeout(timeout)
                .with_files(files.clone()))
        }
    };
    let mcp = StreamableHttpService::new(factory, Arc::clone(&sessions), config);
    let hosted = options.accounts.clone().map(|accounts| {
        accounts.spawn_sweeper(mcp_stop.child_token());
        hosted::Hosted::new(
            accounts,
            tool_selection.clone(),
            options.files.clone(),
            options.max_body_bytes,
            options.account_max_concurrent,
            mcp_stop.clone(),
        )
    });

    let web_setup = options
        .web_setup
        .clone()
        .map(|o| Arc::new(setup::WebSetup::new(o, options.accounts.clone())));
    let state = Arc::new(Shared {
        web_setup,
        limit: Arc::new(Semaphore::new(options.max_concurrent)),
        options,
        hosts,
        allowed_origins,
        link,
        read_only,
        selection: tool_selection,
        metrics,
        sessions,
        started: Instant::now(),
        stopping: AtomicBool::new(false),
        drain_over: CancellationToken::new(),
        probed: tokio::sync::Mutex::new(None),
        hosted,
    });

    let mut mcp_routes = Router::new();
    let mut routes = MCP_ROUTES.to_vec();
    if state.options.allow_url_token {
        routes.push(URL_TOKEN_ROUTE);
    }
    for route in routes {
        mcp_routes = if state.hosted.is_some() {
            mcp_routes.route(route, axum::routing::any(hosted::mcp))
        } else {
            mcp_routes.route_service(route, mcp.clone())
        };
    }
    for route in MTPROTO_ROUTES {
        mcp_routes = mcp_routes.route(route, post(mtproto::call));
    }
    // `answer::shape` is outermost: it gathers the stream that `limit` may cut, and
    // `limit`'s --request-timeout does not count the time it waits.
    let mcp_routes = mcp_routes
        .layer(middleware::from_fn_with_state(Arc::clone(&state), limit))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            require_token,
        ))
        .layer(middleware::from_fn(answer::shape));
    let app = auth_hint::mount(Router::new())
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics_text))
        .route("/setup", get(setup::show))
        .route("/setup/qr/status", get(setup::qr_status))
        .route("/setup/mcp.json", get(setup::mcp_json))
        .route("/setup/{step}", post(setup::step))
        .merge(mcp_routes)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            check_host,
        ))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), observe))
        .with_state(Arc::clone(&state));

    let stop_accepting = CancellationToken::new();
    let mut server = tokio::spawn(conn::serve(
        listener,
        app,
        state.options.connections,
        stop_accepting.clone(),
    ));
    tracing::info!(
        %addr,
        auth = state.options.token.is_some(),
        "serving MCP over HTTP at http://{addr}/mcp"
    );

    tokio::select! {
        () = shutdown => {}
        result = &mut server => {
            return match result {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(Error::Network(format!("the HTTP server stopped: {e}"))),
                Err(e) => Err(Error::Network(format!("the HTTP server stopped: {e}"))),
            };
        }
    }

    tracing::info!(
        in_flight = state.in_flight(),
        "shutting down: no new connections; letting requests in flight finish"
    );
    state.stopping.store(true, Ordering::Relaxed);
    stop_accepting.cancel();
    let drained = tokio::time::timeout(state.options.drain_timeout, async {
        while state.in_flight() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            in_flight = state.in_flight(),
            "requests still running at the end of the shutdown grace period; stopping them"
        );
    }
    // Calls still running get an error on their streams, then the sessions and their
    // event streams end, so the connections close.
    state.drain_over.cancel();
    tokio::task::yield_now().await;
    mcp_stop.cancel();
    if tokio::time::timeout(Duration::from_secs(2), server)
        .await
        .is_err()
    {
        tracing::warn!("connections still open at shutdown; closing them");
    }
    Ok(())
}

/// The route label for metrics and logs: a fixed set, whatever the path.
fn route_of(path: &str) -> &'static str {
    match path {
        "/mcp" => "/mcp",
        "/v1/mcp" => "/v1/mcp",
        "/health" => "/health",
        "/ready" => "/ready",
        "/metrics" => "/metrics",
        "/" => "/",
        _ if path == "/setup" || path.starts_with("/setup/") => "/setup",
        _ if path.starts_with("/mtproto-api/") => "/mtproto-api",
        // The token in such a path never reaches a log or a label.
        _ if path.starts_with(URL_TOKEN_PREFIX) => "/v1/url_auth",
        _ => "other",
    }
}

/// Counts and logs every request, whatever answered it: one event per request, with the
/// tool and its outcome for tool calls. An answer streamed as server-sent events is
/// logged when its stream ends, once the tool has answered.
async fn observe(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = route_of(request.uri().path());
    let method = request.method().clone();
    let note = CallNote::default();
    request.extensions_mut().insert(note.clone());
    let request = {
        let metrics = Arc::clone(&state.metrics);
        request
            .map(|body| sizes::counted(body, move |bytes| metrics.http_request_size(route, bytes)))
    };
    let response = next.run(request).await;
    let status = response.status().as_u16();
    state
        .metrics
        .http_request(route, method.as_str(), status, started.elapsed());
    let response = {
        let metrics = Arc::clone(&state.metrics);
        response
            .map(|body| sizes::counted(body, move |bytes| metrics.http_response_size(route, bytes)))
    };
    let event = RequestEvent {
        method,
        route,
        status,
        started,
        note,
    };
    let streamed = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    // A whole answer, event streams gathered by `answer::shape` included, is logged now.
    if !streamed || is_whole(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = body.into_data_stream().map(move |chunk| {
        let _logged_at_end = &event;
        chunk
    });
    Response::from_parts(parts, Body::from_stream(body))
}

/// One request's log event, written when dropped: at once for a plain answer, at the end
/// of the stream for an event stream.
struct RequestEvent {
    method: Method,
    route: &'static str,
    status: u16,
    started: Instant,
    note: CallNote,
}

impl Drop for RequestEvent {
    fn drop(&mut self) {
        let (tool, outcome) = self.note.get().unzip();
        tracing::info!(
            target: "tgmcp::http",
            method = self.method.as_str(),
            route = self.route,
            status = self.status,
            duration_ms = self.started.elapsed().as_secs_f64() * 1000.0,
            tool,
            outcome,
            "request"
        );
    }
}

/// DNS rebinding: a browser page on another site must not reach this server under a name
/// that resolves to it. The Host must be one this server answers to, and an Origin (sent
/// by browsers) the server's own. An absolute-form request target's authority is the
/// host (RFC 9112 §3.2.2); two Host headers are refused, as is anything that is not
/// strictly `host[:port]`.
async fn check_host(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let forbidden = |message: &str| error(StatusCode::FORBIDDEN, "forbidden_host", message);
    if headers.get_all(header::HOST).iter().nth(1).is_some() {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_host",
            "the request has more than one Host header — send exactly one",
        );
    }
    let named = match request.uri().authority() {
        Some(authority) => Some(authority.as_str().to_owned()),
        None => headers
            .get(header::HOST)
            .map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned()),
    };
    let Some(named) = named else {
        return forbidden("the request has no Host header");
    };
    let Some(authority) = Authority::parse(&named) else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_host",
            &format!(
                "the Host {:?} is not a host name or address with an optional port",
                shorten(&named)
            ),
        );
    };
    if !authority.allowed_by(&state.hosts) {
        let suggestion = if authority.host.contains(':') {
            format!("[{}]", authority.host)
        } else {
            authority.host.clone()
        };
        return forbidden(&format!(
            "this server does not answer to the host {:?} — if that is how clients reach it, start it with --allow-host {suggestion}",
            shorten(&named)
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let allowed = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .filter(|(scheme, _)| matches!(*scheme, "http" | "https"))
            .and_then(|(_, rest)| Authority::parse(rest))
            .is_some_and(|origin| origin == authority || origin.allowed_by(&state.allowed_origins));
        if !allowed {
            return error(
                StatusCode::FORBIDDEN,
                "forbidden_origin",
                "requests from other web sites are refused (the Origin header names another site)",
            );
        }
    }
    next.run(request).await
}

/// At most 100 characters of what a client sent, for an error message.
fn shorten(text: &str) -> String {
    text.chars().take(100).collect()
}

/// The bearer token, when the server has one.
async fn require_token(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let in_path = url_token(&state.options, request.uri().path()).map(str::to_owned);
    if let Some(hosted) = &state.hosted {
        let given = in_path.as_deref().or_else(|| bearer(request.headers()));
        let account = match given {
            Some(token) => hosted.accounts.by_token(token).await,
            None => None,
        };
        let Some(account) = account else {
            return refuse(given.is_some());
        };
        hosted.accounts.touch(&account).await;
        request
            .extensions_mut()
            .insert(mtproto::AccountLink(Arc::clone(&account.link)));
        request.extensions_mut().insert(hosted::Selected(account));
        return next.run(request).await;
    }
    let refusal = match in_path.as_deref() {
        Some(given) => state
            .options
            .token
            .as_deref()
            .is_some_and(|expected| !token::matches(expected, given))
            .then(|| refuse(true)),
        None => authenticate(&state.options, request.headers()),
    };
    if let Some(refusal) = refusal {
        return refusal;
    }
    next.run(request).await
}

/// The token in a `/v1/url_auth/{token}/mcp` path, when `--allow-url-token` allows it.
fn url_token<'a>(options: &Options, path: &'a str) -> Option<&'a str> {
    if !options.allow_url_token {
        return None;
    }
    path.strip_prefix(URL_TOKEN_PREFIX)?.strip_suffix("/mcp")
}

/// The token of an `Authorization: Bearer` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
}

fn authenticate(options: &Options, headers: &HeaderMap) -> Option<Response> {
    let expected = options.token.as_deref()?;
    match bearer(headers) {
        Some(given) if token::matches(expected, given) => None,
        given => Some(refuse(given.is_some())),
    }
}

/// 401, for a wrong token (`given`) or none.
fn refuse(given: bool) -> Response {
    let (challenge, message) = if given {
        (
            auth_hint::WRONG,
            "the bearer token is wrong — use the one `tgmcp setup` printed for this profile (a rotated token replaces the old one)",
        )
    } else {
        (
            auth_hint::MISSING,
            "this server needs `Authorization: Bearer <token>` — `tgmcp setup` prints client configurations with the profile's token",
        )
    };
    let mut response = error(StatusCode::UNAUTHORIZED, "unauthorized", message);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    response
}

/// Request body size, requests at once and time per request, for MCP POSTs. The permit
/// is held until the response stream ends, as that is when the call is done. A stream
/// cut short (past its deadline, or by shutdown) ends with a JSON-RPC error for the
/// request, never silently.
async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let options = &state.options;
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            &format!(
                "the request body is larger than this server's limit of {} bytes (--max-body-bytes)",
                options.max_body_bytes
            ),
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > options.max_body_bytes as u64) {
        return too_large();
    }
    if state.stopping.load(Ordering::Relaxed) {
        return busy("the server is shutting down");
    }
    let Ok(permit) = Arc::clone(&state.limit).try_acquire_owned() else {
        return busy(&format!(
            "the server is handling its limit of {} requests at once (--max-concurrent) — try again shortly",
            options.max_concurrent
        ));
    };
    // Read here, whatever the framing (a chunked body has no Content-Length), so the
    // limit is one answer everywhere and the JSON-RPC id is known if the call is cut.
    let deadline = tokio::time::Instant::now() + options.request_timeout;
    let (parts, body) = request.into_parts();
    let body = match tokio::time::timeout_at(deadline, read_body(body, options.max_body_bytes))
        .await
    {
        Ok(Ok(body)) => body,
        Ok(Err(BodyError::TooLarge)) => return too_large(),
        Ok(Err(BodyError::Broken(e))) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &format!("the request body could not be read: {e}"),
            );
        }
        Err(_) => {
            return error(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                &format!(
                    "the request body did not arrive within this server's {}s limit (--request-timeout)",
                    options.request_timeout.as_secs()
                ),
            );
        }
    };
    let rpc_id = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|message| message.get("id").cloned())
        .filter(|id| id.is_string() || id.is_number());
    let request = Request::from_parts(parts, Body::from(body));
    // An answer that is not streamed (`/mtproto-api`) is cut here, with an error.
    let writes = crate::telegram::outcome::WriteWatch::new();
    let response = tokio::select! {
        answered = tokio::time::timeout_at(deadline, writes.watch(next.run(request))) => match answered {
            Ok(response) => response,
            // A write that may have reached Telegram is not "busy, retry": sending it
            // again could do it twice.
            Err(_) if writes.write_left() => {
                return unknown_outcome(&format!(
                    "the request took longer than this server's {}s limit (--request-timeout)",
                    options.request_timeout.as_secs()
                ));
            }
            Err(_) => {
                return busy(&format!(
                    "the request took longer than this server's {}s limit (--request-timeout)",
                    options.request_timeout.as_secs()
                ));
            }
        },
        () = state.drain_over.cancelled() => {
            return busy(
                "the server shut down before this request finished — it may or may not have been carried out; check, then retry once the server is back",
            );
        }
    };
    let streamed = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    // A whole answer (JSON) is done: nothing to cut, and it keeps its Content-Length.
    if is_whole(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let cut_reason = Arc::new(std::sync::Mutex::new(None::<String>));
    let cut = {
        let cut_reason = Arc::clone(&cut_reason);
        let drain_over = state.drain_over.clone();
        let timeout = options.request_timeout.as_secs();
        async move {
            let reason = tokio::select! {
                () = tokio::time::sleep_until(deadline + STREAM_GRACE) => format!(
                    "the request took longer than this server's {timeout}s limit (--request-timeout) and was stopped"
                ),
                () = drain_over.cancelled() => "the server shut down before this request finished — it may or may not have been carried out; check, then retry once the server is back".to_owned(),
            };
            *cut_reason.lock().unwrap_or_else(|e| e.into_inner()) = Some(reason);
        }
    };
    let body = body
        .into_data_stream()
        .take_until(cut)
        .map(move |chunk| {
            let _held = &permit;
            Some(chunk)
        })
        .chain(futures_util::stream::once(async move {
            let reason = cut_reason.lock().unwrap_or_else(|e| e.into_inner()).take();
            match (reason, streamed, rpc_id) {
                (Some(reason), true, Some(id)) => {
                    let message = json!({
                        "jsonrpc": "2.0",
                        "id": id,
                        "error": {"code": -32000, "message": reason, "data": {"kind": "unavailable"}},
                    });
                    Some(Ok(axum::body::Bytes::from(format!("data: {message}\n\n"))))
                }
                _ => None,
            }
        }))
        .filter_map(std::future::ready);
    Response::from_parts(parts, Body::from_stream(body))
}

enum BodyError {
    TooLarge,
    Broken(axum::Error),
}

/// A request body, whole, if it is at most `max` bytes.
async fn read_body(body: Body, max: usize) -> Result<axum::body::Bytes, BodyError> {
    let mut stream = body.into_data_stream();
    let mut read = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(BodyError::Broken)?;
        if read.len() + chunk.len() > max {
            return Err(BodyError::TooLarge);
        }
        read.extend_from_slice(&chunk);
    }
    Ok(read.into())
}

/// rmcp answers some refusals in plain text; say them in JSON like every other error.
/// It also answers 415 when a JSON body does not parse: that is a bad request (400).
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let detail = match axum::body::to_bytes(response.into_body(), 16 * 1024).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_owned(),
        Err(_) => String::new(),
    };
    let (status, kind, message) = match status {
        StatusCode::UNSUPPORTED_MEDIA_TYPE if detail.starts_with("fail to deserialize") => (
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("the body is not a JSON-RPC message ({detail})"),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            status,
            "unsupported_media_type",
            "send the JSON-RPC message with Content-Type: application/json".to_owned(),
        ),
        StatusCode::NOT_ACCEPTABLE => (
            status,
            "not_acceptable",
            "MCP clients must accept both application/json and text/event-stream".to_owned(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            status,
            "method_not_allowed",
            "MCP takes POST (messages), GET (the event stream) and DELETE (end a session)"
                .to_owned(),
        ),
        _ => {
            let kind = status
                .canonical_reason()
                .unwrap_or("error")
                .to_ascii_lowercase()
                .replace(' ', "_");
            let message = if detail.is_empty() {
                status.to_string()
            } else {
                detail
            };
            return error(status, &kind, &message);
        }
    };
    error(status, kind, &message)
}

/// Whether an answer's body is all there, its length known (not a stream).
fn is_whole(response: &Response) -> bool {
    http_body::Body::size_hint(response.body())
        .exact()
        .is_some()
}

/// A stopped write whose fate is unknown: 502 like every unknown outcome, no Retry-After.
fn unknown_outcome(why: &str) -> Response {
    let error = crate::telegram::outcome::WriteWatch::stopped_error(why);
    self::error(StatusCode::BAD_GATEWAY, error.kind(), &error.to_string())
}

fn busy(message: &str) -> Response {
    let mut response = error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

fn error(status: StatusCode, error: &str, message: &str) -> Response {
    json_response(status, &json!({"error": error, "message": message}))
}

fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

async fn method_not_allowed(uri: axum::http::Uri) -> Response {
    let (message, allow) = if route_of(uri.path()) == "/mtproto-api" {
        (
            "/mtproto-api/{method} takes POST, with the parameters as a JSON body ({\"params\": {…}})",
            "POST",
        )
    } else {
        ("/health, /ready and /metrics take GET", "GET, HEAD")
    };
    let mut response = error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        message,
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint — MCP is at /mcp; API methods at POST /mtproto-api/{method}; also /health, /ready and /metrics",
    )
}

/// Liveness and Telegram's state, without a token: nothing here is secret.
async fn health(State(state): State<AppState>) -> Response {
    if let Some(hosted) = &state.hosted {
        return hosted_health(&state, hosted).await;
    }
    let telegram = state.telegram_status().await;
    let healthy = telegram.connected == Some(true) && telegram.authorized == Some(true);
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if healthy { "ok" } else { "unavailable" },
        // What a load balancer reads; the same as a 200.
        "healthy": healthy,
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_s": state.started.elapsed().as_secs(),
        "transport": "streamable-http",
        "telegram": {
            "connected": telegram.connected,
            "authorized": telegram.authorized,
            "home_dc": telegram.home_dc,
            "last_ok_unix": telegram.last_ok_unix,
            "last_error_kind": telegram.last_error_kind,
        },
        "sessions": state.sessions().await,
        "in_flight": state.in_flight(),
    });
    json_response(status, &body)
}

/// Hosted mode's health: the accounts by state, counted, naming nobody.
async fn hosted_health(state: &Shared, hosted: &hosted::Hosted) -> Response {
    let counts = hosted.accounts.counts();
    let stopping = state.stopping.load(Ordering::Relaxed);
    let body = json!({
        "status": if stopping { "unavailable" } else { "ok" },
        // What a load balancer reads: true exactly when this answers 200.
        "healthy": !stopping,
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_s": state.started.elapsed().as_secs(),
        "transport": "streamable-http",
        "mode": "hosted",
        "accounts": {
            "on_disk": counts.on_disk,
            "loaded": counts.loaded,
            "connected": counts.connected,
            "logged_out": counts.logged_out,
        },
        "active_sessions": counts.connected,
        "max_sessions": counts.max_active,
        "sessions": state.sessions().await,
        "in_flight": state.in_flight(),
    });
    let status = if stopping {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    json_response(status, &body)
}

/// For orchestrators: 200 once connected and authorized, 503 before and while stopping.
/// In hosted mode, 200 until stopping: each account connects on its own first call.
async fn ready(State(state): State<AppState>) -> Response {
    if state.hosted.is_some() {
        let stopping = state.stopping.load(Ordering::Relaxed);
        let (status, reason) = if stopping {
            (StatusCode::SERVICE_UNAVAILABLE, Some("shutting_down"))
        } else {
            (StatusCode::OK, None)
        };
        return json_response(status, &json!({"ready": !stopping, "reason": reason}));
    }
    let telegram = state.telegram_status().await;
    let stopping = state.stopping.load(Ordering::Relaxed);
    let ready = !stopping && telegram.connected == Some(true) && telegram.authorized == Some(true);
    let reason = if stopping {
        Some("shutting_down")
    } else if ready {
        None
    } else if telegram.connected != Some(true) {
        Some("telegram_unreachable")
    } else {
        Some("not_authorized")
    };
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    json_response(status, &json!({"ready": ready, "reason": reason}))
}

async fn metrics_text(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !state.options.metrics_public {
        // Hosted: the operator's own profile token, never an account's.
        let refusal = if state.hosted.is_some() && state.options.token.is_none() {
            Some(refuse(bearer(&headers).is_some()))
        } else {
            authenticate(&state.options, &headers)
        };
        if let Some(refusal) = refusal {
            return refusal;
        }
    }
    let telegram = state.link.snapshot();
    let text = state.metrics.render(&Gauges {
        sessions: state.sessions().await,
        in_flight: state.in_flight(),
        telegram_connected: telegram.connected,
        telegram_authorized: telegram.authorized,
        uptime: state.started.elapsed(),
        rpc: crate::telegram::stats::process_snapshot(),
    });
    let mut text = text;
    if let Some(hosted) = &state.hosted {
        hosted::render_metrics(&mut text, &hosted.accounts.counts());
    }
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_token_only_on_loopback() {
        let local: SocketAddr = "127.0.0.1:8000".parse().unwrap();
        let v6: SocketAddr = "[::1]:8000".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:8000".parse().unwrap();
        assert!(check_exposure(local, false, true).is_ok());
        assert!(check_exposure(v6, false, true).is_ok());
        assert!(check_exposure(local, true, false).is_ok());
        assert!(check_exposure(any, true, false).is_ok());
        let refused = check_exposure(any, false, true).unwrap_err().to_string();
        assert!(refused.contains("loopback"), "{refused}");
        let refused = check_exposure(any, false, false).unwrap_err().to_string();
        assert!(refused.contains("--rotate-token"), "{refused}");
        assert!(!refused.contains("--no-auth"), "{refused}");
        let refused = check_exposure(local, false, false).unwrap_err().to_string();
        assert!(refused.contains("--no-auth"), "{refused}");
    }
}

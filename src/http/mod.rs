//! `tgmcp serve --http`: the MCP tools over streamable HTTP, with nothing open by accident.
//!
//! rmcp's streamable HTTP service does the MCP part, mounted at `/mcp` and `/v1/mcp`.
//! Around it, in this order: every request is counted and logged ([`observe`]); its Host
//! and Origin must name this server, against DNS rebinding ([`check_host`]); MCP requests
//! need the bearer token ([`require_token`]) and fit the limits ([`limit`]), and so do
//! calls of API methods at `/mtproto-api/{method}` ([`mtproto`]). `/health`, `/ready` and
//! `/metrics` are answered here; errors are JSON everywhere.

mod metrics;
mod mtproto;
pub mod token;

use std::future::{Future, IntoFuture};
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
use axum::serve::ListenerExt as _;
use futures_util::StreamExt as _;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

pub use metrics::process_rss_bytes;
use metrics::{Gauges, Metrics};

use crate::error::{Error, Result};
use crate::mcp::{CallNote, Link, Status, TelegramServer, ToolSelection};

/// The MCP endpoints: ours, and the reference server's path.
const MCP_ROUTES: [&str; 2] = ["/mcp", "/v1/mcp"];
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
    /// Files by URL and downloads (local paths are always refused over HTTP).
    pub files: crate::mcp::FileOptions,
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
    /// Host names accepted in the Host header (lowercase, without brackets).
    hosts: Vec<String>,
    link: Arc<Link>,
    /// `--read-only`: `/mtproto-api` allows only methods that read.
    read_only: bool,
    metrics: Arc<Metrics>,
    sessions: Arc<LocalSessionManager>,
    limit: Arc<Semaphore>,
    started: Instant,
    stopping: AtomicBool,
    /// When Telegram was last probed for a health check.
    probed: tokio::sync::Mutex<Option<Instant>>,
}

type AppState = Arc<Shared>;

impl Shared {
    fn in_flight(&self) -> usize {
        self.options.max_concurrent - self.limit.available_permits()
    }

    async fn sessions(&self) -> usize {
        self.sessions.sessions.read().await.len()
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
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "::1"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    if !addr.ip().is_unspecified() {
        hosts.push(addr.ip().to_string());
    }
    hosts.extend(options.allow_hosts.iter().map(|h| {
        h.trim()
            .trim_start_matches('[')
            .replace(']', "")
            .to_ascii_lowercase()
    }));

    let read_only = selection.is_read_only();
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

    let state = Arc::new(Shared {
        limit: Arc::new(Semaphore::new(options.max_concurrent)),
        options,
        hosts,
        link,
        read_only,
        metrics,
        sessions,
        started: Instant::now(),
        stopping: AtomicBool::new(false),
        probed: tokio::sync::Mutex::new(None),
    });

    let mut mcp_routes = Router::new();
    for route in MCP_ROUTES {
        mcp_routes = mcp_routes.route_service(route, mcp.clone());
    }
    for route in MTPROTO_ROUTES {
        mcp_routes = mcp_routes.route(route, post(mtproto::call));
    }
    let mcp_routes = mcp_routes
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), limit))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            require_token,
        ));
    let app = Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics_text))
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
    let mut server = tokio::spawn(
        // Small SSE frames must not wait for delayed ACKs (Nagle adds ~40 ms per answer).
        axum::serve(
            listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            }),
            app,
        )
        .with_graceful_shutdown(stop_accepting.clone().cancelled_owned())
        .into_future(),
    );
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
    // Ends the sessions and their event streams, so the connections close.
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
        _ if path.starts_with("/mtproto-api/") => "/mtproto-api",
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
    let response = next.run(request).await;
    let status = response.status().as_u16();
    state
        .metrics
        .http_request(route, method.as_str(), status, started.elapsed());
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
    if !streamed {
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
            ms = self.started.elapsed().as_secs_f64() * 1000.0,
            tool,
            outcome,
            "request"
        );
    }
}

/// DNS rebinding: a browser page on another site must not reach this server under a name
/// that resolves to it. The Host must be one this server answers to, and an Origin (sent
/// by browsers) the server's own.
async fn check_host(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return error(
            StatusCode::FORBIDDEN,
            "forbidden_host",
            "the request has no Host header",
        );
    };
    if !host_allowed(&state.hosts, host) {
        return error(
            StatusCode::FORBIDDEN,
            "forbidden_host",
            &format!(
                "this server does not answer to the host {:?} — if that is how clients reach it, start it with --allow-host {}",
                host,
                host_name(host)
            ),
        );
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let allowed = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .is_some_and(|(scheme, authority)| {
                matches!(scheme, "http" | "https")
                    && (authority.eq_ignore_ascii_case(host)
                        || explicitly_allowed(&state.options, authority))
            });
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

/// The host part of a Host header or URL authority, lowercase, without brackets or port.
fn host_name(authority: &str) -> String {
    let name = match authority.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => match authority.rsplit_once(':') {
            Some((name, port))
                if !name.contains(':') && port.chars().all(|c| c.is_ascii_digit()) =>
            {
                name
            }
            _ => authority,
        },
    };
    name.to_ascii_lowercase()
}

/// Whether `authority` (`name`, `name:port`) matches an entry: a bare name matches any
/// port, `name:port` only that port.
fn host_allowed(hosts: &[String], authority: &str) -> bool {
    let name = host_name(authority);
    let authority = authority.to_ascii_lowercase();
    hosts.iter().any(|h| *h == name || *h == authority)
}

fn explicitly_allowed(options: &Options, authority: &str) -> bool {
    let hosts: Vec<String> = options
        .allow_hosts
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    host_allowed(&hosts, authority)
}

/// The bearer token, when the server has one.
async fn require_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(refusal) = authenticate(&state.options, request.headers()) {
        return refusal;
    }
    next.run(request).await
}

fn authenticate(options: &Options, headers: &HeaderMap) -> Option<Response> {
    let expected = options.token.as_deref()?;
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let (challenge, message) = match given {
        Some(given) if token::matches(expected, given) => return None,
        Some(_) => (
            r#"Bearer realm="tgmcp", error="invalid_token""#,
            "the bearer token is wrong — use the one `tgmcp setup` printed for this profile (a rotated token replaces the old one)",
        ),
        None => (
            r#"Bearer realm="tgmcp""#,
            "this server needs `Authorization: Bearer <token>` — `tgmcp setup` prints client configurations with the profile's token",
        ),
    };
    let mut response = error(StatusCode::UNAUTHORIZED, "unauthorized", message);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    Some(response)
}

/// Request body size, requests at once and time per request, for MCP POSTs. The permit
/// is held until the response stream ends, as that is when the call is done.
async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let options = &state.options;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > options.max_body_bytes as u64) {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            &format!(
                "the request body is larger than this server's limit of {} bytes (--max-body-bytes)",
                options.max_body_bytes
            ),
        );
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
    let deadline = tokio::time::Instant::now() + options.request_timeout;
    let writes = crate::telegram::outcome::WriteWatch::new();
    let response = match tokio::time::timeout_at(deadline, writes.watch(next.run(request))).await {
        Ok(response) => response,
        // A write that may have reached Telegram is not "busy, retry": sending it again
        // could do it twice.
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
    };
    let (parts, body) = response.into_parts();
    let body = body
        .into_data_stream()
        .take_until(tokio::time::sleep_until(deadline + STREAM_GRACE))
        .map(move |chunk| {
            let _held = &permit;
            chunk
        });
    Response::from_parts(parts, Body::from_stream(body))
}

/// rmcp answers some refusals in plain text; say them in JSON like every other error.
/// It also answers 415 when a JSON body does not parse: that is a bad request (400).
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
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

async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "/health, /ready and /metrics take GET",
    )
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
    let telegram = state.telegram_status().await;
    let healthy = telegram.connected == Some(true) && telegram.authorized == Some(true);
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if healthy { "ok" } else { "unavailable" },
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

/// For orchestrators: 200 once connected and authorized, 503 before and while stopping.
async fn ready(State(state): State<AppState>) -> Response {
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
    if !state.options.metrics_public
        && let Some(refusal) = authenticate(&state.options, &headers)
    {
        return refusal;
    }
    let telegram = state.link.snapshot();
    let text = state.metrics.render(&Gauges {
        sessions: state.sessions().await,
        in_flight: state.in_flight(),
        telegram_connected: telegram.connected,
        telegram_authorized: telegram.authorized,
        uptime: state.started.elapsed(),
        rpc: state.link.rpc_stats(),
    });
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
    fn host_names_and_ports() {
        assert_eq!(host_name("127.0.0.1:8000"), "127.0.0.1");
        assert_eq!(host_name("[::1]:8000"), "::1");
        assert_eq!(host_name("LocalHost"), "localhost");
        assert_eq!(host_name("::1"), "::1");
        let hosts: Vec<String> = ["localhost", "127.0.0.1", "::1", "mcp.example.com:443"]
            .map(String::from)
            .to_vec();
        assert!(host_allowed(&hosts, "localhost:8000"));
        assert!(host_allowed(&hosts, "[::1]:9"));
        assert!(host_allowed(&hosts, "mcp.example.com:443"));
        assert!(!host_allowed(&hosts, "mcp.example.com:8443"));
        assert!(!host_allowed(&hosts, "evil.example:8000"));
        assert!(!host_allowed(&hosts, "127.0.0.1.evil.example"));
    }

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

//! The connections of `serve --http`, accepted here rather than by `axum::serve` so that
//! none can be held open for nothing:
//!
//! - a connection must send a whole request head within the header-read timeout of being
//!   opened, or of its first byte after an answer (slow-loris and silent sockets);
//! - a kept-alive connection with no request in progress is closed after the idle
//!   timeout;
//! - at most `max_connections` are open (never more than the descriptor limit leaves
//!   room for). When a new one arrives at the cap, the connection that has waited
//!   longest without a request in progress is closed to make room, so idle sockets can
//!   never lock a monitor out of `/health`; when every connection is busy, the new one is
//!   answered 503 and closed.
//!
//! A request in progress (an MCP call, an event stream) is never cut here: its own limits
//! (`--request-timeout`, `--max-concurrent`) bound it.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Descriptors kept free for everything else (the Telegram connection, files, URLs).
const RESERVED_FDS: u64 = 64;

/// The connection limits (`serve --header-timeout`, `--idle-timeout`,
/// `--max-connections`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Limits {
    /// The cap actually applied: the configured one, lowered so that open connections
    /// never use up the process's descriptor limit (accept would fail for everyone).
    pub fn effective_max_connections(&self) -> usize {
        match open_files_limit() {
            Some(limit) => {
                let room = if limit > 2 * RESERVED_FDS {
                    limit - RESERVED_FDS
                } else {
                    (limit / 2).max(1)
                };
                self.max_connections
                    .min(usize::try_from(room).unwrap_or(usize::MAX))
            }
            None => self.max_connections,
        }
    }
}

/// The soft limit on open descriptors (Linux: /proc/self/limits; elsewhere unknown).
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Milliseconds since the connection opened; `NONE` for "not set".
const NONE: u64 = u64::MAX;

/// One open connection, as the watchdog and the cap see it.
struct Conn {
    opened: Instant,
    /// Requests whose answer is not finished yet.
    busy: AtomicUsize,
    /// When the last answer finished (or the connection opened).
    idle_since: AtomicU64,
    /// When the head now being read began to arrive; `NONE` between requests.
    head_since: AtomicU64,
    /// Wakes the watchdog to recompute its deadline.
    changed: Notify,
    /// Closes the connection at once (the cap made room).
    evict: CancellationToken,
}

impl Conn {
    fn new() -> Self {
        Self {
            opened: Instant::now(),
            busy: AtomicUsize::new(0),
            idle_since: AtomicU64::new(0),
            // A new connection owes a request head from the start.
            head_since: AtomicU64::new(0),
            changed: Notify::new(),
            evict: CancellationToken::new(),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(NONE - 1)
    }

    fn at(&self, ms: u64) -> Instant {
        self.opened + Duration::from_millis(ms)
    }

    /// Bytes arrived: between requests, they start the next head.
    fn on_read(&self) {
        if self.busy.load(Ordering::Acquire) == 0
            && self
                .head_since
                .compare_exchange(NONE, self.now(), Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            self.changed.notify_one();
        }
    }

    fn begin_request(self: &Arc<Self>) -> Busy {
        self.busy.fetch_add(1, Ordering::AcqRel);
        self.head_since.store(NONE, Ordering::Release);
        self.changed.notify_one();
        Busy(Arc::clone(self))
    }

    /// When the connection is due to close if nothing changes; `None` while busy.
    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        if self.busy.load(Ordering::Acquire) > 0 {
            return None;
        }
        match self.head_since.load(Ordering::Acquire) {
            NONE => Some(self.at(self.idle_since.load(Ordering::Acquire)) + limits.idle_timeout),
            since => Some(self.at(since) + limits.header_timeout),
        }
    }

    /// For the cap: since when the connection has waited with no request in progress;
    /// `None` while busy.
    fn waiting_since(&self) -> Option<Instant> {
        if self.busy.load(Ordering::Acquire) > 0 {
            return None;
        }
        match self.head_since.load(Ordering::Acquire) {
            NONE => Some(self.at(self.idle_since.load(Ordering::Acquire))),
            since => Some(self.at(since)),
        }
    }
}

/// A request in progress on a connection; dropped when its answer is finished.
struct Busy(Arc<Conn>);

impl Drop for Busy {
    fn drop(&mut self) {
        if self.0.busy.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle_since.store(self.0.now(), Ordering::Release);
            self.0.changed.notify_one();
        }
    }
}

/// A response body that keeps its request counted as in progress until it is sent.
struct Tracked {
    body: Body,
    _busy: Busy,
}

impl http_body::Body for Tracked {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// The socket, telling its [`Conn`] when bytes arrive.
struct Watched {
    stream: TcpStream,
    conn: Arc<Conn>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.conn.on_read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// The open connections, for the cap.
#[derive(Default)]
struct Registry {
    next_id: u64,
    open: HashMap<u64, Arc<Conn>>,
}

impl Registry {
    /// Closes the connection that has waited longest with no request in progress;
    /// `false` when every connection is busy.
    fn evict_one(&mut self) -> bool {
        let victim = self
            .open
            .iter()
            .filter_map(|(id, conn)| conn.waiting_since().map(|w| (w, *id)))
            .min()
            .map(|(_, id)| id);
        match victim.and_then(|id| self.open.remove(&id)) {
            Some(conn) => {
                conn.evict.cancel();
                true
            }
            None => false,
        }
    }
}

/// The answer to a connection over the cap when none can be closed to make room.
fn full() -> String {
    let body = r#"{"error":"unavailable","message":"every connection this server allows is busy (--max-connections) — try again shortly"}"#;
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Accepts and serves connections until `stop` is cancelled, then stops accepting, lets
/// every connection finish what it is doing and returns when all are closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: CancellationToken,
) -> io::Result<()> {
    let max = limits.effective_max_connections();
    if max < limits.max_connections {
        tracing::info!(
            max_connections = max,
            "at most {max} connections at once: the descriptor limit (ulimit -n) leaves no room for more"
        );
    }
    let registry = Arc::new(Mutex::new(Registry::default()));
    let mut tasks = JoinSet::new();
    // Refusals are logged at most every few seconds: a flood must not flood the log too.
    let mut last_warned: Option<Instant> = None;
    let mut refused_since_warned = 0u64;
    loop {
        while tasks.try_join_next().is_some() {}
        let (stream, peer) = tokio::select! {
            () = stop.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors (EMFILE, ENFILE) or a connection reset before it
                    // was accepted: wait a little rather than spin.
                    tracing::debug!("accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Small SSE frames must not wait for delayed ACKs (Nagle adds ~40 ms per answer).
        let _ = stream.set_nodelay(true);
        let conn = Arc::new(Conn::new());
        let id = {
            let mut registry = registry.lock().unwrap_or_else(|e| e.into_inner());
            if registry.open.len() >= max && !registry.evict_one() {
                drop(registry);
                refused_since_warned += 1;
                if last_warned.is_none_or(|at| at.elapsed() >= Duration::from_secs(10)) {
                    tracing::warn!(
                        max_connections = max,
                        refused = refused_since_warned,
                        "refused connections: every allowed connection is busy (--max-connections)"
                    );
                    last_warned = Some(Instant::now());
                    refused_since_warned = 0;
                }
                let _ = stream.try_write(full().as_bytes());
                continue;
            }
            registry.next_id += 1;
            let id = registry.next_id;
            registry.open.insert(id, Arc::clone(&conn));
            id
        };
        let registry = Arc::clone(&registry);
        let app = app.clone();
        let stop = stop.clone();
        tasks.spawn(async move {
            serve_one(stream, peer, Arc::clone(&conn), app, limits, stop).await;
            registry
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .open
                .remove(&id);
        });
    }
    drop(listener);
    while tasks.join_next().await.is_some() {}
    Ok(())
}

async fn serve_one(
    stream: TcpStream,
    peer: std::net::SocketAddr,
    conn: Arc<Conn>,
    app: Router,
    limits: Limits,
    stop: CancellationToken,
) {
    let io = TokioIo::new(Watched {
        stream,
        conn: Arc::clone(&conn),
    });
    let tower = TowerToHyperService::new(app);
    let counted = Arc::clone(&conn);
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        // For limits per client address (`/setup`'s wrong codes).
        request
            .extensions_mut()
            .insert(super::setup::ClientAddr(peer.ip()));
        let busy = counted.begin_request();
        let answer = hyper::service::Service::call(&tower, request);
        async move {
            let response: Response<Body> = answer.await?;
            Ok::<_, Infallible>(response.map(|body| Tracked { body, _busy: busy }))
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The timeouts are ours (below): hyper's header timer would also cut idle keep-alives.
    builder.header_read_timeout(None);
    let mut connection = pin!(builder.serve_connection(io, service));
    let mut stopping = false;
    loop {
        let deadline = conn.deadline(&limits);
        tokio::select! {
            _ = connection.as_mut() => return,
            () = stop.cancelled(), if !stopping => {
                stopping = true;
                connection.as_mut().graceful_shutdown();
            }
            () = conn.evict.cancelled() => {
                tracing::debug!("closed a waiting connection to make room for a new one (--max-connections)");
                return;
            }
            () = conn.changed.notified() => {}
            () = sleep_until(deadline) => {
                // The deadline may have moved while asleep.
                if conn.deadline(&limits).is_some_and(|d| d <= Instant::now()) {
                    tracing::debug!("closed a connection that sent no complete request in time (--header-timeout, --idle-timeout)");
                    return;
                }
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

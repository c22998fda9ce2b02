//! The server's one Telegram connection, shared by every tool call.
//!
//! The server must answer `initialize` before Telegram is reached, and must stay up when
//! there is no login. So the link is built without touching the network, dials in the
//! background ([`Link::warm_up`]), and when Telegram cannot be used it answers every call
//! with the error that says why (run `tgmcp setup`, fix the config) instead of exiting.
//!
//! A link built with [`Link::reloadable`] opens its client from the session on disk when
//! first used, can be closed and opened again ([`Link::evict`], hosted mode's LRU), and
//! picks up a new login: once Telegram said the session is logged out, a session file
//! written since (by `tgmcp setup`) is opened in its place, without a restart.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use grammers_session::Session as _;
use serde::Serialize;

use tokio::sync::{RwLock, RwLockReadGuard};
use tokio::task::AbortHandle;

use crate::error::{Error, Result};
use crate::telegram::{RpcStats, Telegram};

pub struct Link {
    profile: String,
    /// `None` once closed, or from the start when Telegram cannot be used.
    telegram: RwLock<Option<Telegram>>,
    /// Why there is no Telegram from the start (no session, no credentials).
    offline: Option<Error>,
    /// Telegram said this session is not authorized: later calls fail fast.
    logged_out: AtomicBool,
    /// The background login check, stopped at shutdown: a slow network must not delay
    /// the exit.
    warm_up: Mutex<Option<AbortHandle>>,
    /// What the last calls and probes taught about the connection, for `/health`.
    status: Mutex<Status>,
    /// The client's request counters; outlive the client, for a last scrape.
    stats: Mutex<Arc<RpcStats>>,
    /// New messages, once a tool call or subscription asked for them; started again
    /// after the client was closed (an eviction) and the stream ended with it.
    feed: tokio::sync::Mutex<Option<Arc<super::feed::Feed>>>,
    /// How to open the client again, for a link that may be closed and reopened.
    reopen: Option<Reopen>,
}

/// Opens a client from the session on disk (without touching the network).
pub type Opener = Arc<dyn Fn() -> Result<Telegram> + Send + Sync>;

struct Reopen {
    open: Opener,
    session_file: PathBuf,
    /// The session file's modification time when the client was last opened.
    opened_at: Mutex<Option<SystemTime>>,
    /// One open or close at a time.
    gate: tokio::sync::Mutex<()>,
    /// Closed for good (shutdown): no reopening.
    closed: AtomicBool,
    /// New logins picked up after Telegram had logged the session out.
    reauthorizations: AtomicU64,
    /// Times the client was opened.
    opens: AtomicU64,
}

impl Reopen {
    fn session_mtime(&self) -> Option<SystemTime> {
        std::fs::metadata(&self.session_file)
            .and_then(|m| m.modified())
            .ok()
    }

    /// Whether the session file was written since the client was opened (a new login).
    fn session_replaced(&self) -> bool {
        let opened_at = *self.opened_at.lock().unwrap_or_else(|e| e.into_inner());
        self.session_mtime()
            .is_some_and(|now| Some(now) != opened_at)
    }
}

/// The connection's state as last seen, for health checks. Never holds a secret.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Status {
    /// The last call or probe reached Telegram (`None`: nothing tried yet).
    pub connected: Option<bool>,
    /// Telegram accepts the session (`None`: not known yet).
    pub authorized: Option<bool>,
    pub home_dc: Option<i32>,
    /// When a call or probe last succeeded, in Unix seconds.
    pub last_ok_unix: Option<u64>,
    /// The kind of the last failure (`network`, `not_logged_in`, …).
    pub last_error_kind: Option<&'static str>,
    /// Why Telegram cannot be used at all (no session, no credentials), if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offline: Option<String>,
}

impl Link {
    /// A link over a client that has not dialed yet.
    pub fn new(profile: &str, telegram: Telegram) -> Self {
        let stats = Arc::clone(telegram.stats());
        Self {
            stats: Mutex::new(stats),
            profile: profile.to_owned(),
            telegram: RwLock::new(Some(telegram)),
            offline: None,
            logged_out: AtomicBool::new(false),
            warm_up: Mutex::new(None),
            status: Mutex::new(Status::default()),
            feed: Default::default(),
            reopen: None,
        }
    }

    /// A link that opens its client with `open` when first used, again after
    /// [`Link::evict`], and again when `session_file` is replaced after Telegram logged
    /// the session out (a new login, picked up live).
    pub fn reloadable(profile: &str, session_file: PathBuf, open: Opener) -> Self {
        Self {
            stats: Mutex::default(),
            profile: profile.to_owned(),
            telegram: RwLock::new(None),
            offline: None,
            logged_out: AtomicBool::new(false),
            warm_up: Mutex::new(None),
            status: Mutex::new(Status::default()),
            feed: Default::default(),
            reopen: Some(Reopen {
                open,
                session_file,
                opened_at: Mutex::new(None),
                gate: tokio::sync::Mutex::new(()),
                closed: AtomicBool::new(false),
                reauthorizations: AtomicU64::new(0),
                opens: AtomicU64::new(0),
            }),
        }
    }

    /// A link that cannot reach Telegram; every call fails with `reason`.
    pub fn offline(profile: &str, reason: Error) -> Self {
        let reason = reason.with_profile(profile);
        let status = Status {
            connected: Some(false),
            authorized: Some(false),
            last_error_kind: Some(reason.kind()),
            offline: Some(reason.to_string()),
            ..Status::default()
        };
        Self {
            profile: profile.to_owned(),
            telegram: RwLock::new(None),
            offline: Some(reason),
            logged_out: AtomicBool::new(false),
            warm_up: Mutex::new(None),
            status: Mutex::new(status),
            stats: Mutex::default(),
            feed: Default::default(),
            reopen: None,
        }
    }

    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// Dials Telegram and checks the login in the background, so the first tool call
    /// finds a warm connection and a logged-out session is reported at once.
    pub fn warm_up(self: &Arc<Self>) {
        let link = Arc::clone(self);
        let task = tokio::spawn(async move {
            let telegram = match link.telegram().await {
                Ok(telegram) => telegram,
                Err(e) => {
                    tracing::warn!("{e}");
                    return;
                }
            };
            let started = Instant::now();
            let authorized = telegram.is_authorized().await;
            link.learn(&telegram, &authorized);
            match authorized {
                Ok(true) => tracing::info!(
                    ms = started.elapsed().as_millis() as u64,
                    "connected to Telegram"
                ),
                Ok(false) => tracing::warn!("{}", Error::not_logged_in(&link.profile)),
                // Not fatal: the network may come back before the first call.
                Err(e) => tracing::warn!("cannot reach Telegram yet: {e}"),
            }
        });
        if let Ok(mut slot) = self.warm_up.lock() {
            *slot = Some(task.abort_handle());
        }
    }

    /// The client for one call. Held across the call, so [`Link::close`] waits for calls
    /// in flight.
    pub async fn telegram(&self) -> Result<RwLockReadGuard<'_, Telegram>> {
        if let Some(reason) = &self.offline {
            return Err(reason.clone());
        }
        if let Some(reopen) = &self.reopen {
            if let Some(open) = self.open_if_needed(reopen).await? {
                return Ok(open);
            }
        } else if self.logged_out.load(Ordering::Relaxed) {
            return Err(Error::not_logged_in(&self.profile));
        }
        RwLockReadGuard::try_map(self.telegram.read().await, Option::as_ref).map_err(|_| {
            Error::Network("the server is shutting down; the Telegram connection is closed".into())
        })
    }

    /// The account's new messages, started on first use, and again when the stream
    /// ended (the client was closed by an eviction, or the connection failed for good).
    pub(super) async fn feed(&self) -> Result<Arc<super::feed::Feed>> {
        let mut slot = self.feed.lock().await;
        if let Some(feed) = slot.as_ref().filter(|feed| !feed.has_ended()) {
            return Ok(Arc::clone(feed));
        }
        let telegram = self.telegram().await?;
        let feed = Arc::new(super::feed::Feed::start(&telegram).await?);
        *slot = Some(Arc::clone(&feed));
        Ok(feed)
    }

    /// For a reloadable link: the open client, opening it first when there is none or a
    /// new login replaced a logged-out session. `None` when closed for good.
    async fn open_if_needed(
        &self,
        reopen: &Reopen,
    ) -> Result<Option<RwLockReadGuard<'_, Telegram>>> {
        if reopen.closed.load(Ordering::Relaxed) {
            return Ok(None);
        }
        if !self.logged_out.load(Ordering::Relaxed)
            && let Some(open) = open_client(self.telegram.read().await)
        {
            return Ok(Some(open));
        }
        let _gate = reopen.gate.lock().await;
        let logged_out = self.logged_out.load(Ordering::Relaxed);
        if logged_out && !reopen.session_replaced() {
            return Err(Error::not_logged_in(&self.profile));
        }
        if !logged_out && let Some(open) = open_client(self.telegram.read().await) {
            return Ok(Some(open));
        }
        let mut slot = self.telegram.write().await;
        if reopen.closed.load(Ordering::Relaxed) {
            return Ok(None);
        }
        if let Some(old) = slot.take()
            && let Err(e) = old.close().await
        {
            tracing::debug!("closing the logged-out client: {e}");
        }
        let mtime = reopen.session_mtime();
        match (reopen.open)() {
            Ok(telegram) => {
                *self.stats.lock().unwrap_or_else(|e| e.into_inner()) =
                    Arc::clone(telegram.stats());
                *slot = Some(telegram);
                *reopen.opened_at.lock().unwrap_or_else(|e| e.into_inner()) = mtime;
                reopen.opens.fetch_add(1, Ordering::Relaxed);
                if logged_out {
                    reopen.reauthorizations.fetch_add(1, Ordering::Relaxed);
                    tracing::info!(
                        profile = self.profile.as_str(),
                        "picked up a new login for this account"
                    );
                }
                self.logged_out.store(false, Ordering::Relaxed);
                let mut status = self.status();
                status.offline = None;
                status.authorized = None;
                status.last_error_kind = None;
            }
            Err(e) => {
                let e = e.with_profile(&self.profile);
                let mut status = self.status();
                status.connected = Some(false);
                status.authorized = Some(false);
                status.last_error_kind = Some(e.kind());
                status.offline = Some(e.to_string());
                return Err(e);
            }
        }
        let read = tokio::sync::RwLockWriteGuard::downgrade(slot);
        Ok(open_client(read))
    }

    /// Whether a client is open (for hosted mode's count of connected accounts).
    pub fn is_open(&self) -> bool {
        self.telegram.try_read().map_or(true, |t| t.is_some())
    }

    /// Whether Telegram said this session is logged out (and no new login came since).
    pub fn is_logged_out(&self) -> bool {
        self.logged_out.load(Ordering::Relaxed)
    }

    /// New logins picked up live, and times the client was opened.
    pub fn reload_counts(&self) -> (u64, u64) {
        self.reopen.as_ref().map_or((0, 0), |r| {
            (
                r.reauthorizations.load(Ordering::Relaxed),
                r.opens.load(Ordering::Relaxed),
            )
        })
    }

    /// Closes the client after the calls in flight end and writes the session; a
    /// reloadable link opens it again on its next call. Returns whether one was open.
    pub async fn evict(&self) -> bool {
        let _gate = match &self.reopen {
            Some(reopen) => Some(reopen.gate.lock().await),
            None => None,
        };
        // Its stream of new messages ends with the client (waits are calls, so none is
        // in flight here; a subscription's stream ends and says so).
        if let Some(feed) = self.feed.lock().await.take() {
            feed.stop();
        }
        let Some(telegram) = self.telegram.write().await.take() else {
            return false;
        };
        if let Err(e) = telegram.close().await {
            tracing::warn!("closing an idle account's connection: {e}");
        }
        true
    }

    /// Learns from a call's failure: an unauthorized session stays unauthorized.
    pub fn observe(&self, error: &Error) {
        if matches!(error, Error::NotLoggedIn { .. }) {
            self.logged_out.store(true, Ordering::Relaxed);
        }
        let mut status = self.status();
        status.last_error_kind = Some(error.kind());
        match error {
            Error::Network(_) => status.connected = Some(false),
            // Not proof that Telegram answered: the session may say so with no network.
            Error::NotLoggedIn { .. } => status.authorized = Some(false),
            _ => {}
        }
    }

    /// Learns from a call that Telegram answered.
    pub fn observe_success(&self) {
        let mut status = self.status();
        status.connected = Some(true);
        status.authorized = Some(true);
        status.last_ok_unix = Some(unix_now());
    }

    /// The connection's state as last seen.
    pub fn snapshot(&self) -> Status {
        self.status().clone()
    }

    /// Asks Telegram whether the session is authorized (one cheap call, at most
    /// `timeout`) and records the answer.
    pub async fn probe(&self, timeout: Duration) -> Status {
        if self.reopen.is_some() {
            // Opens the client, or picks up a new login, as a call would.
            if let Ok(telegram) = self.telegram().await {
                self.ask(&telegram, timeout).await;
                return self.snapshot();
            }
        }
        if self.offline.is_none() {
            // Also once logged out (and no new login yet): whether Telegram can be
            // reached is still worth knowing, and the client in hand can tell.
            let telegram = self.telegram.read().await;
            if let Some(telegram) = telegram.as_ref() {
                self.ask(telegram, timeout).await;
            }
        }
        self.snapshot()
    }

    /// One `is_authorized` check on `telegram`, at most `timeout`, recorded.
    async fn ask(&self, telegram: &Telegram, timeout: Duration) {
        let answer = tokio::time::timeout(timeout, telegram.is_authorized())
            .await
            .unwrap_or_else(|_| {
                Err(Error::Network(format!(
                    "no answer from Telegram within {}s",
                    timeout.as_secs_f32()
                )))
            });
        self.learn(telegram, &answer);
    }

    fn learn(&self, telegram: &Telegram, authorized: &Result<bool>) {
        match authorized {
            Ok(true) => self.observe_success(),
            Ok(false) => {
                // Telegram itself said so.
                self.observe(&Error::not_logged_in(&self.profile));
                self.status().connected = Some(true);
            }
            Err(e) => {
                tracing::debug!("Telegram check failed: {e}");
                self.observe(e);
            }
        }
        self.status().home_dc = telegram.session().home_dc_id().ok();
    }

    fn status(&self) -> std::sync::MutexGuard<'_, Status> {
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Closes the connection and saves the session, after the calls in flight end.
    pub async fn close(&self) -> Result<()> {
        if let Some(task) = self.warm_up.lock().ok().and_then(|mut slot| slot.take()) {
            task.abort();
        }
        if let Some(feed) = self.feed.lock().await.take() {
            feed.stop();
        }
        if let Some(reopen) = &self.reopen {
            reopen.closed.store(true, Ordering::Relaxed);
        }
        match self.telegram.write().await.take() {
            Some(telegram) => telegram.close().await,
            None => Ok(()),
        }
    }
}

fn open_client(
    guard: RwLockReadGuard<'_, Option<Telegram>>,
) -> Option<RwLockReadGuard<'_, Telegram>> {
    RwLockReadGuard::try_map(guard, Option::as_ref).ok()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_offline_link_answers_with_its_reason() {
        let link = Link::offline("work", Error::not_logged_in("work"));
        for _ in 0..2 {
            let error = link.telegram().await.err().unwrap();
            assert_eq!(error.kind(), "not_logged_in");
            assert!(
                error.to_string().contains("tgmcp --profile work setup"),
                "{error}"
            );
        }
        let link = Link::offline("default", Error::Config("api_id is not set".into()));
        let error = link.telegram().await.err().unwrap();
        assert_eq!(
            (error.kind(), error.to_string().as_str()),
            ("config", "api_id is not set")
        );
        assert!(link.close().await.is_ok());
    }
}

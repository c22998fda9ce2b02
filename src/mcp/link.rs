//! The server's one Telegram connection, shared by every tool call.
//!
//! The server must answer `initialize` before Telegram is reached, and must stay up when
//! there is no login. So the link is built without touching the network, dials in the
//! background ([`Link::warm_up`]), and when Telegram cannot be used it answers every call
//! with the error that says why (run `tgmcp setup`, fix the config) instead of exiting.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use grammers_session::Session as _;
use serde::Serialize;

use tokio::sync::{RwLock, RwLockReadGuard};
use tokio::task::AbortHandle;

use crate::error::{Error, Result};
use crate::telegram::{RpcSnapshot, RpcStats, Telegram};

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
    stats: Arc<RpcStats>,
    /// New messages, once a tool call or subscription asked for them.
    feed: tokio::sync::OnceCell<super::feed::Feed>,
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
            stats,
            profile: profile.to_owned(),
            telegram: RwLock::new(Some(telegram)),
            offline: None,
            logged_out: AtomicBool::new(false),
            warm_up: Mutex::new(None),
            status: Mutex::new(Status::default()),
            feed: tokio::sync::OnceCell::new(),
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
            stats: Arc::default(),
            feed: tokio::sync::OnceCell::new(),
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
            let Ok(telegram) = link.telegram().await else {
                return;
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
        if self.logged_out.load(Ordering::Relaxed) {
            return Err(Error::not_logged_in(&self.profile));
        }
        RwLockReadGuard::try_map(self.telegram.read().await, Option::as_ref).map_err(|_| {
            Error::Network("the server is shutting down; the Telegram connection is closed".into())
        })
    }

    /// The account's new messages, started on first use.
    pub(super) async fn feed(&self) -> Result<&super::feed::Feed> {
        self.feed
            .get_or_try_init(|| async {
                let telegram = self.telegram().await?;
                super::feed::Feed::start(&telegram).await
            })
            .await
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

    /// The Telegram requests made so far, by method and outcome.
    pub fn rpc_stats(&self) -> RpcSnapshot {
        self.stats.snapshot()
    }

    /// The connection's state as last seen.
    pub fn snapshot(&self) -> Status {
        self.status().clone()
    }

    /// Asks Telegram whether the session is authorized (one cheap call, at most
    /// `timeout`) and records the answer.
    pub async fn probe(&self, timeout: Duration) -> Status {
        // Also once logged out: whether Telegram can be reached is still worth knowing.
        if self.offline.is_none() {
            let telegram = self.telegram.read().await;
            if let Some(telegram) = telegram.as_ref() {
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
        }
        self.snapshot()
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
        if let Some(feed) = self.feed.get() {
            feed.stop();
        }
        match self.telegram.write().await.take() {
            Some(telegram) => telegram.close().await,
            None => Ok(()),
        }
    }
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

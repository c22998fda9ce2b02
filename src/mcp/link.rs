//! The server's one Telegram connection, shared by every tool call.
//!
//! The server must answer `initialize` before Telegram is reached, and must stay up when
//! there is no login. So the link is built without touching the network, dials in the
//! background ([`Link::warm_up`]), and when Telegram cannot be used it answers every call
//! with the error that says why (run `tgmcp setup`, fix the config) instead of exiting.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::{RwLock, RwLockReadGuard};
use tokio::task::AbortHandle;

use crate::error::{Error, Result};
use crate::telegram::Telegram;

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
}

impl Link {
    /// A link over a client that has not dialed yet.
    pub fn new(profile: &str, telegram: Telegram) -> Self {
        Self {
            profile: profile.to_owned(),
            telegram: RwLock::new(Some(telegram)),
            offline: None,
            logged_out: AtomicBool::new(false),
            warm_up: Mutex::new(None),
        }
    }

    /// A link that cannot reach Telegram; every call fails with `reason`.
    pub fn offline(profile: &str, reason: Error) -> Self {
        Self {
            profile: profile.to_owned(),
            telegram: RwLock::new(None),
            offline: Some(reason.with_profile(profile)),
            logged_out: AtomicBool::new(false),
            warm_up: Mutex::new(None),
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
            match telegram.is_authorized().await {
                Ok(true) => tracing::info!(
                    ms = started.elapsed().as_millis() as u64,
                    "connected to Telegram"
                ),
                Ok(false) => {
                    link.logged_out.store(true, Ordering::Relaxed);
                    tracing::warn!("{}", Error::not_logged_in(&link.profile));
                }
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

    /// Learns from a call's failure: an unauthorized session stays unauthorized.
    pub fn observe(&self, error: &Error) {
        if matches!(error, Error::NotLoggedIn { .. }) {
            self.logged_out.store(true, Ordering::Relaxed);
        }
    }

    /// Closes the connection and saves the session, after the calls in flight end.
    pub async fn close(&self) -> Result<()> {
        if let Some(task) = self.warm_up.lock().ok().and_then(|mut slot| slot.take()) {
            task.abort();
        }
        match self.telegram.write().await.take() {
            Some(telegram) => telegram.close().await,
            None => Ok(()),
        }
    }
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

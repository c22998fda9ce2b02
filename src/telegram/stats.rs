//! What one connection's requests met: counts by method and outcome, time spent, flood
//! waits, lost connections and reconnects. The core only counts; `/metrics` renders.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crate::error::Error;

/// Counters shared by [`super::Telegram`] and its retry policy. Cheap next to a round
/// trip: a few atomics and one short lock per request.
#[derive(Debug, Default)]
pub struct RpcStats {
    requests: Mutex<BTreeMap<(String, String), Tally>>,
    slept: FloodTally,
    returned: FloodTally,
    connection_losses: AtomicU64,
    reconnects: AtomicU64,
    /// The last request found the connection gone; the next success is a reconnect.
    lost: AtomicBool,
}

#[derive(Debug, Default)]
struct FloodTally {
    count: AtomicU64,
    seconds: AtomicU64,
}

impl FloodTally {
    fn add(&self, seconds: u32) {
        self.count.fetch_add(1, Ordering::Relaxed);
        self.seconds
            .fetch_add(u64::from(seconds), Ordering::Relaxed);
    }

    fn read(&self) -> (u64, u64) {
        (
            self.count.load(Ordering::Relaxed),
            self.seconds.load(Ordering::Relaxed),
        )
    }
}

/// Requests of one method with one outcome.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Tally {
    pub count: u64,
    pub seconds: f64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RpcSnapshot {
    /// (method, outcome) → tally; the outcome is `ok`, Telegram's error name
    /// (`FLOOD_WAIT`, `PEER_ID_INVALID` …) or tgmcp's error kind (`network` …).
    pub requests: BTreeMap<(String, String), Tally>,
    /// FLOOD_WAITs slept through before repeating the request: (count, seconds).
    pub flood_waits_slept: (u64, u64),
    /// FLOOD_WAITs too long to sleep, returned to the caller: (count, seconds).
    pub flood_waits_returned: (u64, u64),
    /// Requests that found an established connection gone.
    pub connection_losses: u64,
    /// Requests that succeeded on a new connection after a loss.
    pub reconnects: u64,
}

impl RpcStats {
    /// Records one request's outcome. `was_connected`: this process had a working
    /// connection before, so a network failure is a lost connection, not a failed dial.
    pub(crate) fn record<T>(
        &self,
        method: &str,
        result: &Result<T, Error>,
        elapsed: Duration,
        was_connected: bool,
    ) {
        let outcome = match result {
            Ok(_) => {
                if self.lost.swap(false, Ordering::Relaxed) {
                    self.reconnects.fetch_add(1, Ordering::Relaxed);
                }
                "ok".to_owned()
            }
            Err(error) => {
                match error {
                    Error::FloodWait { seconds, .. } => self.returned.add(*seconds),
                    Error::Network(_) if was_connected => {
                        self.connection_losses.fetch_add(1, Ordering::Relaxed);
                        self.lost.store(true, Ordering::Relaxed);
                    }
                    _ => {}
                }
                outcome_of(error)
            }
        };
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let tally = requests.entry((method.to_owned(), outcome)).or_default();
        tally.count += 1;
        tally.seconds += elapsed.as_secs_f64();
    }

    /// A FLOOD_WAIT the retry policy sleeps through.
    pub(crate) fn flood_wait_slept(&self, seconds: u32) {
        self.slept.add(seconds);
    }

    pub fn snapshot(&self) -> RpcSnapshot {
        RpcSnapshot {
            requests: self
                .requests
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
            flood_waits_slept: self.slept.read(),
            flood_waits_returned: self.returned.read(),
            connection_losses: self.connection_losses.load(Ordering::Relaxed),
            reconnects: self.reconnects.load(Ordering::Relaxed),
        }
    }
}

/// The outcome label: Telegram's error name where there is one, else tgmcp's kind.
fn outcome_of(error: &Error) -> String {
    match error {
        Error::FloodWait { .. } => "FLOOD_WAIT".to_owned(),
        Error::Rpc { name, .. } => name.clone(),
        Error::NotLoggedIn {
            rpc: Some(name), ..
        } => name.clone(),
        other => other.kind().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_outcomes_losses_and_reconnects() {
        let stats = RpcStats::default();
        let ms = Duration::from_millis(5);
        stats.record("users.getUsers", &Ok::<(), Error>(()), ms, false);
        // A failed dial is not a lost connection.
        stats.record::<()>(
            "users.getUsers",
            &Err(Error::Network("refused".into())),
            ms,
            false,
        );
        stats.record::<()>(
            "messages.search",
            &Err(Error::Network("reset".into())),
            ms,
            true,
        );
        stats.record("messages.search", &Ok::<(), Error>(()), ms, true);
        stats.record::<()>(
            "messages.sendMessage",
            &Err(Error::FloodWait {
                seconds: 30,
                method: None,
            }),
            ms,
            true,
        );
        stats.flood_wait_slept(3);

        let snapshot = stats.snapshot();
        let count = |method: &str, outcome: &str| {
            snapshot.requests[&(method.to_owned(), outcome.to_owned())].count
        };
        assert_eq!(count("users.getUsers", "ok"), 1);
        assert_eq!(count("users.getUsers", "network"), 1);
        assert_eq!(count("messages.search", "network"), 1);
        assert_eq!(count("messages.search", "ok"), 1);
        assert_eq!(count("messages.sendMessage", "FLOOD_WAIT"), 1);
        assert_eq!(snapshot.connection_losses, 1);
        assert_eq!(snapshot.reconnects, 1);
        assert_eq!(snapshot.flood_waits_returned, (1, 30));
        assert_eq!(snapshot.flood_waits_slept, (1, 3));
        let search_ok = snapshot.requests[&("messages.search".to_owned(), "ok".to_owned())];
        assert!((search_ok.seconds - 0.005).abs() < 1e-9);
    }
}

//! What one connection's requests met: counts by method and outcome, time spent, flood
//! waits, lost connections and reconnects. Every count also goes to one process-wide set
//! ([`process_snapshot`]), which `/metrics` renders: it covers every client of the
//! process (each account's in hosted mode) and never goes down when a client is dropped
//! and opened again (eviction, a new login). The core only counts; `/metrics` renders.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crate::error::Error;
use crate::histogram::Histogram;

/// Most distinct method labels kept; later ones count as `other`. The schema has about
/// 750 methods, and one process calls a few dozen.
const MAX_METHODS: usize = 256;
/// Most distinct error names kept; later ones count as `other`.
const MAX_ERROR_NAMES: usize = 128;
/// Longest method or error name kept as a label (the longest in the schema is about 50).
const MAX_LABEL_LEN: usize = 64;

/// Counters shared by [`super::Telegram`] and its retry policy. Cheap next to a round
/// trip: a few atomics and one short lock per request.
#[derive(Debug, Default)]
pub struct RpcStats {
    requests: Mutex<Requests>,
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
    const fn new() -> Self {
        Self {
            count: AtomicU64::new(0),
            seconds: AtomicU64::new(0),
        }
    }

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

/// Every client's counters in this process, added to as each client counts. Labels are
/// bounded as in each client's own set (no account label), and nothing resets them.
static PROCESS: RpcStats = RpcStats::new();

/// The counters of every Telegram client this process has had, old and current: what
/// `/metrics` serves, monotonic across evictions and reloads.
pub fn process_snapshot() -> RpcSnapshot {
    PROCESS.snapshot()
}

/// What one request adds to a set of counters.
struct Counted<'a> {
    method: &'a str,
    outcome: &'a str,
    elapsed: Duration,
    flood_wait_returned: Option<u32>,
    connection_lost: bool,
    reconnected: bool,
}

impl RpcStats {
    const fn new() -> Self {
        Self {
            requests: Mutex::new(Requests {
                tallies: BTreeMap::new(),
                methods: BTreeSet::new(),
                outcomes: BTreeSet::new(),
            }),
            slept: FloodTally::new(),
            returned: FloodTally::new(),
            connection_losses: AtomicU64::new(0),
            reconnects: AtomicU64::new(0),
            lost: AtomicBool::new(false),
        }
    }

    /// Records one request's outcome, here and in the process-wide set. `was_connected`:
    /// this process had a working connection before, so a network failure is a lost
    /// connection, not a failed dial.
    pub(crate) fn record<T>(
        &self,
        method: &str,
        result: &Result<T, Error>,
        elapsed: Duration,
        was_connected: bool,
    ) {
        let (mut flood_wait_returned, mut connection_lost, mut reconnected) = (None, false, false);
        let outcome = match result {
            Ok(_) => {
                // Whether this connection was lost is this client's to know.
                reconnected = self.lost.swap(false, Ordering::Relaxed);
                "ok".to_owned()
            }
            Err(error) => {
                match error {
                    Error::FloodWait { seconds, .. } => flood_wait_returned = Some(*seconds),
                    Error::Network(_) if was_connected => {
                        connection_lost = true;
                        self.lost.store(true, Ordering::Relaxed);
                    }
                    _ => {}
                }
                outcome_of(error)
            }
        };
        let counted = Counted {
            method,
            outcome: &outcome,
            elapsed,
            flood_wait_returned,
            connection_lost,
            reconnected,
        };
        self.count(&counted);
        PROCESS.count(&counted);
    }

    fn count(&self, counted: &Counted) {
        if counted.reconnected {
            self.reconnects.fetch_add(1, Ordering::Relaxed);
        }
        if counted.connection_lost {
            self.connection_losses.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(seconds) = counted.flood_wait_returned {
            self.returned.add(seconds);
        }
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let method = bounded_label(
            &mut requests.methods,
            counted.method,
            is_method_name,
            MAX_METHODS,
        );
        let outcome = bounded_label(
            &mut requests.outcomes,
            counted.outcome,
            is_outcome,
            MAX_ERROR_NAMES,
        );
        let tally = requests.tallies.entry((method, outcome)).or_default();
        tally.count += 1;
        tally.seconds += counted.elapsed.as_secs_f64();
    }

    /// A FLOOD_WAIT the retry policy sleeps through.
    pub(crate) fn flood_wait_slept(&self, seconds: u32) {
        self.slept.add(seconds);
        PROCESS.slept.add(seconds);
    }

    pub fn snapshot(&self) -> RpcSnapshot {
        RpcSnapshot {
            requests: self
                .requests
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .tallies
                .clone(),
            flood_waits_slept: self.slept.read(),
            flood_waits_returned: self.returned.read(),
            connection_losses: self.connection_losses.load(Ordering::Relaxed),
            reconnects: self.reconnects.load(Ordering::Relaxed),
        }
    }
}

/// The labels seen so far, so each stays within its bound.
#[derive(Debug, Default)]
struct Requests {
    tallies: BTreeMap<(String, String), Tally>,
    methods: BTreeSet<String>,
    outcomes: BTreeSet<String>,
}

/// `label` if it has the right shape and is already known or there is room for one more
/// distinct value, else `other`: labels stay a bounded set whatever Telegram (or a caller
/// naming a method) sends.
fn bounded_label(
    known: &mut BTreeSet<String>,
    label: &str,
    shape: fn(&str) -> bool,
    max: usize,
) -> String {
    if !shape(label) {
        return "other".to_owned();
    }
    if !known.contains(label) {
        if known.len() >= max {
            return "other".to_owned();
        }
        known.insert(label.to_owned());
    }
    label.to_owned()
}

/// A TL method name: `namespace.name` or `name`, letters, digits and `_`.
fn is_method_name(name: &str) -> bool {
    name.len() <= MAX_LABEL_LEN
        && name.split('.').count() <= 2
        && name.split('.').all(|part| {
            part.starts_with(|c: char| c.is_ascii_lowercase())
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// `ok`, an error kind (`network`) or Telegram's error name (`PEER_ID_INVALID`).
fn is_outcome(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_LABEL_LEN
        && (name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            || name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
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

/// Upper bounds of the Telegram request duration histogram, in seconds: a round trip
/// takes tens of milliseconds to a few seconds, a file part or a slept flood wait longer.
const LATENCY_BUCKETS: [f64; 13] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// The TL namespaces the duration histogram keeps apart; any other counts as `other`,
/// a method without one (`initConnection`) as `none`.
const NAMESPACES: [&str; 22] = [
    "account",
    "auth",
    "bots",
    "channels",
    "chatlists",
    "contacts",
    "folders",
    "fragment",
    "help",
    "langpack",
    "messages",
    "payments",
    "phone",
    "photos",
    "premium",
    "smsjobs",
    "stats",
    "stickers",
    "stories",
    "updates",
    "upload",
    "users",
];

/// Every client's request durations in this process (hosted mode has one client per
/// account), by namespace and ok/error: at most 24 × 2 series, whatever is called.
static LATENCY: Mutex<BTreeMap<(&str, &str), Histogram>> = Mutex::new(BTreeMap::new());

/// Records one request's duration in the process-wide histogram.
pub(crate) fn observe_latency(method: &str, ok: bool, elapsed: Duration) {
    let namespace = namespace_of(method);
    let outcome = if ok { "ok" } else { "error" };
    LATENCY
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((namespace, outcome))
        .or_insert_with(|| Histogram::new(&LATENCY_BUCKETS))
        .observe(elapsed.as_secs_f64());
}

/// The request duration histograms so far: (namespace, outcome) → histogram.
pub fn latency_snapshot() -> BTreeMap<(&'static str, &'static str), Histogram> {
    LATENCY.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The method's TL namespace, from the fixed set.
fn namespace_of(method: &str) -> &'static str {
    match method.split_once('.') {
        None => "none",
        Some((namespace, _)) => NAMESPACES
            .into_iter()
            .find(|known| *known == namespace)
            .unwrap_or("other"),
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

    #[test]
    fn labels_stay_a_bounded_set() {
        let stats = RpcStats::default();
        let ms = Duration::from_millis(1);
        let huge = "a".repeat(300_000);
        for bad in [
            huge.as_str(),
            "messages.send\"x\"",
            "Messages.Send",
            "a.b.c",
            "",
        ] {
            stats.record(bad, &Ok::<(), Error>(()), ms, true);
        }
        for i in 0..2 * MAX_METHODS {
            stats.record(&format!("ns.method{i}"), &Ok::<(), Error>(()), ms, true);
        }
        for i in 0..2 * MAX_ERROR_NAMES {
            let error = Error::Rpc {
                code: 400,
                name: format!("ERROR_{i}"),
                method: None,
            };
            stats.record::<()>("users.getUsers", &Err(error), ms, true);
        }
        for name in ["lower case", "X".repeat(1000).as_str(), "NAME\"}"] {
            let error = Error::Rpc {
                code: 400,
                name: name.to_owned(),
                method: None,
            };
            stats.record::<()>("users.getUsers", &Err(error), ms, true);
        }
        let snapshot = stats.snapshot();
        let methods: BTreeSet<&str> = snapshot.requests.keys().map(|k| k.0.as_str()).collect();
        let outcomes: BTreeSet<&str> = snapshot.requests.keys().map(|k| k.1.as_str()).collect();
        assert!(methods.len() <= MAX_METHODS + 1, "{}", methods.len());
        assert!(outcomes.len() <= MAX_ERROR_NAMES + 1, "{}", outcomes.len());
        assert!(methods.contains("other") && outcomes.contains("other"));
        assert!(methods.contains("ns.method0") && outcomes.contains("ERROR_0"));
        assert!(
            snapshot
                .requests
                .keys()
                .all(|(m, o)| m.len() <= MAX_LABEL_LEN && o.len() <= MAX_LABEL_LEN)
        );
        // Nothing is lost: every request is still counted.
        let total: u64 = snapshot.requests.values().map(|t| t.count).sum();
        assert_eq!(
            total as usize,
            5 + 2 * MAX_METHODS + 2 * MAX_ERROR_NAMES + 3
        );
    }

    #[test]
    fn every_client_counts_in_the_process_wide_set_which_outlives_it() {
        let ms = Duration::from_millis(2);
        let method = "process.wideCounterProbe";
        let count = |snapshot: &RpcSnapshot| {
            snapshot
                .requests
                .get(&(method.to_owned(), "ok".to_owned()))
                .map_or(0, |t| t.count)
        };
        let before = process_snapshot();
        // Two clients (two accounts, or one reopened): the second starts at zero, the
        // process-wide set goes on from where the first left it.
        let first = RpcStats::default();
        first.record(method, &Ok::<(), Error>(()), ms, true);
        first.record::<()>(method, &Err(Error::Network("reset".into())), ms, true);
        first.flood_wait_slept(7);
        drop(first);
        let second = RpcStats::default();
        second.record(method, &Ok::<(), Error>(()), ms, true);
        assert_eq!(count(&second.snapshot()), 1);
        assert_eq!(second.snapshot().connection_losses, 0);
        let after = process_snapshot();
        // Other tests count here at the same time: at least ours.
        assert!(count(&after) >= count(&before) + 2);
        assert!(after.connection_losses > before.connection_losses);
        assert!(after.flood_waits_slept.1 >= before.flood_waits_slept.1 + 7);
        // A loss on one client and a success on another is no reconnect.
        assert_eq!(second.snapshot().reconnects, 0);
    }

    #[test]
    fn latency_labels_are_namespaces_from_a_fixed_set() {
        assert_eq!(namespace_of("messages.getHistory"), "messages");
        assert_eq!(namespace_of("upload.getFile"), "upload");
        assert_eq!(namespace_of("initConnection"), "none");
        assert_eq!(namespace_of("made.up"), "other");
        assert_eq!(namespace_of(&"x.".repeat(100_000)), "other");
        observe_latency("messages.getHistory", true, Duration::from_millis(30));
        let snapshot = latency_snapshot();
        let histogram = &snapshot[&("messages", "ok")];
        assert!(histogram.count() >= 1);
    }
}

//! Knobs that make the sandbox misbehave on purpose, and counters that show what a client
//! really asked for.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::lock;

/// Faults injected into every connection of one sandbox. All knobs can change while
/// clients are connected.
#[derive(Default)]
pub struct Faults {
    state: Mutex<FaultState>,
}

#[derive(Default)]
struct FaultState {
    delay: Duration,
    /// Extra delay before answering one method (its request executed at once).
    method_delays: HashMap<String, Duration>,
    /// API requests still let through before the connection is dropped.
    drop_after: Option<u64>,
    flood: HashMap<String, Flood>,
    errors: HashMap<String, InjectedError>,
    drops: HashMap<String, DropPoint>,
    idle_timeout: Option<Duration>,
}

/// Where, in handling one request, a connection is dropped (see [`Faults::drop_at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropPoint {
    /// The request arrived and was not executed: nothing happened.
    Unexecuted,
    /// The request was executed and its answer never sent: it happened, and the client
    /// cannot know.
    Unanswered,
    /// The answer was sent, then the connection closed.
    Answered,
}

struct Flood {
    seconds: u32,
    /// How many more calls get the error; `None` = every call.
    remaining: Option<u32>,
    /// Calls still let through before the error starts (a wait in the middle of an
    /// upload).
    after: u32,
}

struct InjectedError {
    code: i32,
    name: String,
    remaining: Option<u32>,
}

/// What the sandbox does with one API request before executing it.
pub(crate) enum Verdict {
    Proceed,
    /// Close the connection without answering.
    Drop,
    /// Answer with this RPC error instead of executing.
    Error {
        code: i32,
        name: String,
    },
}

impl Faults {
    /// Adds `delay` before every answer (a slow network or a far DC).
    pub fn set_delay(&self, delay: Duration) {
        lock(&self.state).delay = delay;
    }

    pub fn delay(&self) -> Duration {
        lock(&self.state).delay
    }

    /// Holds back the answer to every `method` request by `delay` (the request itself is
    /// executed at once): a write that is carried out while its caller still waits.
    pub fn delay_answers_to(&self, method: &str, delay: Duration) {
        lock(&self.state)
            .method_delays
            .insert(method.to_owned(), delay);
    }

    /// How long the answer to `method` is held back: the longer of the two delays.
    pub(crate) fn delay_for(&self, method: &str) -> Duration {
        let state = lock(&self.state);
        let extra = state.method_delays.get(method).copied().unwrap_or_default();
        state.delay.max(extra)
    }

    /// Lets `n` more API requests through, then drops the connection that carries the next
    /// one, without executing or answering it. Fires once.
    pub fn drop_after(&self, n: u64) {
        lock(&self.state).drop_after = Some(n);
    }

    /// Drops the connection that carries the next `method` request at `point`. Fires once.
    pub fn drop_at(&self, method: &str, point: DropPoint) {
        lock(&self.state).drops.insert(method.to_owned(), point);
    }

    /// Closes connections the client has sent nothing on for `timeout`, as Telegram does
    /// with silent ones (clients ping to stay connected); `None` keeps them open.
    pub fn set_idle_timeout(&self, timeout: Option<Duration>) {
        lock(&self.state).idle_timeout = timeout;
    }

    pub(crate) fn idle_timeout(&self) -> Option<Duration> {
        lock(&self.state).idle_timeout
    }

    pub(crate) fn drop_point(&self, method: &str) -> Option<DropPoint> {
        lock(&self.state).drops.remove(method)
    }

    /// Answers `FLOOD_WAIT_<seconds>` (code 420) to `method` (TL name, e.g.
    /// `messages.sendMessage`), for the next `times` calls or, with `None`, every call.
    pub fn flood_wait(&self, method: &str, seconds: u32, times: Option<u32>) {
        lock(&self.state).flood.insert(
            method.to_owned(),
            Flood {
                seconds,
                remaining: times,
                after: 0,
            },
        );
    }

    /// [`Faults::flood_wait`], once `after` calls of `method` went through: the wait
    /// comes in the middle of a run of calls, such as the parts of an upload.
    pub fn flood_wait_after(&self, method: &str, after: u32, seconds: u32, times: Option<u32>) {
        lock(&self.state).flood.insert(
            method.to_owned(),
            Flood {
                seconds,
                remaining: times,
                after,
            },
        );
    }

    /// Answers any RPC error (e.g. 303 `PHONE_MIGRATE_4`, 500 `INTERNAL`) to `method`.
    pub fn inject_error(&self, method: &str, code: i32, name: &str, times: Option<u32>) {
        lock(&self.state).errors.insert(
            method.to_owned(),
            InjectedError {
                code,
                name: name.to_owned(),
                remaining: times,
            },
        );
    }

    /// Back to a well-behaved DC.
    pub fn clear(&self) {
        *lock(&self.state) = FaultState::default();
    }

    pub(crate) fn verdict(&self, method: &str) -> Verdict {
        let mut state = lock(&self.state);
        if let Some(n) = state.drop_after.as_mut() {
            if *n == 0 {
                state.drop_after = None;
                return Verdict::Drop;
            }
            *n -= 1;
        }
        if let Some(flood) = state.flood.get_mut(method)
            && (flood.after == 0 || {
                flood.after -= 1;
                false
            })
            && take_one(&mut flood.remaining)
        {
            return Verdict::Error {
                code: 420,
                name: format!("FLOOD_WAIT_{}", flood.seconds),
            };
        }
        if let Some(err) = state.errors.get_mut(method)
            && take_one(&mut err.remaining)
        {
            return Verdict::Error {
                code: err.code,
                name: err.name.clone(),
            };
        }
        Verdict::Proceed
    }
}

/// Consumes one use of a limited rule; `None` means unlimited.
fn take_one(remaining: &mut Option<u32>) -> bool {
    match remaining {
        None => true,
        Some(0) => false,
        Some(n) => {
            *n -= 1;
            true
        }
    }
}

/// Requests per method, as the sandbox saw them (wrappers like `invokeWithLayer` are
/// unwrapped, so `help.getConfig` counts as itself).
#[derive(Default)]
pub struct Stats {
    requests: Mutex<BTreeMap<String, u64>>,
    connections: AtomicU64,
    /// Every request's bytes, while [`Stats::record_requests`] is on (fuzzing seeds).
    bodies: Mutex<Option<Vec<Vec<u8>>>>,
    /// Woken on every request recorded, for tests waiting for one to arrive.
    arrived: tokio::sync::Notify,
    /// API requests received and not yet answered (or dropped), and the most at once.
    in_flight: Mutex<(u64, u64)>,
}

impl Stats {
    pub(crate) fn record(&self, method: &str, body: &[u8]) {
        *lock(&self.requests).entry(method.to_owned()).or_default() += 1;
        if let Some(bodies) = lock(&self.bodies).as_mut() {
            bodies.push(body.to_vec());
        }
        self.arrived.notify_waiters();
    }

    /// Waits until `method` has been called at least `n` times (counted since the last
    /// [`Stats::reset`]); the request has arrived and been executed by then, though its
    /// answer may still be held back by a delay.
    pub async fn wait_for(&self, method: &str, n: u64) {
        self.wait_until(|stats| stats.count(method) >= n).await;
    }

    /// Waits until `done` holds, checked as each request arrives.
    pub async fn wait_until(&self, done: impl Fn(&Self) -> bool) {
        loop {
            let arrived = self.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            if done(self) {
                return;
            }
            arrived.await;
        }
    }

    /// A request was received; it stays in flight until [`Stats::answered`].
    pub(crate) fn started(&self) {
        let mut in_flight = lock(&self.in_flight);
        in_flight.0 += 1;
        in_flight.1 = in_flight.1.max(in_flight.0);
    }

    /// A request was answered or dropped.
    pub(crate) fn answered(&self) {
        let mut in_flight = lock(&self.in_flight);
        in_flight.0 = in_flight.0.saturating_sub(1);
    }

    /// API requests received and not yet answered.
    pub fn in_flight(&self) -> u64 {
        lock(&self.in_flight).0
    }

    /// The most API requests in flight at once since the last [`Stats::reset`]: how many
    /// a client really had going concurrently.
    pub fn peak_in_flight(&self) -> u64 {
        lock(&self.in_flight).1
    }

    /// Keeps a copy of every API request from now on (`false` stops and forgets them):
    /// real requests from real clients, the seeds for fuzzing the handlers.
    pub fn record_requests(&self, on: bool) {
        *lock(&self.bodies) = on.then(Vec::new);
    }

    /// The recorded requests of one method (TL name), wrappers peeled off, as sent: what
    /// a client really asked for, flags included.
    pub fn recorded_calls(&self, method: &str) -> Vec<Vec<u8>> {
        self.recorded_requests()
            .iter()
            .filter_map(|body| super::rpc::Call::parse(body).ok())
            .filter(|call| call.method_name() == method)
            .map(|call| call.query())
            .collect()
    }

    /// The requests recorded so far, as sent (wrappers such as `invokeWithLayer` kept).
    pub fn recorded_requests(&self) -> Vec<Vec<u8>> {
        lock(&self.bodies).clone().unwrap_or_default()
    }

    pub(crate) fn connection_opened(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    /// How many times `method` was called.
    pub fn count(&self, method: &str) -> u64 {
        lock(&self.requests).get(method).copied().unwrap_or(0)
    }

    /// All API requests (service messages such as acks and pings are not counted).
    pub fn total(&self) -> u64 {
        lock(&self.requests).values().sum()
    }

    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        lock(&self.requests).clone()
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    pub fn reset(&self) {
        lock(&self.requests).clear();
        let mut in_flight = lock(&self.in_flight);
        in_flight.1 = in_flight.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_after_fires_once_after_n() {
        let f = Faults::default();
        f.drop_after(2);
        assert!(matches!(f.verdict("a"), Verdict::Proceed));
        assert!(matches!(f.verdict("a"), Verdict::Proceed));
        assert!(matches!(f.verdict("a"), Verdict::Drop));
        assert!(matches!(f.verdict("a"), Verdict::Proceed));
    }

    #[test]
    fn flood_limited_times() {
        let f = Faults::default();
        f.flood_wait("m", 7, Some(1));
        match f.verdict("m") {
            Verdict::Error { code, name } => {
                assert_eq!((code, name.as_str()), (420, "FLOOD_WAIT_7"))
            }
            _ => panic!("expected flood"),
        }
        assert!(matches!(f.verdict("m"), Verdict::Proceed));
        assert!(matches!(f.verdict("other"), Verdict::Proceed));
    }
}

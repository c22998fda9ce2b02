//! Prometheus metrics, kept in memory and rendered as the text exposition format.
//!
//! A handful of labelled counters and histograms do not justify a metrics crate: the
//! label sets are small and bounded (routes, statuses, tool names, error kinds), so a
//! mutex-guarded map per family is cheap enough next to a Telegram round trip.
//!
//! Every label value comes from a fixed set, never from what a client sent: requests are
//! counted before the token is checked, so a free-form label would let anyone grow this
//! process's memory and `/metrics` without bound (an HTTP method may be any token,
//! hundreds of KB long). Unknown methods count as `OTHER`, unknown paths as `other`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::Error;
use crate::histogram::Histogram;
use crate::mcp::CallObserver;
use crate::telegram::RpcSnapshot;

/// Upper bounds of the duration histograms, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 30.0,
];

/// Upper bounds of the HTTP body size histograms, in bytes (64 B to 16 MiB; the body
/// limit defaults to 1 MiB, a downloaded file over `/mtproto-api` may be larger).
const SIZE_BUCKETS: [f64; 10] = [
    64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0,
];

#[derive(Default)]
struct Families {
    /// (route, method, status) → count
    http_requests: BTreeMap<(&'static str, &'static str, u16), u64>,
    /// route → durations
    http_duration: BTreeMap<&'static str, Histogram>,
    /// route → request body bytes read
    http_request_size: BTreeMap<&'static str, Histogram>,
    /// route → response body bytes sent
    http_response_size: BTreeMap<&'static str, Histogram>,
    /// (tool, outcome) → count
    tool_calls: BTreeMap<(&'static str, &'static str), u64>,
    /// tool → durations
    tool_duration: BTreeMap<&'static str, Histogram>,
}

#[derive(Default)]
pub struct Metrics {
    families: Mutex<Families>,
}

/// Gauges read at scrape time.
pub struct Gauges {
    pub sessions: usize,
    pub in_flight: usize,
    pub telegram_connected: Option<bool>,
    pub telegram_authorized: Option<bool>,
    pub uptime: Duration,
    /// The request counters of every Telegram client of the process (all accounts in
    /// hosted mode), monotonic across evictions and reloads.
    pub rpc: RpcSnapshot,
}

impl Metrics {
    fn families(&self) -> std::sync::MutexGuard<'_, Families> {
        self.families.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn http_request(&self, route: &'static str, method: &str, status: u16, elapsed: Duration) {
        let mut families = self.families();
        *families
            .http_requests
            .entry((route, method_label(method), status))
            .or_default() += 1;
        families
            .http_duration
            .entry(route)
            .or_insert_with(|| Histogram::new(&BUCKETS))
            .observe(elapsed.as_secs_f64());
    }

    /// The bytes of a request's body the server read.
    pub fn http_request_size(&self, route: &'static str, bytes: u64) {
        self.families()
            .http_request_size
            .entry(route)
            .or_insert_with(|| Histogram::new(&SIZE_BUCKETS))
            .observe(bytes as f64);
    }

    /// The bytes of a response's body sent (a stream's, when it ends).
    pub fn http_response_size(&self, route: &'static str, bytes: u64) {
        self.families()
            .http_response_size
            .entry(route)
            .or_insert_with(|| Histogram::new(&SIZE_BUCKETS))
            .observe(bytes as f64);
    }

    /// The text exposition format (version 0.0.4).
    pub fn render(&self, gauges: &Gauges) -> String {
        let families = self.families();
        let mut out = String::with_capacity(8 * 1024);

        header(
            &mut out,
            "tgmcp_http_requests_total",
            "counter",
            "HTTP requests answered, by route, method and status.",
        );
        for ((route, method, status), count) in &families.http_requests {
            let _ = writeln!(
                out,
                "tgmcp_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {count}"
            );
        }
        header(
            &mut out,
            "tgmcp_http_request_duration_seconds",
            "histogram",
            "Time to answer an HTTP request (to the response head for streams), by route.",
        );
        for (route, histogram) in &families.http_duration {
            histogram.render(
                &mut out,
                "tgmcp_http_request_duration_seconds",
                &format!("route=\"{route}\""),
            );
        }
        for (name, help, family) in [
            (
                "tgmcp_http_request_size_bytes",
                "Bytes of request body read, by route.",
                &families.http_request_size,
            ),
            (
                "tgmcp_http_response_size_bytes",
                "Bytes of response body sent (a stream's when it ends), by route.",
                &families.http_response_size,
            ),
        ] {
            header(&mut out, name, "histogram", help);
            for (route, histogram) in family {
                histogram.render(&mut out, name, &format!("route=\"{route}\""));
            }
        }
        gauge(
            &mut out,
            "tgmcp_http_requests_in_flight",
            "MCP requests being handled now.",
            gauges.in_flight as f64,
        );
        gauge(
            &mut out,
            "tgmcp_mcp_sessions",
            "Active MCP sessions.",
            gauges.sessions as f64,
        );

        header(
            &mut out,
            "tgmcp_tool_calls_total",
            "counter",
            "MCP tool calls, by tool and outcome (ok, or the error kind).",
        );
        for ((tool, outcome), count) in &families.tool_calls {
            let _ = writeln!(
                out,
                "tgmcp_tool_calls_total{{tool=\"{tool}\",outcome=\"{outcome}\"}} {count}"
            );
        }
        header(
            &mut out,
            "tgmcp_tool_call_duration_seconds",
            "histogram",
            "Time to answer a tool call, by tool.",
        );
        for (tool, histogram) in &families.tool_duration {
            histogram.render(
                &mut out,
                "tgmcp_tool_call_duration_seconds",
                &format!("tool=\"{tool}\""),
            );
        }

        drop(families);
        render_rpc(&mut out, &gauges.rpc);

        let flag = |value: Option<bool>| if value == Some(true) { 1.0 } else { 0.0 };
        gauge(
            &mut out,
            "tgmcp_telegram_connected",
            "1 when the last call or probe reached Telegram.",
            flag(gauges.telegram_connected),
        );
        gauge(
            &mut out,
            "tgmcp_telegram_authorized",
            "1 when Telegram accepts the session.",
            flag(gauges.telegram_authorized),
        );
        gauge(
            &mut out,
            "tgmcp_uptime_seconds",
            "Seconds since the server started.",
            gauges.uptime.as_secs_f64(),
        );
        if let Some(rss) = process_rss_bytes() {
            gauge(
                &mut out,
                "process_resident_memory_bytes",
                "Resident memory size in bytes.",
                rss as f64,
            );
        }
        if let Some(seconds) = process_cpu_seconds() {
            header(
                &mut out,
                "process_cpu_seconds_total",
                "counter",
                "User and system CPU time spent, in seconds.",
            );
            let _ = writeln!(out, "process_cpu_seconds_total {seconds}");
        }
        if let Some(fds) = process_open_fds() {
            gauge(
                &mut out,
                "process_open_fds",
                "Number of open file descriptors.",
                fds as f64,
            );
        }
        out
    }
}

impl CallObserver for Metrics {
    fn tool_call(&self, tool: &'static str, error: Option<&Error>, elapsed: Duration) {
        let mut families = self.families();
        let outcome = error.map_or("ok", Error::kind);
        // Tool names come from the code, but only the served tools are labels.
        let tool = if crate::mcp::TOOL_NAMES.contains(&tool) {
            tool
        } else {
            "other"
        };
        *families.tool_calls.entry((tool, outcome)).or_default() += 1;
        families
            .tool_duration
            .entry(tool)
            .or_insert_with(|| Histogram::new(&BUCKETS))
            .observe(elapsed.as_secs_f64());
    }
}

/// The HTTP method label: the standard methods by name, anything else `OTHER`.
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
    ];
    KNOWN
        .into_iter()
        .find(|known| *known == method)
        .unwrap_or("OTHER")
}

/// Every Telegram client's counters (all accounts in hosted mode): requests by method
/// and outcome, flood waits, lost connections and reconnects.
fn render_rpc(out: &mut String, rpc: &RpcSnapshot) {
    header(
        out,
        "tgmcp_telegram_requests_total",
        "counter",
        "Telegram requests, by method and outcome (ok, Telegram's error name, or the error kind).",
    );
    for ((method, outcome), tally) in &rpc.requests {
        let _ = writeln!(
            out,
            "tgmcp_telegram_requests_total{{method=\"{}\",outcome=\"{}\"}} {}",
            escape(method),
            escape(outcome),
            tally.count
        );
    }
    header(
        out,
        "tgmcp_telegram_request_seconds_total",
        "counter",
        "Seconds Telegram requests took (flood waits slept included), summed, by method.",
    );
    let mut by_method: BTreeMap<&str, f64> = BTreeMap::new();
    for ((method, _), tally) in &rpc.requests {
        *by_method.entry(method).or_default() += tally.seconds;
    }
    for (method, seconds) in by_method {
        let _ = writeln!(
            out,
            "tgmcp_telegram_request_seconds_total{{method=\"{}\"}} {seconds}",
            escape(method)
        );
    }
    // Every client of the process (all accounts in hosted mode), by namespace: a bounded
    // label set for quantiles, where `_total` above has the detail by method.
    header(
        out,
        "tgmcp_telegram_request_duration_seconds",
        "histogram",
        "Time Telegram requests took, by TL namespace and outcome (ok or error).",
    );
    for ((namespace, outcome), histogram) in crate::telegram::stats::latency_snapshot() {
        histogram.render(
            out,
            "tgmcp_telegram_request_duration_seconds",
            &format!("namespace=\"{namespace}\",outcome=\"{outcome}\""),
        );
    }
    let floods = [
        ("slept", rpc.flood_waits_slept),
        ("returned", rpc.flood_waits_returned),
    ];
    header(
        out,
        "tgmcp_telegram_flood_waits_total",
        "counter",
        "FLOOD_WAIT answers: slept through and repeated, or returned to the caller.",
    );
    for (handling, (count, _)) in floods {
        let _ = writeln!(
            out,
            "tgmcp_telegram_flood_waits_total{{handling=\"{handling}\"}} {count}"
        );
    }
    header(
        out,
        "tgmcp_telegram_flood_wait_seconds_total",
        "counter",
        "Seconds Telegram asked to wait, summed, by how the wait was handled.",
    );
    for (handling, (_, seconds)) in floods {
        let _ = writeln!(
            out,
            "tgmcp_telegram_flood_wait_seconds_total{{handling=\"{handling}\"}} {seconds}"
        );
    }
    header(
        out,
        "tgmcp_telegram_connection_losses_total",
        "counter",
        "Requests that found an established Telegram connection gone.",
    );
    let _ = writeln!(
        out,
        "tgmcp_telegram_connection_losses_total {}",
        rpc.connection_losses
    );
    header(
        out,
        "tgmcp_telegram_reconnects_total",
        "counter",
        "Requests that succeeded on a new connection after a loss.",
    );
    let _ = writeln!(out, "tgmcp_telegram_reconnects_total {}", rpc.reconnects);
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn gauge(out: &mut String, name: &str, help: &str, value: f64) {
    header(out, name, "gauge", help);
    let _ = writeln!(out, "{name} {value}");
}

/// A label value as the text format wants it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// VmRSS from /proc (Linux); `None` elsewhere.
pub fn process_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// utime + stime from /proc/self/stat (Linux); `None` elsewhere.
fn process_cpu_seconds() -> Option<f64> {
    cpu_seconds_from_stat(&std::fs::read_to_string("/proc/self/stat").ok()?)
}

/// Fields 14 and 15 of `/proc/PID/stat`, in clock ticks of 1/100 s (USER_HZ, which
/// Linux fixes at 100 for user space). The command name (field 2) may hold spaces and
/// parentheses, so fields are counted after its last `)`.
fn cpu_seconds_from_stat(stat: &str) -> Option<f64> {
    const USER_HZ: f64 = 100.0;
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    // After the name: state is field 3, so utime (14) is the 12th.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) as f64 / USER_HZ)
}

fn process_open_fds() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count())
}

#[cfg(test)]
mod tests {
    #[test]
    fn cpu_seconds_count_fields_after_the_name() {
        let stat =
            "4242 (tg mcp) (x)) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 9 0 100 0 0";
        assert_eq!(super::cpu_seconds_from_stat(stat), Some(3.25));
        assert_eq!(super::cpu_seconds_from_stat("4242 (x) S 1"), None);
        assert!(super::process_cpu_seconds().is_some_and(|s| s >= 0.0));
    }

    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let metrics = Metrics::default();
        metrics.http_request("/mcp", "POST", 200, Duration::from_millis(2));
        // Methods a client made up are one label, however many and however long.
        metrics.http_request("other", &"X".repeat(300_000), 404, Duration::ZERO);
        metrics.http_request("other", "BREW", 404, Duration::ZERO);
        metrics.http_request_size("/mcp", 300);
        metrics.http_response_size("/mcp", 64);
        metrics.tool_call("find_chats", None, Duration::from_millis(3));
        metrics.tool_call(
            "send_message",
            Some(&Error::FloodWait {
                seconds: 42,
                method: Some("messages.sendMessage".into()),
            }),
            Duration::from_millis(1),
        );
        let stats = crate::telegram::RpcStats::default();
        stats.record::<()>(
            "messages.sendMessage",
            &Err(Error::FloodWait {
                seconds: 42,
                method: None,
            }),
            Duration::from_millis(1),
            true,
        );
        stats.record(
            "messages.getDialogs",
            &Ok::<(), Error>(()),
            Duration::from_millis(4),
            true,
        );
        let text = metrics.render(&Gauges {
            sessions: 2,
            in_flight: 0,
            telegram_connected: Some(true),
            telegram_authorized: None,
            uptime: Duration::from_secs(5),
            rpc: stats.snapshot(),
        });
        for line in [
            "tgmcp_http_requests_total{route=\"/mcp\",method=\"POST\",status=\"200\"} 1",
            "tgmcp_http_request_duration_seconds_bucket{route=\"/mcp\",le=\"0.0025\"} 1",
            "tgmcp_http_request_duration_seconds_bucket{route=\"/mcp\",le=\"0.001\"} 0",
            "tgmcp_http_request_duration_seconds_count{route=\"/mcp\"} 1",
            "tgmcp_http_request_size_bytes_bucket{route=\"/mcp\",le=\"256\"} 0",
            "tgmcp_http_request_size_bytes_bucket{route=\"/mcp\",le=\"1024\"} 1",
            "tgmcp_http_request_size_bytes_sum{route=\"/mcp\"} 300",
            "tgmcp_http_response_size_bytes_bucket{route=\"/mcp\",le=\"64\"} 1",
            "tgmcp_tool_calls_total{tool=\"find_chats\",outcome=\"ok\"} 1",
            "tgmcp_tool_calls_total{tool=\"send_message\",outcome=\"flood_wait\"} 1",
            "tgmcp_telegram_requests_total{method=\"messages.sendMessage\",outcome=\"FLOOD_WAIT\"} 1",
            "tgmcp_telegram_requests_total{method=\"messages.getDialogs\",outcome=\"ok\"} 1",
            "tgmcp_telegram_request_seconds_total{method=\"messages.getDialogs\"} 0.004",
            "tgmcp_telegram_flood_waits_total{handling=\"returned\"} 1",
            "tgmcp_telegram_flood_wait_seconds_total{handling=\"returned\"} 42",
            "tgmcp_telegram_flood_waits_total{handling=\"slept\"} 0",
            "tgmcp_telegram_connection_losses_total 0",
            "tgmcp_http_requests_total{route=\"other\",method=\"OTHER\",status=\"404\"} 2",
            "tgmcp_mcp_sessions 2",
            "tgmcp_telegram_connected 1",
            "tgmcp_telegram_authorized 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
        }
        // Each family's samples follow its own header, never another's.
        let mut seen = std::collections::BTreeSet::new();
        let mut current = String::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                current = rest.split(' ').next().unwrap().to_owned();
                assert!(seen.insert(current.clone()), "{current} declared twice");
            } else if !line.starts_with('#') {
                let name = line.split(['{', ' ']).next().unwrap();
                assert!(name.starts_with(&current), "{name} under {current}");
            }
        }
    }
}

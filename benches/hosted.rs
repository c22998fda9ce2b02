//! Hosted mode's capacity (issue 21): one `tgmcp serve --http --accounts DIR` with N
//! accounts (default 1,000; `HOSTED_BENCH_ACCOUNTS`), each its own bearer token, MCP
//! session and Telegram connection to a sandbox DC on loopback. Three processes, as users
//! would run them: the server (the real binary), the sandbox DC (this bench run again as
//! its child, `HOSTED_BENCH_SANDBOX=DIR`) and the clients (this process).
//!
//! Reports the server's memory per connected account, per idle loaded account (LRU of
//! one, so every other account is loaded but disconnected), `get_chat_info` latency
//! p50/p99 with 200 accounts calling at once (closed loop: 200 calls always in flight,
//! `HOSTED_BENCH_CALLS` each, default 20), CPU time per call of each process (utime +
//! stime from `/proc/PID/stat`), and the latency of an open loop: the 200 accounts
//! calling at Poisson-distributed times that add up to 50 % and 80 % of the closed
//! loop's throughput (`HOSTED_BENCH_OPEN_SECS` each, default 5), each call timed from
//! when it was due. Stops by itself.
//!
//! Then D accounts on disk (default 10,000; `HOSTED_BENCH_DISK`, 0 skips it; their own
//! folder, written by the sandbox child too), served on demand by a server with the
//! default `--max-active-sessions`: its start-up, memory and idle CPU with none loaded,
//! the first call of 200 accounts spread over the D all at once, the cost of a call that
//! reads the folder again (its index older than 2 s), the closed loop again with those
//! 200, then more accounts than the LRU keeps connected and passes over all of them in
//! turn (the memory after that churn), each call checked.
//!
//! `HOSTED_BENCH_SERVER=PATH` measures another tgmcp binary (an earlier build, to compare).
//!
//! `cargo bench --bench hosted` (a measurement, not a test: it asserts only that every
//! request was answered).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tgmcp::sandbox::{Sandbox, UserSpec, World};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::Semaphore;

const ACTIVE: usize = 200;
/// Passes over every loaded account in the on-disk phase, for the memory after churn.
const CHURN_PASSES: usize = 3;
/// Set in the sandbox child: the folder to write the accounts into.
const SANDBOX_CHILD: &str = "HOSTED_BENCH_SANDBOX";

#[path = "support/mcp_http.rs"]
mod mcp_http;
use mcp_http::Client;

/// One `get_chat_info("me")`; its wall time.
async fn call(client: &Client, id: usize) -> Duration {
    let params = json!({"name": "get_chat_info", "arguments": {"chat_id": "me"}});
    client.request(id, "tools/call", params).await
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

fn rss_kb(child: &Child) -> u64 {
    let pid = child.id().expect("running");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

/// CPU time (user + system, every thread, live or ended) a process has used so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    // Fields after the command name (which may hold spaces): state is field 3, utime 14,
    // stime 15, in USER_HZ (100 per second on Linux).
    let fields: Vec<&str> = stat.rsplit_once(") ").expect("stat").1.split(' ').collect();
    let ticks: u64 =
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
    Duration::from_millis(ticks * 10)
}

/// The three processes of the loop, for CPU time per call.
struct Processes {
    server: u32,
    sandbox: u32,
    clients: u32,
}

impl Processes {
    fn cpu(&self) -> [Duration; 3] {
        [self.server, self.sandbox, self.clients].map(cpu_time)
    }

    /// "server 123 µs, sandbox 45 µs, clients 67 µs, all 235 µs" per call since `before`.
    fn per_call(&self, before: [Duration; 3], calls: usize) -> String {
        let after = self.cpu();
        let us = |i: usize| (after[i] - before[i]).as_secs_f64() * 1e6 / calls as f64;
        format!(
            "server {:.0} µs, sandbox {:.0} µs, clients {:.0} µs, all {:.0} µs",
            us(0),
            us(1),
            us(2),
            us(0) + us(1) + us(2)
        )
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The server on `dir`, `--max-active-sessions` given or left at its default; its MCP URL
/// and the time from spawn to "serving MCP at".
async fn start(dir: &Path, max_active: Option<usize>) -> (Child, String, Duration) {
    // HOSTED_BENCH_SERVER: another build of tgmcp to measure (before/after a change).
    let binary = std::env::var_os("HOSTED_BENCH_SERVER")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_tgmcp").into());
    let mut command = Command::new(binary);
    command
        .args(["serve", "--http", "127.0.0.1:0", "--accounts"])
        .arg(dir);
    if let Some(max_active) = max_active {
        command.args(["--max-active-sessions", &max_active.to_string()]);
    }
    let spawned = Instant::now();
    let mut child = command
        .args(["--max-concurrent", "1000", "--max-connections", "4096"])
        // For the account counters; the bench reads /metrics without a token.
        .arg("--metrics-public")
        .env_remove("TGMCP_PROFILE")
        .env_remove("RUST_LOG")
        .env("TGMCP_HOME", dir.parent().unwrap())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn tgmcp serve --http --accounts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut url = String::new();
    while let Some(line) = lines.next_line().await.expect("stderr") {
        if let Some(rest) = line.split("serving MCP at ").nth(1) {
            url = rest.trim().to_owned();
            break;
        }
    }
    let ready_in = spawned.elapsed();
    assert!(!url.is_empty(), "the server did not start");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url, ready_in)
}

/// The text the server answers at `path` (`/health`, `/metrics`), beside its MCP `url`.
async fn fetch(url: &str, path: &str) -> String {
    let base = url.strip_suffix("/mcp").expect("an MCP URL");
    reqwest::get(format!("{base}{path}"))
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .text()
        .await
        .unwrap_or_else(|e| panic!("{path} answer: {e}"))
}

/// The server's `/health` answer (public: accounts by state, counted).
async fn health(url: &str) -> serde_json::Value {
    serde_json::from_str(&fetch(url, "/health").await).expect("/health JSON")
}

/// The sandbox DC in its own process: this bench run again with [`SANDBOX_CHILD`] set.
/// Returns once the accounts are written: `accounts` under `home/accounts`, `disk` under
/// `home/disk/accounts`.
async fn start_sandbox(home: &Path, accounts: usize, disk: usize) -> Child {
    let mut child = Command::new(std::env::current_exe().expect("the bench's path"))
        .env(SANDBOX_CHILD, home)
        .env("HOSTED_BENCH_ACCOUNTS", accounts.to_string())
        .env("HOSTED_BENCH_DISK", disk.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the sandbox process");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = lines.next_line().await.expect("sandbox stdout");
    assert_eq!(ready.as_deref(), Some("ready"), "the sandbox did not start");
    child
}

/// The sandbox child: max(N, D) users; a logged-in account folder with a token for each
/// of the first N under `home/accounts` and of the first D under `home/disk/accounts`
/// (two folders, so the N-account figures are not read with D folders beside them); then
/// serves until its stdin closes (the bench ended).
fn sandbox_child(home: PathBuf) {
    let accounts = env_number("HOSTED_BENCH_ACCOUNTS", 1000);
    let disk = env_number("HOSTED_BENCH_DISK", 0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        tgmcp::net::install_crypto_provider();
        let mut world = World::new();
        let users: Vec<i64> = (0..accounts.max(disk))
            .map(|i| world.add_user(UserSpec::new(&format!("User{i}"))))
            .collect();
        let sandbox = Sandbox::start(world).await.expect("sandbox");
        for (dir, count) in [
            (home.join("accounts"), accounts),
            (home.join("disk").join("accounts"), disk),
        ] {
            for (i, user) in users.iter().take(count).enumerate() {
                let account = dir.join(format!("a{i}"));
                sandbox
                    .write_profile(&account, Some(*user))
                    .await
                    .expect("profile");
                let token = tgmcp::http::token::generate().unwrap();
                tgmcp::http::token::save(&account.join("token"), &token).unwrap();
            }
        }
        println!("ready");
        let mut rest = Vec::new();
        let _ = tokio::io::stdin().read_to_end(&mut rest).await;
        drop(sandbox);
    });
}

/// Connects a client per token and makes one call with each, `at_once` at a time; the
/// clients and, sorted, how long each took (connect, initialize, call).
async fn load_all(
    url: &str,
    tokens: &[String],
    at_once: usize,
) -> (Vec<Arc<Client>>, Vec<Duration>) {
    let http = reqwest::Client::new();
    let gate = Arc::new(Semaphore::new(at_once));
    let tasks: Vec<_> = tokens
        .iter()
        .map(|token| {
            let (http, url, token, gate) = (
                http.clone(),
                url.to_owned(),
                token.clone(),
                Arc::clone(&gate),
            );
            tokio::spawn(async move {
                let _permit = gate.acquire().await.unwrap();
                let started = Instant::now();
                let client = Client::connect(&http, &url, &token).await;
                call(&client, 1).await;
                (Arc::new(client), started.elapsed())
            })
        })
        .collect();
    let (mut clients, mut took) = (Vec::new(), Vec::new());
    for task in tasks {
        let (client, elapsed) = task.await.expect("client");
        clients.push(client);
        took.push(elapsed);
    }
    took.sort();
    (clients, took)
}

/// 200 calls always in flight, `calls` per account; the latencies and the wall time.
async fn closed_loop(clients: &[Arc<Client>], calls: usize) -> (Vec<Duration>, Duration) {
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .iter()
        .take(ACTIVE)
        .map(|client| {
            let client = Arc::clone(client);
            tokio::spawn(async move {
                let mut samples = Vec::with_capacity(calls);
                for id in 0..calls {
                    samples.push(call(&client, id + 2).await);
                }
                samples
            })
        })
        .collect();
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await.expect("calls"));
    }
    let wall = started.elapsed();
    samples.sort();
    (samples, wall)
}

/// A uniform number in (0, 1] from a xorshift64* state.
fn uniform(state: &mut u64) -> f64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    let x = state.wrapping_mul(0x2545_F491_4F6C_DD1D);
    ((x >> 11) as f64 + 1.0) / (1u64 << 53) as f64
}

/// The 200 accounts each calling at Poisson-distributed times, `rate` calls/s in all,
/// for `secs`; every call timed from when it was due (so a late start counts), none
/// waiting for another. The latencies, sorted, and how many calls the server refused
/// as busy (503: its limit on calls at once, when the loop outruns it).
async fn open_loop(clients: &[Arc<Client>], rate: f64, secs: f64) -> (Vec<Duration>, usize) {
    let per_account = rate / ACTIVE as f64;
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let end = start + Duration::from_secs_f64(secs);
    let tasks: Vec<_> = clients
        .iter()
        .take(ACTIVE)
        .enumerate()
        .map(|(i, client)| {
            let client = Arc::clone(client);
            tokio::spawn(async move {
                let mut state =
                    0x9E37_79B9_7F4A_7C15_u64 ^ (i as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                let mut due = start;
                let mut calls = Vec::new();
                let mut id = 1000;
                loop {
                    due += Duration::from_secs_f64(-uniform(&mut state).ln() / per_account);
                    if due >= end {
                        break;
                    }
                    tokio::time::sleep_until(due).await;
                    let client = Arc::clone(&client);
                    id += 1;
                    calls.push(tokio::spawn(async move {
                        let params =
                            json!({"name": "get_chat_info", "arguments": {"chat_id": "me"}});
                        client
                            .request_or_busy(id, "tools/call", params)
                            .await
                            .map(|_| due.elapsed())
                    }));
                }
                let mut samples = Vec::with_capacity(calls.len());
                for call in calls {
                    samples.push(call.await.expect("call"));
                }
                samples
            })
        })
        .collect();
    let (mut samples, mut busy) = (Vec::new(), 0);
    for task in tasks {
        for sample in task.await.expect("account") {
            match sample {
                Some(sample) => samples.push(sample),
                None => busy += 1,
            }
        }
    }
    samples.sort();
    (samples, busy)
}

/// The bearer token of account `a{i}` in `dir`.
fn token(dir: &Path, i: usize) -> String {
    tgmcp::http::token::load(&dir.join(format!("a{i}")).join("token"))
        .unwrap()
        .expect("a token")
}

/// One call with each client, all at once; how long each took, sorted.
async fn call_all(clients: &[Arc<Client>], id: usize) -> Vec<Duration> {
    call_each(clients, clients.len(), id).await
}

/// One call with each client in turn, `at_once` at a time; how long each took, sorted.
async fn call_each(clients: &[Arc<Client>], at_once: usize, id: usize) -> Vec<Duration> {
    let gate = Arc::new(Semaphore::new(at_once));
    let tasks: Vec<_> = clients
        .iter()
        .map(|client| {
            let (client, gate) = (Arc::clone(client), Arc::clone(&gate));
            tokio::spawn(async move {
                let _permit = gate.acquire().await.unwrap();
                call(&client, id).await
            })
        })
        .collect();
    let mut took = Vec::new();
    for task in tasks {
        took.push(task.await.expect("call"));
    }
    took.sort();
    took
}

/// "1200 loaded, 1000 connected, 400 evictions": `/health` and `/metrics`.
async fn accounts_state(url: &str) -> String {
    let status = health(url).await;
    let metrics = fetch(url, "/metrics").await;
    let evictions = metrics
        .lines()
        .find_map(|l| l.strip_prefix("tgmcp_account_evictions_total "))
        .expect("the evictions counter");
    format!(
        "{} loaded, {} connected, {evictions} evictions",
        status["accounts"]["loaded"], status["accounts"]["connected"]
    )
}

fn p50_p99(sorted: &[Duration]) -> String {
    format!(
        "p50 {:.1} ms, p99 {:.1} ms",
        ms(percentile(sorted, 0.50)),
        ms(percentile(sorted, 0.99))
    )
}

/// Issue 21's "10,000 accounts on disk served on demand": `disk` account folders in
/// `dir`, one server with the default `--max-active-sessions`, every account loaded and
/// connected on its first call.
async fn on_disk(dir: &Path, disk: usize, sandbox: u32, calls: usize) {
    let mib = |kb: u64| kb as f64 / 1024.0;
    let (child, url, ready_in) = start(dir, None).await;
    let server = child.id().expect("server running");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let status = health(&url).await;
    let max_active = status["max_sessions"].as_u64().expect("max_sessions") as usize;
    assert_eq!(status["accounts"]["on_disk"], disk, "every account found");
    let base = rss_kb(&child);
    let idle_from = cpu_time(server);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let idle = cpu_time(server) - idle_from;
    println!(
        "| **{disk} accounts on disk**, default `--max-active-sessions` ({max_active}): spawn to \"serving MCP at\" | {:.0} ms |",
        ms(ready_in)
    );
    println!(
        "| {disk} on disk: RSS with no account loaded | {:.1} MiB |",
        mib(base)
    );
    println!(
        "| {disk} on disk: server CPU over 10 s idle, none loaded | {} ms |",
        idle.as_millis()
    );

    // Accounts spread over the folder, each used for the first time, all at once.
    let first: Vec<usize> = (0..ACTIVE.min(disk))
        .map(|i| i * disk / ACTIVE.min(disk))
        .collect();
    let tokens: Vec<String> = first.iter().map(|&i| token(dir, i)).collect();
    let started = Instant::now();
    let (clients, took) = load_all(&url, &tokens, ACTIVE).await;
    let wall = started.elapsed();
    println!(
        "| {disk} on disk: first call of {} of them (one in {}), all at once (connect, initialize, one call) | {}, all in {:.1} s |",
        first.len(),
        disk / first.len(),
        p50_p99(&took),
        wall.as_secs_f64()
    );
    println!(
        "| {disk} on disk: RSS with {} connected | {:.1} MiB |",
        first.len(),
        mib(rss_kb(&child))
    );

    // A request that finds the folder's index older than 2 s reads the folder again
    // before it is served; the one right after it is not.
    const ROUNDS: usize = 10;
    let (mut stale, mut fresh) = (Vec::new(), Vec::new());
    let rounds_from = cpu_time(server);
    for round in 0..ROUNDS {
        tokio::time::sleep(Duration::from_millis(2100)).await;
        stale.push(call(&clients[0], 10 + 2 * round).await);
        fresh.push(call(&clients[0], 11 + 2 * round).await);
    }
    let per_round = (cpu_time(server) - rounds_from) / ROUNDS as u32;
    stale.sort();
    fresh.sort();
    println!(
        "| {disk} on disk: a call whose account index is older than 2 s (it reads the folder again first), {ROUNDS} times | p50 {:.1} ms (the call right after: p50 {:.1} ms); server CPU {:.1} ms per re-read and its two calls |",
        ms(percentile(&stale, 0.5)),
        ms(percentile(&fresh, 0.5)),
        ms(per_round)
    );

    // The closed loop again, `calls` per account: every 2 s one of its calls reads the
    // folder again.
    let processes = Processes {
        server,
        sandbox,
        clients: std::process::id(),
    };
    let before = processes.cpu();
    let (samples, wall) = closed_loop(&clients, calls).await;
    println!(
        "| {disk} on disk: `get_chat_info`, closed loop, these {} accounts ({} calls in {:.1} s) | {}, max {:.0} ms, {:.0} calls/s |",
        clients.len(),
        samples.len(),
        wall.as_secs_f64(),
        p50_p99(&samples),
        ms(*samples.last().expect("calls")),
        samples.len() as f64 / wall.as_secs_f64()
    );
    println!(
        "| {disk} on disk: CPU per call, closed loop | {} |",
        processes.per_call(before, samples.len())
    );

    // More accounts than the LRU keeps connected, then the first ones again on their
    // MCP sessions: each call must be answered.
    let taken: std::collections::HashSet<usize> = first.iter().copied().collect();
    let rest: Vec<usize> = (0..disk).filter(|i| !taken.contains(i)).collect();
    let more = max_active.min(rest.len());
    let tokens: Vec<String> = (0..more)
        .map(|j| token(dir, rest[j * rest.len() / more]))
        .collect();
    let (more_clients, took) = load_all(&url, &tokens, 50).await;
    println!(
        "| {disk} on disk: {more} more, 50 at a time, first call each (then {}) | {} |",
        accounts_state(&url).await,
        p50_p99(&took)
    );
    let took = call_all(&clients, 100).await;
    println!(
        "| {disk} on disk: the first {} again, all at once, on their MCP sessions (then {}) | {} |",
        clients.len(),
        accounts_state(&url).await,
        p50_p99(&took)
    );
    let loaded = clients.len() + more_clients.len();
    let rss = rss_kb(&child);
    println!(
        "| {disk} on disk: RSS with {loaded} loaded | {:.1} MiB ({:.0} KiB per loaded account) |",
        mib(rss),
        rss.saturating_sub(base) as f64 / loaded as f64
    );

    // LRU churn: every loaded account in turn, more of them than stay connected, so
    // (nearly) each call disconnects another account and connects its own again.
    let everyone: Vec<Arc<Client>> = clients.iter().chain(&more_clients).cloned().collect();
    let (mut took, mut after) = (Vec::new(), Vec::new());
    for pass in 0..CHURN_PASSES {
        took.extend(call_each(&everyone, 50, 200 + pass).await);
        after.push(format!("{:.0}", mib(rss_kb(&child))));
    }
    took.sort();
    println!(
        "| {disk} on disk: all {loaded} again in turn, 50 at a time, {CHURN_PASSES} times (then {}): RSS after each pass | {} MiB; calls {} |",
        accounts_state(&url).await,
        after.join(" / "),
        p50_p99(&took)
    );
    let idle_from = cpu_time(server);
    tokio::time::sleep(Duration::from_secs(10)).await;
    println!(
        "| {disk} on disk: server CPU over 10 s idle, {loaded} loaded | {} ms |",
        (cpu_time(server) - idle_from).as_millis()
    );
    drop((clients, more_clients));
}

fn main() {
    if let Some(home) = std::env::var_os(SANDBOX_CHILD) {
        return sandbox_child(home.into());
    }
    let accounts = env_number("HOSTED_BENCH_ACCOUNTS", 1000);
    let calls = env_number("HOSTED_BENCH_CALLS", 20);
    let open_secs = env_number("HOSTED_BENCH_OPEN_SECS", 5) as f64;
    let disk = env_number("HOSTED_BENCH_DISK", 10_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        tgmcp::net::install_crypto_provider();
        let home = tempfile::tempdir().expect("temp dir");
        let dir = home.path().join("accounts");
        let disk_dir = home.path().join("disk").join("accounts");
        for dir in [&dir, &disk_dir] {
            std::os::unix::fs::DirBuilderExt::mode(
                std::fs::DirBuilder::new().recursive(true),
                0o700,
            )
            .create(dir)
            .unwrap();
        }
        let written = Instant::now();
        let sandbox = start_sandbox(home.path(), accounts, disk).await;
        eprintln!(
            "sandbox up, {accounts} + {disk} account folders written in {:.1} s",
            written.elapsed().as_secs_f64()
        );
        let tokens: Vec<String> = (0..accounts).map(|i| token(&dir, i)).collect();

        println!("## Hosted mode: {accounts} accounts in one `serve --http --accounts`\n");
        println!(
            "Server, sandbox DC and clients each their own process; CPU is user + system time.\n"
        );
        println!("| measure | value |\n| --- | --- |");

        // Every account connected at once.
        let (child, url, _) = start(&dir, Some(accounts)).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let base = rss_kb(&child);
        let started = Instant::now();
        let (clients, _) = load_all(&url, &tokens, 50).await;
        let loaded_in = started.elapsed();
        let connected = rss_kb(&child);
        println!("| RSS with no account loaded | {:.1} MiB |", base as f64 / 1024.0);
        println!(
            "| RSS with {accounts} accounts connected (each an MCP session and a Telegram connection) | {:.1} MiB |",
            connected as f64 / 1024.0
        );
        println!(
            "| memory per connected account | {:.0} KiB |",
            (connected.saturating_sub(base)) as f64 / accounts as f64
        );
        println!(
            "| first call of {accounts} accounts (connect, initialize, one call; 50 at a time) | {:.1} s |",
            loaded_in.as_secs_f64()
        );

        let processes = Processes {
            server: child.id().expect("server running"),
            sandbox: sandbox.id().expect("sandbox running"),
            clients: std::process::id(),
        };
        let before = processes.cpu();
        let (samples, wall) = closed_loop(&clients, calls).await;
        let capacity = samples.len() as f64 / wall.as_secs_f64();
        println!(
            "| `get_chat_info`, closed loop: {ACTIVE} accounts, each call sent when its last was answered ({} calls) | p50 {:.1} ms, p99 {:.1} ms, max {:.0} ms, {capacity:.0} calls/s |",
            samples.len(),
            ms(percentile(&samples, 0.50)),
            ms(percentile(&samples, 0.99)),
            ms(*samples.last().expect("calls")),
        );
        println!(
            "| CPU per call, closed loop | {} |",
            processes.per_call(before, samples.len())
        );
        for share in [0.5, 0.8] {
            let rate = capacity * share;
            let before = processes.cpu();
            let (samples, busy) = open_loop(&clients, rate, open_secs).await;
            println!(
                "| `get_chat_info`, open loop: {ACTIVE} accounts, Poisson arrivals at {:.0} % of that ({rate:.0} calls/s, {} calls in {open_secs} s, {busy} refused as busy) | p50 {:.1} ms, p99 {:.1} ms |",
                share * 100.0,
                samples.len() + busy,
                ms(percentile(&samples, 0.50)),
                ms(percentile(&samples, 0.99)),
            );
            println!(
                "| CPU per call, open loop at {:.0} % | {} |",
                share * 100.0,
                processes.per_call(before, samples.len() + busy)
            );
        }
        drop(clients);
        drop(child);

        // Loaded but idle: an LRU of one, so each account is let go as the next one calls.
        let (child, url, _) = start(&dir, Some(1)).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let base = rss_kb(&child);
        let (clients, _) = load_all(&url, &tokens, 50).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let idle = rss_kb(&child);
        println!(
            "| RSS with {accounts} accounts loaded, 1 connected (each keeps its MCP session) | {:.1} MiB |",
            idle as f64 / 1024.0
        );
        println!(
            "| memory per idle loaded account | {:.0} KiB |",
            (idle.saturating_sub(base)) as f64 / accounts as f64
        );
        drop(clients);
        drop(child);

        if disk > 0 {
            let sandbox = sandbox.id().expect("sandbox running");
            on_disk(&disk_dir, disk, sandbox, calls).await;
        }
        drop(sandbox);
    });
}

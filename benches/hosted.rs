//! Hosted mode's capacity (issue 21): one `tgmcp serve --http --accounts DIR` with N
//! accounts (default 1,000; `HOSTED_BENCH_ACCOUNTS`), each its own bearer token, MCP
//! session and Telegram connection to the in-process sandbox on loopback. Reports the
//! server's memory per connected account, per idle loaded account (LRU of one, so every
//! other account is loaded but disconnected), and `get_chat_info` latency p50/p99 with
//! 200 accounts calling at once. Stops by itself.
//!
//! `cargo bench --bench hosted` (a measurement, not a test: it asserts only that every
//! request was answered).

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tgmcp::sandbox::{Sandbox, UserSpec, World};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::Semaphore;

const ACTIVE: usize = 200;
const CALLS_PER_ACTIVE: usize = 20;

#[path = "support/mcp_http.rs"]
mod mcp_http;
use mcp_http::Client;

/// One `get_chat_info("me")`; its wall time.
async fn call(client: &Client, id: usize) -> Duration {
    let params = json!({"name": "get_chat_info", "arguments": {"chat_id": "me"}});
    client.request(id, "tools/call", params).await
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

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

async fn start(dir: &Path, max_active: usize) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tgmcp"))
        .args(["serve", "--http", "127.0.0.1:0", "--accounts"])
        .arg(dir)
        .args(["--max-active-sessions", &max_active.to_string()])
        .args(["--max-concurrent", "1000", "--max-connections", "4096"])
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
    assert!(!url.is_empty(), "the server did not start");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

/// Connects a client per token and makes one call with each, 50 at a time.
async fn load_all(url: &str, tokens: &[String]) -> Vec<Arc<Client>> {
    let http = reqwest::Client::new();
    let gate = Arc::new(Semaphore::new(50));
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
                let client = Client::connect(&http, &url, &token).await;
                call(&client, 1).await;
                Arc::new(client)
            })
        })
        .collect();
    let mut clients = Vec::new();
    for task in tasks {
        clients.push(task.await.expect("client"));
    }
    clients
}

fn main() {
    let accounts: usize = std::env::var("HOSTED_BENCH_ACCOUNTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        tgmcp::net::install_crypto_provider();
        let mut world = World::new();
        let users: Vec<i64> = (0..accounts)
            .map(|i| world.add_user(UserSpec::new(&format!("User{i}"))))
            .collect();
        let sandbox = Sandbox::start(world).await.expect("sandbox");
        let home = tempfile::tempdir().expect("temp dir");
        let dir = home.path().join("accounts");
        std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
            .create(&dir)
            .unwrap();
        let mut tokens = Vec::new();
        for (i, user) in users.iter().enumerate() {
            let account = dir.join(format!("a{i}"));
            sandbox.write_profile(&account, Some(*user)).await.expect("profile");
            let token = tgmcp::http::token::generate().unwrap();
            tgmcp::http::token::save(&account.join("token"), &token).unwrap();
            tokens.push(token);
        }

        println!("## Hosted mode: {accounts} accounts in one `serve --http --accounts`\n");
        println!("| measure | value |\n| --- | --- |");

        // Every account connected at once.
        let (child, url) = start(&dir, accounts).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let base = rss_kb(&child);
        let started = Instant::now();
        let clients = load_all(&url, &tokens).await;
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

        let mut samples = Vec::new();
        let started = Instant::now();
        let tasks: Vec<_> = clients
            .iter()
            .take(ACTIVE)
            .map(|client| {
                let client = Arc::clone(client);
                tokio::spawn(async move {
                    let mut samples = Vec::with_capacity(CALLS_PER_ACTIVE);
                    for id in 0..CALLS_PER_ACTIVE {
                        samples.push(call(&client, id + 2).await);
                    }
                    samples
                })
            })
            .collect();
        for task in tasks {
            samples.extend(task.await.expect("calls"));
        }
        let wall = started.elapsed();
        samples.sort();
        println!(
            "| `get_chat_info` with {ACTIVE} accounts calling at once ({} calls) | p50 {:.1} ms, p99 {:.1} ms, {:.0} calls/s |",
            samples.len(),
            percentile(&samples, 0.50).as_secs_f64() * 1e3,
            percentile(&samples, 0.99).as_secs_f64() * 1e3,
            samples.len() as f64 / wall.as_secs_f64()
        );
        drop(clients);
        drop(child);

        // Loaded but idle: an LRU of one, so each account is let go as the next one calls.
        let (child, url) = start(&dir, 1).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let base = rss_kb(&child);
        let clients = load_all(&url, &tokens).await;
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
    });
}

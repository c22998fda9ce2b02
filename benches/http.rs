//! `tgmcp serve --http` under load, on loopback against the in-process sandbox: 32
//! concurrent clients, each with its own MCP session and bearer token, send a fixed
//! number of `tools/list` requests, then of warm `search_messages_globally` calls.
//! Reports throughput, p50/p99 latency and the server's peak RSS; stops by itself.
//!
//! `cargo bench --bench http` (a measurement, not a test: it asserts only that every
//! request was answered).

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tgmcp::sandbox::{Sandbox, World};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const CLIENTS: usize = 32;
const LIST_PER_CLIENT: usize = 500;
const CALLS_PER_CLIENT: usize = 100;

#[path = "support/mcp_http.rs"]
mod mcp_http;
use mcp_http::Client;

fn peak_rss_kb(child: &Child) -> Option<u64> {
    let pid = child.id()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

/// Runs `per_client` requests from each of the clients at once; prints a summary line.
async fn run(
    label: &str,
    clients: &[Arc<Client>],
    per_client: usize,
    method: &'static str,
    params: serde_json::Value,
) {
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .iter()
        .map(|client| {
            let client = Arc::clone(client);
            let params = params.clone();
            tokio::spawn(async move {
                let mut samples = Vec::with_capacity(per_client);
                for id in 1..=per_client {
                    samples.push(client.request(id, method, params.clone()).await);
                }
                samples
            })
        })
        .collect();
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await.expect("client"));
    }
    let wall = started.elapsed();
    samples.sort();
    println!(
        "| {label} | {} | {} | {:.0}/s | {:.3} ms | {:.3} ms |",
        clients.len(),
        samples.len(),
        samples.len() as f64 / wall.as_secs_f64(),
        percentile(&samples, 0.50).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let world = World::demo();
        let me = world.demo_user().expect("demo account");
        let sandbox = Sandbox::start(world).await.expect("sandbox");
        let home = tempfile::tempdir().expect("temp dir");
        let dir = home.path().join("data").join("default");
        sandbox.write_profile(&dir, Some(me)).await.expect("profile");
        let token = tgmcp::http::token::generate().unwrap();
        tgmcp::http::token::save(&dir.join("token"), &token).unwrap();

        let mut child = Command::new(env!("CARGO_BIN_EXE_tgmcp"))
            .args(["serve", "--http", "127.0.0.1:0", "--max-concurrent", "256"])
            .env("TGMCP_HOME", home.path())
            .env_remove("TGMCP_PROFILE")
            .env_remove("TGMCP_LOG")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn tgmcp serve --http");
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

        // Each client its own connection pool, as separate MCP clients would have.
        tgmcp::net::install_crypto_provider();
        let mut clients = Vec::new();
        for _ in 0..CLIENTS {
            let http = reqwest::Client::new();
            clients.push(Arc::new(Client::connect(&http, &url, &token).await));
        }
        println!(
            "## `tgmcp serve --http`\n\nConcurrent MCP clients on loopback with bearer auth, each request answered from the sandbox DC.\n"
        );
        println!("| request | clients | requests | throughput | p50 | p99 |");
        println!("| --- | --- | --- | --- | --- | --- |");
        run(
            "tools/list",
            &clients,
            LIST_PER_CLIENT,
            "tools/list",
            json!({}),
        )
        .await;
        let search = json!({"name": "search_messages_globally", "arguments": {"query": "invoice", "limit": 5}});
        // Warm: the first calls resolve and cache what later ones reuse.
        for client in &clients {
            client.request(0, "tools/call", search.clone()).await;
        }
        run(
            "tools/call search (warm)",
            &clients,
            CALLS_PER_CLIENT,
            "tools/call",
            search,
        )
        .await;
        // The sandbox's own time per search, from one client alone: the rest is overhead.
        run(
            "tools/call search, 1 client",
            &clients[..1],
            CALLS_PER_CLIENT,
            "tools/call",
            json!({"name": "search_messages_globally", "arguments": {"query": "invoice", "limit": 5}}),
        )
        .await;
        run(
            "tools/list, 1 client",
            &clients[..1],
            LIST_PER_CLIENT,
            "tools/list",
            json!({}),
        )
        .await;
        match peak_rss_kb(&child) {
            Some(kb) => println!("\nPeak RSS of the server: {:.1} MiB.\n", kb as f64 / 1024.0),
            None => println!("\nPeak RSS of the server: unknown (no /proc).\n"),
        }
        let _ = child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
    });
}

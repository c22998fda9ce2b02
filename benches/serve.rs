//! `tgmcp serve` measured against the sandbox: spawn → `initialize` answered, `tools/list`
//! latency, round trips per tool call (cold and warm peer) read from the sandbox's
//! counters, wall time with a per-round-trip delay (so k-term search ≈ one term), and
//! peak RSS after 1,000 tool calls.
//!
//! `cargo bench --bench serve` (a measurement, not a test: it asserts nothing).

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tgmcp::sandbox::{Sandbox, World};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
    next_id: u64,
}

impl Server {
    async fn spawn(home: &std::path::Path) -> (Self, Duration) {
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_tgmcp"))
            .arg("serve")
            .env("TGMCP_HOME", home)
            .env_remove("TGMCP_PROFILE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn tgmcp serve");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut server = Self {
            child,
            stdin,
            stdout,
            next_id: 1,
        };
        server
            .request(
                "initialize",
                json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}}),
            )
            .await;
        let to_initialize = started.elapsed();
        server.notify("notifications/initialized").await;
        (server, to_initialize)
    }

    async fn notify(&mut self, method: &str) {
        let line = json!({"jsonrpc": "2.0", "method": method}).to_string() + "\n";
        self.stdin.write_all(line.as_bytes()).await.expect("write");
    }

    async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let line = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
            .to_string()
            + "\n";
        self.stdin.write_all(line.as_bytes()).await.expect("write");
        loop {
            let line = self
                .stdout
                .next_line()
                .await
                .expect("read")
                .expect("an answer");
            let message: Value = serde_json::from_str(&line).expect("JSON-RPC");
            if message["id"] == id {
                return message;
            }
        }
    }

    async fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let answer = self
            .request("tools/call", json!({"name": tool, "arguments": arguments}))
            .await;
        if answer["result"]["isError"] == true {
            eprintln!("{tool} failed: {}", answer["result"]["structuredContent"]);
        }
        answer
    }

    fn peak_rss_kb(&self) -> Option<u64> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

async fn profile(sandbox: &Sandbox, me: i64) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temp dir");
    sandbox
        .write_profile(&home.path().join("data").join("default"), Some(me))
        .await
        .expect("profile");
    home
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
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

        // Spawn → initialize, over several fresh processes.
        let mut init = Vec::new();
        let mut list = Vec::new();
        let mut idle_rss = Vec::new();
        for _ in 0..20 {
            let home = profile(&sandbox, me).await;
            let (mut server, to_initialize) = Server::spawn(home.path()).await;
            init.push(to_initialize);
            let started = Instant::now();
            server.request("tools/list", json!({})).await;
            list.push(started.elapsed());
            // Idle: connected in the background, nothing asked yet.
            tokio::time::sleep(Duration::from_millis(300)).await;
            idle_rss.extend(server.peak_rss_kb());
        }
        idle_rss.sort_unstable();
        println!("## `tgmcp serve` over stdio\n");
        println!("| measure | value |\n| --- | --- |");
        println!(
            "| spawn → `initialize` answered (median of 20 processes) | {:.1} ms |",
            ms(median(init))
        );
        println!(
            "| `tools/list` (median of 20) | {:.2} ms |",
            ms(median(list))
        );
        if let Some(kb) = idle_rss.get(idle_rss.len() / 2) {
            println!(
                "| peak RSS, idle after start (median of 20) | {:.1} MiB |",
                *kb as f64 / 1024.0
            );
        }

        // Round trips per call, cold (a new process that has not seen the peer) then warm.
        let calls: [(&str, Value); 7] = [
            (
                "search_messages_in_chat",
                json!({"chat_id": "@bob_builder", "query": "invoice"}),
            ),
            ("search_messages_globally", json!({"query": "invoice"})),
            (
                "search_messages_globally",
                json!({"query": "invoice, meeting, hike"}),
            ),
            (
                "read_messages",
                json!({"chat_id": "@carol", "message_ids": [1, 2]}),
            ),
            ("find_chats", json!({"query": "rust"})),
            ("get_chat_info", json!({"chat_id": "@sandbox_news"})),
            ("send_message", json!({"chat_id": "me", "message": "bench"})),
        ];
        let home = profile(&sandbox, me).await;
        let (mut server, _) = Server::spawn(home.path()).await;
        // Let the background connect finish so it is not counted against the first call.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let delay = Duration::from_millis(50);
        sandbox.faults().set_delay(delay);
        println!(
            "\n### Round trips per tool call\n\nTelegram requests the sandbox counted, and wall time with {} ms added to every round trip. Cold: the peer is new to the process.\n",
            delay.as_millis()
        );
        println!("| tool | arguments | phase | requests | wall | methods |");
        println!("| --- | --- | --- | --- | --- | --- |");
        for (tool, args) in &calls {
            for phase in ["cold", "warm"] {
                sandbox.stats().reset();
                let started = Instant::now();
                server.call(tool, args.clone()).await;
                let wall = started.elapsed();
                let methods: Vec<String> = sandbox
                    .stats()
                    .snapshot()
                    .into_iter()
                    .map(|(method, n)| format!("{method} ×{n}"))
                    .collect();
                println!(
                    "| `{tool}` | `{args}` | {phase} | {} | {} ms | {} |",
                    sandbox.stats().total(),
                    wall.as_millis(),
                    methods.join(", ")
                );
            }
        }
        sandbox.faults().set_delay(Duration::ZERO);

        // Peak RSS after 1,000 calls.
        let started = Instant::now();
        for i in 0..1000 {
            let (tool, args) = &calls[i % 6];
            server.call(tool, args.clone()).await;
        }
        let elapsed = started.elapsed();
        println!("\n| after 1,000 tool calls | value |\n| --- | --- |");
        println!(
            "| time | {:.2} s ({:.0} calls/s, one client) |",
            elapsed.as_secs_f64(),
            1000.0 / elapsed.as_secs_f64()
        );
        if let Some(kb) = server.peak_rss_kb() {
            println!("| peak RSS of the server | {:.1} MiB |", kb as f64 / 1024.0);
        }
        println!();
    });
}

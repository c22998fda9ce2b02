//! `tgmcp send` as cron runs it: the real binary, one process per message, against the
//! sandbox with a delay before every answer (a far DC). Prints the median wall time and
//! the requests the sandbox saw, per method, for `send me hi` and for `send @user hi`
//! with a username the profile has never resolved (cold) and has (warm).
//!
//! `cargo bench --bench send` (a measurement, not a test: it asserts nothing).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tgmcp::sandbox::{Sandbox, World};
use tokio::process::Command;

const RUNS: usize = 9;
const DELAYS_MS: [u64; 2] = [0, 50];

async fn profile(sandbox: &Sandbox, me: i64) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temp dir");
    sandbox
        .write_profile(&home.path().join("data").join("default"), Some(me))
        .await
        .expect("profile");
    home
}

async fn send(home: &Path, chat: &str) -> Duration {
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_tgmcp"))
        .args(["send", chat, "hi"])
        .env("TGMCP_HOME", home)
        .env_remove("TGMCP_PROFILE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .await
        .expect("run tgmcp send");
    assert!(status.success(), "tgmcp send {chat} hi failed");
    started.elapsed()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// `{"help.getConfig": 9, …}` divided by the number of runs.
fn per_run(counts: BTreeMap<String, u64>) -> String {
    let total: u64 = counts.values().sum();
    let methods: Vec<String> = counts
        .iter()
        .map(|(method, n)| format!("{method} {}", *n as f64 / RUNS as f64))
        .collect();
    format!(
        "{} round trips: {}",
        total as f64 / RUNS as f64,
        methods.join(", ")
    )
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
        // One process to warm the page cache, unmeasured.
        let home = profile(&sandbox, me).await;
        send(home.path(), "me").await;

        println!(
            "## `tgmcp send` (one process per message, as cron runs it)\n\nProcess start to exit, median of {RUNS} runs, and the Telegram requests each run made (connection set-up included).\n"
        );
        println!("| sandbox delay per round trip | case | median | requests per run |");
        println!("| --- | --- | --- | --- |");
        for delay in DELAYS_MS {
            sandbox.faults().set_delay(Duration::from_millis(delay));
            let cases: [(&str, &str, bool); 3] = [
                ("send me hi", "me", false),
                ("send @bob_builder hi (cold)", "@bob_builder", true),
                ("send @bob_builder hi (warm)", "@bob_builder", false),
            ];
            for (name, chat, fresh_profile) in cases {
                let mut times = Vec::with_capacity(RUNS);
                // Warm: one profile that has resolved the username already.
                let shared = profile(&sandbox, me).await;
                send(shared.path(), chat).await;
                sandbox.stats().reset();
                for _ in 0..RUNS {
                    if fresh_profile {
                        let home = profile(&sandbox, me).await;
                        times.push(send(home.path(), chat).await);
                    } else {
                        times.push(send(shared.path(), chat).await);
                    }
                }
                let counts = sandbox.stats().snapshot();
                println!(
                    "| {delay} ms | `{name}` | {} ms | {} |",
                    median(times).as_millis(),
                    per_run(counts)
                );
            }
        }
        println!();
    });
}

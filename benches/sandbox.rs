//! Sandbox throughput and round trips: how many `help.getConfig` calls per second one
//! grammers client gets from the sandbox DC, one at a time and 32 in flight.
//!
//! `cargo bench --bench sandbox` (a measurement, not a test: it asserts nothing).

use std::sync::Arc;
use std::time::{Duration, Instant};

use grammers_client::Client;
use grammers_client::sender::{ConnectionParams, NoRetries, SenderPool};
use grammers_client::session::storages::MemorySession;
use grammers_client::tl;
use tgmcp::sandbox::{Sandbox, World};

const RUN: Duration = Duration::from_secs(3);

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
        let key = sandbox.authorized_key(me);
        let mut data = grammers_client::session::SessionData::default();
        data.dc_options.insert(2, sandbox.dc_option(key));
        let session = Arc::new(MemorySession::from(data));
        let pool = SenderPool::with_configuration(
            session,
            1,
            ConnectionParams {
                retry_policy: Box::new(NoRetries),
                ..Default::default()
            },
        );
        let client = Client::new(pool.handle);
        tokio::spawn(pool.runner.run());
        client.invoke(&tl::functions::help::GetConfig {}).await.expect("warm-up");

        println!(
            "## The sandbox DC\n\nOne grammers client on loopback, full MTProto 2.0 encryption both ways.\n"
        );
        println!("| request | in flight | throughput | calls |\n| --- | --- | --- | --- |");
        for in_flight in [1usize, 32] {
            sandbox.stats().reset();
            let start = Instant::now();
            let mut done = 0u64;
            while start.elapsed() < RUN {
                let calls = (0..in_flight).map(|_| client.invoke(&tl::functions::help::GetConfig {}));
                for result in futures_util::future::join_all(calls).await {
                    result.expect("getConfig");
                    done += 1;
                }
            }
            let secs = start.elapsed().as_secs_f64();
            println!(
                "| `help.getConfig` | {in_flight} | {:.0} req/s | {done} in {secs:.1} s (sandbox counted {}) |",
                done as f64 / secs,
                sandbox.stats().count("help.getConfig")
            );
        }
        println!();
        client.disconnect();
    });
}

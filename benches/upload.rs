//! Uploading a 100 MB file with `tgmcp send --file`: the real binary against the
//! in-process sandbox. Prints the upload throughput, the child's peak RSS (VmHWM from
//! /proc, polled) and the requests per method the send took.
//!
//! `cargo bench --bench upload` (a measurement: it asserts only that the send succeeded).

use std::process::Stdio;
use std::time::{Duration, Instant};

use tgmcp::sandbox::{Sandbox, World};

const SIZE: usize = 100 * 1024 * 1024;

/// Peak resident set of a running process, in kB (Linux).
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() {
    let world = World::demo();
    let me = world.demo_user().expect("demo user");
    let sandbox = Sandbox::start(world).await.expect("sandbox");
    let home = tempfile::tempdir().expect("temp dir");
    sandbox
        .write_profile(&home.path().join("data").join("default"), Some(me))
        .await
        .expect("profile");
    let file = home.path().join("big.bin");
    let data: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &data).expect("write the file");
    drop(data);

    sandbox.stats().reset();
    let started = Instant::now();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_tgmcp"))
        .args([
            "send",
            "me",
            "--timeout",
            "600",
            "--max-file-size",
            "200MB",
            "--file",
        ])
        .arg(&file)
        .env("TGMCP_HOME", home.path())
        .env_remove("TGMCP_PROFILE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run tgmcp send");
    let pid = child.id().expect("pid");
    let mut peak = 0;
    let status = loop {
        if let Some(kb) = vm_hwm(pid) {
            peak = peak.max(kb);
        }
        tokio::select! {
            status = child.wait() => break status.expect("wait"),
            () = tokio::time::sleep(Duration::from_millis(10)) => {}
        }
    };
    let elapsed = started.elapsed();
    assert!(status.success(), "tgmcp send --file failed");
    let mb = SIZE as f64 / 1e6;
    let counts = sandbox.stats().snapshot();
    let total: u64 = counts.values().sum();
    let methods: Vec<String> = counts.iter().map(|(m, n)| format!("{m} ×{n}")).collect();
    println!(
        "## Uploading 100 MiB (`tgmcp send me --file`)\n\nThe real binary streams the file to the sandbox in 512 KiB parts (saveBigFilePart).\n"
    );
    println!("| measure | value |\n| --- | --- |");
    println!(
        "| time, process start to exit | {:.2} s |",
        elapsed.as_secs_f64()
    );
    println!("| throughput | {:.1} MB/s |", mb / elapsed.as_secs_f64());
    println!(
        "| peak RSS of `tgmcp send` during the upload | {:.1} MiB |",
        peak as f64 / 1024.0
    );
    println!("| Telegram requests | {total}: {} |\n", methods.join(", "));
}

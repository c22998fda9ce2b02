//! Coming from Telethon / fast-mcp-telegram: `tgmcp setup --import-telethon` takes a
//! `.session` file written by the real SQLite library (Python's `sqlite3`, with
//! Telethon's own table layout) or a StringSession, checks the login with the sandbox DC,
//! and leaves a profile the other commands use — or, when anything is wrong, leaves
//! nothing.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use tgmcp::sandbox::{Sandbox, World};
use tgmcp::telegram::telethon::{TelethonSession, sqlite};

use crate::common::{Run, TestEnv};

/// Telethon's session layout (version 7), as `telethon.sessions.SQLiteSession` creates it.
const TELETHON_TABLES: &str = r#"
create table version (version integer primary key);
create table sessions (dc_id integer primary key, server_address text, port integer, auth_key blob, takeout_id integer);
create table entities (id integer primary key, hash integer not null, username text, phone integer, name text, date integer);
create table sent_files (md5_digest blob, file_size integer, type integer, id integer, hash integer, primary key(md5_digest, file_size, type));
create table update_state (id integer primary key, pts integer, qts integer, date integer, seq integer);
insert into version values (7);
"#;

/// Runs `script` with python3's sqlite3 on a new database at `path`; `None` (the test is
/// then skipped, loudly) where python3 is missing outside CI.
async fn sqlite(path: &Path, script: &str, rows: &[(i64, String, i64, Vec<u8>)]) -> Option<()> {
    let program = r#"
import sqlite3, sys, json
db = sqlite3.connect(sys.argv[1])
db.executescript(sys.argv[2])
for dc, addr, port, key in json.loads(sys.argv[3]):
    db.execute("insert or replace into sessions values (?, ?, ?, ?, null)", (dc, addr, port, bytes.fromhex(key)))
db.commit()
db.close()
"#;
    let rows: Vec<_> = rows
        .iter()
        .map(|(dc, addr, port, key)| {
            let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
            serde_json::json!([dc, addr, port, hex])
        })
        .collect();
    let out = tokio::process::Command::new("python3")
        .args(["-c", program])
        .arg(path)
        .arg(script)
        .arg(serde_json::Value::Array(rows).to_string())
        .output()
        .await;
    match out {
        Ok(out) if out.status.success() => Some(()),
        Ok(out) => panic!("python3 sqlite3: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("SKIPPED: python3 is needed to write SQLite files ({e})");
            None
        }
        Err(e) => panic!("python3 is needed in CI: {e}"),
    }
}

/// A StringSession as Telethon's `StringSession.save()` writes it.
fn string_session(dc: u8, ip: [u8; 4], port: u16, key: &[u8; 256]) -> String {
    let mut bytes = vec![dc];
    bytes.extend_from_slice(&ip);
    bytes.extend_from_slice(&port.to_be_bytes());
    bytes.extend_from_slice(key);
    format!(
        "1{}",
        base64::engine::general_purpose::URL_SAFE.encode(bytes)
    )
}

async fn import(env: &TestEnv, args: &[&str]) -> Run {
    let mut all = vec!["--json", "setup", "--api-id", "1", "--api-hash", "sandbox"];
    all.extend_from_slice(args);
    env.run(&all).await
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn a_telethon_session_file_logs_a_profile_in() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("fast_mcp.session");
    let row = (
        i64::from(sandbox.dc_id()),
        "127.0.0.1".to_owned(),
        i64::from(sandbox.addr().port()),
        sandbox.authorized_key(me).to_vec(),
    );
    if sqlite(&file, TELETHON_TABLES, &[row]).await.is_none() {
        return;
    }

    let env = TestEnv::checked();
    let run = import(&env, &["--import-telethon", file.to_str().unwrap()]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let answer = run.json();
    assert_eq!(answer["ok"], true);
    assert_eq!(answer["account"]["id"], me);
    // The profile is complete: its session, credentials and token, and no leftovers.
    assert_eq!(
        files_in(&env.profile_dir("default"))
            .into_iter()
            .filter(|n| !n.ends_with(".lock"))
            .collect::<Vec<_>>(),
        ["credentials.json", "session.json", "token"]
    );
    let run = env
        .run(&[
            "search",
            "--chat",
            "@rust_berlin",
            "--limit",
            "2",
            "--jsonl",
        ])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 2, "{run:?}");

    // A logged-in profile is never replaced without --overwrite.
    let before = std::fs::read(env.session_path("default")).unwrap();
    let run = import(&env, &["--import-telethon", file.to_str().unwrap()]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--overwrite"), "{run:?}");
    assert_eq!(std::fs::read(env.session_path("default")).unwrap(), before);
    let run = import(
        &env,
        &["--overwrite", "--import-telethon", file.to_str().unwrap()],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
}

#[tokio::test]
async fn a_string_session_logs_a_profile_in_and_is_never_echoed() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let dc = u8::try_from(sandbox.dc_id()).unwrap();
    let port = sandbox.addr().port();
    let env = TestEnv::checked();

    let good = string_session(dc, [127, 0, 0, 1], port, &sandbox.authorized_key(me));
    let run = import(&env, &["--import-telethon", &good]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["account"]["id"], me);
    assert!(!run.stdout.contains(&good[1..40]) && !run.stderr.contains(&good[1..40]));
    let run = env.run(&["health", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");

    // A key Telegram does not know: not logged in (exit 3), and nothing is left behind.
    let other = TestEnv::new();
    let stranger = string_session(dc, [127, 0, 0, 1], port, &sandbox.new_auth_key());
    let run = import(&other, &["--import-telethon", &stranger]).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("not logged in"), "{run:?}");
    assert!(!run.stderr.contains(&stranger[1..40]), "{run:?}");
    assert!(
        !files_in(&other.profile_dir("default"))
            .iter()
            .any(|n| n.starts_with("session")),
        "{:?}",
        files_in(&other.profile_dir("default"))
    );

    // A damaged one is named, not echoed, and nothing is written.
    let cut = &good[..good.len() - 10];
    let run = import(&other, &["--import-telethon", cut]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("StringSession"), "{run:?}");
    assert!(!run.stderr.contains(&cut[1..40]), "{run:?}");
    let run = import(&other, &["--import-telethon", "/no/such/file.session"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("no file"), "{run:?}");
}

#[tokio::test]
async fn the_sqlite_reader_follows_interior_pages_and_overflow_and_never_panics() {
    let scratch = tempfile::tempdir().unwrap();
    // 300 rows of 9,000-byte blobs: interior pages, and overflow chains on 4 KiB pages.
    let big = scratch.path().join("big.db");
    let script = r#"
create table version (version integer primary key);
create table sessions (dc_id integer primary key, server_address text, port integer, auth_key blob, takeout_id integer);
create table blobs (id integer primary key, data blob);
with recursive n(i) as (select 1 union all select i + 1 from n where i < 300)
insert into blobs select i, cast(zeroblob(9000) || i as blob) from n;
"#;
    let key: Vec<u8> = (0..=255).collect();
    let row = (4, "2001:db8::1".to_owned(), 443, key.clone());
    if sqlite(&big, script, &[row]).await.is_none() {
        return;
    }
    let bytes = std::fs::read(&big).unwrap();
    let rows = sqlite::read_table(&bytes, "blobs").unwrap();
    assert_eq!(rows.len(), 300);
    for (i, row) in rows.iter().enumerate() {
        let n = i as i64 + 1;
        assert_eq!(row["id"], sqlite::Value::Int(n));
        let sqlite::Value::Blob(data) = &row["data"] else {
            panic!("row {n}: not a blob");
        };
        let mut expected = vec![0u8; 9000];
        expected.extend_from_slice(n.to_string().as_bytes());
        assert!(*data == expected, "row {n}: {} bytes", data.len());
    }
    let session = TelethonSession::from_file(&big).unwrap();
    assert_eq!(session.dc_id, 4);
    assert_eq!(session.ip.to_string(), "2001:db8::1");
    assert_eq!(session.auth_key.to_vec(), key);
    assert_eq!(session.to_session_data().home_dc, 4);

    // Mutated copies are refused or read, never a panic or a hang.
    let mutant: PathBuf = scratch.path().join("mutant.session");
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // (The reader visits each page at most once, so a damaged file cannot loop.)
    for _ in 0..300 {
        let mut copy = bytes.clone();
        for _ in 0..1 + next() % 8 {
            let at = (next() % copy.len() as u64) as usize;
            copy[at] = next() as u8;
        }
        if next() % 4 == 0 {
            copy.truncate((next() % copy.len() as u64) as usize);
        }
        std::fs::write(&mutant, &copy).unwrap();
        let _ = TelethonSession::from_file(&mutant);
    }
}

//! Shared test plumbing.

use std::sync::Arc;
use std::time::Duration;

use grammers_client::Client;
use grammers_client::sender::{ConnectionParams, NoRetries, SenderPool};
use grammers_client::session::SessionData;
use grammers_client::session::storages::MemorySession;
use grammers_client::session::types::DcOption;
use grammers_client::session::updates::UpdatesLike;
use tgmcp::sandbox::Sandbox;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub const API_ID: i32 = 12345;
pub const API_HASH: &str = "0123456789abcdef0123456789abcdef";

/// A grammers client connected to the sandbox with `auth_key`, with retries off so tests
/// see exactly what the DC answered.
pub struct TestClient {
    pub client: Client,
    pub updates: mpsc::Receiver<UpdatesLike>,
    runner: JoinHandle<()>,
}

impl Drop for TestClient {
    fn drop(&mut self) {
        self.client.disconnect();
        self.runner.abort();
    }
}

pub fn session_for(sandbox: &Sandbox, auth_key: [u8; 256]) -> SessionData {
    let mut data = SessionData::default();
    let addr = match sandbox.addr() {
        std::net::SocketAddr::V4(v4) => v4,
        other => panic!("sandbox listens on IPv4 loopback, not {other}"),
    };
    data.home_dc = sandbox.dc_id();
    data.dc_options.insert(
        sandbox.dc_id(),
        DcOption {
            id: sandbox.dc_id(),
            ipv4: addr,
            ipv6: std::net::SocketAddrV6::new(addr.ip().to_ipv6_mapped(), addr.port(), 0, 0),
            auth_key: Some(auth_key),
        },
    );
    data
}

pub fn connect(sandbox: &Sandbox, auth_key: [u8; 256]) -> TestClient {
    connect_session(Arc::new(MemorySession::from(session_for(
        sandbox, auth_key,
    ))))
}

/// A session for a multi-DC sandbox: home on `home_dc`, and every DC of `keys` reachable
/// with its key.
pub fn session_for_dcs(sandbox: &Sandbox, home_dc: i32, keys: &[(i32, [u8; 256])]) -> SessionData {
    let mut data = SessionData {
        home_dc,
        ..SessionData::default()
    };
    for &(dc, key) in keys {
        let option = sandbox
            .dc_option_on(dc, key)
            .expect("the sandbox plays this DC");
        data.dc_options.insert(dc, option);
    }
    data
}

/// [`connect`] over a session the test keeps a handle on (to see its home DC change).
pub fn connect_session(session: Arc<MemorySession>) -> TestClient {
    let params = ConnectionParams {
        retry_policy: Box::new(NoRetries),
        ..Default::default()
    };
    let pool = SenderPool::with_configuration(session, API_ID, params);
    let client = Client::new(pool.handle);
    let runner = tokio::spawn(pool.runner.run());
    TestClient {
        client,
        updates: pool.updates,
        runner,
    }
}

/// Fails a test that hangs instead of letting it run forever.
pub async fn within<T>(secs: u64, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), fut)
        .await
        .expect("timed out")
}

/// An isolated home for the real `tgmcp` binary: its own TGMCP_HOME and HOME, and none of
/// the developer's TGMCP_*/API_* variables leaking in.
pub struct TestEnv {
    pub home: tempfile::TempDir,
    /// The binary's TMPDIR: its own, so a test can see what a run left there (a
    /// `--sandbox` profile lives in the temp folder, not in TGMCP_HOME).
    pub tmp: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl TestEnv {
    pub fn new() -> Self {
        Self {
            home: tempfile::tempdir().expect("temp dir"),
            tmp: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn command(&self) -> tokio::process::Command {
        self.command_for(env!("CARGO_BIN_EXE_tgmcp"))
    }

    /// Any program, in this environment (e.g. the pty driver wrapping tgmcp).
    pub fn command_for(&self, program: &str) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(program);
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("TGMCP_")
                || [
                    "API_ID",
                    "API_HASH",
                    "RUST_LOG",
                    "XDG_CONFIG_HOME",
                    "XDG_DATA_HOME",
                    // fast-mcp-telegram's names, which tgmcp reads too.
                    "SERVER_MODE",
                    "MODE",
                    "HOST",
                    "PORT",
                    "DISABLE_AUTH",
                    "LOG_LEVEL",
                    "SESSION_NAME",
                    "PHONE_NUMBER",
                ]
                .contains(&key.as_ref())
            {
                cmd.env_remove(key.as_ref());
            }
        }
        cmd.env("HOME", self.home.path())
            .env("TGMCP_HOME", self.home.path())
            .env("TMPDIR", self.tmp.path())
            // The fetcher reaches loopback only and looks no name up: whatever URL a
            // test (or a fuzzer) hands it, nothing leaves the machine.
            .env(tgmcp::net::fetch::LOOPBACK_ONLY_ENV, "1")
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        cmd
    }

    pub async fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, |_| {}).await
    }

    pub async fn run_with(
        &self,
        args: &[&str],
        tweak: impl FnOnce(&mut tokio::process::Command),
    ) -> Run {
        let mut cmd = self.command();
        cmd.args(args);
        tweak(&mut cmd);
        let out = within(60, cmd.output()).await.expect("tgmcp runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// What runs left in this environment's temp folder (nothing, once they ended).
    pub fn tmp_leftovers(&self) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(self.tmp.path())
            .expect("the temp folder exists")
            .map(|entry| entry.expect("readable").path())
            .collect()
    }

    pub fn profile_dir(&self, profile: &str) -> std::path::PathBuf {
        self.home.path().join("data").join(profile)
    }

    pub fn session_path(&self, profile: &str) -> std::path::PathBuf {
        self.profile_dir(profile).join("session.json")
    }

    /// Writes a session for `profile` pointing at `sandbox`, logged in as `user` (or with
    /// a fresh key nobody is logged in with), and the credentials to use it.
    pub async fn profile_at(&self, sandbox: &Sandbox, profile: &str, user: Option<i64>) {
        sandbox
            .write_profile(&self.profile_dir(profile), user)
            .await
            .unwrap();
    }
}

/// `tgmcp serve` over stdio driven by raw JSON-RPC lines, for what rmcp's client hides
/// (an old protocol version, the order of notifications and answers on the wire).
pub struct RawStdio {
    child: tokio::process::Child,
    stdin: Option<tokio::process::ChildStdin>,
    stdout: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
}

impl RawStdio {
    pub fn serve(env: &TestEnv) -> Self {
        use tokio::io::AsyncBufReadExt;
        let mut child = env
            .command()
            .arg("serve")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("tgmcp starts");
        let stdin = child.stdin.take();
        let stdout = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
        Self {
            child,
            stdin,
            stdout,
        }
    }

    pub async fn send(&mut self, message: &serde_json::Value) {
        use tokio::io::AsyncWriteExt;
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin
            .write_all(format!("{message}\n").as_bytes())
            .await
            .unwrap();
    }

    /// The next message the server writes.
    pub async fn next(&mut self) -> serde_json::Value {
        let line = within(30, self.stdout.next_line())
            .await
            .unwrap()
            .expect("a message");
        serde_json::from_str(&line).unwrap()
    }

    /// Closes stdin and waits for the exit code.
    pub async fn finish(mut self) -> Option<i32> {
        drop(self.stdin.take());
        within(15, self.child.wait()).await.unwrap().code()
    }
}

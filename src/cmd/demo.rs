//! The demo that remembers: `tgmcp --sandbox …` keeps its world, login and token between
//! commands.
//!
//! A sandbox world lives in the memory of the process that plays it, so the first
//! `--sandbox` command starts one in the background (`tgmcp sandbox --demo-home DIR`,
//! detached from the terminal) and every later one connects to it, the way a `serve` and a
//! cron `send` share a real account. Everything lives in the demo's folder
//! ([`demo_home`]):
//!
//! - `dc.json`: the running DC's process id and address. The DC exits as soon as this
//!   file is gone or names another process, which is how `tgmcp --sandbox reset` (and
//!   removing the folder) stops it.
//! - `lock`: held while a command finds or starts the DC and gets its session, so several
//!   `--sandbox` commands started at once share one DC.
//! - `requests/`: auth keys can only be made by the process playing the DC, so a command
//!   that needs a new session leaves a request there and the DC answers with a session
//!   file (the folder is 0700: only the user can ask).
//! - `config/`, `data/<profile>/`: the demo profiles (session, bearer token), apart from
//!   the real ones.

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::config::{
    Env, LOGIN_FILE, Paths, SESSION_FILE, ensure_private_dir, open_private_file,
    write_private_file_atomic,
};
use crate::error::{Error, Result};

const INFO_FILE: &str = "dc.json";
const LOCK_FILE: &str = "lock";
const REQUESTS_DIR: &str = "requests";
const LOG_FILE: &str = "dc.log";

/// How long a command waits for the background DC to start or to answer a request.
const WAIT: Duration = Duration::from_secs(15);

/// What the running demo DC tells the commands that use it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DcInfo {
    pub pid: u32,
    pub addr: SocketAddr,
    /// The login code the demo account gets (there is no SMS in a sandbox).
    pub login_code: String,
}

/// The demo's folder: `$TGMCP_HOME/sandbox` when TGMCP_HOME is set, otherwise `sandbox`
/// in the user's state folder (`~/.local/state/tgmcp/sandbox` on Linux) or, where the
/// platform has none, cache folder.
pub fn demo_home(env: &Env) -> Result<PathBuf> {
    if let Some(home) = env.get("TGMCP_HOME") {
        let home = std::path::absolute(home)
            .map_err(|e| Error::Config(format!("TGMCP_HOME={home:?} is not a usable path: {e}")))?;
        return Ok(home.join("sandbox"));
    }
    let dirs = directories::ProjectDirs::from("", "", "tgmcp").ok_or_else(|| {
        Error::Config(
            "cannot find a home directory for the demo's files — set HOME, or TGMCP_HOME to a folder of your choice"
                .to_owned(),
        )
    })?;
    let base = dirs.state_dir().unwrap_or_else(|| dirs.cache_dir());
    Ok(base.join("sandbox"))
}

/// Where the demo's profiles live inside its folder.
pub fn demo_paths(home: &Path) -> Paths {
    Paths::new(home.join("config"), home.join("data"))
}

/// Holds the demo's lock: one command at a time finds or starts the DC.
pub struct DemoLock {
    home: PathBuf,
    _file: std::fs::File,
}

impl DemoLock {
    pub fn take(home: &Path) -> Result<Self> {
        ensure_private_dir(home).map_err(|e| io_error("create", home, &e))?;
        let path = home.join(LOCK_FILE);
        let file = open_private_file(&path).map_err(|e| io_error("open", &path, &e))?;
        file.lock().map_err(|e| io_error("lock", &path, &e))?;
        Ok(Self {
            home: home.to_owned(),
            _file: file,
        })
    }

    /// The running demo DC, started in the background if none answers. `fresh` says
    /// whether it was just started (a new world: earlier logins are gone).
    pub fn ensure_dc(&self) -> Result<(DcInfo, bool)> {
        if let Some(info) = read_info(&self.home)
            && reachable(info.addr)
        {
            return Ok((info, false));
        }
        // A new DC has a new world and new keys: sessions of the old one are useless.
        forget_logins(&demo_paths(&self.home).data_dir);
        let _ = std::fs::remove_file(self.home.join(INFO_FILE));
        let info = self.start_dc()?;
        Ok((info, true))
    }

    fn start_dc(&self) -> Result<DcInfo> {
        let exe = std::env::current_exe()
            .map_err(|e| Error::Config(format!("cannot find the tgmcp executable: {e}")))?;
        let log_path = self.home.join(LOG_FILE);
        let log = open_private_file(&log_path).map_err(|e| io_error("open", &log_path, &e))?;
        log.set_len(0)
            .map_err(|e| io_error("truncate", &log_path, &e))?;
        let mut command = std::process::Command::new(exe);
        command
            .arg("sandbox")
            .arg("--demo-home")
            .arg(&self.home)
            .env_remove("TGMCP_SANDBOX")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(log);
        #[cfg(unix)]
        {
            // Its own process group: Ctrl-C at the terminal stops the command, not the DC.
            use std::os::unix::process::CommandExt as _;
            command.process_group(0);
        }
        let mut child = command
            .spawn()
            .map_err(|e| Error::Config(format!("cannot start the demo's sandbox DC: {e}")))?;
        let started = Instant::now();
        loop {
            if let Some(info) = read_info(&self.home).filter(|i| i.pid == child.id()) {
                return Ok(info);
            }
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                return Err(Error::Config(format!(
                    "the demo's sandbox DC stopped at start ({status}): {} — run `tgmcp --sandbox reset` and try again",
                    log.lines().last().unwrap_or("no message")
                )));
            }
            if started.elapsed() > WAIT {
                return Err(Error::Config(format!(
                    "the demo's sandbox DC did not start within {}s — see {} and run `tgmcp --sandbox reset`",
                    WAIT.as_secs(),
                    log_path.display()
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asks the DC for a session (logged in as the demo account, or not logged in) and
    /// installs it at `session_path`, replacing any there.
    pub fn new_session(&self, session_path: &Path, logged_in: bool) -> Result<()> {
        let request = if logged_in {
            Request::LoggedIn
        } else {
            Request::LoggedOut
        };
        let answer = ask(&self.home, &request)?;
        let result = std::fs::rename(&answer, session_path)
            .map_err(|e| io_error("move the new session to", session_path, &e));
        let _ = std::fs::remove_file(answer.with_extension("lock"));
        result
    }
}

/// What a command asks of the demo's DC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A session logged in as the demo account.
    LoggedIn,
    /// A session with a fresh key nobody is logged in with.
    LoggedOut,
    /// Scan this QR login token with the demo account's "phone" (`setup --qr`); the
    /// answer is `{"ok": true}` or `{"error": NAME}`.
    Scan(Vec<u8>),
}

impl Request {
    fn to_bytes(&self) -> Vec<u8> {
        match self {
            Request::LoggedIn => b"login".to_vec(),
            Request::LoggedOut => b"logout".to_vec(),
            Request::Scan(token) => {
                let hex: String = token.iter().map(|b| format!("{b:02x}")).collect();
                format!("scan {hex}").into_bytes()
            }
        }
    }

    fn parse(bytes: &[u8]) -> Option<Self> {
        match bytes {
            b"login" => Some(Request::LoggedIn),
            b"logout" => Some(Request::LoggedOut),
            _ => {
                let hex = std::str::from_utf8(bytes).ok()?.strip_prefix("scan ")?;
                let token = (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                    .collect::<Option<Vec<u8>>>()?;
                Some(Request::Scan(token))
            }
        }
    }
}

/// Leaves `request` for the DC and waits for its answer file.
fn ask(home: &Path, request: &Request) -> Result<PathBuf> {
    let dir = home.join(REQUESTS_DIR);
    ensure_private_dir(&dir).map_err(|e| io_error("create", &dir, &e))?;
    let nonce = nonce();
    let want = dir.join(format!("{nonce}.want"));
    let answer = dir.join(format!("{nonce}.json"));
    write_private_file_atomic(&want, &request.to_bytes())
        .map_err(|e| io_error("write", &want, &e))?;
    let started = Instant::now();
    while !answer.exists() {
        if started.elapsed() > WAIT {
            let _ = std::fs::remove_file(&want);
            return Err(Error::Config(
                "the demo's sandbox DC did not answer — run `tgmcp --sandbox reset` and try again"
                    .into(),
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(answer)
}

/// `setup --qr` on the demo: the demo account's phone scans `token`. The error is
/// Telegram's name for what is wrong (`AUTH_TOKEN_EXPIRED` …).
pub fn scan(home: &Path, token: &[u8]) -> Result<()> {
    let answer = ask(home, &Request::Scan(token.to_vec()))?;
    let text = std::fs::read(&answer).map_err(|e| io_error("read", &answer, &e));
    let _ = std::fs::remove_file(&answer);
    let json: serde_json::Value = serde_json::from_slice(&text?).unwrap_or_default();
    match json["error"].as_str() {
        None => Ok(()),
        Some(name) => Err(Error::Rpc {
            code: 400,
            name: name.to_owned(),
            method: Some("auth.acceptLoginToken".into()),
        }),
    }
}

/// The DC side: answers a scan request.
pub fn answer_scan(answer: &Path, result: std::result::Result<(), String>) {
    let json = match result {
        Ok(()) => serde_json::json!({"ok": true}),
        Err(name) => serde_json::json!({"error": name}),
    };
    let _ = write_private_file_atomic(answer, json.to_string().as_bytes());
}

/// `tgmcp --sandbox reset`: stops the demo DC and forgets its world, logins and tokens.
pub fn reset(home: &Path) -> Result<bool> {
    if !home.exists() {
        return Ok(false);
    }
    let lock = DemoLock::take(home)?;
    // The DC exits when its dc.json is gone.
    let _ = std::fs::remove_file(home.join(INFO_FILE));
    for entry in std::fs::read_dir(home)
        .map_err(|e| io_error("read", home, &e))?
        .flatten()
    {
        let path = entry.path();
        if entry.file_name() == LOCK_FILE {
            continue;
        }
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| io_error("remove", &path, &e))?;
    }
    drop(lock);
    Ok(true)
}

/// The DC side: announces itself in `dc.json`.
pub fn announce(home: &Path, info: &DcInfo) -> Result<()> {
    let path = home.join(INFO_FILE);
    let bytes = serde_json::to_vec(info).expect("DcInfo serializes");
    write_private_file_atomic(&path, &bytes).map_err(|e| io_error("write", &path, &e))
}

/// The DC side: whether `dc.json` still names this process (else it should stop).
pub fn still_announced(home: &Path) -> bool {
    read_info(home).is_some_and(|i| i.pid == std::process::id())
}

/// The DC side, stopping: the next command starts a new DC.
pub fn withdraw(home: &Path) {
    let _ = std::fs::remove_file(home.join(INFO_FILE));
}

/// The DC side: the requests waiting, as (request file, answer file, request).
pub fn pending_requests(home: &Path) -> Vec<(PathBuf, PathBuf, Request)> {
    let Ok(entries) = std::fs::read_dir(home.join(REQUESTS_DIR)) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "want"))
        .filter_map(|want| {
            let request = Request::parse(&std::fs::read(&want).ok()?)?;
            let answer = want.with_extension("json");
            Some((want, answer, request))
        })
        .collect()
}

fn read_info(home: &Path) -> Option<DcInfo> {
    let bytes = std::fs::read(home.join(INFO_FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn reachable(addr: SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

/// Removes every demo profile's session and pending login (keeping its bearer token).
fn forget_logins(data_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(data_dir) else {
        return;
    };
    for profile in entries.flatten() {
        for name in [SESSION_FILE, LOGIN_FILE] {
            let _ = std::fs::remove_file(profile.path().join(name));
        }
    }
}

fn nonce() -> String {
    let mut bytes = [0u8; 8];
    // A clash with another waiting request is what the randomness prevents; without it,
    // the time and process id are unique enough for one user's folder.
    if getrandom::fill(&mut bytes).is_err() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        bytes = (now.as_nanos() as u64 ^ u64::from(std::process::id())).to_le_bytes();
    }
    format!("{:016x}", u64::from_le_bytes(bytes))
}

fn io_error(action: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::Config(format!(
        "cannot {action} {}: {e} — check the permissions of the demo's folder, or run `tgmcp --sandbox reset`",
        path.display()
    ))
}

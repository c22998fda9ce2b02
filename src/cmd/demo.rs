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
        let dir = self.home.join(REQUESTS_DIR);
        ensure_private_dir(&dir).map_err(|e| io_error("create", &dir, &e))?;
        let nonce = nonce();
        let want = dir.join(format!("{nonce}.want"));
        let answer = dir.join(format!("{nonce}.json"));
        let kind: &[u8] = if logged_in { b"login" } else { b"logout" };
        write_private_file_atomic(&want, kind).map_err(|e| io_error("write", &want, &e))?;
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
        let result = std::fs::rename(&answer, session_path)
            .map_err(|e| io_error("move the new session to", session_path, &e));
        let _ = std::fs::remove_file(answer.with_extension("lock"));
        result
    }
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

/// The DC side: the session requests waiting, as (request file, answer file, logged in).
pub fn pending_requests(home: &Path) -> Vec<(PathBuf, PathBuf, bool)> {
    let Ok(entries) = std::fs::read_dir(home.join(REQUESTS_DIR)) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "want"))
        .filter_map(|want| {
            let kind = std::fs::read(&want).ok()?;
            let answer = want.with_extension("json");
            Some((want, answer, kind == b"login"))
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

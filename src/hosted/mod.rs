//! Hosted mode: many accounts behind one `serve --http --accounts DIR`.
//!
//! Every account is a folder under DIR (its session, credentials and bearer token, as a
//! profile keeps them), made by `tgmcp setup --accounts DIR`. A request's token selects
//! its account through a map keyed by the token's SHA-256, so no token is compared with
//! every other in turn and no stored token is ever compared byte by byte with a guess.
//!
//! Each account has its own [`Link`]: opened on first use, closed when it has been idle
//! for `--session-idle-timeout` or when `--max-active-sessions` others were used more
//! recently (LRU). Closing waits for the account's calls in flight and writes its
//! session. Nothing here knows HTTP or MCP; `src/http` asks for an account by token.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use sha2::{Digest, Sha256};

use crate::config::{
    CREDENTIALS_FILE, Credentials, ProfileName, SESSION_FILE, TOKEN_FILE, check_private,
};
use crate::error::{Error, Result};
use crate::mcp::{Link, Opener};
use crate::telegram::{ConnectOptions, FileSession, Telegram};

/// How often the accounts folder is read again for removed and rotated tokens.
const RESCAN_EVERY: Duration = Duration::from_secs(2);
/// An unknown token reads the folder again (a new account) at most this often, so a
/// flood of wrong tokens costs little.
const RESCAN_ON_MISS: Duration = Duration::from_millis(250);

/// Builds the client of one profile or account from its files, when its link opens:
/// the session must exist (or the account is not logged in), the credentials come from
/// `fixed` (flags, environment, config) or the ones saved beside the session.
pub fn opener(
    profile: &str,
    dir: &Path,
    fixed: Option<Credentials>,
    timeout: Duration,
    rules: Rules,
) -> Opener {
    let profile = profile.to_owned();
    let session_file = dir.join(SESSION_FILE);
    let credentials_file = dir.join(CREDENTIALS_FILE);
    Arc::new(move || {
        if !session_file.exists() {
            return Err(Error::not_logged_in(&profile));
        }
        let credentials = match &fixed {
            Some(credentials) => credentials.clone(),
            None => crate::config::load_saved_credentials(&credentials_file)?.ok_or_else(|| {
                Error::Config(
                    "api_id and api_hash are not set — run `tgmcp setup`, set TGMCP_API_ID and TGMCP_API_HASH, or add them to the config file"
                        .into(),
                )
            })?,
        };
        let session = Arc::new(FileSession::open(&session_file)?);
        let telegram = Telegram::open(
            session,
            ConnectOptions {
                api_id: credentials.api_id,
                timeout,
                // Kept: wait_for_messages and resource subscriptions follow them.
                updates: true,
                ..ConnectOptions::default()
            },
        );
        // Nobody follows them until the first wait or subscription.
        telegram.drain_updates();
        Ok(rules.apply(telegram))
    })
}

/// The SHA-256 of a token: the key accounts are found by.
fn token_key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// What `serve` applies to every client it opens (issue 20): the access list, the write
/// rate and draft mode. Each client gets its own copy, so each account has its own rate
/// bucket, and a chat named in the list is resolved in each account.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub access: Option<crate::telegram::AccessList>,
    pub writes_per_minute: u32,
    pub drafts: bool,
}

impl Rules {
    fn apply(&self, telegram: Telegram) -> Telegram {
        telegram
            .with_access(self.access.clone())
            .with_write_limit(self.writes_per_minute)
            .with_drafts(self.drafts)
    }
}

/// What `serve --http --accounts DIR` was told.
#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    /// At most this many accounts connected at once; the least recently used goes first.
    pub max_active: usize,
    /// An account idle this long is disconnected (its session written).
    pub idle_timeout: Duration,
    /// Upper bound for one Telegram call.
    pub call_timeout: Duration,
    /// Access list, write rate and drafts, for every account.
    pub rules: Rules,
}

/// One account, loaded: its link to Telegram and when it was last used.
pub struct Account {
    name: String,
    pub link: Arc<Link>,
    last_used: Mutex<Instant>,
}

impl Account {
    pub fn name(&self) -> &str {
        &self.name
    }

    fn idle_for(&self) -> Duration {
        self.last_used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed()
    }
}

/// Accounts by state, for `/health` and `/metrics`; identifies nobody.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Counts {
    /// Accounts with a token in the folder.
    pub on_disk: usize,
    /// Accounts used since the server started (a link in memory).
    pub loaded: usize,
    /// Accounts with an open Telegram connection.
    pub connected: usize,
    /// Accounts Telegram logged out (revoked), until they log in again.
    pub logged_out: usize,
    pub max_active: usize,
    pub loads: u64,
    pub evictions: u64,
    pub reauthorizations: u64,
}

#[derive(Default)]
struct Index {
    /// SHA-256 of the token → account name.
    by_token: HashMap<[u8; 32], String>,
    /// Account name → its token file's modification time, to re-read only what changed.
    seen: HashMap<String, (Option<SystemTime>, [u8; 32])>,
    /// When each account's token file was last found unchanged, after the folder was read.
    checked: HashMap<String, Instant>,
    scanned: Option<Instant>,
    /// When an unknown token last made the folder be read again: the limit on that is
    /// counted from here, so a read at start-up or a periodic one never hides an account
    /// made just after it.
    missed: Option<Instant>,
}

/// What [`Accounts::find`] does with a token, decided under the index's lock.
enum Look {
    /// Known, and checked against the disk less than [`RESCAN_EVERY`] ago.
    Known(String),
    /// Known from an older look: check this account's token file.
    Check(String),
    /// Unknown: read the folder again.
    Rescan,
    /// Unknown, and the folder was read again for another unknown token a moment ago.
    Index,
}

/// The accounts allowed a connection, least recently used first: a touch, a look-up
/// and an eviction each cost O(log n), whatever the number of accounts, as every
/// request touches its account.
#[derive(Default)]
struct Active {
    /// Account name → when it was last used (a counter, not a clock).
    used: HashMap<String, u64>,
    /// The same, by when.
    by_use: BTreeMap<u64, String>,
    clock: u64,
}

impl Active {
    /// Marks `name` used now; past `max` accounts, takes out and returns the least
    /// recently used other one.
    fn touch(&mut self, name: &str, max: usize) -> Option<String> {
        self.clock += 1;
        let now = self.clock;
        if let Some(at) = self.used.get_mut(name) {
            let name = self.by_use.remove(at).expect("in both maps");
            *at = now;
            self.by_use.insert(now, name);
            return None;
        }
        let victim = if self.used.len() >= max {
            self.by_use.pop_first().map(|(_, victim)| {
                self.used.remove(&victim);
                victim
            })
        } else {
            None
        };
        self.used.insert(name.to_owned(), now);
        self.by_use.insert(now, name.to_owned());
        victim
    }

    fn remove(&mut self, name: &str) {
        if let Some(at) = self.used.remove(name) {
            self.by_use.remove(&at);
        }
    }

    fn contains(&self, name: &str) -> bool {
        self.used.contains_key(name)
    }

    fn names(&self) -> impl Iterator<Item = &String> {
        self.by_use.values()
    }
}

pub struct Accounts {
    options: Options,
    index: Mutex<Index>,
    loaded: Mutex<HashMap<String, Arc<Account>>>,
    /// Accounts allowed a connection, by when they were last used.
    active: tokio::sync::Mutex<Active>,
    loads: AtomicU64,
    evictions: AtomicU64,
}

impl Accounts {
    /// The accounts in `options.dir`, which must exist and be private (0700).
    pub fn open(options: Options) -> Result<Arc<Self>> {
        let dir = &options.dir;
        if !dir.is_dir() {
            return Err(Error::Config(format!(
                "the accounts folder {} does not exist — create an account in it with `tgmcp setup --accounts {} --profile NAME`",
                dir.display(),
                dir.display()
            )));
        }
        check_private(dir, "the accounts folder")?;
        let accounts = Arc::new(Self {
            options,
            index: Mutex::default(),
            loaded: Mutex::default(),
            active: tokio::sync::Mutex::default(),
            loads: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
        });
        accounts.rescan();
        Ok(accounts)
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Reads the folder again: new accounts, removed ones, rotated tokens.
    pub fn rescan(&self) {
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        index.scanned = Some(Instant::now());
        let Ok(entries) = std::fs::read_dir(&self.options.dir) else {
            tracing::warn!("cannot read the accounts folder");
            return;
        };
        let mut present = HashMap::new();
        for entry in entries.flatten() {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            if ProfileName::new(&name).is_err() || !entry.path().is_dir() {
                continue;
            }
            let token_file = entry.path().join(TOKEN_FILE);
            let mtime = std::fs::metadata(&token_file)
                .and_then(|m| m.modified())
                .ok();
            if mtime.is_none() {
                continue;
            }
            let known = index.seen.get(&name).filter(|(seen, _)| *seen == mtime);
            let key = match known {
                Some((_, key)) => *key,
                None => {
                    if let Err(e) = check_private(&entry.path(), "the account folder")
                        .and_then(|()| check_private(&token_file, "the bearer token file"))
                    {
                        tracing::warn!("account skipped: {e}");
                        continue;
                    }
                    match crate::http::token::load(&token_file) {
                        Ok(Some(token)) => token_key(&token),
                        _ => continue,
                    }
                }
            };
            present.insert(name, (mtime, key));
        }
        index.by_token = present
            .iter()
            .map(|(name, (_, key))| (*key, name.clone()))
            .collect();
        index.seen = present;
        index.checked.clear();
    }

    /// Whether `name`'s token file is as the folder was last read, so its token still
    /// stands: one `stat`, where reading the folder again costs one per account.
    fn unchanged(&self, name: &str) -> bool {
        let token_file = self.options.dir.join(name).join(TOKEN_FILE);
        let mtime = std::fs::metadata(&token_file)
            .and_then(|m| m.modified())
            .ok();
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        let same = mtime.is_some() && index.seen.get(name).is_some_and(|(seen, _)| *seen == mtime);
        if same {
            index.checked.insert(name.to_owned(), Instant::now());
        }
        same
    }

    /// The account `token` belongs to, if any. An unknown token reads the folder again,
    /// at most every [`RESCAN_ON_MISS`]; one that finds another miss just did so waits
    /// out the rest of that interval and looks once more, so an account made a moment ago
    /// is always found, and a flood of wrong tokens is slowed rather than served.
    pub async fn by_token(&self, token: &str) -> Option<Arc<Account>> {
        if let Some(account) = self.find(token) {
            return Some(account);
        }
        let wait = {
            let index = self.index.lock().unwrap_or_else(|e| e.into_inner());
            index.missed.map_or(Duration::ZERO, |at| {
                RESCAN_ON_MISS.saturating_sub(at.elapsed())
            })
        };
        tokio::time::sleep(wait).await;
        self.find(token)
    }

    /// [`Accounts::by_token`] without the second look: for tokens known to be old.
    ///
    /// A known token is checked against the disk at most every [`RESCAN_EVERY`]: its own
    /// token file, and the whole folder only when that changed (rotated or removed), so a
    /// request costs the same with ten accounts on disk or ten thousand.
    pub fn find(&self, token: &str) -> Option<Arc<Account>> {
        let key = token_key(token);
        let look = {
            let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
            let fresh = |at: Option<&Instant>| at.is_some_and(|at| at.elapsed() < RESCAN_EVERY);
            match index.by_token.get(&key) {
                Some(name) if fresh(index.scanned.as_ref()) || fresh(index.checked.get(name)) => {
                    Look::Known(name.clone())
                }
                Some(name) => Look::Check(name.clone()),
                None if index.missed.is_none_or(|at| at.elapsed() >= RESCAN_ON_MISS) => {
                    index.missed = Some(Instant::now());
                    Look::Rescan
                }
                None => Look::Index,
            }
        };
        let name = match look {
            Look::Known(name) => name,
            Look::Check(name) if self.unchanged(&name) => name,
            // Unknown, or its token file changed: read the folder again (for an unknown
            // token at most every RESCAN_ON_MISS), so new accounts and rotated or removed
            // tokens count.
            Look::Check(_) | Look::Rescan => {
                self.rescan();
                self.named(&key)?
            }
            Look::Index => self.named(&key)?,
        };
        Some(self.load(&name))
    }

    /// The account name of a token's key, as the folder was last read.
    fn named(&self, key: &[u8; 32]) -> Option<String> {
        let index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        index.by_token.get(key).cloned()
    }

    /// The account called `name`, its link made (not connected) if it was not loaded.
    fn load(&self, name: &str) -> Arc<Account> {
        let mut loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(account) = loaded.get(name) {
            return Arc::clone(account);
        }
        let dir = self.options.dir.join(name);
        let profile = format!("{}{name}", crate::error::ACCOUNT_PREFIX);
        let link = Link::reloadable(
            &profile,
            dir.join(SESSION_FILE),
            opener(
                &profile,
                &dir,
                None,
                self.options.call_timeout,
                self.options.rules.clone(),
            ),
        );
        let account = Arc::new(Account {
            name: name.to_owned(),
            link: Arc::new(link),
            last_used: Mutex::new(Instant::now()),
        });
        self.loads.fetch_add(1, Ordering::Relaxed);
        loaded.insert(name.to_owned(), Arc::clone(&account));
        account
    }

    /// Marks `account` used now, making room for its connection first: past
    /// `max_active`, the least recently used account is disconnected (after its calls in
    /// flight end, its session written).
    pub async fn touch(&self, account: &Account) {
        *account.last_used.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        let victim = self
            .active
            .lock()
            .await
            .touch(&account.name, self.options.max_active.max(1));
        if let Some(victim) = victim {
            self.evict(&victim).await;
        }
    }

    async fn evict(&self, name: &str) {
        let account = self
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned();
        if let Some(account) = account
            && account.link.evict().await
        {
            self.evictions.fetch_add(1, Ordering::Relaxed);
            tracing::debug!("disconnected an account (least recently used or idle)");
        }
    }

    /// Disconnects accounts idle for `idle_timeout`, and any connected account that lost
    /// its place among the active ones (used again while being disconnected).
    pub async fn sweep(&self) {
        let idle: Vec<String> = {
            let mut active = self.active.lock().await;
            let loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
            let idle: Vec<String> = active
                .names()
                .filter(|name| {
                    loaded
                        .get(*name)
                        .is_none_or(|a| a.idle_for() >= self.options.idle_timeout)
                })
                .cloned()
                .collect();
            for name in &idle {
                active.remove(name);
            }
            let strays = loaded
                .iter()
                .filter(|(name, account)| !active.contains(name) && account.link.is_open())
                .map(|(name, _)| name.clone());
            idle.iter().cloned().chain(strays).collect()
        };
        for name in idle {
            self.evict(&name).await;
        }
    }

    /// Runs [`Accounts::sweep`] until `stop` is cancelled.
    pub fn spawn_sweeper(self: &Arc<Self>, stop: tokio_util::sync::CancellationToken) {
        let accounts = Arc::clone(self);
        let every = (self.options.idle_timeout / 4)
            .clamp(Duration::from_millis(100), Duration::from_secs(5));
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(every) => accounts.sweep().await,
                }
            }
        });
    }

    pub fn counts(&self) -> Counts {
        // Requests check only their own account, so the count is kept fresh here.
        let age = {
            let index = self.index.lock().unwrap_or_else(|e| e.into_inner());
            index.scanned.map_or(Duration::MAX, |at| at.elapsed())
        };
        if age >= RESCAN_EVERY {
            self.rescan();
        }
        let on_disk = self
            .index
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .by_token
            .len();
        let loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        let mut counts = Counts {
            on_disk,
            loaded: loaded.len(),
            max_active: self.options.max_active,
            loads: self.loads.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
            ..Counts::default()
        };
        for account in loaded.values() {
            counts.connected += usize::from(account.link.is_open());
            counts.logged_out += usize::from(account.link.is_logged_out());
            counts.reauthorizations += account.link.reload_counts().0;
        }
        counts
    }

    /// Disconnects every account, writing their sessions (at shutdown).
    pub async fn close_all(&self) {
        let all: Vec<Arc<Account>> = self
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        for account in all {
            if let Err(e) = account.link.close().await {
                tracing::warn!("closing an account's connection: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_keys_differ_and_hide_the_token() {
        let (a, b) = ("tgmcp_aaaa", "tgmcp_aaab");
        assert_ne!(token_key(a), token_key(b));
        assert_eq!(token_key(a), token_key(a));
    }

    #[tokio::test]
    async fn a_known_token_checks_its_own_file_not_the_whole_folder() {
        use std::os::unix::fs::DirBuilderExt;
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("accounts");
        let mut private = std::fs::DirBuilder::new();
        private.recursive(true).mode(0o700);
        private.create(dir.join("ann")).unwrap();
        let token_file = dir.join("ann").join(TOKEN_FILE);
        let token = crate::http::token::generate().unwrap();
        crate::http::token::save(&token_file, &token).unwrap();
        let accounts = Accounts::open(Options {
            dir,
            max_active: 10,
            idle_timeout: Duration::from_secs(60),
            call_timeout: Duration::from_secs(10),
            rules: Rules::default(),
        })
        .unwrap();
        let index = || accounts.index.lock().unwrap();
        let long_ago = Instant::now().checked_sub(Duration::from_secs(10)).unwrap();

        // The folder was read long ago: the token's own file is checked, not the folder.
        index().scanned = Some(long_ago);
        assert_eq!(accounts.find(&token).unwrap().name(), "ann");
        assert_eq!(index().scanned, Some(long_ago));
        assert!(index().checked.contains_key("ann"));

        // Rotated: its file changed, so the folder is read again and the old one is refused.
        std::thread::sleep(Duration::from_millis(20));
        let rotated = crate::http::token::generate().unwrap();
        crate::http::token::save(&token_file, &rotated).unwrap();
        index().checked.clear();
        index().scanned = Some(long_ago);
        assert!(accounts.find(&token).is_none());
        assert!(index().scanned > Some(long_ago));
        assert_eq!(accounts.find(&rotated).unwrap().name(), "ann");

        // Removed: gone at its next check.
        std::fs::remove_file(&token_file).unwrap();
        index().checked.clear();
        index().scanned = Some(long_ago);
        assert!(accounts.find(&rotated).is_none());
        assert_eq!(accounts.counts().on_disk, 0);
    }

    #[test]
    fn the_least_recently_used_goes_first() {
        let mut active = Active::default();
        assert_eq!(active.touch("a", 2), None);
        assert_eq!(active.touch("b", 2), None);
        // Used again: "a" is now the most recent, so "b" makes room for "c".
        assert_eq!(active.touch("a", 2), None);
        assert_eq!(active.touch("c", 2).as_deref(), Some("b"));
        assert!(active.contains("a") && active.contains("c") && !active.contains("b"));
        active.remove("a");
        assert_eq!(active.names().collect::<Vec<_>>(), ["c"]);
        assert_eq!(active.touch("d", 2), None);
        assert_eq!(active.touch("e", 2).as_deref(), Some("c"));
        assert_eq!(active.used.len(), active.by_use.len());
    }
}

//! Our session store: one small JSON file per profile, safe to share between processes.
//!
//! We do not use grammers' `SqliteSession` (it pulls in libsql and a C build), and its
//! `MemorySession` never answers [`PeerId::self_user`], which sending to yourself needs.
//!
//! An IDE's long-running `serve` and a cron job's `tgmcp send` may use one profile at the
//! same time, so every change is a locked read-modify-write: take an exclusive lock on
//! the sibling `session.lock`, re-read `session.json`, apply the change on top of what
//! another process may have written (new peers, DC options, auth keys), replace the file
//! atomically (0600), unlock. A change that changes nothing writes nothing: grammers
//! caches the peers of almost every answer, so that is the hot path.
//!
//! The DC lookups grammers makes on every request are answered from memory. A peer
//! lookup that misses memory re-reads the file if it changed on disk, so a peer another
//! process cached becomes visible.
//!
//! Update-state changes (pts/qts/seq per account and channel) are applied in memory at
//! once and written with the next write, by [`FileSession::flush`], on drop, or after
//! [`MAX_PENDING_UPDATES`] of them; losing some only makes the next update sync start
//! from an older point.
//!
//! File operations are short and blocking (a few milliseconds: read, write, fsync,
//! rename); the lock is only held that long.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::{self, File, Metadata};
use std::io::{self, Read as _};
use std::net::{SocketAddrV4, SocketAddrV6};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use grammers_session::types::{
    ChannelKind, ChannelState, DcOption, PeerAuth, PeerId, PeerInfo, PeerRef, UpdateState,
    UpdatesState,
};
use grammers_session::{BoxFuture, Session, SessionData};
use serde::{Deserialize, Serialize};

use crate::config::{ensure_private_dir, open_private_file, write_private_file_atomic};
use crate::error::Error;

/// The on-disk format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Update-state changes kept in memory before they are written anyway.
pub const MAX_PENDING_UPDATES: usize = 256;

/// A [`Session`] stored in a JSON file; see the module documentation.
pub struct FileSession {
    path: PathBuf,
    lock_path: PathBuf,
    inner: Mutex<Inner>,
    /// How many times grammers stored a DC option: it does so only once a connection
    /// is set up, so zero means this process never reached Telegram.
    dc_writes: std::sync::atomic::AtomicU64,
}

struct Inner {
    state: State,
    /// The file `state` was last read from or written to; `None` if missing.
    version: Option<Version>,
    /// Update-state changes applied to `state` but not yet written.
    pending: Vec<UpdateOp>,
}

impl FileSession {
    /// Opens the session at `path`. A missing file is a fresh session (home DC 2 and
    /// Telegram's known DC addresses); nothing is written until something changes.
    ///
    /// A file that cannot be parsed, or has an unknown format version, is refused with
    /// [`Error::Session`] and left exactly as it is.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_owned();
        let (state, version) = match read_disk(&path)? {
            Some((state, version)) => (state, Some(version)),
            None => (State::default(), None),
        };
        Ok(Self::with_state(path, state, version))
    }

    /// Writes a new session at `path` holding exactly `data`, replacing any file there
    /// (corrupt or not), and opens it. Creates the parent directory 0700 if needed.
    pub fn create(path: impl AsRef<Path>, data: &SessionData) -> Result<Self, Error> {
        let session = Self::with_state(path.as_ref().to_owned(), State::from_data(data), None);
        let lock = session.lock()?;
        let version = {
            let inner = session.inner();
            session.write(&inner.state)?
        };
        session.inner().version = Some(version);
        drop(lock);
        Ok(session)
    }

    /// Writes a new session whose only (and home) data center is `dc`, e.g. a sandbox
    /// DC on loopback with a preset auth key, replacing any file at `path`.
    pub fn create_for(path: impl AsRef<Path>, dc: DcOption) -> Result<Self, Error> {
        let data = SessionData {
            home_dc: dc.id,
            dc_options: HashMap::from([(dc.id, dc)]),
            peer_infos: HashMap::new(),
            updates_state: UpdatesState::default(),
        };
        Self::create(path, &data)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a logged-in user is cached. Only a hint: the authorization may have been
    /// revoked since; only Telegram can tell (`updates.getState` answering 401).
    pub fn is_logged_in_hint(&self) -> bool {
        self.self_user_id().is_some()
    }

    /// The id of the logged-in user, if cached.
    pub fn self_user_id(&self) -> Option<i64> {
        self.inner().state.self_id
    }

    /// A copy of everything in the session, as grammers' interchange type.
    pub fn snapshot(&self) -> SessionData {
        self.inner().state.to_data()
    }

    /// The peer a `@username` resolved to before, if this session (or another process on
    /// the same profile) has seen it.
    pub fn cached_username(&self, username: &str) -> Result<Option<PeerId>, Error> {
        let key = username.to_ascii_lowercase();
        let lookup = |s: &Self| s.inner().state.usernames.get(&key).copied();
        let found = match lookup(self) {
            Some(id) => Some(id),
            None => {
                self.refresh_if_changed()?;
                lookup(self)
            }
        };
        Ok(found.and_then(PeerId::from_bot_api_dialog_id))
    }

    /// Remembers which peers usernames belong to (writes only if something is new).
    pub fn cache_usernames(&self, entries: &[(String, PeerId)]) -> Result<(), Error> {
        let entries: Vec<(String, i64)> = entries
            .iter()
            .filter_map(|(name, peer)| Some((name.to_ascii_lowercase(), peer.bot_api_dialog_id()?)))
            .collect();
        let known = {
            let inner = self.inner();
            entries
                .iter()
                .all(|(name, id)| inner.state.usernames.get(name) == Some(id))
        };
        if known {
            return Ok(());
        }
        self.mutate(|state| {
            entries.iter().fold(false, |changed, (name, id)| {
                state.usernames.insert(name.clone(), *id) != Some(*id) || changed
            })
        })
    }

    /// Writes update-state changes still held in memory.
    pub fn flush(&self) -> Result<(), Error> {
        if self.inner().pending.is_empty() {
            return Ok(());
        }
        self.mutate(|_| false)
    }

    fn with_state(path: PathBuf, state: State, version: Option<Version>) -> Self {
        Self {
            lock_path: path.with_extension("lock"),
            path,
            inner: Mutex::new(Inner {
                state,
                version,
                pending: Vec::new(),
            }),
            dc_writes: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Whether this process has set up a connection to Telegram at least once: grammers
    /// stores the DC's options only after the connection's first exchange succeeded.
    pub fn has_connected(&self) -> bool {
        self.dc_writes.load(std::sync::atomic::Ordering::SeqCst) > 0
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        // Nothing panics while holding the lock; if something ever did, the state is
        // still a consistent value, so keep going rather than poison every request.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the cross-process lock; released when the returned file is dropped.
    fn lock(&self) -> Result<File, Error> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            ensure_private_dir(dir)
                .map_err(|e| io_error("create the directory of", &self.path, &e))?;
        }
        let file = open_private_file(&self.lock_path)
            .map_err(|e| io_error("open the lock file", &self.lock_path, &e))?;
        file.lock()
            .map_err(|e| io_error("lock", &self.lock_path, &e))?;
        Ok(file)
    }

    /// Call with the lock held, so the file opened afterwards is the one just written.
    fn write(&self, state: &State) -> Result<Version, Error> {
        let bytes = serde_json::to_vec_pretty(&state.to_file())
            .map_err(|e| Error::Session(format!("cannot encode the session: {e}")))?;
        write_private_file_atomic(&self.path, &bytes)
            .map_err(|e| io_error("write the session file", &self.path, &e))?;
        let file = File::open(&self.path)
            .map_err(|e| io_error("read the session file", &self.path, &e))?;
        Version::of(file, &self.path)
    }

    /// The locked read-modify-write every change goes through. `change` reports whether
    /// it changed anything; if neither it nor the pending update-state did, nothing is
    /// written.
    fn mutate(&self, change: impl FnOnce(&mut State) -> bool) -> Result<(), Error> {
        let lock = self.lock()?;
        let (mut state, version) = match read_disk(&self.path)? {
            Some((state, version)) => (state, Some(version)),
            // Deleted (logged out) or never written: start over, not from memory, so a
            // logout is not undone by a process that was still running.
            None => (State::default(), None),
        };
        let pending = self.inner().pending.clone();
        let mut changed = false;
        for op in &pending {
            changed |= state.apply_update(op);
        }
        changed |= change(&mut state);
        let version = if changed {
            Some(self.write(&state)?)
        } else {
            version
        };
        // Installed while still holding the file lock, so in-process order matches disk.
        self.inner().install(state, version, pending.len());
        drop(lock);
        Ok(())
    }

    /// Re-reads the file if it changed since it was last read or written.
    fn refresh_if_changed(&self) -> Result<(), Error> {
        let seen = Stamp::current(&self.path)?;
        if seen == self.inner().stamp() {
            return Ok(());
        }
        let (state, version) = match read_disk(&self.path)? {
            Some((state, version)) => (state, Some(version)),
            None => (State::default(), None),
        };
        let mut inner = self.inner();
        // A write by this process in the meantime is at least as new: keep it.
        if inner.stamp() != seen {
            inner.install(state, version, 0);
        }
        Ok(())
    }

    fn is_fresh(&self) -> Result<bool, Error> {
        let current = Stamp::current(&self.path)?;
        Ok(current == self.inner().stamp())
    }

    fn lookup(&self, peer: PeerId) -> Option<PeerInfo> {
        let inner = self.inner();
        if peer == PeerId::self_user() {
            inner.state.self_user().cloned()
        } else {
            inner.state.peers.get(&peer).cloned()
        }
    }

    fn find(&self, peer: PeerId) -> Result<Option<PeerInfo>, Error> {
        if let Some(info) = self.lookup(peer) {
            return Ok(Some(info));
        }
        self.refresh_if_changed()?;
        Ok(self.lookup(peer))
    }

    fn cache(&self, peers: &[PeerInfo]) -> Result<(), Error> {
        let known = {
            let inner = self.inner();
            peers.iter().all(|peer| inner.state.knows(peer))
        };
        if known {
            return Ok(());
        }
        self.mutate(|state| {
            peers
                .iter()
                .fold(false, |changed, peer| state.cache_peer(peer) | changed)
        })
    }
}

impl Inner {
    /// Adopts `state` read from or written to disk; `flushed` pending changes are in it,
    /// later ones are re-applied.
    fn install(&mut self, mut state: State, version: Option<Version>, flushed: usize) {
        self.pending.drain(..flushed.min(self.pending.len()));
        for op in &self.pending {
            state.apply_update(op);
        }
        self.state = state;
        self.version = version;
    }

    fn stamp(&self) -> Option<Stamp> {
        self.version.as_ref().map(|version| version.stamp)
    }
}

impl Drop for FileSession {
    fn drop(&mut self) {
        if let Err(e) = self.flush() {
            tracing::warn!("could not save the update state: {e}");
        }
    }
}

impl fmt::Debug for FileSession {
    /// Never shows auth keys or access hashes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner();
        f.debug_struct("FileSession")
            .field("path", &self.path)
            .field("home_dc", &inner.state.home_dc)
            .field(
                "dc_options",
                &inner.state.dc_options.keys().collect::<Vec<_>>(),
            )
            .field("peers", &inner.state.peers.len())
            .field("self_user_id", &inner.state.self_id)
            .finish_non_exhaustive()
    }
}

impl Session for FileSession {
    type Error = Error;

    fn home_dc_id(&self) -> Result<i32, Error> {
        Ok(self.inner().state.home_dc)
    }

    fn set_home_dc_id(&self, dc_id: i32) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            if self.inner().state.home_dc == dc_id && self.is_fresh()? {
                return Ok(());
            }
            self.mutate(|state| std::mem::replace(&mut state.home_dc, dc_id) != dc_id)
        })
    }

    fn dc_option(&self, dc_id: i32) -> Result<Option<DcOption>, Error> {
        Ok(self.inner().state.dc_options.get(&dc_id).cloned())
    }

    fn set_dc_option(&self, dc_option: &DcOption) -> BoxFuture<'_, Result<(), Error>> {
        let dc_option = dc_option.clone();
        self.dc_writes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async move {
            let known = self.inner().state.dc_options.get(&dc_option.id) == Some(&dc_option);
            // grammers re-sends every DC option on each connection: mostly no-ops.
            if known && self.is_fresh()? {
                return Ok(());
            }
            self.mutate(|state| {
                state.dc_options.insert(dc_option.id, dc_option.clone()) != Some(dc_option)
            })
        })
    }

    /// Also answers [`PeerId::self_user`] with the cached logged-in user.
    fn peer(&self, peer: PeerId) -> BoxFuture<'_, Result<Option<PeerInfo>, Error>> {
        Box::pin(async move { self.find(peer) })
    }

    /// For [`PeerId::self_user`] the reference keeps the self id, which grammers turns
    /// into `inputPeerSelf` (no access hash needed); it exists once a user is logged in.
    fn peer_ref(&self, peer: PeerId) -> BoxFuture<'_, Result<Option<PeerRef>, Error>> {
        Box::pin(async move {
            let info = self.find(peer)?;
            let auth = if peer == PeerId::self_user() {
                info.map(|info| info.auth().unwrap_or_default())
            } else {
                info.and_then(|info| info.auth())
            };
            Ok(auth.map(|auth| PeerRef { id: peer, auth }))
        })
    }

    fn cache_peer(&self, peer: PeerInfo) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move { self.cache(std::slice::from_ref(&peer)) })
    }

    /// One locked write for the whole batch, not one per peer.
    fn cache_peers(&self, peers: Vec<PeerInfo>) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move { self.cache(&peers) })
    }

    fn updates_state(&self) -> BoxFuture<'_, Result<UpdatesState, Error>> {
        Box::pin(async move { Ok(self.inner().state.updates.clone()) })
    }

    fn set_update_state(&self, update: UpdateState) -> BoxFuture<'_, Result<(), Error>> {
        let op = UpdateOp::from(update);
        Box::pin(async move {
            let due = {
                let mut inner = self.inner();
                if inner.state.apply_update(&op) {
                    inner.pending.push(op);
                }
                inner.pending.len() >= MAX_PENDING_UPDATES
            };
            if due { self.flush() } else { Ok(()) }
        })
    }
}

fn io_error(action: &str, path: &Path, error: &io::Error) -> Error {
    Error::Session(format!(
        "cannot {action} {}: {error} — check its permissions and free disk space",
        path.display()
    ))
}

fn corrupt(path: &Path, why: impl fmt::Display) -> Error {
    Error::Session(format!(
        "session file {} is unreadable ({why}); it was left untouched — run `tgmcp setup --overwrite` to log in again and replace it",
        path.display()
    ))
}

/// One version of the file, as last read or written.
struct Version {
    stamp: Stamp,
    /// Holding the file open keeps its inode allocated, so a later version cannot reuse
    /// the inode number and look unchanged (timestamps are too coarse to tell).
    _pin: Option<File>,
}

impl Version {
    fn of(file: File, path: &Path) -> Result<Self, Error> {
        let meta = file
            .metadata()
            .map_err(|e| io_error("read the session file", path, &e))?;
        Ok(Self {
            stamp: Stamp::of(&meta),
            // Elsewhere an open file could stand in the way of replacing it.
            _pin: cfg!(unix).then_some(file),
        })
    }
}

/// Identifies a version of the file: every write renames a new inode into place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(meta: &Metadata) -> Self {
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt as _;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        Self {
            dev,
            ino,
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }

    fn current(path: &Path) -> Result<Option<Self>, Error> {
        match fs::metadata(path) {
            Ok(meta) => Ok(Some(Self::of(&meta))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error("read", path, &e)),
        }
    }
}

/// Reads and parses the file; `None` if it does not exist. The version comes from the
/// same open file as the content, so the two always match.
fn read_disk(path: &Path) -> Result<Option<(State, Version)>, Error> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("read the session file", path, &e)),
    };
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(|e| match e.kind() {
        io::ErrorKind::InvalidData => corrupt(path, "not UTF-8 text"),
        _ => io_error("read the session file", path, &e),
    })?;
    let state = State::parse(&text, path)?;
    Ok(Some((state, Version::of(file, path)?)))
}

/// The session's content, as kept in memory.
#[derive(Clone)]
struct State {
    home_dc: i32,
    dc_options: BTreeMap<i32, DcOption>,
    peers: HashMap<PeerId, PeerInfo>,
    /// The cached user with `is_self == Some(true)`; at most one.
    self_id: Option<i64>,
    updates: UpdatesState,
    /// Lower-cased @username → the peer it resolved to (Bot API dialog id), so a known
    /// username costs no round trip.
    usernames: BTreeMap<String, i64>,
}

impl Default for State {
    fn default() -> Self {
        Self::from_data(&SessionData::default())
    }
}

impl State {
    fn from_data(data: &SessionData) -> Self {
        let mut state = Self {
            home_dc: data.home_dc,
            dc_options: data
                .dc_options
                .values()
                .map(|dc| (dc.id, dc.clone()))
                .collect(),
            peers: HashMap::new(),
            usernames: BTreeMap::new(),
            self_id: None,
            updates: data.updates_state.clone(),
        };
        for peer in data.peer_infos.values() {
            state.cache_peer(peer);
        }
        state
    }

    fn to_data(&self) -> SessionData {
        SessionData {
            home_dc: self.home_dc,
            dc_options: self
                .dc_options
                .values()
                .map(|dc| (dc.id, dc.clone()))
                .collect(),
            peer_infos: self.peers.clone(),
            updates_state: self.updates.clone(),
        }
    }

    fn self_user(&self) -> Option<&PeerInfo> {
        self.peers.get(&PeerId::user(self.self_id?)?)
    }

    /// Whether caching `peer` would change nothing.
    fn knows(&self, peer: &PeerInfo) -> bool {
        let Some(known) = self.peers.get(&peer.id()) else {
            return false;
        };
        let mut merged = known.clone();
        let becomes_self = matches!(peer, PeerInfo::User { id, is_self: Some(true), .. } if self.self_id != Some(*id));
        merged.extend_info(peer) && merged == *known && !becomes_self
    }

    /// Merges `peer` into the cache as grammers' own stores do (newer non-empty fields
    /// win), keeping at most one self user. Returns whether anything changed.
    fn cache_peer(&mut self, peer: &PeerInfo) -> bool {
        let id = peer.id();
        let mut changed = match self.peers.get_mut(&id) {
            Some(known) => {
                let before = known.clone();
                if !known.extend_info(peer) {
                    *known = peer.clone();
                }
                *known != before
            }
            None => {
                self.peers.insert(id, peer.clone());
                true
            }
        };
        if let PeerInfo::User {
            id: user_id,
            is_self,
            ..
        } = peer
        {
            match is_self {
                Some(true) if self.self_id != Some(*user_id) => {
                    // Another account logged in on this session: the old one is not us.
                    if let Some(old) = self.self_id.replace(*user_id)
                        && let Some(PeerInfo::User { is_self, .. }) =
                            PeerId::user(old).and_then(|old| self.peers.get_mut(&old))
                    {
                        *is_self = Some(false);
                    }
                    changed = true;
                }
                Some(false) if self.self_id == Some(*user_id) => {
                    self.self_id = None;
                    changed = true;
                }
                _ => {}
            }
        }
        changed
    }

    fn apply_update(&mut self, op: &UpdateOp) -> bool {
        let state = &mut self.updates;
        let before = state.clone();
        match op {
            UpdateOp::All(all) => *state = all.clone(),
            UpdateOp::Primary { pts, date, seq } => {
                state.pts = *pts;
                state.date = *date;
                state.seq = *seq;
            }
            UpdateOp::Secondary { qts } => state.qts = *qts,
            UpdateOp::Channel { id, pts } => {
                match state.channels.iter_mut().find(|c| c.id == *id) {
                    Some(channel) => channel.pts = *pts,
                    None => state.channels.push(ChannelState { id: *id, pts: *pts }),
                }
            }
        }
        *state != before
    }

    fn parse(text: &str, path: &Path) -> Result<Self, Error> {
        match serde_json::from_str::<FileFormat>(text) {
            Ok(file) if file.version == FORMAT_VERSION => Self::from_file(file, path),
            Ok(file) => Err(unknown_version(path, file.version)),
            Err(e) => {
                // A different version may have a different shape: say so, not "corrupt".
                #[derive(Deserialize)]
                struct Probe {
                    version: u32,
                }
                match serde_json::from_str::<Probe>(text) {
                    Ok(probe) if probe.version != FORMAT_VERSION => {
                        Err(unknown_version(path, probe.version))
                    }
                    _ => Err(corrupt(path, e)),
                }
            }
        }
    }

    fn from_file(file: FileFormat, path: &Path) -> Result<Self, Error> {
        let mut state = Self {
            home_dc: file.home_dc,
            dc_options: BTreeMap::new(),
            peers: HashMap::new(),
            self_id: None,
            usernames: file.usernames,
            updates: UpdatesState {
                pts: file.updates_state.pts,
                qts: file.updates_state.qts,
                date: file.updates_state.date,
                seq: file.updates_state.seq,
                channels: file
                    .updates_state
                    .channels
                    .into_iter()
                    .map(|c| ChannelState {
                        id: c.id,
                        pts: c.pts,
                    })
                    .collect(),
            },
        };
        for dc in file.dc_options {
            state.dc_options.insert(
                dc.id,
                DcOption {
                    id: dc.id,
                    ipv4: dc.ipv4,
                    ipv6: dc.ipv6,
                    auth_key: dc.auth_key,
                },
            );
        }
        for entry in file.peers {
            let (peer_id, info) = entry
                .into_info()
                .ok_or_else(|| corrupt(path, "a peer id is out of range"))?;
            if let PeerInfo::User {
                id,
                is_self: Some(true),
                ..
            } = info
                && state.self_id.is_none()
            {
                state.self_id = Some(id);
            }
            state.peers.insert(peer_id, info);
        }
        Ok(state)
    }

    fn to_file(&self) -> FileFormat {
        let mut peers: Vec<&PeerInfo> = self.peers.values().collect();
        peers.sort_by_key(|peer| peer_order(peer));
        FileFormat {
            version: FORMAT_VERSION,
            home_dc: self.home_dc,
            dc_options: self
                .dc_options
                .values()
                .map(|dc| DcEntry {
                    id: dc.id,
                    ipv4: dc.ipv4,
                    ipv6: dc.ipv6,
                    auth_key: dc.auth_key,
                })
                .collect(),
            peers: peers.into_iter().map(PeerEntry::from_info).collect(),
            updates_state: UpdatesEntry {
                pts: self.updates.pts,
                qts: self.updates.qts,
                date: self.updates.date,
                seq: self.updates.seq,
                channels: self
                    .updates
                    .channels
                    .iter()
                    .map(|c| ChannelEntry {
                        id: c.id,
                        pts: c.pts,
                    })
                    .collect(),
            },
            usernames: self.usernames.clone(),
        }
    }
}

fn unknown_version(path: &Path, version: u32) -> Error {
    let hint = if version > FORMAT_VERSION {
        "it was written by a newer tgmcp — upgrade tgmcp, or run `tgmcp setup --overwrite` to replace it"
    } else {
        "run `tgmcp setup --overwrite` to replace it"
    };
    Error::Session(format!(
        "session file {} has format version {version}, this tgmcp reads version {FORMAT_VERSION}; it was left untouched — {hint}",
        path.display()
    ))
}

/// Stable file order: users, then chats, then channels, by id.
fn peer_order(peer: &PeerInfo) -> (u8, i64) {
    match peer {
        PeerInfo::User { id, .. } => (0, *id),
        PeerInfo::Chat { id } => (1, *id),
        PeerInfo::Channel { id, .. } => (2, *id),
    }
}

/// A clonable copy of grammers' [`UpdateState`], so pending changes can be replayed.
#[derive(Clone, Debug)]
enum UpdateOp {
    All(UpdatesState),
    Primary { pts: i32, date: i32, seq: i32 },
    Secondary { qts: i32 },
    Channel { id: i64, pts: i32 },
}

impl From<UpdateState> for UpdateOp {
    fn from(update: UpdateState) -> Self {
        match update {
            UpdateState::All(all) => Self::All(all),
            UpdateState::Primary { pts, date, seq } => Self::Primary { pts, date, seq },
            UpdateState::Secondary { qts } => Self::Secondary { qts },
            UpdateState::Channel { id, pts } => Self::Channel { id, pts },
        }
    }
}

// The file format. Access hashes are JSON strings (JavaScript loses integers above
// 2^53); ids fit and stay numbers. Both are read from either form.

#[derive(Serialize, Deserialize)]
struct FileFormat {
    version: u32,
    home_dc: i32,
    dc_options: Vec<DcEntry>,
    #[serde(default)]
    peers: Vec<PeerEntry>,
    #[serde(default)]
    updates_state: UpdatesEntry,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    usernames: BTreeMap<String, i64>,
}

#[derive(Serialize, Deserialize)]
struct DcEntry {
    id: i32,
    ipv4: SocketAddrV4,
    ipv6: SocketAddrV6,
    #[serde(default, with = "auth_key_hex")]
    auth_key: Option<[u8; 256]>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum PeerEntry {
    User {
        #[serde(with = "lenient_i64")]
        id: i64,
        #[serde(default, with = "access_hash", skip_serializing_if = "Option::is_none")]
        access_hash: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bot: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        is_self: Option<bool>,
    },
    Chat {
        #[serde(with = "lenient_i64")]
        id: i64,
    },
    Channel {
        #[serde(with = "lenient_i64")]
        id: i64,
        #[serde(default, with = "access_hash", skip_serializing_if = "Option::is_none")]
        access_hash: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel_kind: Option<ChannelKindEntry>,
    },
}

impl PeerEntry {
    fn from_info(info: &PeerInfo) -> Self {
        match *info {
            PeerInfo::User {
                id,
                auth,
                bot,
                is_self,
            } => Self::User {
                id,
                access_hash: auth.map(PeerAuth::hash),
                bot,
                is_self,
            },
            PeerInfo::Chat { id } => Self::Chat { id },
            PeerInfo::Channel { id, auth, kind } => Self::Channel {
                id,
                access_hash: auth.map(PeerAuth::hash),
                channel_kind: kind.map(ChannelKindEntry::from),
            },
        }
    }

    /// `None` if the id is outside the range Telegram uses for that kind.
    fn into_info(self) -> Option<(PeerId, PeerInfo)> {
        Some(match self {
            Self::User {
                id,
                access_hash,
                bot,
                is_self,
            } => (
                PeerId::user(id)?,
                PeerInfo::User {
                    id,
                    auth: access_hash.map(PeerAuth::from_hash),
                    bot,
                    is_self,
                },
            ),
            Self::Chat { id } => (PeerId::chat(id)?, PeerInfo::Chat { id }),
            Self::Channel {
                id,
                access_hash,
                channel_kind,
            } => (
                PeerId::channel(id)?,
                PeerInfo::Channel {
                    id,
                    auth: access_hash.map(PeerAuth::from_hash),
                    kind: channel_kind.map(ChannelKind::from),
                },
            ),
        })
    }
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ChannelKindEntry {
    Broadcast,
    Megagroup,
    Gigagroup,
    Community,
}

impl From<ChannelKind> for ChannelKindEntry {
    fn from(kind: ChannelKind) -> Self {
        match kind {
            ChannelKind::Broadcast => Self::Broadcast,
            ChannelKind::Megagroup => Self::Megagroup,
            ChannelKind::Gigagroup => Self::Gigagroup,
            ChannelKind::Community => Self::Community,
        }
    }
}

impl From<ChannelKindEntry> for ChannelKind {
    fn from(kind: ChannelKindEntry) -> Self {
        match kind {
            ChannelKindEntry::Broadcast => Self::Broadcast,
            ChannelKindEntry::Megagroup => Self::Megagroup,
            ChannelKindEntry::Gigagroup => Self::Gigagroup,
            ChannelKindEntry::Community => Self::Community,
        }
    }
}

#[derive(Default, Serialize, Deserialize)]
#[serde(default)]
struct UpdatesEntry {
    pts: i32,
    qts: i32,
    date: i32,
    seq: i32,
    channels: Vec<ChannelEntry>,
}

#[derive(Serialize, Deserialize)]
struct ChannelEntry {
    #[serde(with = "lenient_i64")]
    id: i64,
    pts: i32,
}

/// An i64 written as a number, read from a number or a decimal string.
mod lenient_i64 {
    use std::fmt;

    use serde::{Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(value: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(*value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        deserializer.deserialize_any(Visitor)
    }

    pub(super) struct Visitor;

    impl de::Visitor<'_> for Visitor {
        type Value = i64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or a decimal string")
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::custom(format!("{v} does not fit in 64 bits")))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
            v.parse()
                .map_err(|_| E::custom(format!("{v:?} is not a 64-bit integer")))
        }
    }
}

/// An optional access hash written as a decimal string, read from a string or a number.
mod access_hash {
    use std::fmt;

    use serde::{Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(value: &Option<i64>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(hash) => serializer.collect_str(hash),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<i64>, D::Error> {
        deserializer.deserialize_option(OptionVisitor)
    }

    struct OptionVisitor;

    impl<'de> de::Visitor<'de> for OptionVisitor {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("null, an integer or a decimal string")
        }

        fn visit_none<E: de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<i64>, D::Error> {
            d.deserialize_any(super::lenient_i64::Visitor).map(Some)
        }
    }
}

/// The 256-byte auth key as 512 lowercase hex digits, or null.
mod auth_key_hex {
    use serde::{Deserialize as _, Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(
        value: &Option<[u8; 256]>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(key) => {
                let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
                serializer.serialize_str(&hex)
            }
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<[u8; 256]>, D::Error> {
        let Some(hex) = Option::<String>::deserialize(deserializer)? else {
            return Ok(None);
        };
        let invalid = || de::Error::custom("auth_key must be 512 hexadecimal digits or null");
        if hex.len() != 512 || !hex.is_ascii() {
            return Err(invalid());
        }
        let mut key = [0u8; 256];
        for (byte, pair) in key.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| invalid())?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| invalid())?;
        }
        Ok(Some(key))
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};
    use std::sync::{Arc, Barrier};

    use super::*;

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    fn sandbox_dc(port: u16, key_byte: u8) -> DcOption {
        DcOption {
            id: 2,
            ipv4: SocketAddrV4::new(Ipv4Addr::LOCALHOST, port),
            ipv6: SocketAddrV6::new(Ipv4Addr::LOCALHOST.to_ipv6_mapped(), port, 0, 0),
            auth_key: Some([key_byte; 256]),
        }
    }

    fn user(id: i64, hash: i64) -> PeerInfo {
        PeerInfo::User {
            id,
            auth: Some(PeerAuth::from_hash(hash)),
            bot: Some(false),
            is_self: Some(false),
        }
    }

    fn me(id: i64) -> PeerInfo {
        PeerInfo::User {
            id,
            auth: Some(PeerAuth::from_hash(-1)),
            bot: Some(false),
            is_self: Some(true),
        }
    }

    fn session_path(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("profile").join("session.json")
    }

    #[test]
    fn missing_file_is_a_fresh_session_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = session_path(&dir);
        let session = FileSession::open(&path).unwrap();
        assert_eq!(session.home_dc_id().unwrap(), 2);
        for dc in 1..=5 {
            assert!(session.dc_option(dc).unwrap().is_some());
        }
        assert!(!session.is_logged_in_hint());
        assert_eq!(block_on(session.peer(PeerId::self_user())).unwrap(), None);
        drop(session);
        assert!(!path.exists());
    }

    #[test]
    fn round_trip_of_every_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = session_path(&dir);
        let session = FileSession::create_for(&path, sandbox_dc(4444, 7)).unwrap();

        let big_hash = i64::MIN + 12345; // far beyond 2^53
        let peers = vec![
            me(1_000_001),
            user(0xff_ffff_ffff, big_hash),
            PeerInfo::User {
                id: 42,
                auth: None,
                bot: None,
                is_self: None,
            },
            PeerInfo::User {
                id: 43,
                auth: Some(PeerAuth::from_hash(5)),
                bot: Some(true),
                is_self: Some(false),
            },
            PeerInfo::Chat {
                id: 999_999_999_999,
            },
            PeerInfo::Channel {
                id: 1_234_567_890,
                auth: Some(PeerAuth::from_hash(i64::MAX)),
                kind: Some(ChannelKind::Broadcast),
            },
            PeerInfo::Channel {
                id: 11,
                auth: Some(PeerAuth::from_hash(-3)),
                kind: Some(ChannelKind::Megagroup),
            },
            PeerInfo::Channel {
                id: 12,
                auth: Some(PeerAuth::from_hash(3)),
                kind: Some(ChannelKind::Gigagroup),
            },
            PeerInfo::Channel {
                id: 13,
                auth: None,
                kind: None,
            },
            PeerInfo::Channel {
                id: 2_000_000_000_000,
                auth: Some(PeerAuth::from_hash(1)),
                kind: Some(ChannelKind::Community),
            },
        ];
        block_on(session.cache_peers(peers.clone())).unwrap();
        let updates = UpdatesState {
            pts: 10,
            qts: 20,
            date: 30,
            seq: 40,
            channels: vec![
                ChannelState { id: 11, pts: 5 },
                ChannelState {
                    id: 1_234_567_890,
                    pts: 6,
                },
            ],
        };
        block_on(session.set_update_state(UpdateState::All(updates.clone()))).unwrap();
        let dc4 = DcOption {
            id: 4,
            ipv4: SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 4), 443),
            ipv6: SocketAddrV6::new(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 4), 443, 0, 0),
            auth_key: None,
        };
        block_on(session.set_dc_option(&dc4)).unwrap();
        block_on(session.set_home_dc_id(4)).unwrap();
        drop(session);

        let reopened = FileSession::open(&path).unwrap();
        assert_eq!(reopened.home_dc_id().unwrap(), 4);
        assert_eq!(reopened.dc_option(2).unwrap(), Some(sandbox_dc(4444, 7)));
        assert_eq!(reopened.dc_option(4).unwrap(), Some(dc4));
        assert_eq!(reopened.dc_option(1).unwrap(), None);
        for peer in &peers {
            assert_eq!(
                block_on(reopened.peer(peer.id())).unwrap().as_ref(),
                Some(peer)
            );
        }
        assert_eq!(block_on(reopened.updates_state()).unwrap(), updates);
        assert_eq!(reopened.self_user_id(), Some(1_000_001));

        // The shape other tools (and people) read.
        let json: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(json["version"], 1);
        assert_eq!(json["home_dc"], 4);
        let dc = &json["dc_options"][0];
        assert_eq!(dc["id"], 2);
        assert_eq!(dc["ipv4"], "127.0.0.1:4444");
        assert_eq!(dc["ipv6"], "[::ffff:127.0.0.1]:4444");
        assert_eq!(dc["auth_key"], "07".repeat(256));
        assert_eq!(json["dc_options"][1]["auth_key"], serde_json::Value::Null);
        let big = json["peers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == 0xff_ffff_ffff_i64)
            .unwrap();
        assert_eq!(big["kind"], "user");
        assert_eq!(big["access_hash"], big_hash.to_string());
        assert_eq!(json["updates_state"]["channels"][0]["pts"], 5);
    }

    #[test]
    fn reads_numbers_and_strings_alike() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.json");
        fs::write(
            &path,
            r#"{"version":1,"home_dc":2,
                "dc_options":[{"id":2,"ipv4":"127.0.0.1:1","ipv6":"[::1]:1"}],
                "peers":[{"kind":"user","id":"7","access_hash":-5},
                         {"kind":"channel","id":8,"access_hash":"9","channel_kind":"megagroup"}]}"#,
        )
        .unwrap();
        let session = FileSession::open(&path).unwrap();
        assert_eq!(
            block_on(session.peer(PeerId::user(7).unwrap())).unwrap(),
            Some(PeerInfo::User {
                id: 7,
                auth: Some(PeerAuth::from_hash(-5)),
                bot: None,
                is_self: None
            })
        );
        assert_eq!(
            block_on(session.peer_ref(PeerId::channel(8).unwrap())).unwrap(),
            Some(PeerRef {
                id: PeerId::channel(8).unwrap(),
                auth: PeerAuth::from_hash(9)
            })
        );
        assert_eq!(session.dc_option(2).unwrap().unwrap().auth_key, None);
    }

    #[test]
    fn self_user_lookup() {
        let dir = tempfile::tempdir().unwrap();
        let path = session_path(&dir);
        let session = FileSession::create_for(&path, sandbox_dc(1, 1)).unwrap();
        block_on(session.cache_peers(vec![user(5, 50), me(6)])).unwrap();

        assert!(session.is_logged_in_hint());
        assert_eq!(session.self_user_id(), Some(6));
        assert_eq!(
            block_on(session.peer(PeerId::self_user())).unwrap(),
            Some(me(6))
        );
        let self_ref = block_on(session.peer_ref(PeerId::self_user()))
            .unwrap()
            .unwrap();
        assert_eq!(self_ref.id, PeerId::self_user());
        assert!(matches!(
            grammers_tl_types::enums::InputPeer::from(self_ref),
            grammers_tl_types::enums::InputPeer::PeerSelf
        ));

        // A self user without an access hash still yields inputPeerSelf.
        let other = FileSession::create_for(dir.path().join("b.json"), sandbox_dc(1, 1)).unwrap();
        block_on(other.cache_peer(PeerInfo::User {
            id: 9,
            auth: None,
            bot: None,
            is_self: Some(true),
        }))
        .unwrap();
        assert!(
            block_on(other.peer_ref(PeerId::self_user()))
                .unwrap()
                .is_some()
        );

        // Another account logging in on the session replaces the self user.
        block_on(session.cache_peer(me(7))).unwrap();
        assert_eq!(session.self_user_id(), Some(7));
        let old = block_on(session.peer(PeerId::user(6).unwrap())).unwrap();
        assert!(matches!(
            old,
            Some(PeerInfo::User {
                is_self: Some(false),
                ..
            })
        ));
        assert_eq!(FileSession::open(&path).unwrap().self_user_id(), Some(7));
    }

    #[test]
    fn a_peer_cached_by_another_process_becomes_visible() {
        let dir = tempfile::tempdir().unwrap();
        let path = session_path(&dir);
        let serve = FileSession::create_for(&path, sandbox_dc(1, 1)).unwrap();
        let cron = FileSession::open(&path).unwrap();

        block_on(cron.cache_peers(vec![user(100, 1), me(101)])).unwrap();
        assert_eq!(
            block_on(serve.peer(PeerId::user(100).unwrap())).unwrap(),
            Some(user(100, 1))
        );
        assert_eq!(serve.self_user_id(), Some(101));

        // And `serve`'s own change merges on top instead of dropping cron's peers.
        block_on(serve.cache_peer(user(200, 2))).unwrap();
        let fresh = FileSession::open(&path).unwrap();
        for id in [100, 101, 200] {
            assert!(
                block_on(fresh.peer(PeerId::user(id).unwrap()))
                    .unwrap()
                    .is_some()
            );
        }
    }

    #[test]
    fn merges_keep_known_fields() {
        let dir = tempfile::tempdir().unwrap();
        let session = FileSession::open(session_path(&dir)).unwrap();
        block_on(session.cache_peer(user(5, 50))).unwrap();
        // A "min" user (no access hash) must not erase the hash we know.
        block_on(session.cache_peer(PeerInfo::User {
            id: 5,
            auth: None,
            bot: None,
            is_self: None,
        }))
        .unwrap();
        let reopened = FileSession::open(session.path()).unwrap();
        assert_eq!(
            block_on(reopened.peer(PeerId::user(5).unwrap())).unwrap(),
            Some(user(5, 50))
        );
    }

    fn stamp(path: &Path) -> Stamp {
        Stamp::of(&fs::metadata(path).unwrap())
    }

    #[test]
    fn no_op_changes_do_not_rewrite_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = session_path(&dir);
        let session = FileSession::create_for(&path, sandbox_dc(1, 1)).unwrap();
        block_on(session.cache_peers(vec![user(5, 50), me(6)])).unwrap();
        let before = stamp(&path);
        let bytes = fs::read(&path).unwrap();

        // Same handle (memory fast path).
        block_on(session.cache_peers(vec![user(5, 50), me(6)])).unwrap();
        block_on(session.cache_peer(PeerInfo::User {
            id: 5,
            auth: None,
            bot: None,
            is_self: None,
        }))
        .unwrap();
        block_on(session.set_dc_option(&sandbox_dc(1, 1))).unwrap();
        block_on(session.set_home_dc_id(2)).unwrap();
        assert_eq!(stamp(&path), before);
        assert_eq!(fs::read(&path).unwrap(), bytes);

        // Another handle, whose memory is stale: goes through the lock, still no write.
        let other = FileSession::open(&path).unwrap();
        block_on(session.cache_peer(user(7, 70))).unwrap();
        let after = stamp(&path);
        assert_ne!(after, before);
        block_on(other.cache_peer(user(7, 70))).unwrap();
        block_on(other.set_dc_option(&sandbox_dc(1, 1))).unwrap();
        block_on(other.set_home_dc_id(2)).unwrap();
        drop(other);
        assert_eq!(stamp(&path), after);
        assert!(
            !dir.path().join("profile").read_dir().unwrap().any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp"))
        );
    }

    #[test]
    fn update_state_is_written_lazily() {
        let dir = tempfile::tempdir().unwrap();
        let path = session_path(&dir);
        let session = FileSession::create_for(&path, sandbox_dc(1, 1)).unwrap();
        let before = stamp(&path);
        block_on(session.set_update_state(UpdateState::Channel { id: 11, pts: 3 })).unwrap();
        block_on(session.set_update_state(UpdateState::Primary {
            pts: 1,
            date: 2,
            seq: 3,
        }))
        .unwrap();
        block_on(session.set_update_state(UpdateState::Secondary { qts: 4 })).unwrap();
        assert_eq!(stamp(&path), before);
        assert_eq!(block_on(session.updates_state()).unwrap().qts, 4);

        // Another process's write does not lose our pending state, and ours merges in.
        let other = FileSession::open(&path).unwrap();
        block_on(other.cache_peer(user(5, 5))).unwrap();
        block_on(session.cache_peer(user(6, 6))).unwrap();
        let state = block_on(FileSession::open(&path).unwrap().updates_state()).unwrap();
        assert_eq!((state.pts, state.qts, state.date, state.seq), (1, 4, 2, 3));
        assert_eq!(state.channels, vec![ChannelState { id: 11, pts: 3 }]);

        block_on(session.set_update_state(UpdateState::Channel { id: 11, pts: 9 })).unwrap();
        drop(session); // flushes
        let state = block_on(FileSession::open(&path).unwrap().updates_state()).unwrap();
        assert_eq!(state.channels, vec![ChannelState { id: 11, pts: 9 }]);

        // Many changes are written without waiting for drop.
        let session = FileSession::open(&path).unwrap();
        for pts in 0..MAX_PENDING_UPDATES as i32 {
            block_on(session.set_update_state(UpdateState::Secondary { qts: 1000 + pts })).unwrap();
        }
        let on_disk = block_on(FileSession::open(&path).unwrap().updates_state()).unwrap();
        assert_eq!(on_disk.qts, 1000 + MAX_PENDING_UPDATES as i32 - 1);
        std::mem::forget(session); // prove the write did not depend on drop
    }

    #[test]
    fn corrupt_files_are_refused_and_left_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.json");
        let cases: [&[u8]; 6] = [
            b"{not json",
            b"",
            b"\xff\xfe binary",
            br#"{"version":1,"home_dc":2,"dc_options":[{"id":2,"ipv4":"nope","ipv6":"[::1]:1"}]}"#,
            br#"{"version":1,"home_dc":2,"dc_options":[],"peers":[{"kind":"user","id":0}]}"#,
            br#"{"version":1,"home_dc":2,"dc_options":[{"id":2,"ipv4":"1.2.3.4:5","ipv6":"[::1]:1","auth_key":"abc"}]}"#,
        ];
        for content in cases {
            fs::write(&path, content).unwrap();
            let error = FileSession::open(&path).unwrap_err();
            let message = error.to_string();
            assert_eq!(error.kind(), "session");
            assert_eq!(error.exit_code(), 2);
            assert!(message.contains(&path.display().to_string()), "{message}");
            assert!(message.contains("tgmcp setup --overwrite"), "{message}");
            assert_eq!(fs::read(&path).unwrap(), content);
        }

        fs::write(&path, br#"{"version":2,"something":"else"}"#).unwrap();
        let message = FileSession::open(&path).unwrap_err().to_string();
        assert!(message.contains("newer tgmcp"), "{message}");

        // A file corrupted under a running process: changes are refused, file intact.
        let session = FileSession::create_for(&path, sandbox_dc(1, 1)).unwrap();
        fs::write(&path, b"garbage").unwrap();
        let error = block_on(session.cache_peer(user(5, 5))).unwrap_err();
        assert_eq!(error.kind(), "session");
        assert_eq!(fs::read(&path).unwrap(), b"garbage");
        drop(session);
        assert_eq!(fs::read(&path).unwrap(), b"garbage");

        // `create` (setup --overwrite) replaces it.
        FileSession::create_for(&path, sandbox_dc(1, 1)).unwrap();
        FileSession::open(&path).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = session_path(&dir);
        FileSession::create_for(&path, sandbox_dc(1, 1)).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&path.with_extension("lock")), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    #[test]
    fn debug_hides_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let session = FileSession::create_for(session_path(&dir), sandbox_dc(1, 0xab)).unwrap();
        block_on(session.cache_peer(user(5, 123_456_789))).unwrap();
        let debug = format!("{session:?}");
        assert!(!debug.contains("171"), "{debug}"); // 0xab
        assert!(!debug.contains("123456789"), "{debug}");
    }

    /// Threads with their own handles behave like processes: each opens its own lock
    /// file descriptor, and flock locks exclude each other across descriptors.
    #[test]
    fn concurrent_handles_lose_nothing() {
        const WRITERS: i64 = 8;
        const PEERS: i64 = 25;
        let dir = tempfile::tempdir().unwrap();
        let path = session_path(&dir);
        FileSession::create_for(&path, sandbox_dc(1, 1)).unwrap();
        let barrier = Arc::new(Barrier::new(WRITERS as usize));
        let threads: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let path = path.clone();
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let session = FileSession::open(&path).unwrap();
                    barrier.wait();
                    for n in 0..PEERS {
                        let id = 1 + writer * 1000 + n;
                        block_on(session.cache_peer(user(id, id * 7))).unwrap();
                        block_on(session.set_update_state(UpdateState::Channel {
                            id: writer + 1,
                            pts: n as i32,
                        }))
                        .unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let fresh = FileSession::open(&path).unwrap();
        for writer in 0..WRITERS {
            for n in 0..PEERS {
                let id = 1 + writer * 1000 + n;
                assert_eq!(
                    block_on(fresh.peer(PeerId::user(id).unwrap())).unwrap(),
                    Some(user(id, id * 7)),
                    "peer {id}"
                );
            }
        }
        let channels = block_on(fresh.updates_state()).unwrap().channels;
        assert_eq!(channels.len(), WRITERS as usize);
        assert!(channels.iter().all(|c| c.pts == PEERS as i32 - 1));
        assert_eq!(fresh.dc_option(2).unwrap(), Some(sandbox_dc(1, 1)));
    }

    /// grammers calls one session from many tasks at once.
    #[test]
    fn one_handle_shared_by_threads() {
        let dir = tempfile::tempdir().unwrap();
        let path = session_path(&dir);
        let session = Arc::new(FileSession::create_for(&path, sandbox_dc(1, 1)).unwrap());
        let threads: Vec<_> = (0..4_i64)
            .map(|writer| {
                let session = Arc::clone(&session);
                std::thread::spawn(move || {
                    for n in 0..25 {
                        let id = 1 + writer * 1000 + n;
                        block_on(session.cache_peers(vec![user(id, id)])).unwrap();
                        block_on(session.set_update_state(UpdateState::Channel {
                            id: writer + 1,
                            pts: n as i32,
                        }))
                        .unwrap();
                        assert_eq!(session.home_dc_id().unwrap(), 2);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        session.flush().unwrap();
        let fresh = FileSession::open(&path).unwrap();
        assert_eq!(fresh.snapshot().peer_infos.len(), 100);
        let channels = block_on(fresh.updates_state()).unwrap().channels;
        assert_eq!(channels.len(), 4);
        assert!(channels.iter().all(|c| c.pts == 24));
    }

    const CHILD_ENV: &str = "TGMCP_TEST_SESSION_CHILD";

    /// The writes of one child process (writer N of the test below, re-executed).
    fn child_process_writer(spec: &str) {
        let (writer, path) = spec.split_once(':').unwrap();
        let writer: i64 = writer.parse().unwrap();
        let session = FileSession::open(path).unwrap();
        for n in 0..20 {
            let id = 1 + writer * 1000 + n;
            block_on(session.cache_peer(user(id, id))).unwrap();
        }
    }

    /// Four processes (this test re-executed, writing as a child) write one session at
    /// once; every peer each wrote is there afterwards.
    #[test]
    fn concurrent_processes_lose_nothing() {
        if let Ok(spec) = std::env::var(CHILD_ENV) {
            child_process_writer(&spec);
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = session_path(&dir);
        FileSession::create_for(&path, sandbox_dc(1, 1)).unwrap();
        let exe = std::env::current_exe().unwrap();
        let children: Vec<_> = (0..4)
            .map(|writer| {
                std::process::Command::new(&exe)
                    .args([
                        "--exact",
                        "telegram::session::tests::concurrent_processes_lose_nothing",
                        "--test-threads=1",
                        "--quiet",
                    ])
                    .env(CHILD_ENV, format!("{writer}:{}", path.display()))
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut child in children {
            assert!(child.wait().unwrap().success());
        }
        let fresh = FileSession::open(&path).unwrap();
        for writer in 0..4 {
            for n in 0..20 {
                let id = 1 + writer * 1000 + n;
                assert_eq!(
                    block_on(fresh.peer(PeerId::user(id).unwrap())).unwrap(),
                    Some(user(id, id)),
                    "peer {id} from child {writer}"
                );
            }
        }
    }

    #[test]
    fn works_as_a_grammers_session() {
        fn assert_session<S: Session>()
        where
            S::Error: std::error::Error + Send + Sync + 'static,
        {
        }
        assert_session::<FileSession>();
        let dir = tempfile::tempdir().unwrap();
        let erased = grammers_session::storages::erase(Arc::new(
            FileSession::open(session_path(&dir)).unwrap(),
        ));
        assert_eq!(erased.home_dc_id().unwrap(), 2);
    }
}

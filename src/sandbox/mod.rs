//! An offline Telegram data center on loopback.
//!
//! Telegram cannot be reached from where tgmcp is built and tested, and a mock of grammers
//! would test nothing of the path users depend on. So this module is an MTProto 2.0
//! server: the real grammers client connects to it over TCP with the real `Full` transport
//! framing, real AES-IGE encryption and real TL, and it answers from an in-memory
//! [`World`] of users, groups, channels and messages.
//!
//! It cannot run the RSA/DH key exchange (that needs Telegram's private key), so a client
//! is given a preset auth key: [`Sandbox::new_auth_key`] registers an unauthorized one,
//! [`Sandbox::authorized_key`] one already logged in. With a key present grammers skips
//! the exchange. Knobs in [`Faults`] add delays, drop connections and answer FLOOD_WAIT;
//! [`Stats`] counts requests per method so round trips can be asserted, not guessed.
//!
//! One sandbox may play several DCs ([`Sandbox::start_multi`]), each on its own loopback
//! listener, sharing one world: an auth key belongs to one DC, a user may have a home DC
//! (`UserSpec::dc`), and logins and files elsewhere answer `*_MIGRATE_X` as Telegram does,
//! so the client's DC switching and auth.exportAuthorization/importAuthorization run for
//! real.
//!
//! It plays the methods a Telegram client needs to log in, find people and chats, read
//! (history, search in a chat and across chats, the chat list, with Telegram's paging and
//! read state) and write (send and edit, with the new message pushed to everyone else's
//! live connections), in Telegram's forms: short answers and pushes where Telegram uses
//! them, `bad_server_salt` for a wrong salt, gzip-packed large answers, answers ready
//! together sent in one `msg_container` with a `msgs_ack` for the client's messages, the
//! layer and `initConnection` checked per auth key (`layer.rs`), and an update log that
//! `updates.getDifference` replays. Methods it does not play answer
//! METHOD_NOT_SUPPORTED_BY_SANDBOX.

mod crypto;
mod dc;
mod discussion;
mod faults;
pub mod fuzzing;
mod inbox;
mod layer;
mod profile;
mod rpc;
mod search;
mod seed;
mod srp;
mod tlbuild;
mod updlog;
mod world;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

pub use crypto::AuthKey;
pub use discussion::Discussion;
pub use faults::{DropPoint, Faults, Stats};
pub use inbox::{ARCHIVE_FOLDER, DialogSettings, Folder, GENERAL_TOPIC, Topic};
pub use seed::{DEMO_PASSWORD, DEMO_PASSWORD_HINT, DEMO_PHONE};
pub use world::{
    Action, Channel, ChannelSpec, Chat, Forwarded, Media, Message, MessageSpec, Peer, PhonePrivacy,
    User, UserSpec, World,
};

/// The DC id a single-DC sandbox plays. Sessions point their home DC here.
pub const DC_ID: i32 = 2;

/// Largest DC id a sandbox plays (Telegram's production DCs are 1 to 5).
const MAX_DC_ID: i32 = 1000;

/// Something the sandbox wants a person at the terminal to know, such as the login code it
/// "sent" (there is no SMS in a sandbox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    CodeSent { phone: String, code: String },
}

/// A running sandbox DC. Dropping it stops the listener and closes every connection.
pub struct Sandbox {
    shared: Arc<Shared>,
    /// One accept loop per DC.
    accepts: Vec<JoinHandle<()>>,
}

/// An auth key and the DC it was made with: a key is only good on its own DC.
#[derive(Clone)]
pub(crate) struct DcKey {
    pub dc_id: i32,
    pub key: AuthKey,
}

pub(crate) struct Shared {
    /// Every DC this sandbox plays and its address; the first is the primary DC, where
    /// sessions start and users without a home DC live.
    pub dcs: Vec<(i32, SocketAddr)>,
    pub world: Mutex<World>,
    pub keys: Mutex<HashMap<[u8; 8], DcKey>>,
    pub faults: Faults,
    /// Requests on every DC together.
    pub stats: Stats,
    /// Requests per DC, in the order of `dcs`.
    pub dc_stats: Vec<Stats>,
    /// The salt announced to every session; its value does not matter to a sandbox.
    pub salt: i64,
    pub connections: Mutex<Vec<Weak<dc::Outbox>>>,
    /// How many messages were refused with `bad_server_salt`.
    pub bad_salts: std::sync::atomic::AtomicUsize,
    /// How many answers went out gzip-packed.
    pub gzipped: std::sync::atomic::AtomicUsize,
    /// The API layer each auth key saved with `initConnection` (see [`layer`]).
    pub layers: Mutex<HashMap<[u8; 8], i32>>,
    /// How many `msgs_ack` the sandbox sent.
    pub acks: std::sync::atomic::AtomicUsize,
    /// How many `msg_container`s the sandbox sent (answers and acks ready together).
    pub containers: std::sync::atomic::AtomicUsize,
    pub events: Mutex<Option<mpsc::UnboundedSender<Event>>>,
}

impl Shared {
    pub fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    pub fn emit(&self, event: Event) {
        if let Some(tx) = lock(&self.events).as_ref() {
            let _ = tx.send(event);
        }
    }

    /// The primary DC: where sessions start and users without a home DC live.
    pub fn primary_dc(&self) -> i32 {
        self.dcs[0].0
    }

    pub fn serves(&self, dc_id: i32) -> bool {
        self.dcs.iter().any(|(id, _)| *id == dc_id)
    }

    pub fn dc_stats(&self, dc_id: i32) -> Option<&Stats> {
        let index = self.dcs.iter().position(|(id, _)| *id == dc_id)?;
        self.dc_stats.get(index)
    }

    fn live_connections(&self) -> Vec<Arc<dc::Outbox>> {
        let mut conns = lock(&self.connections);
        conns.retain(|c| c.strong_count() > 0);
        conns.iter().filter_map(Weak::upgrade).collect()
    }
}

/// A poisoned lock only means another connection task panicked mid-update; the world is
/// still the best state we have, so keep serving rather than cascade the panic.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sandbox {
    /// Starts a sandbox on a random loopback port.
    pub async fn start(world: World) -> std::io::Result<Self> {
        Self::start_on(loopback_any(), world).await
    }

    /// Starts a sandbox on `addr` (port 0 picks a free one).
    pub async fn start_on(addr: SocketAddr, world: World) -> std::io::Result<Self> {
        Self::start_dcs(&[(DC_ID, addr)], world, HashMap::new()).await
    }

    /// Starts a sandbox that plays several DCs, each on its own random loopback port,
    /// sharing `world`. The first id is the primary DC: [`Sandbox::addr`],
    /// [`Sandbox::dc_id`], [`Sandbox::new_auth_key`] and the sessions it writes start
    /// there.
    pub async fn start_multi(world: World, dc_ids: &[i32]) -> std::io::Result<Self> {
        let dcs: Vec<_> = dc_ids.iter().map(|&id| (id, loopback_any())).collect();
        Self::start_dcs(&dcs, world, HashMap::new()).await
    }

    async fn start_dcs(
        dcs: &[(i32, SocketAddr)],
        world: World,
        keys: HashMap<[u8; 8], DcKey>,
    ) -> std::io::Result<Self> {
        let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, what);
        if dcs.is_empty() {
            return Err(invalid("a sandbox needs at least one DC"));
        }
        let mut listeners = Vec::with_capacity(dcs.len());
        let mut bound = Vec::with_capacity(dcs.len());
        for &(id, addr) in dcs {
            if !(1..=MAX_DC_ID).contains(&id) || bound.iter().any(|&(seen, _)| seen == id) {
                return Err(invalid("DC ids must be distinct and between 1 and 1000"));
            }
            let listener = TcpListener::bind(addr).await?;
            bound.push((id, listener.local_addr()?));
            listeners.push(listener);
        }
        let shared = Arc::new(Shared {
            dc_stats: bound.iter().map(|_| Stats::default()).collect(),
            dcs: bound,
            world: Mutex::new(world),
            keys: Mutex::new(keys),
            faults: Faults::default(),
            stats: Stats::default(),
            salt: crypto::random_i64(),
            connections: Mutex::new(Vec::new()),
            bad_salts: Default::default(),
            gzipped: Default::default(),
            layers: Mutex::new(HashMap::new()),
            acks: Default::default(),
            containers: Default::default(),
            events: Mutex::new(None),
        });
        let accepts = listeners
            .into_iter()
            .zip(shared.dcs.clone())
            .map(|(listener, (dc_id, addr))| {
                tracing::debug!(%addr, dc_id, "sandbox DC listening");
                tokio::spawn(accept_loop(listener, dc_id, Arc::clone(&shared)))
            })
            .collect();
        Ok(Self { shared, accepts })
    }

    /// Stops this sandbox and starts a new one on the same addresses with the same world
    /// and auth keys, as a DC restart looks to clients: their connections drop, the next
    /// dial reaches the new process. Counters and faults start afresh.
    pub async fn restart(self) -> std::io::Result<Self> {
        self.stop().await.start().await
    }

    /// Stops listening and drops every connection, keeping what a restart needs.
    pub async fn stop(mut self) -> Stopped {
        let dcs = self.shared.dcs.clone();
        let world = std::mem::take(&mut *self.world());
        let keys = lock(&self.shared.keys).clone();
        for accept in &mut self.accepts {
            accept.abort();
            // Wait until the listener is really closed, so its address can be bound again.
            let _ = accept.await;
        }
        Stopped { dcs, world, keys }
    }

    /// The primary DC's address.
    pub fn addr(&self) -> SocketAddr {
        self.shared.dcs[0].1
    }

    /// The primary DC's id.
    pub fn dc_id(&self) -> i32 {
        self.shared.primary_dc()
    }

    /// Every DC this sandbox plays, primary first.
    pub fn dc_ids(&self) -> Vec<i32> {
        self.shared.dcs.iter().map(|(id, _)| *id).collect()
    }

    /// Where DC `dc_id` listens, if this sandbox plays it.
    pub fn addr_of(&self, dc_id: i32) -> Option<SocketAddr> {
        self.shared
            .dcs
            .iter()
            .find(|(id, _)| *id == dc_id)
            .map(|(_, addr)| *addr)
    }

    /// Registers a fresh auth key on the primary DC that no user is logged in with.
    pub fn new_auth_key(&self) -> [u8; 256] {
        self.new_auth_key_on(self.dc_id())
    }

    /// Registers a fresh auth key on DC `dc_id` that no user is logged in with.
    ///
    /// # Panics
    /// If this sandbox does not play DC `dc_id` (a test's mistake).
    pub fn new_auth_key_on(&self, dc_id: i32) -> [u8; 256] {
        assert!(self.shared.serves(dc_id), "the sandbox plays no DC {dc_id}");
        let key = AuthKey::generate();
        lock(&self.shared.keys).insert(
            key.id(),
            DcKey {
                dc_id,
                key: key.clone(),
            },
        );
        key.to_bytes()
    }

    /// Registers a fresh auth key on the primary DC already logged in as `user_id`.
    pub fn authorized_key(&self, user_id: i64) -> [u8; 256] {
        self.authorized_key_on(self.dc_id(), user_id)
    }

    /// Registers a fresh auth key on DC `dc_id` already logged in as `user_id`.
    pub fn authorized_key_on(&self, dc_id: i32, user_id: i64) -> [u8; 256] {
        let key = self.new_auth_key_on(dc_id);
        self.shared
            .world()
            .authorize(AuthKey::from_bytes(key).id(), user_id);
        key
    }

    /// Which user (if any) the given auth key is logged in as.
    pub fn authorized_user(&self, key: &[u8; 256]) -> Option<i64> {
        self.shared
            .world()
            .authorized_user(&AuthKey::from_bytes(*key).id())
    }

    /// How many client messages were refused with `bad_server_salt` (a client's first
    /// message, before it knows the salt, and any sent with a salt that is not valid).
    pub fn bad_salts(&self) -> usize {
        self.shared
            .bad_salts
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many answers went out gzip-packed (those over a kilobyte).
    pub fn gzipped_answers(&self) -> usize {
        self.shared
            .gzipped
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many `msgs_ack` went out (the client's content-related messages, acknowledged
    /// as Telegram acknowledges them).
    pub fn acks_sent(&self) -> usize {
        self.shared.acks.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many `msg_container`s went out (several answers, or answers and an ack, ready
    /// at once).
    pub fn containers_sent(&self) -> usize {
        self.shared
            .containers
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Requests on every DC together.
    pub fn stats(&self) -> &Stats {
        &self.shared.stats
    }

    /// Requests on DC `dc_id` alone (`None` if this sandbox does not play it).
    pub fn stats_on(&self, dc_id: i32) -> Option<&Stats> {
        self.shared.dc_stats(dc_id)
    }

    /// Read or change the world while the sandbox runs.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.shared.world()
    }

    /// Events such as login codes "sent"; only the latest subscriber receives them.
    pub fn events(&self) -> mpsc::UnboundedReceiver<Event> {
        let (tx, rx) = mpsc::unbounded_channel();
        *lock(&self.shared.events) = Some(tx);
        rx
    }

    /// Pushes `updates` to every connection logged in as `user_id` (msg_id ≡ 3 mod 4, as
    /// Telegram does for updates nobody asked for). Returns how many connections got it.
    pub fn push_updates(&self, user_id: i64, updates: &grammers_tl_types::enums::Updates) -> usize {
        dc::push_updates(&self.shared, user_id, updates)
    }

    /// Scans a QR login token as `user`'s phone would (`auth.acceptLoginToken` from a
    /// device logged in as `user`): the demo's stand-in for a second device. The error is
    /// Telegram's name for what is wrong (`AUTH_TOKEN_EXPIRED` …).
    pub fn scan_login_token(&self, user: i64, token: &[u8]) -> Result<(), String> {
        let mut world = self.world();
        rpc::qr::accept(&mut world, token, user).map_err(|e| e.name)?;
        rpc::qr::notify(&self.shared, &world, token);
        Ok(())
    }

    /// Closes every open client connection (the listener keeps accepting).
    pub fn drop_connections(&self) -> usize {
        let conns = self.shared.live_connections();
        conns.iter().for_each(|c| c.close());
        conns.len()
    }

    pub fn connection_count(&self) -> usize {
        self.shared.live_connections().len()
    }
}

/// A stopped sandbox: its addresses, world and auth keys, ready to start again.
pub struct Stopped {
    dcs: Vec<(i32, SocketAddr)>,
    world: World,
    keys: HashMap<[u8; 8], DcKey>,
}

impl Stopped {
    /// The primary DC's address.
    pub fn addr(&self) -> SocketAddr {
        self.dcs[0].1
    }

    /// Starts the sandbox again on its old addresses.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        Sandbox::start_dcs(&self.dcs, self.world, self.keys).await
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // Aborting an accept task drops its JoinSet, which aborts every connection.
        self.accepts.iter().for_each(JoinHandle::abort);
    }
}

fn loopback_any() -> SocketAddr {
    SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0))
}

async fn accept_loop(listener: TcpListener, dc_id: i32, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    shared.stats.connection_opened();
                    if let Some(stats) = shared.dc_stats(dc_id) {
                        stats.connection_opened();
                    }
                    tracing::trace!(%peer, "sandbox connection");
                    let _ = stream.set_nodelay(true);
                    connections.spawn(dc::serve_connection(stream, dc_id, Arc::clone(&shared)));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!("sandbox accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

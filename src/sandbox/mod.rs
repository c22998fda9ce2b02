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
//! It plays the methods a Telegram client needs to log in, find people and chats, read
//! (history, search in a chat and across chats, the chat list, with Telegram's paging and
//! read state) and write (send and edit, with the new message pushed to everyone else's
//! live connections). Methods it does not play answer METHOD_NOT_SUPPORTED_BY_SANDBOX.

mod crypto;
mod dc;
mod faults;
pub mod fuzzing;
mod profile;
mod rpc;
mod search;
mod seed;
mod srp;
mod tlbuild;
mod world;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

pub use crypto::AuthKey;
pub use faults::{DropPoint, Faults, Stats};
pub use profile::TempHome;
pub use seed::{DEMO_PASSWORD, DEMO_PASSWORD_HINT, DEMO_PHONE};
pub use world::{
    Channel, ChannelSpec, Chat, Media, Message, MessageSpec, Peer, PhonePrivacy, User, UserSpec,
    World,
};

/// The DC id the sandbox plays. Sessions point their home DC here.
pub const DC_ID: i32 = 2;

/// Something the sandbox wants a person at the terminal to know, such as the login code it
/// "sent" (there is no SMS in a sandbox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    CodeSent { phone: String, code: String },
}

/// A running sandbox DC. Dropping it stops the listener and closes every connection.
pub struct Sandbox {
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

pub(crate) struct Shared {
    pub addr: SocketAddr,
    pub world: Mutex<World>,
    pub keys: Mutex<HashMap<[u8; 8], AuthKey>>,
    pub faults: Faults,
    pub stats: Stats,
    /// The salt announced to every session; its value does not matter to a sandbox.
    pub salt: i64,
    pub connections: Mutex<Vec<Weak<dc::Outbox>>>,
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
        Self::start_on("127.0.0.1:0".parse().expect("valid address"), world).await
    }

    /// Starts a sandbox on `addr` (port 0 picks a free one).
    pub async fn start_on(addr: SocketAddr, world: World) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            addr,
            world: Mutex::new(world),
            keys: Mutex::new(HashMap::new()),
            faults: Faults::default(),
            stats: Stats::default(),
            salt: crypto::random_i64(),
            connections: Mutex::new(Vec::new()),
            events: Mutex::new(None),
        });
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        tracing::debug!(%addr, "sandbox DC listening");
        Ok(Self { shared, accept })
    }

    /// Stops this sandbox and starts a new one on the same address with the same world
    /// and auth keys, as a DC restart looks to clients: their connections drop, the next
    /// dial reaches the new process. Counters and faults start afresh.
    pub async fn restart(self) -> std::io::Result<Self> {
        self.stop().await.start().await
    }

    /// Stops listening and drops every connection, keeping what a restart needs.
    pub async fn stop(mut self) -> Stopped {
        let addr = self.addr();
        let world = std::mem::take(&mut *self.world());
        let keys = lock(&self.shared.keys).clone();
        self.accept.abort();
        // Wait until the listener is really closed, so its address can be bound again.
        let _ = (&mut self.accept).await;
        Stopped { addr, world, keys }
    }

    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    pub fn dc_id(&self) -> i32 {
        DC_ID
    }

    /// Registers a fresh auth key that no user is logged in with.
    pub fn new_auth_key(&self) -> [u8; 256] {
        let key = AuthKey::generate();
        lock(&self.shared.keys).insert(key.id(), key.clone());
        key.to_bytes()
    }

    /// Registers a fresh auth key already logged in as `user_id`.
    pub fn authorized_key(&self, user_id: i64) -> [u8; 256] {
        let key = self.new_auth_key();
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

    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    pub fn stats(&self) -> &Stats {
        &self.shared.stats
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

/// A stopped sandbox: its address, world and auth keys, ready to start again.
pub struct Stopped {
    addr: SocketAddr,
    world: World,
    keys: HashMap<[u8; 8], AuthKey>,
}

impl Stopped {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Starts the sandbox again on its old address.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        let sandbox = Sandbox::start_on(self.addr, self.world).await?;
        *lock(&sandbox.shared.keys) = self.keys;
        Ok(sandbox)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // Aborting the accept task drops its JoinSet, which aborts every connection.
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    shared.stats.connection_opened();
                    tracing::trace!(%peer, "sandbox connection");
                    let _ = stream.set_nodelay(true);
                    connections.spawn(dc::serve_connection(stream, Arc::clone(&shared)));
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

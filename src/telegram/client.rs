//! One connection to Telegram for one profile: the session store, grammers' sender pool
//! and the policies that decide what is retried.
//!
//! grammers' default policy retries any request once after an I/O error. That is wrong
//! for writes: a message whose connection dropped after Telegram executed it would be
//! sent twice. So the pool never retries I/O errors; [`Telegram::read`] retries reads
//! (which are safe to repeat) once, and writes go through [`Telegram::write`], which
//! reports an unknown outcome instead of guessing.

use std::future::Future;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::{Duration, Instant};

use grammers_client::Client;
use grammers_client::sender::{
    ConnectionParams, InvocationError, RetryContext, RetryPolicy, RpcError, SenderPool,
    SenderPoolHandle,
};
use grammers_session::Session;
use grammers_session::types::{PeerAuth, PeerInfo};
use grammers_session::updates::UpdatesLike;
use grammers_tl_types as tl;
use tokio::task::JoinHandle;

use super::model::Account;
use super::session::FileSession;
use super::stats::RpcStats;
use crate::error::{Error, Result};

/// How a profile connects. Built by the command layer from flags and config.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// The app's api_id (sent in initConnection).
    pub api_id: i32,
    /// FLOOD_WAITs up to this long are slept through and the request repeated (Telegram
    /// did not execute it); longer ones are returned to the caller with their wait.
    pub max_flood_wait: Duration,
    /// Upper bound for one call, reconnect included.
    pub timeout: Duration,
    /// Keep the updates Telegram pushes for [`Telegram::take_updates`] (a QR login waits
    /// for one); otherwise they are discarded.
    pub updates: bool,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            api_id: 0,
            // Well under `timeout`: a longer wait is returned with its seconds rather
            // than surfacing as a timeout.
            max_flood_wait: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            updates: false,
        }
    }
}

/// Sleeps through short FLOOD_WAITs once; never retries anything else.
struct FloodPolicy {
    max_wait: Duration,
    stats: Arc<RpcStats>,
}

impl RetryPolicy for FloodPolicy {
    fn should_retry(&self, ctx: &RetryContext) -> ControlFlow<(), Duration> {
        match &ctx.error {
            InvocationError::Rpc(RpcError {
                code: 420,
                value: Some(seconds),
                ..
            }) if ctx.fail_count.get() == 1 && u64::from(*seconds) <= self.max_wait.as_secs() => {
                tracing::info!(
                    seconds,
                    "Telegram asked to wait; waiting before repeating the request"
                );
                self.stats.flood_wait_slept(*seconds);
                ControlFlow::Continue(Duration::from_secs(u64::from(*seconds)))
            }
            _ => ControlFlow::Break(()),
        }
    }
}

/// A connected (lazily: the first request dials) Telegram client for one profile.
pub struct Telegram {
    client: Client,
    handle: SenderPoolHandle,
    session: Arc<FileSession>,
    runner: JoinHandle<()>,
    options: ConnectOptions,
    stats: Arc<RpcStats>,
    updates: super::watch::KeptUpdates,
    /// The profile's access list ([`super::access`]); none by default.
    access: super::access::AccessState,
    /// The account's send rate limit ([`super::limit`]); none by default.
    write_limit: Option<super::limit::WriteLimit>,
    /// Draft mode (`serve --drafts`): `send_message` saves drafts ([`super::drafts`]).
    drafts_only: bool,
    /// The account's dialogs, for chats named by display name ([`super::names`]).
    names: super::names::NameIndex,
    /// Names of the users and chats answers described ([`super::seen`]).
    pub(super) seen: super::seen::Seen,
}

impl Telegram {
    /// Prepares a client over `session`. Nothing touches the network until the first call.
    pub fn open(session: Arc<FileSession>, options: ConnectOptions) -> Self {
        // Spelled out in full: grammers' `ConnectionParams::default()` asks `os_info`,
        // which runs `lsb_release` (a shell script) on Linux — milliseconds of start-up,
        // and a probe of the host that Telegram does not need.
        let stats = Arc::new(RpcStats::default());
        let params = ConnectionParams {
            device_model: "tgmcp".into(),
            system_version: std::env::consts::OS.into(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            system_lang_code: "en".into(),
            lang_code: "en".into(),
            use_ipv6: false,
            retry_policy: Box::new(FloodPolicy {
                max_wait: options.max_flood_wait,
                stats: Arc::clone(&stats),
            }),
            updates_channel_capacity: std::num::NonZeroUsize::new(100).expect("non-zero"),
            __non_exhaustive: (),
        };
        let pool = SenderPool::with_configuration(Arc::clone(&session), options.api_id, params);
        let handle = pool.handle.thin.clone();
        let client = Client::new(pool.handle);
        // Unless asked for, updates are not consumed: dropping the receiver makes the pool
        // discard them.
        let updates = options.updates.then_some(pool.updates);
        let runner = tokio::spawn(pool.runner.run());
        Self {
            client,
            handle,
            session,
            runner,
            options,
            stats,
            updates: super::watch::KeptUpdates::new(updates),
            access: super::access::AccessState::default(),
            write_limit: None,
            drafts_only: false,
            names: super::names::NameIndex::default(),
            seen: super::seen::Seen::default(),
        }
    }

    /// Applies a profile's access list: every chat outside it is refused and filtered
    /// from results ([`super::access`]).
    pub fn with_access(mut self, list: Option<super::access::AccessList>) -> Self {
        self.access = super::access::AccessState::new(list);
        self
    }

    /// Limits writes to `per_minute` (0: no limit) for this account ([`super::limit`]).
    pub fn with_write_limit(mut self, per_minute: u32) -> Self {
        self.write_limit = Some(super::limit::WriteLimit::new(per_minute));
        self
    }

    /// Draft mode: `send_message` saves a draft in the chat instead of sending.
    pub fn with_drafts(mut self, on: bool) -> Self {
        self.drafts_only = on;
        self
    }

    pub(crate) fn drafts_only(&self) -> bool {
        self.drafts_only
    }

    pub(crate) fn access_state(&self) -> &super::access::AccessState {
        &self.access
    }

    pub(crate) fn name_index(&self) -> &super::names::NameIndex {
        &self.names
    }

    pub(crate) fn write_limit(&self) -> Option<&super::limit::WriteLimit> {
        self.write_limit.as_ref()
    }

    /// The updates Telegram pushes, once, when opened with [`ConnectOptions::updates`].
    pub fn take_updates(&self) -> Option<tokio::sync::mpsc::Receiver<UpdatesLike>> {
        self.updates.take_held()
    }

    /// Drops the kept updates as they come until someone follows them (`serve`: nobody
    /// may, for a long time), so they never fill grammers' channel.
    pub fn drain_updates(&self) {
        self.updates.drain();
    }

    /// The kept updates, drained or not; once.
    pub(super) async fn take_kept_updates(
        &self,
    ) -> Option<tokio::sync::mpsc::Receiver<UpdatesLike>> {
        self.updates.take().await
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn session(&self) -> &FileSession {
        &self.session
    }

    pub(crate) fn session_arc(&self) -> &Arc<FileSession> {
        &self.session
    }

    /// The sender pool, for grammers' update receiver.
    pub(crate) fn sender_handle(&self) -> SenderPoolHandle {
        self.handle.clone()
    }

    /// Upper bound for one call (`ConnectOptions::timeout`).
    pub fn call_timeout(&self) -> Duration {
        self.options.timeout
    }

    pub fn api_id(&self) -> i32 {
        self.options.api_id
    }

    /// What this connection's requests met so far (for metrics).
    pub fn stats(&self) -> &Arc<RpcStats> {
        &self.stats
    }

    /// Runs a read-only call, repeating it once on a new connection if the connection
    /// dropped: reading twice is harmless.
    pub async fn read<T, F, Fut>(&self, method: &str, call: F) -> Result<T>
    where
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<T, InvocationError>>,
    {
        match self.bounded(method, call(self.client.clone())).await {
            Err(Error::Network(reason)) => {
                tracing::debug!(method, %reason, "connection lost during a read; retrying once");
                self.bounded(method, call(self.client.clone())).await
            }
            other => other,
        }
    }

    /// A read-only request, named in errors and logs by its TL name; repeated once on a
    /// new connection if the connection dropped (see [`Telegram::read`]).
    pub(crate) async fn query<R>(&self, request: &R) -> Result<R::Return>
    where
        R: tl::RemoteCall + tl::Identifiable + Clone,
    {
        self.read(tl::name_for_id(R::CONSTRUCTOR_ID), |c| {
            let request = request.clone();
            async move { c.invoke(&request).await }
        })
        .await
    }

    /// A request that changes something, sent once (see [`Telegram::write`]).
    pub(crate) async fn command<R>(&self, request: &R) -> Result<R::Return>
    where
        R: tl::RemoteCall + tl::Identifiable,
    {
        self.write(
            tl::name_for_id(R::CONSTRUCTOR_ID),
            self.client().invoke(request),
        )
        .await
    }

    /// Runs a call once, never repeated. A network failure becomes
    /// [`Error::UnknownOutcome`] unless nothing can have been sent: this process never
    /// set up a connection (Telegram down, refused, no network), which stays `Network`.
    pub async fn write<T, Fut>(&self, method: &str, call: Fut) -> Result<T>
    where
        Fut: Future<Output = Result<T, InvocationError>>,
    {
        super::outcome::note_write(method, Some(&self.session));
        match self.bounded(method, call).await {
            Err(Error::Network(reason)) if self.session.has_connected() => {
                Err(Error::UnknownOutcome(format!(
                    "the connection to Telegram failed during {method} ({reason}); it may or may not have been carried out — check before trying again"
                )))
            }
            other => other,
        }
    }

    async fn bounded<T>(
        &self,
        method: &str,
        call: impl Future<Output = Result<T, InvocationError>>,
    ) -> Result<T> {
        let was_connected = self.session.has_connected();
        let started = Instant::now();
        let result = match tokio::time::timeout(self.options.timeout, call).await {
            Ok(result) => result.map_err(Error::from),
            Err(_) => Err(Error::Network(format!(
                "no answer to {method} within {} s",
                self.options.timeout.as_secs()
            ))),
        };
        let elapsed = started.elapsed();
        self.stats.record(method, &result, elapsed, was_connected);
        super::stats::observe_latency(method, result.is_ok(), elapsed);
        result
    }

    /// Whether the session is logged in, as Telegram sees it (`updates.getState`).
    pub async fn is_authorized(&self) -> Result<bool> {
        let state = self.query(&tl::functions::updates::GetState {}).await;
        match state {
            Ok(_) => Ok(true),
            Err(Error::NotLoggedIn { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The logged-in account; also caches it as "self" in the session, which sending to
    /// `me` depends on.
    pub async fn me(&self) -> Result<Account> {
        let users = self
            .query(&tl::functions::users::GetUsers {
                id: vec![tl::enums::InputUser::UserSelf],
            })
            .await?;
        let Some(tl::enums::User::User(user)) = users.into_iter().next() else {
            return Err(Error::NotLoggedIn {
                profile: None,
                rpc: None,
                demo: false,
            });
        };
        self.remember_self(&user).await?;
        Ok(Account::from(&user))
    }

    /// Stores the logged-in user in the session, marked as self.
    pub(crate) async fn remember_self(&self, user: &tl::types::User) -> Result<()> {
        self.seen.note_self(user);
        self.session
            .cache_peer(PeerInfo::User {
                id: user.id,
                auth: user.access_hash.map(PeerAuth::from_hash),
                bot: Some(user.bot),
                is_self: Some(true),
            })
            .await
            .map_err(|e| Error::Session(e.to_string()))
    }

    /// After `*_MIGRATE_X` during login: make DC `dc_id` home and drop the old connection.
    pub(crate) async fn migrate_home(&self, dc_id: i32) -> Result<()> {
        let old = self
            .session
            .home_dc_id()
            .map_err(|e| Error::Session(e.to_string()))?;
        self.handle.disconnect_from_dc(old);
        self.session
            .set_home_dc_id(dc_id)
            .await
            .map_err(|e| Error::Session(e.to_string()))
    }

    /// Closes the connection and writes what the session still holds in memory.
    pub async fn close(self) -> Result<()> {
        self.handle.quit();
        let _ = tokio::time::timeout(Duration::from_secs(2), self.runner).await;
        self.session.flush()
    }
}

//! Profiles that point at a sandbox: the session file a real tgmcp process reads, with
//! every DC of the sandbox and a preset auth key for each (the primary DC's logged in or
//! not, the others' not), since grammers cannot make keys with a sandbox.

use std::net::SocketAddr;
use std::path::Path;

use std::collections::HashMap;

use grammers_session::SessionData;
use grammers_session::types::{DcOption, PeerAuth, PeerInfo, UpdatesState};

use super::Sandbox;
use crate::config::{
    CREDENTIALS_FILE, Credentials, SESSION_FILE, ensure_private_dir, save_credentials,
};
use crate::error::{Error, Result};
use crate::telegram::FileSession;

impl Sandbox {
    /// The DC option a session needs to reach this sandbox's primary DC with `auth_key`.
    pub fn dc_option(&self, auth_key: [u8; 256]) -> DcOption {
        self.dc_option_on(self.dc_id(), auth_key)
            .expect("the primary DC is played")
    }

    /// The DC option a session needs to reach DC `dc_id` with `auth_key` (`None` if this
    /// sandbox does not play it).
    pub fn dc_option_on(&self, dc_id: i32, auth_key: [u8; 256]) -> Option<DcOption> {
        let (ipv4, ipv6) = match self.addr_of(dc_id)? {
            SocketAddr::V4(v4) => (
                v4,
                std::net::SocketAddrV6::new(v4.ip().to_ipv6_mapped(), v4.port(), 0, 0),
            ),
            SocketAddr::V6(v6) => (
                std::net::SocketAddrV4::new(std::net::Ipv4Addr::LOCALHOST, v6.port()),
                v6,
            ),
        };
        Some(DcOption {
            id: dc_id,
            ipv4,
            ipv6,
            auth_key: Some(auth_key),
        })
    }

    /// Every DC of this sandbox as a session holds it: the primary DC with `home_key`,
    /// the others with fresh keys nobody is logged in with (as grammers leaves a DC it
    /// has made a key with but not yet copied the login to).
    pub fn dc_options(&self, home_key: [u8; 256]) -> HashMap<i32, DcOption> {
        self.dc_ids()
            .into_iter()
            .filter_map(|id| {
                let key = if id == self.dc_id() {
                    home_key
                } else {
                    self.new_auth_key_on(id)
                };
                self.dc_option_on(id, key).map(|dc| (id, dc))
            })
            .collect()
    }

    /// Writes a session at `path` for this sandbox, home on its primary DC: logged in as
    /// `user` (with the user cached as self, as a real login leaves it), or with a fresh
    /// key nobody is logged in with when `user` is `None`. Every other DC the sandbox
    /// plays gets a key nobody is logged in with. Replaces any file there.
    pub async fn write_session(&self, path: &Path, user: Option<i64>) -> Result<FileSession> {
        let key = match user {
            Some(id) => self.authorized_key(id),
            None => self.new_auth_key(),
        };
        let mut data = SessionData {
            home_dc: self.dc_id(),
            dc_options: self.dc_options(key),
            peer_infos: HashMap::new(),
            updates_state: UpdatesState::default(),
        };
        if let Some(id) = user {
            let world = self.world();
            let u = world
                .users
                .get(&id)
                .ok_or_else(|| Error::InvalidInput(format!("the sandbox has no user {id}")))?;
            let me = PeerInfo::User {
                id,
                auth: Some(PeerAuth::from_hash(u.access_hash)),
                bot: Some(u.bot),
                is_self: Some(true),
            };
            data.peer_infos.insert(me.id(), me);
        }
        // One write (one fsync) for the whole session, self user included.
        FileSession::create(path, &data)
    }
}

impl Sandbox {
    /// The api_id and api_hash a sandbox accepts (it has no app registry: any would do).
    pub fn credentials() -> Credentials {
        Credentials {
            api_id: 1,
            api_hash: "sandbox".into(),
        }
    }

    /// Writes a ready-to-use profile in `profile_dir` (created 0700): a session for this
    /// sandbox, logged in as `user` (or not logged in with `None`), and the credentials
    /// to use it, so `tgmcp --profile NAME …` works against this sandbox as is.
    pub async fn write_profile(
        &self,
        profile_dir: &Path,
        user: Option<i64>,
    ) -> Result<FileSession> {
        ensure_private_dir(profile_dir)
            .map_err(|e| Error::Config(format!("cannot create {}: {e}", profile_dir.display())))?;
        let session = self
            .write_session(&profile_dir.join(SESSION_FILE), user)
            .await?;
        save_credentials(&profile_dir.join(CREDENTIALS_FILE), &Self::credentials())?;
        Ok(session)
    }
}

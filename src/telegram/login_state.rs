//! A pending stepwise login: `tgmcp setup --phone …` asks Telegram for a code and exits;
//! a later `tgmcp setup --code …` (a script, or an MCP client) finishes it. In between,
//! `login.json` (0600) remembers which phone the code was sent to and Telegram's
//! `phone_code_hash`. It is removed once the login succeeds.
//!
//! The phone number is a secret: it never appears in Debug output or logs.

use std::fmt;
use std::fs;
use std::io;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::config::write_private_file_atomic;
use crate::error::Error;

/// Telegram's login codes expire after a few minutes; older state is of no use.
pub const PENDING_LOGIN_MAX_AGE: Duration = Duration::from_secs(30 * 60);

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendingLogin {
    pub phone: String,
    pub phone_code_hash: String,
    /// Seconds since the Unix epoch when the code was requested.
    pub created_at: u64,
    /// The code was accepted and Telegram now waits for the 2FA password.
    #[serde(default)]
    pub password_needed: bool,
    /// The password hint Telegram gave, if any.
    #[serde(default)]
    pub hint: Option<String>,
    /// Where Telegram sent the code, as its answer to auth.sendCode said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_by: Option<CodeDelivery>,
}

/// Where a login code went (Telegram's `auth.SentCodeType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeDelivery {
    /// A message from Telegram in an app where the account is logged in.
    App,
    Sms,
    Call,
    FlashCall,
    MissedCall,
    Email,
    /// Any other way Telegram has (Fragment, Firebase …).
    Other,
}

impl CodeDelivery {
    /// Where to look, for the code prompt.
    pub fn where_to_look(self) -> &'static str {
        match self {
            Self::App => "sent to your Telegram app on another device",
            Self::Sms => "sent by SMS",
            Self::Call => "read out in a phone call",
            Self::FlashCall | Self::MissedCall => "the last digits of the number that calls you",
            Self::Email => "sent by email",
            Self::Other => "sent to your Telegram apps or by SMS",
        }
    }
}

impl PendingLogin {
    /// A pending login created now.
    pub fn new(phone: impl Into<String>, phone_code_hash: impl Into<String>) -> Self {
        Self {
            phone: phone.into(),
            phone_code_hash: phone_code_hash.into(),
            created_at: unix_now(),
            password_needed: false,
            hint: None,
            sent_by: None,
        }
    }

    /// A QR login that was scanned and now waits for the 2FA password: no phone and no
    /// code were involved.
    pub fn password_after_qr(hint: Option<String>) -> Self {
        Self {
            password_needed: true,
            hint,
            ..Self::new("", "")
        }
    }

    /// How long ago the code was requested (zero if the clock went backwards).
    pub fn age(&self) -> Duration {
        Duration::from_secs(unix_now().saturating_sub(self.created_at))
    }

    pub fn is_expired(&self) -> bool {
        self.age() > PENDING_LOGIN_MAX_AGE
    }

    /// Reads `path`; `None` if there is no pending login.
    pub fn load(path: &Path) -> Result<Option<Self>, Error> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::Session(format!(
                    "cannot read the pending login {}: {e} — check its permissions, or delete it and run `tgmcp setup` again",
                    path.display()
                )));
            }
        };
        serde_json::from_str(&text).map(Some).map_err(|e| {
            Error::Session(format!(
                "the pending login {} is unreadable ({e}) — delete it and run `tgmcp setup` again to get a new code",
                path.display()
            ))
        })
    }

    /// Writes `path` atomically, 0600. The profile directory must exist.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let bytes = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::Session(format!("cannot encode the pending login: {e}")))?;
        write_private_file_atomic(path, &bytes).map_err(|e| {
            Error::Session(format!(
                "cannot write the pending login {}: {e} — check its directory's permissions and free disk space",
                path.display()
            ))
        })
    }

    /// Removes the pending login at `path`; a missing file is fine.
    pub fn remove(path: &Path) -> Result<(), Error> {
        match fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::Session(format!(
                "cannot remove the pending login {}: {e} — delete it by hand",
                path.display()
            ))),
        }
    }
}

impl fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingLogin")
            .field("phone", &"<redacted>")
            .field("phone_code_hash", &"<redacted>")
            .field("created_at", &self.created_at)
            .finish()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_load_remove() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("login.json");
        assert_eq!(PendingLogin::load(&path).unwrap(), None);

        let login = PendingLogin::new("+15550100", "abc123");
        login.save(&path).unwrap();
        let loaded = PendingLogin::load(&path).unwrap().unwrap();
        assert_eq!(loaded, login);
        assert!(!loaded.is_expired());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }

        PendingLogin::remove(&path).unwrap();
        assert!(!path.exists());
        PendingLogin::remove(&path).unwrap();
    }

    #[test]
    fn expiry() {
        let mut login = PendingLogin::new("+1", "h");
        login.created_at -= PENDING_LOGIN_MAX_AGE.as_secs() + 1;
        assert!(login.is_expired());
        login.created_at = u64::MAX; // clock went backwards
        assert_eq!(login.age(), Duration::ZERO);
    }

    #[test]
    fn unreadable_state_is_an_error_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("login.json");
        fs::write(&path, "{\"phone\":").unwrap();
        let error = PendingLogin::load(&path).unwrap_err();
        assert_eq!(error.kind(), "session");
        assert!(error.to_string().contains("login.json"));
        assert!(path.exists());
    }

    #[test]
    fn debug_hides_the_phone() {
        let debug = format!("{:?}", PendingLogin::new("+15550100", "secrethash"));
        assert!(!debug.contains("5550100"), "{debug}");
        assert!(!debug.contains("secrethash"), "{debug}");
    }
}

//! The profile's bearer token: 256 random bits, stored 0600 beside the session, compared
//! in constant time.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};

/// Marks the string as a tgmcp secret, for people and secret scanners.
const PREFIX: &str = "tgmcp_";

/// A new random token.
pub fn generate() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Config(format!("no randomness for a token: {e}")))?;
    Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The token stored at `path`, if there is one.
pub fn load(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let token = text.trim();
            if token.len() < 16 {
                return Err(Error::Config(format!(
                    "the bearer token in {} is too short — run `tgmcp setup --rotate-token` for a new one",
                    path.display()
                )));
            }
            Ok(Some(token.to_owned()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Config(format!(
            "cannot read the bearer token {}: {e}",
            path.display()
        ))),
    }
}

/// Writes `token` to `path`, readable by the owner only.
pub fn save(path: &Path, token: &str) -> Result<()> {
    crate::config::write_private_file_atomic(path, format!("{token}\n").as_bytes()).map_err(|e| {
        Error::Config(format!(
            "cannot write the bearer token {}: {e}",
            path.display()
        ))
    })
}

/// Whether `given` is `expected`, taking the same time wherever they differ.
pub fn matches(expected: &str, given: &str) -> bool {
    expected.as_bytes().ct_eq(given.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_url_safe() {
        let (a, b) = (generate().unwrap(), generate().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), PREFIX.len() + 43);
        assert!(
            a[PREFIX.len()..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert!(matches(&a, &a.clone()));
        assert!(!matches(&a, &b));
        assert!(!matches(&a, &a[..a.len() - 1]));
        assert!(!matches(&a, ""));
    }

    #[test]
    fn saved_private_and_loaded_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        assert_eq!(load(&path).unwrap(), None);
        let token = generate().unwrap();
        save(&path, &token).unwrap();
        assert_eq!(load(&path).unwrap().as_deref(), Some(token.as_str()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

//! Telethon sessions, for people coming from fast-mcp-telegram or any Telethon script:
//! a `.session` file (SQLite) or a StringSession becomes tgmcp session data with the same
//! DC, address and auth key, so nobody has to log in again.
//!
//! A Telethon session holds one DC: its id, its address and port, and the auth key made
//! with it. The SQLite file is read by [`sqlite`], a small read-only reader of SQLite's
//! file format (enough for one table of a few rows), so the default build carries no C
//! library for a one-time import.

pub mod sqlite;

use std::net::{IpAddr, Ipv4Addr, SocketAddrV4, SocketAddrV6};
use std::path::Path;

use base64::Engine as _;
use grammers_session::SessionData;
use grammers_session::types::DcOption;

/// The part of a Telethon session that carries the login.
#[derive(Clone, PartialEq, Eq)]
pub struct TelethonSession {
    pub dc_id: i32,
    pub ip: IpAddr,
    pub port: u16,
    pub auth_key: [u8; 256],
}

impl std::fmt::Debug for TelethonSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The auth key is the login: never printed.
        f.debug_struct("TelethonSession")
            .field("dc_id", &self.dc_id)
            .field("ip", &self.ip)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// Telethon's `.session` files are a few KiB; anything far larger is not one.
const MAX_FILE_BYTES: u64 = 64 << 20;

impl TelethonSession {
    /// Reads `source`: the path of a `.session` file, or a StringSession. The error says
    /// what is wrong without echoing the input (a StringSession is a secret).
    pub fn read(source: &str) -> Result<Self, String> {
        let source = source.trim();
        let path = Path::new(source);
        if path.is_file() {
            return Self::from_file(path);
        }
        if source.starts_with('1') && !source.contains(['/', '\\']) && source.len() > 300 {
            return Self::from_string(source);
        }
        if source.ends_with(".session") || source.contains(['/', '\\']) {
            return Err(format!("there is no file {source:?}"));
        }
        Err("not a Telethon session: give the path of a .session file or a StringSession (it starts with 1)".into())
    }

    /// A StringSession: `1` then URL-safe base64 of dc id (1 byte), IPv4 or IPv6 address,
    /// port (2 bytes, big-endian) and the 256-byte auth key.
    pub fn from_string(text: &str) -> Result<Self, String> {
        let Some(encoded) = text.trim().strip_prefix('1') else {
            return Err(
                "not a Telethon StringSession of a version tgmcp reads (it should start with 1)"
                    .into(),
            );
        };
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let bytes = engine.decode(encoded.trim_end_matches('=')).map_err(|_| {
            "not a Telethon StringSession: the text after 1 is not base64".to_owned()
        })?;
        let ip_len = match bytes.len() {
            263 => 4,
            275 => 16,
            n => {
                return Err(format!(
                    "not a Telethon StringSession: {n} bytes, where 263 (IPv4) or 275 (IPv6) were expected"
                ));
            }
        };
        let ip = match ip_len {
            4 => IpAddr::from(<[u8; 4]>::try_from(&bytes[1..5]).expect("4 bytes")),
            _ => IpAddr::from(<[u8; 16]>::try_from(&bytes[1..17]).expect("16 bytes")),
        };
        let port = u16::from_be_bytes([bytes[1 + ip_len], bytes[2 + ip_len]]);
        let auth_key = bytes[3 + ip_len..].try_into().expect("256 bytes");
        Self::checked(i32::from(bytes[0]), ip, port, auth_key)
    }

    /// A `.session` file: the row of its `sessions` table.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let size = std::fs::metadata(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .len();
        if size > MAX_FILE_BYTES {
            return Err(format!(
                "{} is {size} bytes — far larger than a Telethon session",
                path.display()
            ));
        }
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let rows = sqlite::read_table(&bytes, "sessions")
            .map_err(|e| format!("{} is not a Telethon session file: {e}", path.display()))?;
        let row = rows
            .iter()
            .find(|row| matches!(row.get("auth_key"), Some(sqlite::Value::Blob(key)) if !key.is_empty()))
            .ok_or_else(|| {
                format!(
                    "{} holds no login (its sessions table has no auth key) — log in with Telethon first, or use `tgmcp setup`",
                    path.display()
                )
            })?;
        let int = |name: &str| match row.get(name) {
            Some(sqlite::Value::Int(n)) => Ok(*n),
            _ => Err(format!(
                "{}: sessions.{name} is not a number",
                path.display()
            )),
        };
        let dc_id = i32::try_from(int("dc_id")?).map_err(|_| "dc_id out of range".to_owned())?;
        let port = u16::try_from(int("port")?).map_err(|_| "port out of range".to_owned())?;
        let ip = match row.get("server_address") {
            Some(sqlite::Value::Text(text)) => text
                .parse()
                .map_err(|_| format!("{}: server_address is not an IP address", path.display()))?,
            _ => {
                return Err(format!(
                    "{}: sessions.server_address is missing",
                    path.display()
                ));
            }
        };
        let Some(sqlite::Value::Blob(key)) = row.get("auth_key") else {
            unreachable!("the row was chosen for its auth key")
        };
        let auth_key = key.as_slice().try_into().map_err(|_| {
            format!(
                "{}: the auth key is {} bytes, where Telegram's are 256",
                path.display(),
                key.len()
            )
        })?;
        Self::checked(dc_id, ip, port, auth_key)
    }

    fn checked(dc_id: i32, ip: IpAddr, port: u16, auth_key: [u8; 256]) -> Result<Self, String> {
        if dc_id <= 0 || port == 0 {
            return Err(format!(
                "the session names DC {dc_id} on port {port}, which is not a Telegram DC"
            ));
        }
        if auth_key.iter().all(|&b| b == 0) {
            return Err("the session's auth key is empty: it holds no login".into());
        }
        Ok(Self {
            dc_id,
            ip,
            port,
            auth_key,
        })
    }

    /// tgmcp session data for this login: Telegram's known DCs, with the session's DC at
    /// its address and with its key, as home.
    pub fn to_session_data(&self) -> SessionData {
        let mut data = SessionData::default();
        let (ipv4, ipv6) = match self.ip {
            IpAddr::V4(v4) => (
                SocketAddrV4::new(v4, self.port),
                SocketAddrV6::new(v4.to_ipv6_mapped(), self.port, 0, 0),
            ),
            IpAddr::V6(v6) => (
                SocketAddrV4::new(
                    v6.to_ipv4_mapped().unwrap_or(Ipv4Addr::UNSPECIFIED),
                    self.port,
                ),
                SocketAddrV6::new(v6, self.port, 0, 0),
            ),
        };
        // Keep the known IPv4 address when Telethon stored only the IPv6 one.
        let known = data.dc_options.get(&self.dc_id).cloned();
        let ipv4 = match (known, self.ip) {
            (Some(known), IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => known.ipv4,
            _ => ipv4,
        };
        data.home_dc = self.dc_id;
        data.dc_options.insert(
            self.dc_id,
            DcOption {
                id: self.dc_id,
                ipv4,
                ipv6,
                auth_key: Some(self.auth_key),
            },
        );
        data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string_session(dc: u8, ip: IpAddr, port: u16, key: [u8; 256]) -> String {
        let mut bytes = vec![dc];
        match ip {
            IpAddr::V4(v4) => bytes.extend_from_slice(&v4.octets()),
            IpAddr::V6(v6) => bytes.extend_from_slice(&v6.octets()),
        }
        bytes.extend_from_slice(&port.to_be_bytes());
        bytes.extend_from_slice(&key);
        // Telethon pads its base64; both forms are read.
        format!(
            "1{}",
            base64::engine::general_purpose::URL_SAFE.encode(bytes)
        )
    }

    #[test]
    fn string_sessions_of_both_address_families() {
        let key = [7u8; 256];
        let v4 = IpAddr::V4(Ipv4Addr::new(149, 154, 167, 51));
        let session = TelethonSession::read(&string_session(2, v4, 443, key)).unwrap();
        assert_eq!((session.dc_id, session.ip, session.port), (2, v4, 443));
        assert_eq!(session.auth_key, key);
        let data = session.to_session_data();
        assert_eq!(data.home_dc, 2);
        assert_eq!(data.dc_options[&2].auth_key, Some(key));
        assert_eq!(
            data.dc_options[&2].ipv4,
            SocketAddrV4::new(Ipv4Addr::new(149, 154, 167, 51), 443)
        );
        // Telegram's other DCs stay known, without keys.
        assert!(data.dc_options.len() > 1);
        assert!(
            data.dc_options
                .values()
                .filter(|dc| dc.auth_key.is_some())
                .count()
                == 1
        );

        let v6: IpAddr = "2001:67c:4e8:f002::a".parse().unwrap();
        let session = TelethonSession::read(&string_session(4, v6, 443, key)).unwrap();
        assert_eq!((session.dc_id, session.ip), (4, v6));
    }

    #[test]
    fn bad_input_is_named_without_echoing_it() {
        let secret = string_session(2, IpAddr::V4(Ipv4Addr::LOCALHOST), 443, [9; 256]);
        let cut = &secret[..secret.len() - 8];
        let error = TelethonSession::read(cut).unwrap_err();
        assert!(error.contains("bytes, where 263"), "{error}");
        assert!(
            !error.contains(&cut[1..20]),
            "the session must not be echoed: {error}"
        );
        assert!(
            TelethonSession::read("hello")
                .unwrap_err()
                .contains("not a Telethon session")
        );
        assert!(
            TelethonSession::read("/nonexistent/x.session")
                .unwrap_err()
                .contains("no file")
        );
        let zero = string_session(2, IpAddr::V4(Ipv4Addr::LOCALHOST), 443, [0; 256]);
        assert!(TelethonSession::read(&zero).unwrap_err().contains("empty"));
        let dc0 = string_session(0, IpAddr::V4(Ipv4Addr::LOCALHOST), 443, [1; 256]);
        assert!(
            TelethonSession::read(&dc0)
                .unwrap_err()
                .contains("not a Telegram DC")
        );
        let debug = format!("{:?}", TelethonSession::read(&secret).unwrap());
        assert!(!debug.contains("auth_key"), "{debug}");
    }
}

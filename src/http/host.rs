//! The Host a request names, read strictly (RFC 9112 §3.2, RFC 3986 §3.2.2), and the hosts
//! this server answers to.
//!
//! Lenient parsing is how DNS-rebinding checks get bypassed: `[::1]evil.com` must not
//! pass as `::1`, two Host headers must not let one be checked and the other used, and
//! an absolute-form request target (`GET http://host/path`) names the host itself, so
//! its authority is the one checked.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A host and, when given, a port: lowercase, IPv6 without brackets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    pub host: String,
    pub port: Option<u16>,
}

impl Authority {
    /// `host`, `host:port`, `[v6]` or `[v6]:port`, and nothing else: no user info, no
    /// text after the closing bracket, no empty or out-of-range port.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix('[') {
            let (inside, after) = rest.split_once(']')?;
            let ip: Ipv6Addr = inside.parse().ok()?;
            let port = match after {
                "" => None,
                _ => Some(parse_port(after.strip_prefix(':')?)?),
            };
            return Some(Self {
                host: ip.to_string(),
                port,
            });
        }
        let (host, port) = match text.split_once(':') {
            Some((host, port)) => (host, Some(parse_port(port)?)),
            None => (text, None),
        };
        if !is_reg_name(host) {
            return None;
        }
        let host = match host.parse::<Ipv4Addr>() {
            Ok(ip) => ip.to_string(),
            Err(_) => host.to_ascii_lowercase(),
        };
        Some(Self { host, port })
    }

    /// An `--allow-host` entry: an authority as above, or a bare IPv6 address.
    pub fn parse_allowed(text: &str) -> Option<Self> {
        Self::parse(text).or_else(|| {
            text.trim().parse::<Ipv6Addr>().ok().map(|ip| Self {
                host: ip.to_string(),
                port: None,
            })
        })
    }

    /// Whether the request's authority `self` is one an entry allows: an entry without a
    /// port allows every port of its host.
    pub fn allowed_by(&self, entries: &[Authority]) -> bool {
        entries
            .iter()
            .any(|entry| entry.host == self.host && entry.port.is_none_or(|p| Some(p) == self.port))
    }
}

fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|port| *port != 0)
}

/// A DNS name or IPv4 literal: letters, digits, `-`, `.` and `_`, at most 253 bytes.
fn is_reg_name(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(host: &str, port: Option<u16>) -> Authority {
        Authority {
            host: host.to_owned(),
            port,
        }
    }

    #[test]
    fn parses_strictly() {
        assert_eq!(
            Authority::parse("127.0.0.1:8000"),
            Some(at("127.0.0.1", Some(8000)))
        );
        assert_eq!(Authority::parse("[::1]:8000"), Some(at("::1", Some(8000))));
        assert_eq!(Authority::parse("[::1]"), Some(at("::1", None)));
        assert_eq!(Authority::parse("[0:0::1]:9"), Some(at("::1", Some(9))));
        assert_eq!(Authority::parse("LocalHost"), Some(at("localhost", None)));
        for bad in [
            "[::1]evil.com",
            "[::1]:80evil",
            "[::1]:",
            "[::1",
            "::1",
            "localhost:",
            "localhost:99999",
            "localhost:0",
            "localhost:+80",
            "user@localhost",
            "local host",
            "evil.com/x",
            "a:1:2",
            "",
        ] {
            assert_eq!(Authority::parse(bad), None, "{bad}");
        }
        assert_eq!(Authority::parse_allowed("::1"), Some(at("::1", None)));
        assert_eq!(
            Authority::parse_allowed("[::1]:8443"),
            Some(at("::1", Some(8443)))
        );
    }

    #[test]
    fn matches_host_and_port() {
        let entries = [
            at("localhost", None),
            at("::1", None),
            at("mcp.example.com", Some(443)),
            at("fd00::5", Some(8000)),
        ];
        let allowed = |text: &str| Authority::parse(text).is_some_and(|a| a.allowed_by(&entries));
        assert!(allowed("localhost:8000"));
        assert!(allowed("[::1]:9"));
        assert!(allowed("mcp.example.com:443"));
        assert!(allowed("[fd00::5]:8000"));
        assert!(!allowed("[fd00::5]:8001"));
        assert!(!allowed("mcp.example.com:8443"));
        assert!(!allowed("mcp.example.com"));
        assert!(!allowed("evil.example:8000"));
        assert!(!allowed("127.0.0.1.evil.example"));
        assert!(!allowed("[::1]evil.com"));
    }
}

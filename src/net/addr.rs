//! Which addresses a URL fetched on someone's behalf may reach: a pure classifier, so the
//! rules can be tested exhaustively without a network.
//!
//! Anything that is not plainly a public unicast address is refused, including the
//! IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo): a
//! blocked IPv4 address stays blocked however it is written.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why `ip` must not be fetched from, or `None` for a public unicast address.
pub fn blocked(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => blocked_v4(v4),
        IpAddr::V6(v6) => blocked_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn blocked_v4(ip: Ipv4Addr) -> Option<&'static str> {
    const RANGES: &[([u8; 4], u32, &str)] = &[
        ([0, 0, 0, 0], 8, "an unspecified address (0.0.0.0/8)"),
        ([10, 0, 0, 0], 8, "a private address (10.0.0.0/8)"),
        (
            [100, 64, 0, 0],
            10,
            "a carrier-grade NAT address (100.64.0.0/10)",
        ),
        ([127, 0, 0, 0], 8, "a loopback address (127.0.0.0/8)"),
        (
            [169, 254, 0, 0],
            16,
            "a link-local address (169.254.0.0/16)",
        ),
        ([172, 16, 0, 0], 12, "a private address (172.16.0.0/12)"),
        (
            [192, 0, 0, 0],
            24,
            "an IETF protocol address (192.0.0.0/24)",
        ),
        ([192, 0, 2, 0], 24, "a documentation address (192.0.2.0/24)"),
        (
            [192, 88, 99, 0],
            24,
            "a 6to4 relay address (192.88.99.0/24)",
        ),
        ([192, 168, 0, 0], 16, "a private address (192.168.0.0/16)"),
        (
            [198, 18, 0, 0],
            15,
            "a benchmarking address (198.18.0.0/15)",
        ),
        (
            [198, 51, 100, 0],
            24,
            "a documentation address (198.51.100.0/24)",
        ),
        (
            [203, 0, 113, 0],
            24,
            "a documentation address (203.0.113.0/24)",
        ),
        ([224, 0, 0, 0], 4, "a multicast address (224.0.0.0/4)"),
        ([255, 255, 255, 255], 32, "the broadcast address"),
        ([240, 0, 0, 0], 4, "a reserved address (240.0.0.0/4)"),
    ];
    RANGES
        .iter()
        .find(|(net, prefix, _)| in_v4(ip, *net, *prefix))
        .map(|(_, _, why)| *why)
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == u128::from(net) & mask
}

fn blocked_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let bits = u128::from(ip);
    if ip.is_unspecified() {
        return Some("an unspecified address (::)");
    }
    if ip.is_loopback() {
        return Some("a loopback address (::1)");
    }
    // IPv4 written as IPv6: a mapped or NAT64 address is judged as the IPv4 address it
    // carries; the deprecated IPv4-compatible form is refused outright.
    let low32 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    if bits >> 32 == 0xffff {
        return blocked_v4(low32).map(|_| "an IPv4-mapped address of a blocked IPv4 address");
    }
    if bits >> 32 == 0 {
        return Some("an IPv4-compatible address (::/96)");
    }
    if in_v6(ip, Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96) {
        return blocked_v4(low32)
            .map(|_| "a NAT64 address (64:ff9b::/96) of a blocked IPv4 address");
    }
    const RANGES: &[(Ipv6Addr, u32, &str)] = &[
        (
            Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0),
            48,
            "a local-use NAT64 address (64:ff9b:1::/48)",
        ),
        (
            Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0),
            64,
            "a discard-only address (100::/64)",
        ),
        (
            Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0),
            32,
            "a Teredo address (2001::/32)",
        ),
        (
            Ipv6Addr::new(0x2001, 0x2, 0, 0, 0, 0, 0, 0),
            48,
            "a benchmarking address (2001:2::/48)",
        ),
        (
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
            32,
            "a documentation address (2001:db8::/32)",
        ),
        (
            Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0),
            16,
            "a 6to4 address (2002::/16)",
        ),
        (
            Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0),
            7,
            "a unique-local address (fc00::/7)",
        ),
        (
            Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0),
            10,
            "a link-local address (fe80::/10)",
        ),
        (
            Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0),
            10,
            "a site-local address (fec0::/10)",
        ),
        (
            Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0),
            8,
            "a multicast address (ff00::/8)",
        ),
    ];
    if let Some((_, _, why)) = RANGES.iter().find(|(net, p, _)| in_v6(ip, *net, *p)) {
        return Some(why);
    }
    // Only global unicast (2000::/3) is public.
    if !in_v6(ip, Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3) {
        return Some("a reserved IPv6 address (outside 2000::/3)");
    }
    None
}

/// Host names that reach cloud metadata services or the machine itself whatever DNS
/// says.
pub fn blocked_name(host: &str) -> Option<&'static str> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    const NAMES: &[&str] = &[
        "metadata.google.internal",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.com",
        "metadata.tencentyun.com",
        "100-100-100-200.aliyun.com",
    ];
    if NAMES.contains(&host.as_str()) {
        return Some("a cloud metadata service name");
    }
    if host == "localhost" || host.ends_with(".localhost") {
        return Some("a loopback name (localhost)");
    }
    if host.ends_with(".internal") || host.ends_with(".local") {
        return Some("a local network name (.internal, .local)");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(text: &str) -> Option<&'static str> {
        blocked(text.parse().unwrap())
    }

    #[test]
    fn public_addresses_pass() {
        for ok in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "169.253.255.255",
            "11.0.0.1",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "64:ff9b::808:808",
        ] {
            assert_eq!(why(ok), None, "{ok}");
        }
    }

    #[test]
    fn every_blocked_ipv4_class_names_itself() {
        for (ip, word) in [
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "unspecified"),
            ("127.0.0.1", "loopback"),
            ("127.255.255.254", "loopback"),
            ("10.0.0.1", "private"),
            ("10.255.255.255", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "link-local"),
            ("100.64.0.1", "carrier-grade NAT"),
            ("100.127.255.255", "carrier-grade NAT"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("240.0.0.1", "reserved"),
            ("192.0.0.8", "IETF"),
            ("192.0.2.1", "documentation"),
            ("198.51.100.7", "documentation"),
            ("203.0.113.5", "documentation"),
            ("198.18.0.1", "benchmarking"),
        ] {
            let reason = why(ip).unwrap_or_else(|| panic!("{ip} must be blocked"));
            assert!(reason.contains(word), "{ip}: {reason}");
        }
    }

    #[test]
    fn every_blocked_ipv6_class_names_itself() {
        for (ip, word) in [
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("fc00::1", "unique-local"),
            ("fd12:3456::1", "unique-local"),
            ("fe80::1", "link-local"),
            ("febf::1", "link-local"),
            ("fec0::1", "site-local"),
            ("ff02::1", "multicast"),
            ("2001:db8::1", "documentation"),
            ("2001::1", "Teredo"),
            ("2002:7f00:1::", "6to4"),
            ("100::1", "discard"),
            ("64:ff9b:1::a00:1", "local-use NAT64"),
            ("4000::1", "reserved"),
        ] {
            let reason = why(ip).unwrap_or_else(|| panic!("{ip} must be blocked"));
            assert!(reason.contains(word), "{ip}: {reason}");
        }
    }

    #[test]
    fn ipv4_inside_ipv6_is_judged_as_ipv4() {
        for ip in [
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:192.168.0.1",
            "::ffff:100.64.0.1",
            "::ffff:0.0.0.0",
        ] {
            assert!(why(ip).unwrap().contains("IPv4-mapped"), "{ip}");
        }
        assert_eq!(
            why("::ffff:8.8.8.8"),
            None,
            "a mapped public address is public"
        );
        for ip in ["::127.0.0.1", "::10.0.0.1", "::8.8.8.8"] {
            assert!(why(ip).unwrap().contains("IPv4-compatible"), "{ip}");
        }
        for ip in [
            "64:ff9b::127.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b::169.254.169.254",
        ] {
            assert!(why(ip).unwrap().contains("NAT64"), "{ip}");
        }
    }

    #[test]
    fn metadata_and_local_names() {
        for name in [
            "metadata.google.internal",
            "METADATA.google.internal.",
            "metadata",
            "instance-data",
            "localhost",
            "api.localhost",
            "printer.local",
            "db.corp.internal",
        ] {
            assert!(blocked_name(name).is_some(), "{name}");
        }
        for name in ["example.com", "t.me", "localhost.example.com"] {
            assert_eq!(blocked_name(name), None, "{name}");
        }
    }
}

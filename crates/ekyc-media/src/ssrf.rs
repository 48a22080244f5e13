//! Address classification for the download SSRF guard.
//!
//! A download target is only contacted when every address its host resolves
//! to is allowed. IPv6 forms that embed an IPv4 address (mapped, compatible,
//! NAT64, 6to4, Teredo) are judged by the embedded address, so
//! `::ffff:127.0.0.1` is as loopback as `127.0.0.1`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of network an address belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddrClass {
    /// Globally routable unicast.
    Public,
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// RFC 1918 ranges, fec0::/10 site-local, NAT64 local-use prefix.
    Private,
    /// 169.254.0.0/16 (includes cloud metadata at 169.254.169.254), fe80::/10.
    LinkLocal,
    /// 224.0.0.0/4, ff00::/8.
    Multicast,
    /// 0.0.0.0 and ::.
    Unspecified,
    /// 0.0.0.0/8 other than 0.0.0.0: "this network", which Linux treats as local.
    ThisNetwork,
    /// 255.255.255.255.
    Broadcast,
    /// 100.64.0.0/10 carrier-grade NAT.
    SharedCgnat,
    /// TEST-NET ranges, 2001:db8::/32, 3fff::/20.
    Documentation,
    /// 198.18.0.0/15, 2001:2::/48 benchmarking networks.
    Benchmarking,
    /// Anything else that is not public unicast (240/4, 192.0.0.0/24, IPv6 outside 2000::/3...).
    Reserved,
    /// fc00::/7.
    UniqueLocalV6,
}

impl fmt::Display for AddrClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Public => "public",
            Self::Loopback => "loopback",
            Self::Private => "private",
            Self::LinkLocal => "link-local",
            Self::Multicast => "multicast",
            Self::Unspecified => "unspecified",
            Self::ThisNetwork => "this-network (0.0.0.0/8)",
            Self::Broadcast => "broadcast",
            Self::SharedCgnat => "shared carrier-grade NAT",
            Self::Documentation => "documentation-only",
            Self::Benchmarking => "benchmarking",
            Self::Reserved => "reserved",
            Self::UniqueLocalV6 => "unique-local IPv6",
        };
        f.write_str(name)
    }
}

/// Classify any IP address.
pub fn classify(ip: IpAddr) -> AddrClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// Whether a download may connect to `ip`. `allow_private` opens loopback,
/// private, link-local, CGNAT, unique-local and benchmarking ranges (tests,
/// on-prem storage); unspecified, multicast, broadcast, documentation and
/// reserved addresses are never contacted.
pub fn is_allowed(ip: IpAddr, allow_private: bool) -> bool {
    match classify(ip) {
        AddrClass::Public => true,
        AddrClass::Loopback
        | AddrClass::Private
        | AddrClass::LinkLocal
        | AddrClass::SharedCgnat
        | AddrClass::UniqueLocalV6
        | AddrClass::Benchmarking => allow_private,
        AddrClass::Multicast
        | AddrClass::Unspecified
        | AddrClass::ThisNetwork
        | AddrClass::Broadcast
        | AddrClass::Documentation
        | AddrClass::Reserved => false,
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddrClass {
    let o = ip.octets();
    let in_net = |net: [u8; 4], prefix: u32| {
        prefix_match(u32::from(ip), u32::from_be_bytes(net), prefix, 32)
    };
    if ip.is_unspecified() {
        AddrClass::Unspecified
    } else if o[0] == 0 {
        AddrClass::ThisNetwork
    } else if ip.is_broadcast() {
        AddrClass::Broadcast
    } else if o[0] == 127 {
        AddrClass::Loopback
    } else if o[0] == 10 || in_net([172, 16, 0, 0], 12) || in_net([192, 168, 0, 0], 16) {
        AddrClass::Private
    } else if in_net([169, 254, 0, 0], 16) {
        AddrClass::LinkLocal
    } else if in_net([100, 64, 0, 0], 10) {
        AddrClass::SharedCgnat
    } else if in_net([192, 0, 2, 0], 24)
        || in_net([198, 51, 100, 0], 24)
        || in_net([203, 0, 113, 0], 24)
    {
        AddrClass::Documentation
    } else if in_net([198, 18, 0, 0], 15) {
        AddrClass::Benchmarking
    } else if o[0] >= 224 && o[0] < 240 {
        AddrClass::Multicast
    } else if o[0] >= 240 || in_net([192, 0, 0, 0], 24) || in_net([192, 88, 99, 0], 24) {
        // 240/4 future use, IETF protocol assignments, deprecated 6to4 relay anycast.
        AddrClass::Reserved
    } else {
        AddrClass::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddrClass {
    if let Some(v4) = embedded_v4(ip) {
        return classify_v4(v4);
    }
    let bits = u128::from(ip);
    let s = ip.segments();
    let in_net = |net: u128, prefix: u32| prefix_match128(bits, net, prefix);
    if ip.is_unspecified() {
        AddrClass::Unspecified
    } else if ip.is_loopback() {
        AddrClass::Loopback
    } else if s[0] & 0xff00 == 0xff00 {
        AddrClass::Multicast
    } else if s[0] & 0xffc0 == 0xfe80 {
        AddrClass::LinkLocal
    } else if s[0] & 0xffc0 == 0xfec0 {
        AddrClass::Private
    } else if s[0] & 0xfe00 == 0xfc00 {
        AddrClass::UniqueLocalV6
    } else if in_net(0x0064_ff9b_0001 << 80, 48) {
        // NAT64 local-use prefix: translates into a site's own networks.
        AddrClass::Private
    } else if in_net(0x2001_0db8 << 96, 32) || in_net(0x3fff << 112, 20) {
        AddrClass::Documentation
    } else if in_net(0x2001_0002 << 96, 48) {
        AddrClass::Benchmarking
    } else if in_net(0x2001 << 112, 23) || s[0] & 0xe000 != 0x2000 {
        // IETF protocol assignments, and everything outside global unicast 2000::/3.
        AddrClass::Reserved
    } else {
        AddrClass::Public
    }
}

/// The IPv4 address a v6 address stands for, when it embeds one in a way
/// that can route to that v4 host.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = u128::from(ip);
    let low32 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    // IPv4-compatible ::a.b.c.d (deprecated); :: and ::1 are not embeddings.
    if bits >> 32 == 0 && bits > 1 {
        return Some(low32);
    }
    // NAT64 well-known prefix 64:ff9b::/96.
    if bits >> 32 == 0x0064_ff9b_0000_0000_0000_0000 {
        return Some(low32);
    }
    // 6to4 2002:V4ADDR::/48.
    if bits >> 112 == 0x2002 {
        return Some(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32));
    }
    // Teredo 2001:0::/32: the client address is stored bit-inverted in the low 32 bits.
    if bits >> 96 == 0x2001_0000 {
        return Some(Ipv4Addr::from(!((bits & 0xffff_ffff) as u32)));
    }
    None
}

fn prefix_match(addr: u32, net: u32, prefix: u32, width: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (width - prefix)
    };
    addr & mask == net & mask
}

fn prefix_match128(addr: u128, net: u128, prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix)
    };
    addr & mask == net & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> AddrClass {
        classify(s.parse().expect("test address parses"))
    }

    #[test]
    fn ipv4_ranges() {
        assert_eq!(c("8.8.8.8"), AddrClass::Public);
        assert_eq!(c("1.1.1.1"), AddrClass::Public);
        assert_eq!(c("127.0.0.1"), AddrClass::Loopback);
        assert_eq!(c("127.255.1.2"), AddrClass::Loopback);
        assert_eq!(c("10.1.2.3"), AddrClass::Private);
        assert_eq!(c("172.16.0.1"), AddrClass::Private);
        assert_eq!(c("172.31.255.255"), AddrClass::Private);
        assert_eq!(c("172.32.0.1"), AddrClass::Public);
        assert_eq!(c("192.168.1.1"), AddrClass::Private);
        assert_eq!(c("169.254.169.254"), AddrClass::LinkLocal);
        assert_eq!(c("100.64.0.1"), AddrClass::SharedCgnat);
        assert_eq!(c("100.128.0.1"), AddrClass::Public);
        assert_eq!(c("0.0.0.0"), AddrClass::Unspecified);
        assert_eq!(c("0.1.2.3"), AddrClass::ThisNetwork);
        assert_eq!(c("255.255.255.255"), AddrClass::Broadcast);
        assert_eq!(c("224.0.0.1"), AddrClass::Multicast);
        assert_eq!(c("239.255.255.250"), AddrClass::Multicast);
        assert_eq!(c("240.0.0.1"), AddrClass::Reserved);
        assert_eq!(c("192.0.0.8"), AddrClass::Reserved);
        assert_eq!(c("192.0.2.5"), AddrClass::Documentation);
        assert_eq!(c("198.51.100.5"), AddrClass::Documentation);
        assert_eq!(c("203.0.113.5"), AddrClass::Documentation);
        assert_eq!(c("198.19.0.1"), AddrClass::Benchmarking);
    }

    #[test]
    fn ipv6_ranges() {
        assert_eq!(c("2606:4700:4700::1111"), AddrClass::Public);
        assert_eq!(c("::1"), AddrClass::Loopback);
        assert_eq!(c("::"), AddrClass::Unspecified);
        assert_eq!(c("fe80::1"), AddrClass::LinkLocal);
        assert_eq!(c("fec0::1"), AddrClass::Private);
        assert_eq!(c("fd00::1"), AddrClass::UniqueLocalV6);
        assert_eq!(c("fc00::1"), AddrClass::UniqueLocalV6);
        assert_eq!(c("ff02::1"), AddrClass::Multicast);
        assert_eq!(c("2001:db8::1"), AddrClass::Documentation);
        assert_eq!(c("3fff::1"), AddrClass::Documentation);
        assert_eq!(c("2001:2::1"), AddrClass::Benchmarking);
        assert_eq!(c("100::1"), AddrClass::Reserved);
        assert_eq!(c("4000::1"), AddrClass::Reserved);
        assert_eq!(c("64:ff9b:1::1"), AddrClass::Private);
    }

    #[test]
    fn ipv6_embedding_v4_is_judged_by_the_v4() {
        assert_eq!(c("::ffff:127.0.0.1"), AddrClass::Loopback);
        assert_eq!(c("::ffff:7f00:1"), AddrClass::Loopback);
        assert_eq!(c("::ffff:10.0.0.1"), AddrClass::Private);
        assert_eq!(c("::ffff:8.8.8.8"), AddrClass::Public);
        assert_eq!(c("::127.0.0.1"), AddrClass::Loopback);
        assert_eq!(c("::169.254.169.254"), AddrClass::LinkLocal);
        assert_eq!(c("64:ff9b::127.0.0.1"), AddrClass::Loopback);
        assert_eq!(c("64:ff9b::8.8.8.8"), AddrClass::Public);
        assert_eq!(c("2002:7f00:1::"), AddrClass::Loopback);
        assert_eq!(c("2002:a9fe:a9fe::1"), AddrClass::LinkLocal);
        assert_eq!(c("2002:808:808::1"), AddrClass::Public);
        // Teredo client 127.0.0.1 stored inverted: !0x7f000001 = 0x80fffffe.
        assert_eq!(
            c("2001:0:4136:e378:8000:63bf:80ff:fffe"),
            AddrClass::Loopback
        );
        assert_eq!(c("2001:0:4136:e378:8000:63bf:f7f7:f7f7"), AddrClass::Public);
    }

    #[test]
    fn allow_private_opens_only_private_kinds() {
        let ip = |s: &str| s.parse::<IpAddr>().expect("test address parses");
        assert!(is_allowed(ip("8.8.8.8"), false));
        assert!(!is_allowed(ip("127.0.0.1"), false));
        assert!(is_allowed(ip("127.0.0.1"), true));
        assert!(!is_allowed(ip("169.254.169.254"), false));
        assert!(is_allowed(ip("10.0.0.1"), true));
        assert!(is_allowed(ip("fd00::1"), true));
        for never in [
            "0.0.0.0",
            "::",
            "224.0.0.1",
            "ff02::1",
            "255.255.255.255",
            "0.1.2.3",
            "240.0.0.1",
        ] {
            assert!(
                !is_allowed(ip(never), true),
                "{never} must always be refused"
            );
        }
    }
}

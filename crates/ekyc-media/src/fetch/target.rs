//! Turning a URL into the exact socket addresses a hop may connect to.
//!
//! DNS is resolved here, every address is checked, and the caller pins the
//! HTTP client to these addresses so a second lookup (DNS rebinding) cannot
//! swap in another one.

use std::net::{IpAddr, SocketAddr};

use url::{Host, Url};

use crate::error::MediaError;
use crate::ssrf::{classify, is_allowed};

/// Longest URL we accept; real object-store links are far shorter.
pub(crate) const MAX_URL_LEN: usize = 8 * 1024;

/// Which addresses a hop may use.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AddrRule<'a> {
    pub allow_private: bool,
    pub trusted_private: &'a [SocketAddr],
}

/// A checked hop: the URL, the DNS name to pin (None for literal IPs) and the
/// addresses that passed the guard.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub url: Url,
    pub domain: Option<String>,
    pub addrs: Vec<SocketAddr>,
}

/// Parse a caller-supplied URL (length-capped, absolute).
pub(crate) fn parse_url(text: &str) -> Result<Url, MediaError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(MediaError::UrlInvalid("the URL is empty".into()));
    }
    if text.len() > MAX_URL_LEN {
        return Err(MediaError::UrlInvalid(format!(
            "the URL is {} characters long, over the {MAX_URL_LEN}-character limit",
            text.len()
        )));
    }
    Url::parse(text).map_err(|e| MediaError::UrlInvalid(format!("{e}")))
}

/// Check scheme and host of `url`, resolve it and refuse it if any address is not allowed.
pub(crate) async fn resolve_target(url: &Url, rule: AddrRule<'_>) -> Result<Target, MediaError> {
    let scheme = url.scheme();
    if scheme != "http" && scheme != "https" {
        return Err(MediaError::UrlScheme(scheme.to_string()));
    }
    let port = url
        .port_or_known_default()
        .ok_or_else(|| MediaError::UrlInvalid("the URL has no port".into()))?;
    let (domain, ips) = match url.host() {
        None => return Err(MediaError::UrlInvalid("the URL has no host".into())),
        Some(Host::Ipv4(ip)) => (None, vec![IpAddr::V4(ip)]),
        Some(Host::Ipv6(ip)) => (None, vec![IpAddr::V6(ip)]),
        Some(Host::Domain(name)) => (Some(name.to_string()), lookup(name, port).await?),
    };
    let host = url.host_str().unwrap_or_default().to_string();
    let addrs: Vec<SocketAddr> = ips
        .into_iter()
        .map(|ip| SocketAddr::new(ip, port))
        .collect();
    for addr in &addrs {
        check_addr(&host, *addr, rule)?;
    }
    Ok(Target {
        url: url.clone(),
        domain,
        addrs,
    })
}

fn check_addr(host: &str, addr: SocketAddr, rule: AddrRule<'_>) -> Result<(), MediaError> {
    let ip = addr.ip();
    let trusted = rule.trusted_private.contains(&addr) && is_allowed(ip, true);
    if trusted || is_allowed(ip, rule.allow_private) {
        return Ok(());
    }
    Err(MediaError::AddressRefused {
        host: host.to_string(),
        addr: ip,
        class: classify(ip),
    })
}

async fn lookup(name: &str, port: u16) -> Result<Vec<IpAddr>, MediaError> {
    let found = tokio::net::lookup_host((name, port))
        .await
        .map_err(|e| MediaError::DnsFailed(format!("{name}: {e}")))?;
    let mut ips: Vec<IpAddr> = found.map(|sa| sa.ip()).collect();
    ips.sort_unstable();
    ips.dedup();
    if ips.is_empty() {
        return Err(MediaError::DnsFailed(format!("{name}: no addresses")));
    }
    Ok(ips)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssrf::AddrClass;

    const STRICT: AddrRule<'static> = AddrRule {
        allow_private: false,
        trusted_private: &[],
    };

    async fn check(url: &str, rule: AddrRule<'_>) -> Result<Target, MediaError> {
        resolve_target(&parse_url(url)?, rule).await
    }

    fn refused_class(result: Result<Target, MediaError>) -> AddrClass {
        match result {
            Err(MediaError::AddressRefused { class, .. }) => class,
            other => panic!("expected AddressRefused, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn obfuscated_loopback_forms_are_refused() {
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0177.0.0.1/",
            "http://0x7f.1/",
            "http://0x7f000001/",
            "http://127.1/",
            "http://127.0.1/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[2002:7f00:1::1]/",
            "HTTP://LOCALHOST:8080/x",
        ] {
            assert_eq!(
                refused_class(check(url, STRICT).await),
                AddrClass::Loopback,
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn metadata_and_private_forms_are_refused() {
        assert_eq!(
            refused_class(check("http://169.254.169.254/latest/meta-data/", STRICT).await),
            AddrClass::LinkLocal
        );
        assert_eq!(
            refused_class(check("http://0xa9fea9fe/", STRICT).await),
            AddrClass::LinkLocal
        );
        assert_eq!(
            refused_class(check("http://10.1/", STRICT).await),
            AddrClass::Private
        );
        assert_eq!(
            refused_class(check("https://[fd12::1]:8443/", STRICT).await),
            AddrClass::UniqueLocalV6
        );
        assert_eq!(
            refused_class(check("http://0/", STRICT).await),
            AddrClass::Unspecified
        );
    }

    #[tokio::test]
    async fn allow_private_and_trusted_addresses() {
        let open = AddrRule {
            allow_private: true,
            trusted_private: &[],
        };
        let t = check("http://127.1:9/", open).await.expect("allowed");
        assert_eq!(t.addrs, vec!["127.0.0.1:9".parse().unwrap()]);
        assert!(t.domain.is_none());
        assert!(matches!(
            check("http://0.0.0.0/", open).await,
            Err(MediaError::AddressRefused { .. })
        ));

        let trusted = ["127.0.0.1:9".parse().unwrap()];
        let rule = AddrRule {
            allow_private: false,
            trusted_private: &trusted,
        };
        assert!(check("http://127.0.0.1:9/", rule).await.is_ok());
        assert!(check("http://127.0.0.1:10/", rule).await.is_err());
    }

    #[tokio::test]
    async fn scheme_and_shape() {
        assert!(matches!(
            check("ftp://example.com/a", STRICT).await,
            Err(MediaError::UrlScheme(s)) if s == "ftp"
        ));
        assert!(matches!(
            check("file:///etc/passwd", STRICT).await,
            Err(MediaError::UrlScheme(_))
        ));
        assert!(matches!(
            check("not a url", STRICT).await,
            Err(MediaError::UrlInvalid(_))
        ));
        assert!(matches!(
            check("", STRICT).await,
            Err(MediaError::UrlInvalid(_))
        ));
        let long = format!("http://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert!(matches!(
            check(&long, STRICT).await,
            Err(MediaError::UrlInvalid(_))
        ));
    }

    #[tokio::test]
    async fn public_literal_is_accepted_without_dns() {
        let t = check("https://8.8.8.8/x.jpg", STRICT)
            .await
            .expect("public");
        assert_eq!(t.addrs, vec!["8.8.8.8:443".parse().unwrap()]);
    }
}

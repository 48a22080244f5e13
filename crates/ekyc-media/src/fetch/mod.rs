//! Downloading media from a caller-supplied URL, guarded against SSRF.
//!
//! Every hop (the first request and each redirect) is resolved and checked by
//! the `target` module, then fetched by a client pinned to the checked addresses, with
//! redirects followed here rather than by the HTTP library so none escapes
//! the check. The whole download, redirects included, runs under one deadline.

mod body;
mod target;

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::header::LOCATION;
use reqwest::StatusCode;
use url::Url;

use crate::error::MediaError;
use target::{parse_url, resolve_target, AddrRule, Target};

/// Sent on every request so storage logs show who fetched.
const USER_AGENT: &str = concat!("ekyc-media/", env!("CARGO_PKG_VERSION"));

/// Limits for one download.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    /// Let loopback, private, link-local, CGNAT and unique-local targets through (tests, on-prem).
    pub allow_private: bool,
    /// Private socket addresses allowed even when `allow_private` is off,
    /// e.g. an on-prem object store; any other private address stays refused.
    pub trusted_private: Vec<SocketAddr>,
    /// Limit for establishing each TCP (+TLS) connection.
    pub connect_timeout: Duration,
    /// Limit for the whole download: DNS, every redirect and the body.
    pub total_timeout: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: u8,
    /// Largest body accepted, in bytes.
    pub max_bytes: usize,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        Self {
            allow_private: false,
            trusted_private: Vec::new(),
            connect_timeout: Duration::from_secs(3),
            total_timeout: Duration::from_secs(3),
            max_redirects: 3,
            max_bytes: 10 * 1024 * 1024,
        }
    }
}

/// Download `url` under `policy` and return the body bytes.
pub async fn fetch_url(url: &str, policy: &FetchPolicy) -> Result<Vec<u8>, MediaError> {
    let start = parse_url(url)?;
    match tokio::time::timeout(policy.total_timeout, follow(start, policy)).await {
        Ok(result) => result,
        Err(_) => Err(MediaError::DownloadTimeout),
    }
}

/// Walk the redirect chain, checking each hop before connecting.
async fn follow(mut url: Url, policy: &FetchPolicy) -> Result<Vec<u8>, MediaError> {
    let rule = AddrRule {
        allow_private: policy.allow_private,
        trusted_private: &policy.trusted_private,
    };
    let mut redirects = 0u8;
    loop {
        let target = resolve_target(&url, rule).await?;
        let response = send(&target, policy).await?;
        let status = response.status();
        tracing::debug!(host = url.host_str().unwrap_or(""), %status, redirects, "download hop");
        if let Some(next) = redirect_target(&url, &response)? {
            if redirects >= policy.max_redirects {
                return Err(MediaError::TooManyRedirects {
                    limit: policy.max_redirects,
                });
            }
            redirects += 1;
            url = next;
            continue;
        }
        if !status.is_success() {
            return Err(MediaError::HttpStatus(status.as_u16()));
        }
        return body::read_capped(response, policy.max_bytes).await;
    }
}

async fn send(target: &Target, policy: &FetchPolicy) -> Result<reqwest::Response, MediaError> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would resolve the name itself and undo the address check.
        .no_proxy()
        .connect_timeout(policy.connect_timeout)
        .user_agent(USER_AGENT);
    if let Some(domain) = &target.domain {
        builder = builder.resolve_to_addrs(domain, &target.addrs);
    }
    let client = builder.build().map_err(|e| {
        MediaError::DownloadFailed(format!("HTTP client setup: {}", error_chain(&e)))
    })?;
    client
        .get(target.url.clone())
        .send()
        .await
        .map_err(transport_error)
}

/// The next URL when `response` is a redirect we follow (301/302/303/307/308 with Location).
fn redirect_target(current: &Url, response: &reqwest::Response) -> Result<Option<Url>, MediaError> {
    let status = response.status();
    let followed = [
        StatusCode::MOVED_PERMANENTLY,
        StatusCode::FOUND,
        StatusCode::SEE_OTHER,
        StatusCode::TEMPORARY_REDIRECT,
        StatusCode::PERMANENT_REDIRECT,
    ];
    if !followed.contains(&status) {
        return Ok(None);
    }
    let Some(location) = response.headers().get(LOCATION) else {
        return Ok(None);
    };
    let location = location
        .to_str()
        .map_err(|_| MediaError::DownloadFailed("redirect Location header is not ASCII".into()))?;
    let next = current
        .join(location)
        .map_err(|e| MediaError::UrlInvalid(format!("redirect Location `{location}`: {e}")))?;
    Ok(Some(next))
}

/// Map a reqwest failure; the URL is dropped from the text because signed
/// links carry credentials and this message may reach the caller or logs.
pub(crate) fn transport_error(e: reqwest::Error) -> MediaError {
    if e.is_timeout() {
        MediaError::DownloadTimeout
    } else {
        MediaError::DownloadFailed(error_chain(&e.without_url()))
    }
}

/// reqwest's top-level message is generic; the cause chain says what happened.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

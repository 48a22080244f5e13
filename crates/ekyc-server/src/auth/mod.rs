//! Request authentication: TC3-HMAC-SHA256 (JSON) and legacy v1 (form-encoded) signatures.
//!
//! Verification is split in two so the key lookup (a database call) happens between them:
//! [`prepare`] checks everything that needs no secret (shape, timestamp window, scope date) and
//! [`Pending::verify`] recomputes the signature with the secret.

pub mod tc3;
pub mod v1;

use axum::http::HeaderMap;
use subtle::ConstantTimeEq;

use ekyc_types::{EkycError, ErrorCode};

/// How a request was signed; kept in the record's log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Tc3,
    V1,
}

/// What the server needs from a request to authenticate it.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// Server clock, Unix seconds.
    pub now: i64,
    /// Allowed clock skew, seconds (300 in Tencent's API).
    pub window_s: i64,
}

/// A request whose shape and timestamp are fine; only the signature is left to check.
#[derive(Debug)]
pub struct Pending {
    pub secret_id: String,
    pub action: Option<String>,
    pub version: Option<String>,
    pub scheme: Scheme,
    check: SignatureCheck,
}

#[derive(Debug)]
enum SignatureCheck {
    Tc3 {
        auth: tc3::Tc3Authorization,
        timestamp: String,
        /// Each canonical request we accept (as received, lowercased, host without port).
        canonical_variants: Vec<String>,
    },
    V1 {
        method: v1::V1Method,
        given: String,
        texts: Vec<String>,
        params: Vec<(String, String)>,
    },
}

/// The authenticated request: who sent it and the action's parameters as JSON.
#[derive(Debug)]
pub struct Authenticated {
    pub secret_id: String,
    pub action: Option<String>,
    pub version: Option<String>,
    pub scheme: Scheme,
    /// For v1 the form parameters turned into JSON (values are strings); for TC3 `None` (use the body).
    pub form_params: Option<serde_json::Value>,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

fn is_form(headers: &HeaderMap) -> bool {
    header(headers, "content-type")
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

/// Checks everything that needs no secret.
pub fn prepare(req: &SignedRequest<'_>) -> Result<Pending, EkycError> {
    match header(req.headers, "authorization") {
        Some(a) if !a.is_empty() => prepare_tc3(req, a),
        _ if is_form(req.headers) => prepare_v1(req),
        _ => Err(EkycError::new(
            ErrorCode::InvalidAuthorization,
            "the Authorization header is missing (sign requests with TC3-HMAC-SHA256)",
        )),
    }
}

fn parse_timestamp(text: Option<&str>, what: &str) -> Result<(String, i64), EkycError> {
    let text = text.ok_or_else(|| {
        EkycError::new(
            ErrorCode::InvalidAuthorization,
            format!("{what} is missing"),
        )
    })?;
    let value = text.parse::<i64>().map_err(|_| {
        EkycError::new(
            ErrorCode::InvalidAuthorization,
            format!("{what} must be Unix seconds, got {text:?}"),
        )
    })?;
    Ok((text.to_string(), value))
}

fn check_window(ts: i64, req: &SignedRequest<'_>) -> Result<(), EkycError> {
    let skew = (req.now - ts).abs();
    if skew > req.window_s {
        return Err(EkycError::new(
            ErrorCode::SignatureExpire,
            format!(
                "the request timestamp is {skew} s away from server time (allowed: {} s); check the client clock",
                req.window_s
            ),
        ));
    }
    Ok(())
}

fn check_secret_id_shape(id: &str) -> Result<(), EkycError> {
    if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(EkycError::bare(ErrorCode::InvalidSecretId));
    }
    Ok(())
}

fn prepare_tc3(req: &SignedRequest<'_>, authorization: &str) -> Result<Pending, EkycError> {
    let auth = tc3::Tc3Authorization::parse(authorization)?;
    let (timestamp, ts) = parse_timestamp(header(req.headers, "x-tc-timestamp"), "X-TC-Timestamp")?;
    check_window(ts, req)?;
    let utc_date = chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    if auth.date != utc_date {
        return Err(EkycError::new(
            ErrorCode::SignatureFailure,
            format!(
                "the credential scope date {} is not the UTC date of X-TC-Timestamp ({utc_date})",
                auth.date
            ),
        ));
    }
    check_secret_id_shape(&auth.secret_id)?;
    if header(req.headers, "x-tc-token").is_some_and(|t| !t.is_empty()) {
        return Err(EkycError::bare(ErrorCode::TokenFailure));
    }
    let payload_hash = match header(req.headers, "x-tc-content-sha256") {
        Some("UNSIGNED-PAYLOAD") => tc3::sha256_hex(b"UNSIGNED-PAYLOAD"),
        _ => tc3::sha256_hex(req.body),
    };
    let canonical_variants = header_variants(req.headers, &auth.signed_headers)?
        .into_iter()
        .map(|headers| {
            tc3::canonical_request(&tc3::CanonicalInput {
                method: req.method,
                query: "",
                headers,
                payload_hash: payload_hash.clone(),
            })
        })
        .collect();
    Ok(Pending {
        secret_id: auth.secret_id.clone(),
        action: header(req.headers, "x-tc-action").map(str::to_string),
        version: header(req.headers, "x-tc-version").map(str::to_string),
        scheme: Scheme::Tc3,
        check: SignatureCheck::Tc3 {
            auth,
            timestamp,
            canonical_variants,
        },
    })
}

/// The signed header values as received, then lowercased, then with the port cut from `host`
/// (the Node SDK signs the hostname without port but sends the port).
fn header_variants(
    headers: &HeaderMap,
    names: &[String],
) -> Result<Vec<Vec<(String, String)>>, EkycError> {
    let mut received = Vec::with_capacity(names.len());
    for name in names {
        let value = header(headers, name).ok_or_else(|| {
            EkycError::new(
                ErrorCode::SignatureFailure,
                format!("the signed header {name} is not in the request"),
            )
        })?;
        received.push((name.clone(), value.to_string()));
    }
    let lower: Vec<(String, String)> = received
        .iter()
        .map(|(n, v)| (n.clone(), v.to_ascii_lowercase()))
        .collect();
    let portless: Vec<(String, String)> = lower
        .iter()
        .map(|(n, v)| {
            let v = if n == "host" {
                strip_port(v)
            } else {
                v.clone()
            };
            (n.clone(), v)
        })
        .collect();
    let mut variants = vec![received];
    for v in [lower, portless] {
        if !variants.contains(&v) {
            variants.push(v);
        }
    }
    Ok(variants)
}

fn strip_port(host: &str) -> String {
    if let Some(rest) = host.strip_prefix('[') {
        // [v6]:port
        return match rest.split_once(']') {
            Some((addr, _)) => format!("[{addr}]"),
            None => host.to_string(),
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_string(),
        _ => host.to_string(),
    }
}

fn prepare_v1(req: &SignedRequest<'_>) -> Result<Pending, EkycError> {
    let params: Vec<(String, String)> = form_urlencoded::parse(req.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let missing = |what: &str| {
        EkycError::new(
            ErrorCode::InvalidAuthorization,
            format!("form-encoded request without Authorization header: {what} is missing"),
        )
    };
    let given = get("Signature")
        .ok_or_else(|| missing("Signature"))?
        .to_string();
    let secret_id = get("SecretId")
        .ok_or_else(|| missing("SecretId"))?
        .to_string();
    let method = v1::V1Method::parse(get("SignatureMethod"))?;
    let (_, ts) = parse_timestamp(get("Timestamp"), "Timestamp")?;
    check_window(ts, req)?;
    check_secret_id_shape(&secret_id)?;
    if get("Token").is_some_and(|t| !t.is_empty()) {
        return Err(EkycError::bare(ErrorCode::TokenFailure));
    }
    let host = header(req.headers, "host").unwrap_or("");
    let mut texts = vec![v1::string_to_sign(req.method, host, &params)];
    let portless = v1::string_to_sign(req.method, &strip_port(host), &params);
    if portless != texts[0] {
        texts.push(portless);
    }
    Ok(Pending {
        secret_id,
        action: get("Action").map(str::to_string),
        version: get("Version").map(str::to_string),
        scheme: Scheme::V1,
        check: SignatureCheck::V1 {
            method,
            given,
            texts,
            params,
        },
    })
}

impl Pending {
    /// Compares signatures (constant time) with the key's secret; `None` = unknown or revoked key.
    pub fn verify(self, secret_key: Option<&str>) -> Result<Authenticated, EkycError> {
        let Some(secret_key) = secret_key else {
            return Err(EkycError::new(
                ErrorCode::SecretIdNotFound,
                format!(
                    "SecretId {} does not exist or has been revoked",
                    self.secret_id
                ),
            ));
        };
        let (ok, form_params) = match &self.check {
            SignatureCheck::Tc3 {
                auth,
                timestamp,
                canonical_variants,
            } => {
                let ok = canonical_variants.iter().any(|creq| {
                    let sts = tc3::string_to_sign(timestamp, &auth.scope(), creq);
                    let sig = tc3::signature(secret_key, &auth.date, &auth.service, &sts);
                    bool::from(sig.as_bytes().ct_eq(auth.signature.as_bytes()))
                });
                (ok, None)
            }
            SignatureCheck::V1 {
                method,
                given,
                texts,
                params,
            } => {
                let ok = texts.iter().any(|text| {
                    let sig = v1::signature(*method, secret_key, text);
                    bool::from(sig.as_bytes().ct_eq(given.as_bytes()))
                });
                (ok, Some(v1::unflatten(params)))
            }
        };
        if !ok {
            return Err(EkycError::new(
                ErrorCode::SignatureFailure,
                "the signature does not match: check the SecretKey, and that the Host header and body reach the server unchanged",
            ));
        }
        Ok(Authenticated {
            secret_id: self.secret_id,
            action: self.action,
            version: self.version,
            scheme: self.scheme,
            form_params,
        })
    }
}

#[cfg(test)]
mod tests;

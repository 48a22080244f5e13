//! TC3-HMAC-SHA256, as the official SDKs compute it (contract §2.1–§2.4).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use ekyc_types::{EkycError, ErrorCode};

type HmacSha256 = Hmac<Sha256>;

pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The parts of an `Authorization: TC3-HMAC-SHA256 ...` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tc3Authorization {
    pub secret_id: String,
    /// `YYYY-MM-DD` from the credential scope.
    pub date: String,
    /// Service from the scope (`faceid`, `ocr`, `iai`; the Node SDK may send `127` or `localhost:8080`).
    pub service: String,
    /// Lowercased header names, in the order given.
    pub signed_headers: Vec<String>,
    /// 64 lowercase hex digits.
    pub signature: String,
}

impl Tc3Authorization {
    /// Parses the header; any shape problem is `AuthFailure.InvalidAuthorization`.
    pub fn parse(header: &str) -> Result<Self, EkycError> {
        let invalid = |why: &str| {
            EkycError::new(
                ErrorCode::InvalidAuthorization,
                format!("Authorization header is malformed: {why}"),
            )
        };
        let rest = header
            .trim()
            .strip_prefix(ALGORITHM)
            .and_then(|r| r.strip_prefix(' '))
            .ok_or_else(|| invalid("it must start with \"TC3-HMAC-SHA256 \""))?;
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let part = part.trim();
            if let Some(v) = part.strip_prefix("Credential=") {
                credential = Some(v);
            } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
                signed = Some(v);
            } else if let Some(v) = part.strip_prefix("Signature=") {
                signature = Some(v);
            }
        }
        let credential = credential.ok_or_else(|| invalid("Credential= is missing"))?;
        let signed = signed.ok_or_else(|| invalid("SignedHeaders= is missing"))?;
        let signature = signature.ok_or_else(|| invalid("Signature= is missing"))?;

        // SecretId/Date/Service/tc3_request; the service itself may not contain '/'.
        let scope: Vec<&str> = credential.split('/').collect();
        let [secret_id, date, service, terminator] = scope[..] else {
            return Err(invalid(
                "Credential must be SecretId/YYYY-MM-DD/service/tc3_request",
            ));
        };
        if terminator != "tc3_request" {
            return Err(invalid("the credential scope must end in /tc3_request"));
        }
        if secret_id.is_empty() || service.is_empty() || !is_iso_date(date) {
            return Err(invalid(
                "Credential must be SecretId/YYYY-MM-DD/service/tc3_request",
            ));
        }
        let signed_headers: Vec<String> = signed
            .split(';')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        if signed_headers.is_empty() {
            return Err(invalid("SignedHeaders is empty"));
        }
        if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid("Signature must be 64 hexadecimal digits"));
        }
        Ok(Tc3Authorization {
            secret_id: secret_id.to_string(),
            date: date.to_string(),
            service: service.to_string(),
            signed_headers,
            signature: signature.to_ascii_lowercase(),
        })
    }

    pub fn scope(&self) -> String {
        format!("{}/{}/tc3_request", self.date, self.service)
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// What goes into the canonical request besides the fixed `/` URI.
#[derive(Clone, Debug)]
pub struct CanonicalInput<'a> {
    pub method: &'a str,
    /// Empty for POST.
    pub query: &'a str,
    /// `(lowercase name, value)` in `SignedHeaders` order.
    pub headers: Vec<(String, String)>,
    /// Hex SHA-256 of the payload (or of `UNSIGNED-PAYLOAD`).
    pub payload_hash: String,
}

pub fn canonical_request(input: &CanonicalInput<'_>) -> String {
    let mut canonical_headers = String::new();
    for (name, value) in &input.headers {
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(value);
        canonical_headers.push('\n');
    }
    let signed: Vec<&str> = input.headers.iter().map(|(n, _)| n.as_str()).collect();
    format!(
        "{}\n/\n{}\n{}\n{}\n{}",
        input.method,
        input.query,
        canonical_headers,
        signed.join(";"),
        input.payload_hash
    )
}

pub fn string_to_sign(timestamp: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// `kDate → kService → kSigning → hex(HMAC(kSigning, stringToSign))`.
pub fn signature(secret_key: &str, date: &str, service: &str, string_to_sign: &str) -> String {
    let k_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac_sha256(&k_date, service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"tc3_request");
    hex::encode(hmac_sha256(&k_signing, string_to_sign.as_bytes()))
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sdk_header() {
        let h = "TC3-HMAC-SHA256 Credential=AKIDabc/2026-11-25/faceid/tc3_request, \
                 SignedHeaders=content-type;host, Signature=";
        let sig = "a".repeat(64);
        let auth = Tc3Authorization::parse(&format!("{h}{sig}")).unwrap();
        assert_eq!(auth.secret_id, "AKIDabc");
        assert_eq!(auth.service, "faceid");
        assert_eq!(auth.signed_headers, vec!["content-type", "host"]);
        assert_eq!(auth.scope(), "2026-11-25/faceid/tc3_request");
    }

    #[test]
    fn rejects_malformed_headers() {
        let sig = "0".repeat(64);
        for bad in [
            String::new(),
            "Basic abc".to_string(),
            "TC3-HMAC-SHA256".to_string(),
            format!("TC3-HMAC-SHA256 SignedHeaders=host, Signature={sig}"),
            format!("TC3-HMAC-SHA256 Credential=a/2026-11-25/faceid/x, SignedHeaders=host, Signature={sig}"),
            format!("TC3-HMAC-SHA256 Credential=a/20261125/faceid/tc3_request, SignedHeaders=host, Signature={sig}"),
            "TC3-HMAC-SHA256 Credential=a/2026-11-25/faceid/tc3_request, SignedHeaders=host, Signature=zz".to_string(),
            format!("TC3-HMAC-SHA256 Credential=a/2026-11-25/faceid/tc3_request, SignedHeaders=, Signature={sig}"),
        ] {
            let err = Tc3Authorization::parse(&bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidAuthorization, "{bad}");
        }
    }
}

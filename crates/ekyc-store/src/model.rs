//! Plain data the store reads and writes. No wire JSON here: the server maps its requests onto these.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How many records `RecordFilter::default()` returns.
pub const DEFAULT_LIST_LIMIT: usize = 100;

/// One API request as it was answered. Media bytes are never kept, only their digests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// UUID that was returned to the client as `RequestId`.
    pub request_id: String,
    pub received_at: DateTime<Utc>,
    /// API action, e.g. `IDCardOCR`.
    pub action: String,
    /// `X-TC-Version` as sent, if any.
    pub version: Option<String>,
    /// Key that signed the request; also kept when authentication failed.
    pub secret_id: Option<String>,
    /// `"Success"` or the error/verdict code that was returned.
    pub result_code: String,
    pub message: Option<String>,
    /// Face similarity, for compare-type actions.
    pub sim: Option<f64>,
    pub total_ms: f64,
    pub stages: Vec<StageTiming>,
    pub inputs: Vec<InputDigest>,
    /// `X-TC-RequestClient` header.
    pub client: Option<String>,
    pub remote_addr: Option<String>,
}

/// Time spent in one pipeline stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageTiming {
    pub name: String,
    pub ms: f64,
}

/// Fingerprint of one uploaded input (image, video...) in place of the bytes themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputDigest {
    /// Request field the bytes came from, e.g. `ImageBase64`.
    pub field: String,
    /// Lower-case hex SHA-256 of the decoded bytes.
    pub sha256: String,
    pub size: u64,
}

impl InputDigest {
    /// Digest `bytes` that arrived in request field `field`.
    pub fn of(field: impl Into<String>, bytes: &[u8]) -> Self {
        Self {
            field: field.into(),
            sha256: hex::encode(Sha256::digest(bytes)),
            // usize always fits in u64 on supported targets; saturate rather than panic.
            size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        }
    }
}

/// Which records `Store::list_records` returns; results are newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFilter {
    /// Only records received at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Only records of this action (exact match).
    pub action: Option<String>,
    /// At most this many records (0 returns none).
    pub limit: usize,
}

impl Default for RecordFilter {
    fn default() -> Self {
        Self {
            since: None,
            action: None,
            limit: DEFAULT_LIST_LIMIT,
        }
    }
}

/// A freshly created key: the only time the secret is handed out in full by `create_key`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub secret_id: String,
    pub secret_key: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Key metadata for listings; deliberately has no secret field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    pub secret_id: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What request authentication needs: the secret to recompute the signature, and whether the key
/// may still be used.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyLookup {
    pub secret_id: String,
    pub secret_key: String,
    pub revoked: bool,
}

// Hand-written Debug so secrets never end up in logs via `{:?}`.
impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("label", &self.label)
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl fmt::Debug for KeyLookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyLookup")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("revoked", &self.revoked)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_digest_hashes_bytes() {
        let d = InputDigest::of("ImageBase64", b"abc");
        assert_eq!(d.field, "ImageBase64");
        assert_eq!(
            d.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(d.size, 3);
    }

    #[test]
    fn debug_hides_secrets() {
        let key = ApiKey {
            secret_id: "AKIDx".into(),
            secret_key: "topsecretvalue".into(),
            label: None,
            created_at: Utc::now(),
        };
        let lookup = KeyLookup {
            secret_id: "AKIDx".into(),
            secret_key: "topsecretvalue".into(),
            revoked: false,
        };
        assert!(!format!("{key:?}").contains("topsecretvalue"));
        assert!(!format!("{lookup:?}").contains("topsecretvalue"));
        assert!(format!("{key:?}").contains("AKIDx"));
    }

    #[test]
    fn default_filter_is_bounded() {
        let f = RecordFilter::default();
        assert_eq!(f.limit, DEFAULT_LIST_LIMIT);
        assert!(f.since.is_none() && f.action.is_none());
    }
}

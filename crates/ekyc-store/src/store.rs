//! The storage seam the rest of ekyc talks to.

use crate::{ApiKey, KeyInfo, KeyLookup, Record, RecordFilter, StoreError};

/// Records and API keys, synchronous on purpose: the server holds an `Arc<dyn Store>` and calls it
/// from `spawn_blocking`, and a record is committed before the response goes out.
///
/// # Adding a backend (e.g. Postgres)
/// A new implementation must provide:
/// - the same two tables' worth of data (keys: id, secret, label, created/revoked time; records:
///   every `Record` field, `stages`/`inputs` may be JSON) with versioned migrations that refuse
///   to run against a schema newer than the binary;
/// - `insert_record` durable once it returns, and `StoreError::DuplicateRecord` on a repeated
///   `request_id`;
/// - `list_records` newest first (ties in insertion order, newest first), `since` inclusive,
///   `action` exact, at most `limit` rows;
/// - exact round-trip of `Record` (nanosecond timestamps included) so `get_record` equals what
///   was inserted;
/// - `Send + Sync` with its own pooling; every method may be called from many threads at once.
pub trait Store: Send + Sync {
    /// Cheap liveness check for health endpoints.
    fn ping(&self) -> Result<(), StoreError>;

    /// Create and persist a new key; this is the only call that returns a new secret.
    fn create_key(&self, label: Option<&str>) -> Result<ApiKey, StoreError>;

    /// All keys, oldest first, without secrets.
    fn list_keys(&self) -> Result<Vec<KeyInfo>, StoreError>;

    /// Mark a key revoked. `false` if no such key; revoking twice keeps the first revocation time
    /// and still returns `true`.
    fn revoke_key(&self, secret_id: &str) -> Result<bool, StoreError>;

    /// Secret and revoked flag for request authentication; `None` if the key does not exist.
    fn find_key(&self, secret_id: &str) -> Result<Option<KeyLookup>, StoreError>;

    /// Persist one request record.
    fn insert_record(&self, record: &Record) -> Result<(), StoreError>;

    fn get_record(&self, request_id: &str) -> Result<Option<Record>, StoreError>;

    /// Records matching `filter`, newest first.
    fn list_records(&self, filter: &RecordFilter) -> Result<Vec<Record>, StoreError>;

    fn count_records(&self) -> Result<u64, StoreError>;
}

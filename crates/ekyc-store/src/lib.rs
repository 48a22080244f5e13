//! Persistence for ekyc: one record per API request (no media) and the API keys that sign requests.
//!
//! Everything goes through the synchronous [`Store`] trait so the server can hold an
//! `Arc<dyn Store>` and call it from `spawn_blocking`. [`SqliteStore`] is the embedded default;
//! a Postgres backend can be added later behind the same trait (see the trait docs).
//!
//! This crate knows nothing about the Tencent wire format: callers fill [`Record`] themselves.

mod error;
mod keygen;
mod model;
mod sqlite;
mod store;
mod timefmt;

pub use error::StoreError;
pub use model::{
    ApiKey, InputDigest, KeyInfo, KeyLookup, Record, RecordFilter, StageTiming, DEFAULT_LIST_LIMIT,
};
pub use sqlite::{SqliteStore, DB_FILE_NAME};
pub use store::Store;

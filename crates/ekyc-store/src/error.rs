//! The single error type every store backend returns.

use std::path::PathBuf;

/// Anything that can go wrong while talking to the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot create or restrict permissions of {path}: {source}")]
    FileMode {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "database {path} has schema version {found} but this ekyc build only knows up to version \
         {known}; it was written by a newer ekyc, so upgrade ekyc instead of downgrading the data"
    )]
    SchemaTooNew {
        path: String,
        found: i64,
        known: i64,
    },

    #[error("database {path} could not be switched to WAL journaling (got journal_mode={mode})")]
    NoWal { path: String, mode: String },

    #[error("a record with request id {0} is already stored")]
    DuplicateRecord(String),

    #[error("record {request_id} cannot be stored: {reason}")]
    InvalidRecord { request_id: String, reason: String },

    #[error("stored data is corrupt ({what}): {reason}")]
    Corrupt { what: String, reason: String },

    #[error("the operating system random generator failed: {0}")]
    Random(#[from] rand::Error),

    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

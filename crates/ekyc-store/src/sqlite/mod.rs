//! The embedded SQLite backend.

mod files;
mod keys;
mod migrations;
mod records;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::Connection;

use crate::{ApiKey, KeyInfo, KeyLookup, Record, RecordFilter, Store, StoreError};

/// Name of the database file inside the data directory.
pub const DB_FILE_NAME: &str = "ekyc.sqlite3";

/// How long a statement waits for another process's write lock before failing with "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// SQLite-backed [`Store`]: one connection behind a mutex. Every call is a short statement, so a
/// single serialised connection is simpler than a pool and never deadlocks on SQLite's own
/// writer lock.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl SqliteStore {
    /// Open (creating if needed) `<data_dir>/ekyc.sqlite3` and migrate it. The directory is
    /// created 0700 and the database files are 0600.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        files::ensure_dir(data_dir)?;
        let path = data_dir.join(DB_FILE_NAME);
        files::ensure_private_file(&path)?;
        let label = path.display().to_string();
        let mut conn = Connection::open(&path)?;
        configure(&conn, &label, true)?;
        migrations::migrate(&mut conn, &label)?;
        files::restrict_companions(&path)?;
        tracing::debug!(db = %label, "opened store");
        Ok(Self {
            conn: Mutex::new(conn),
            path: Some(path),
        })
    }

    /// A private in-memory database, for tests and throwaway runs.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn, ":memory:", false)?;
        migrations::migrate(&mut conn, ":memory:")?;
        Ok(Self {
            conn: Mutex::new(conn),
            path: None,
        })
    }

    /// The database file, or `None` when in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-done write behind: an open
        // rusqlite Transaction rolls back when dropped during unwinding. So the connection is
        // still consistent and it is safe to keep using it.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Per-connection settings.
fn configure(conn: &Connection, label: &str, on_disk: bool) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    if on_disk {
        // WAL lets readers run while a record is written. With WAL, synchronous=NORMAL is still
        // durable across process crashes (a committed transaction is in the WAL file); only an
        // OS crash or power loss can drop the last few commits, and it never corrupts the file.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::NoWal {
                path: label.to_string(),
                mode,
            });
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
    }
    Ok(())
}

impl Store for SqliteStore {
    fn ping(&self) -> Result<(), StoreError> {
        self.conn().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    fn create_key(&self, label: Option<&str>) -> Result<ApiKey, StoreError> {
        keys::create(&self.conn(), label)
    }

    fn list_keys(&self) -> Result<Vec<KeyInfo>, StoreError> {
        keys::list(&self.conn())
    }

    fn revoke_key(&self, secret_id: &str) -> Result<bool, StoreError> {
        keys::revoke(&self.conn(), secret_id)
    }

    fn find_key(&self, secret_id: &str) -> Result<Option<KeyLookup>, StoreError> {
        keys::find(&self.conn(), secret_id)
    }

    fn insert_record(&self, record: &Record) -> Result<(), StoreError> {
        records::insert(&self.conn(), record)
    }

    fn get_record(&self, request_id: &str) -> Result<Option<Record>, StoreError> {
        records::get(&self.conn(), request_id)
    }

    fn list_records(&self, filter: &RecordFilter) -> Result<Vec<Record>, StoreError> {
        records::list(&self.conn(), filter)
    }

    fn count_records(&self) -> Result<u64, StoreError> {
        records::count(&self.conn())
    }
}

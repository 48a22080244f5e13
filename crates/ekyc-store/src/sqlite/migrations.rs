//! Embedded schema migrations, tracked with `PRAGMA user_version`.

use rusqlite::{Connection, TransactionBehavior};

use crate::StoreError;

/// Ordered schema steps; `user_version` = number of steps applied. Append only: never edit a
/// step that has shipped.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: keys and request records.
    r#"
    CREATE TABLE api_keys (
        secret_id   TEXT PRIMARY KEY NOT NULL,
        secret_key  TEXT NOT NULL,
        label       TEXT,
        created_at  TEXT NOT NULL,
        revoked_at  TEXT
    );
    CREATE TABLE records (
        request_id   TEXT PRIMARY KEY NOT NULL,
        received_at  TEXT NOT NULL,
        action       TEXT NOT NULL,
        version      TEXT,
        secret_id    TEXT,
        result_code  TEXT NOT NULL,
        message      TEXT,
        sim          REAL,
        total_ms     REAL NOT NULL,
        stages       TEXT NOT NULL,
        inputs       TEXT NOT NULL,
        client       TEXT,
        remote_addr  TEXT
    );
    CREATE INDEX records_received_at ON records (received_at);
    CREATE INDEX records_action_received_at ON records (action, received_at);
    "#,
];

/// Bring the schema up to date with the built-in migrations.
pub(super) fn migrate(conn: &mut Connection, db_label: &str) -> Result<(), StoreError> {
    apply(conn, MIGRATIONS, db_label)
}

/// Apply the pending tail of `steps` in one transaction, so a failure leaves the schema as it was.
fn apply(conn: &mut Connection, steps: &[&str], db_label: &str) -> Result<(), StoreError> {
    // IMMEDIATE takes the write lock up front, so two processes opening a fresh file at once
    // cannot both run step 1.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let known = i64::try_from(steps.len()).unwrap_or(i64::MAX);
    if found > known {
        return Err(StoreError::SchemaTooNew {
            path: db_label.to_string(),
            found,
            known,
        });
    }
    let done = usize::try_from(found).map_err(|_| StoreError::Corrupt {
        what: format!("{db_label} user_version"),
        reason: format!("negative schema version {found}"),
    })?;
    for step in &steps[done..] {
        tx.execute_batch(step)?;
    }
    if found < known {
        tracing::info!(db = db_label, from = found, to = known, "migrated schema");
        tx.pragma_update(None, "user_version", known)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("user_version")
    }

    fn table_exists(conn: &Connection, name: &str) -> bool {
        conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )
        .expect("sqlite_master")
            == 1
    }

    #[test]
    fn applies_only_pending_steps() {
        let mut conn = Connection::open_in_memory().expect("open");
        apply(&mut conn, &["CREATE TABLE a (x)"], "mem").expect("step 1");
        assert_eq!(version(&conn), 1);
        // Step 1 would fail if re-run (table exists), so success proves it was skipped.
        apply(
            &mut conn,
            &["CREATE TABLE a (x)", "CREATE TABLE b (y)"],
            "mem",
        )
        .expect("step 2");
        assert_eq!(version(&conn), 2);
        assert!(table_exists(&conn, "b"));
    }

    #[test]
    fn failed_step_rolls_back_the_whole_run() {
        let mut conn = Connection::open_in_memory().expect("open");
        let err = apply(&mut conn, &["CREATE TABLE a (x)", "NOT SQL"], "mem");
        assert!(matches!(err, Err(StoreError::Sqlite(_))));
        assert_eq!(version(&conn), 0);
        assert!(!table_exists(&conn, "a"));
    }

    #[test]
    fn refuses_newer_schema() {
        let mut conn = Connection::open_in_memory().expect("open");
        conn.pragma_update(None, "user_version", 7).expect("set");
        let err = apply(&mut conn, &["CREATE TABLE a (x)"], "mem");
        match err {
            Err(StoreError::SchemaTooNew { found, known, .. }) => {
                assert_eq!((found, known), (7, 1));
            }
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
        assert!(!table_exists(&conn, "a"));
    }
}

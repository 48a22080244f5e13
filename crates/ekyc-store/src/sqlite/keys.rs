//! API key rows.
//!
//! The TC3-HMAC signature is recomputed from the secret itself, so the secret cannot be stored
//! hashed: it is kept as-is and protected by the 0600 database file inside the 0700 data dir.

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension};

use crate::{keygen, timefmt, ApiKey, KeyInfo, KeyLookup, StoreError};

pub(super) fn create(conn: &Connection, label: Option<&str>) -> Result<ApiKey, StoreError> {
    let key = ApiKey {
        secret_id: keygen::new_secret_id()?,
        secret_key: keygen::new_secret_key()?,
        label: label.map(str::to_string),
        created_at: Utc::now(),
    };
    conn.prepare_cached(
        "INSERT INTO api_keys (secret_id, secret_key, label, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((
        &key.secret_id,
        &key.secret_key,
        &key.label,
        now_text(&key.created_at)?,
    ))?;
    Ok(key)
}

pub(super) fn list(conn: &Connection) -> Result<Vec<KeyInfo>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT secret_id, label, created_at, revoked_at FROM api_keys ORDER BY created_at, rowid",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, Option<String>>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut keys = Vec::new();
    for row in rows {
        let (secret_id, label, created, revoked) = row?;
        keys.push(KeyInfo {
            created_at: timefmt::decode(&created, "api_keys.created_at")?,
            revoked_at: revoked
                .map(|t| timefmt::decode(&t, "api_keys.revoked_at"))
                .transpose()?,
            secret_id,
            label,
        });
    }
    Ok(keys)
}

pub(super) fn revoke(conn: &Connection, secret_id: &str) -> Result<bool, StoreError> {
    // COALESCE keeps the first revocation time; the row still counts as changed, so a second
    // revoke of a known key reports true.
    let changed = conn
        .prepare_cached(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?2) WHERE secret_id = ?1",
        )?
        .execute((secret_id, now_text(&Utc::now())?))?;
    Ok(changed > 0)
}

pub(super) fn find(conn: &Connection, secret_id: &str) -> Result<Option<KeyLookup>, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT secret_id, secret_key, revoked_at IS NOT NULL FROM api_keys WHERE secret_id = ?1",
        )?
        .query_row([secret_id], |row| {
            Ok(KeyLookup {
                secret_id: row.get(0)?,
                secret_key: row.get(1)?,
                revoked: row.get(2)?,
            })
        })
        .optional()?;
    Ok(found)
}

fn now_text(t: &chrono::DateTime<Utc>) -> Result<String, StoreError> {
    // The wall clock is always within 0..=9999; a failure here means a badly broken clock.
    timefmt::encode(t).ok_or_else(|| StoreError::Corrupt {
        what: "system clock".to_string(),
        reason: format!("time {t} is outside years 0..=9999"),
    })
}

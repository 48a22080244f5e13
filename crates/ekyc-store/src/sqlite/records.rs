//! Request record rows. `stages` and `inputs` are JSON text columns: they are only ever read back
//! whole with their record, so child tables would add joins without adding queries.

use rusqlite::types::Value;
use rusqlite::{ffi, params_from_iter, Connection, OptionalExtension, Row};

use crate::{timefmt, Record, RecordFilter, StoreError};

const COLUMNS: &str = "request_id, received_at, action, version, secret_id, result_code, message, \
                       sim, total_ms, stages, inputs, client, remote_addr";

pub(super) fn insert(conn: &Connection, record: &Record) -> Result<(), StoreError> {
    let row = Encoded::new(record)?;
    let sql = format!(
        "INSERT INTO records ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    );
    let result = conn.prepare_cached(&sql)?.execute((
        &record.request_id,
        &row.received_at,
        &record.action,
        &record.version,
        &record.secret_id,
        &record.result_code,
        &record.message,
        record.sim,
        record.total_ms,
        &row.stages,
        &row.inputs,
        &record.client,
        &record.remote_addr,
    ));
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_primary_key_clash(&e) => {
            Err(StoreError::DuplicateRecord(record.request_id.clone()))
        }
        Err(e) => Err(e.into()),
    }
}

fn is_primary_key_clash(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

pub(super) fn get(conn: &Connection, request_id: &str) -> Result<Option<Record>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM records WHERE request_id = ?1");
    let raw = conn
        .prepare_cached(&sql)?
        .query_row([request_id], Raw::from_row)
        .optional()?;
    raw.map(Raw::decode).transpose()
}

pub(super) fn list(conn: &Connection, filter: &RecordFilter) -> Result<Vec<Record>, StoreError> {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    if let Some(since) = &filter.since {
        // A `since` beyond year 9999 matches nothing we could have stored.
        let Some(text) = timefmt::encode(since) else {
            return Ok(Vec::new());
        };
        params.push(Value::Text(text));
        clauses.push(format!("received_at >= ?{}", params.len()));
    }
    if let Some(action) = &filter.action {
        params.push(Value::Text(action.clone()));
        clauses.push(format!("action = ?{}", params.len()));
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    params.push(Value::Integer(
        i64::try_from(filter.limit).unwrap_or(i64::MAX),
    ));
    // rowid breaks ties between equal timestamps: later insert counts as newer.
    let sql = format!(
        "SELECT {COLUMNS} FROM records {where_sql} ORDER BY received_at DESC, rowid DESC LIMIT ?{}",
        params.len()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(params), Raw::from_row)?;
    let mut out = Vec::new();
    for raw in rows {
        out.push(raw?.decode()?);
    }
    Ok(out)
}

pub(super) fn count(conn: &Connection) -> Result<u64, StoreError> {
    let n: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM records")?
        .query_row([], |row| row.get(0))?;
    u64::try_from(n).map_err(|_| StoreError::Corrupt {
        what: "records count".to_string(),
        reason: format!("negative count {n}"),
    })
}

/// The columns of a record that need encoding before they can be bound.
struct Encoded {
    received_at: String,
    stages: String,
    inputs: String,
}

impl Encoded {
    /// Validate and encode; refuses values that would not read back equal (NaN becomes NULL in
    /// SQLite and `null` in JSON) or would break time ordering.
    fn new(record: &Record) -> Result<Self, StoreError> {
        let invalid = |reason: String| StoreError::InvalidRecord {
            request_id: record.request_id.clone(),
            reason,
        };
        if record.request_id.is_empty() {
            return Err(invalid("request_id is empty".to_string()));
        }
        let numbers = std::iter::once(("total_ms", record.total_ms))
            .chain(record.sim.map(|s| ("sim", s)))
            .chain(record.stages.iter().map(|s| ("stage ms", s.ms)));
        for (name, value) in numbers {
            if !value.is_finite() {
                return Err(invalid(format!("{name} is {value}, not a finite number")));
            }
        }
        let received_at = timefmt::encode(&record.received_at)
            .ok_or_else(|| invalid("received_at is outside years 0..=9999".to_string()))?;
        let json = |what: &str, r: serde_json::Result<String>| {
            r.map_err(|e| invalid(format!("{what} cannot be encoded: {e}")))
        };
        Ok(Self {
            received_at,
            stages: json("stages", serde_json::to_string(&record.stages))?,
            inputs: json("inputs", serde_json::to_string(&record.inputs))?,
        })
    }
}

/// A row as read, before timestamp and JSON decoding (which can fail with our own error type).
struct Raw {
    request_id: String,
    received_at: String,
    action: String,
    version: Option<String>,
    secret_id: Option<String>,
    result_code: String,
    message: Option<String>,
    sim: Option<f64>,
    total_ms: f64,
    stages: String,
    inputs: String,
    client: Option<String>,
    remote_addr: Option<String>,
}

impl Raw {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            request_id: row.get(0)?,
            received_at: row.get(1)?,
            action: row.get(2)?,
            version: row.get(3)?,
            secret_id: row.get(4)?,
            result_code: row.get(5)?,
            message: row.get(6)?,
            sim: row.get(7)?,
            total_ms: row.get(8)?,
            stages: row.get(9)?,
            inputs: row.get(10)?,
            client: row.get(11)?,
            remote_addr: row.get(12)?,
        })
    }

    fn decode(self) -> Result<Record, StoreError> {
        let corrupt = |column: &str, e: serde_json::Error| StoreError::Corrupt {
            what: format!("records.{column} of {}", self.request_id),
            reason: e.to_string(),
        };
        let stages = serde_json::from_str(&self.stages).map_err(|e| corrupt("stages", e))?;
        let inputs = serde_json::from_str(&self.inputs).map_err(|e| corrupt("inputs", e))?;
        Ok(Record {
            received_at: timefmt::decode(&self.received_at, "records.received_at")?,
            request_id: self.request_id,
            action: self.action,
            version: self.version,
            secret_id: self.secret_id,
            result_code: self.result_code,
            message: self.message,
            sim: self.sim,
            total_ms: self.total_ms,
            stages,
            inputs,
            client: self.client,
            remote_addr: self.remote_addr,
        })
    }
}

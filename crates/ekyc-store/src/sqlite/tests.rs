//! Behaviour tests for the SQLite store (in-memory and on-disk).

use std::sync::Arc;
use std::thread;

use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use rusqlite::Connection;

use super::{files, migrations::MIGRATIONS, SqliteStore, DB_FILE_NAME};
use crate::{InputDigest, Record, RecordFilter, StageTiming, Store, StoreError};

fn at(secs: i64, nanos: u32) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, nanos)
        .single()
        .expect("valid test time")
}

fn record(id: &str, action: &str, received_at: DateTime<Utc>) -> Record {
    Record {
        request_id: id.to_string(),
        received_at,
        action: action.to_string(),
        version: Some("2018-03-01".to_string()),
        secret_id: Some("AKIDtest".to_string()),
        result_code: "Success".to_string(),
        message: None,
        sim: Some(87.25),
        total_ms: 123.5,
        stages: vec![
            StageTiming {
                name: "decode".to_string(),
                ms: 3.25,
            },
            StageTiming {
                name: "infer".to_string(),
                ms: 110.0,
            },
        ],
        inputs: vec![InputDigest::of("ImageBase64", b"jpeg bytes")],
        client: Some("sdk-go/1.0".to_string()),
        remote_addr: Some("10.0.0.7:51234".to_string()),
    }
}

fn ids(records: &[Record]) -> Vec<&str> {
    records.iter().map(|r| r.request_id.as_str()).collect()
}

fn mem() -> SqliteStore {
    SqliteStore::open_in_memory().expect("in-memory store")
}

#[test]
fn ping_works() {
    mem().ping().expect("ping");
}

#[test]
fn reopening_is_idempotent_and_keeps_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = {
        let store = SqliteStore::open(dir.path()).expect("first open");
        store
            .insert_record(&record("r1", "IDCardOCR", at(0, 0)))
            .expect("insert");
        store.create_key(Some("ops")).expect("key")
    };
    let store = SqliteStore::open(dir.path()).expect("second open");
    let _third = SqliteStore::open(dir.path()).expect("third open alongside");
    assert_eq!(store.count_records().expect("count"), 1);
    let found = store.find_key(&key.secret_id).expect("find").expect("kept");
    assert_eq!(found.secret_key, key.secret_key);
    let conn = Connection::open(dir.path().join(DB_FILE_NAME)).expect("raw open");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, i64::try_from(MIGRATIONS.len()).expect("fits"));
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal_mode");
    assert_eq!(journal, "wal");
}

#[test]
fn refuses_database_from_newer_build() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(SqliteStore::open(dir.path()).expect("create"));
    let conn = Connection::open(dir.path().join(DB_FILE_NAME)).expect("raw open");
    conn.pragma_update(None, "user_version", 99)
        .expect("bump version");
    drop(conn);
    match SqliteStore::open(dir.path()) {
        Err(err @ StoreError::SchemaTooNew { found: 99, .. }) => {
            assert!(err.to_string().contains("upgrade ekyc"), "{err}");
        }
        Err(other) => panic!("expected SchemaTooNew, got {other}"),
        Ok(_) => panic!("a newer schema must be refused"),
    }
}

#[test]
fn keys_create_list_find_revoke() {
    let store = mem();
    let a = store.create_key(Some("first")).expect("key a");
    let b = store.create_key(None).expect("key b");
    assert_ne!(a.secret_id, b.secret_id);
    assert_eq!(a.secret_id.len(), 36);
    assert!(a.secret_id.starts_with("AKID"));
    assert_eq!(a.secret_key.len(), 32);

    let listed = store.list_keys().expect("list");
    let listed_ids: Vec<_> = listed.iter().map(|k| k.secret_id.as_str()).collect();
    assert_eq!(listed_ids, [a.secret_id.as_str(), b.secret_id.as_str()]);
    assert_eq!(listed[0].label.as_deref(), Some("first"));
    assert_eq!(listed[0].created_at, a.created_at);
    assert!(listed.iter().all(|k| k.revoked_at.is_none()));

    let found = store.find_key(&a.secret_id).expect("find").expect("exists");
    assert_eq!(found.secret_key, a.secret_key);
    assert!(!found.revoked);
    assert!(store.find_key("AKIDnope").expect("find").is_none());

    assert!(store.revoke_key(&a.secret_id).expect("revoke"));
    assert!(!store.revoke_key("AKIDnope").expect("revoke unknown"));
    let revoked = store.find_key(&a.secret_id).expect("find").expect("exists");
    assert!(revoked.revoked);
    assert_eq!(revoked.secret_key, a.secret_key);
    assert!(
        !store
            .find_key(&b.secret_id)
            .expect("find")
            .expect("b")
            .revoked
    );

    let first_time = store.list_keys().expect("list")[0].revoked_at;
    assert!(first_time.is_some());
    assert!(store.revoke_key(&a.secret_id).expect("revoke again"));
    assert_eq!(store.list_keys().expect("list")[0].revoked_at, first_time);
}

#[test]
fn record_round_trips_exactly() {
    let store = mem();
    let mut full = record("r-full", "CompareFace", at(5, 123_456_789));
    full.message = Some("ok".to_string());
    let mut sparse = record("r-sparse", "IDCardOCR", at(6, 0));
    sparse.version = None;
    sparse.secret_id = None;
    sparse.sim = None;
    sparse.stages.clear();
    sparse.inputs.clear();
    sparse.client = None;
    sparse.remote_addr = None;
    for r in [&full, &sparse] {
        store.insert_record(r).expect("insert");
        assert_eq!(
            store.get_record(&r.request_id).expect("get").as_ref(),
            Some(r)
        );
    }
    assert!(store.get_record("missing").expect("get").is_none());
    assert_eq!(store.count_records().expect("count"), 2);
}

#[test]
fn duplicate_and_invalid_records_are_refused() {
    let store = mem();
    let r = record("dup", "IDCardOCR", at(0, 0));
    store.insert_record(&r).expect("first insert");
    assert!(matches!(
        store.insert_record(&r),
        Err(StoreError::DuplicateRecord(id)) if id == "dup"
    ));

    let mut nan = record("nan", "IDCardOCR", at(0, 0));
    nan.stages[1].ms = f64::NAN;
    let mut inf = record("inf", "IDCardOCR", at(0, 0));
    inf.sim = Some(f64::INFINITY);
    let empty = record("", "IDCardOCR", at(0, 0));
    let far = Utc.with_ymd_and_hms(12_000, 1, 1, 0, 0, 0).single();
    let future = record("far", "IDCardOCR", far.expect("valid date"));
    for bad in [nan, inf, empty, future] {
        assert!(
            matches!(
                store.insert_record(&bad),
                Err(StoreError::InvalidRecord { .. })
            ),
            "{} should be refused",
            bad.request_id
        );
    }
    assert_eq!(store.count_records().expect("count"), 1);
}

#[test]
fn list_filters_and_orders_newest_first() {
    let store = mem();
    // Inserted out of time order on purpose; r3 and r3b share a timestamp.
    let rows = [
        ("r2", "IDCardOCR", at(20, 0)),
        ("r1", "CompareFace", at(10, 0)),
        ("r4", "CompareFace", at(40, 0)),
        ("r3", "IDCardOCR", at(30, 0)),
        ("r3b", "IDCardOCR", at(30, 0)),
    ];
    for (id, action, t) in rows {
        store.insert_record(&record(id, action, t)).expect("insert");
    }
    let list = |filter: RecordFilter| store.list_records(&filter).expect("list");

    let all = list(RecordFilter::default());
    assert_eq!(ids(&all), ["r4", "r3b", "r3", "r2", "r1"]);

    let since = list(RecordFilter {
        since: Some(at(20, 0)),
        ..RecordFilter::default()
    });
    assert_eq!(ids(&since), ["r4", "r3b", "r3", "r2"], "since is inclusive");

    let action = list(RecordFilter {
        action: Some("CompareFace".to_string()),
        ..RecordFilter::default()
    });
    assert_eq!(ids(&action), ["r4", "r1"]);

    let both = list(RecordFilter {
        since: Some(at(20, 1)),
        action: Some("IDCardOCR".to_string()),
        limit: 10,
    });
    assert_eq!(ids(&both), ["r3b", "r3"]);

    let limited = list(RecordFilter {
        limit: 2,
        ..RecordFilter::default()
    });
    assert_eq!(ids(&limited), ["r4", "r3b"]);
    assert!(list(RecordFilter {
        limit: 0,
        ..RecordFilter::default()
    })
    .is_empty());

    let too_far = list(RecordFilter {
        since: Some(at(0, 0) + Span::days(365 * 9000)),
        ..RecordFilter::default()
    });
    assert!(too_far.is_empty());
}

#[test]
fn corrupt_stored_json_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(dir.path()).expect("open");
    store
        .insert_record(&record("bad", "IDCardOCR", at(0, 0)))
        .expect("insert");
    let conn = Connection::open(dir.path().join(DB_FILE_NAME)).expect("raw open");
    conn.execute(
        "UPDATE records SET stages = '{oops' WHERE request_id = 'bad'",
        [],
    )
    .expect("corrupt row");
    assert!(matches!(
        store.get_record("bad"),
        Err(StoreError::Corrupt { .. })
    ));
}

#[test]
fn concurrent_inserts_all_land() {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 25;
    let dir = tempfile::tempdir().expect("tempdir");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).expect("open"));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = Arc::clone(&store);
            thread::spawn(move || {
                for i in 0..PER_THREAD {
                    let secs = i64::try_from(i).expect("small");
                    let r = record(&format!("t{t}-{i}"), "IDCardOCR", at(secs, 0));
                    store.insert_record(&r).expect("insert");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("writer thread");
    }
    let total = u64::try_from(THREADS * PER_THREAD).expect("fits");
    assert_eq!(store.count_records().expect("count"), total);
    for t in 0..THREADS {
        let last = format!("t{t}-{}", PER_THREAD - 1);
        assert!(store.get_record(&last).expect("get").is_some());
    }
}

#[cfg(unix)]
mod modes {
    use std::fs::{self, Permissions};
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn new_dir_and_db_files_are_private() {
        let root = tempfile::tempdir().expect("tempdir");
        let data = root.path().join("nested").join("data");
        let store = SqliteStore::open(&data).expect("open");
        store
            .insert_record(&record("r", "IDCardOCR", at(0, 0)))
            .expect("write so the WAL exists");
        assert_eq!(mode(&data), 0o700);
        let db = data.join(DB_FILE_NAME);
        assert_eq!(store.path(), Some(db.as_path()));
        assert_eq!(mode(&db), 0o600);
        for companion in files::companions(&db) {
            assert!(companion.exists(), "{} missing", companion.display());
            assert_eq!(mode(&companion), 0o600, "{}", companion.display());
        }
    }

    #[test]
    fn loose_existing_db_file_is_tightened() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join(DB_FILE_NAME);
        drop(SqliteStore::open(dir.path()).expect("create"));
        fs::set_permissions(&db, Permissions::from_mode(0o644)).expect("loosen");
        for companion in files::companions(&db) {
            if companion.exists() {
                fs::set_permissions(&companion, Permissions::from_mode(0o666)).expect("loosen");
            }
        }
        let store = SqliteStore::open(dir.path()).expect("reopen");
        store
            .insert_record(&record("r", "IDCardOCR", at(0, 0)))
            .expect("write");
        assert_eq!(mode(&db), 0o600);
        for companion in files::companions(&db) {
            assert_eq!(mode(&companion), 0o600, "{}", companion.display());
        }
    }
}

//! The `ekyc` binary as a user runs it: keys, records, config, and a clear start-up error when the
//! models have not been fetched.

use std::process::{Command, Output};

fn ekyc(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ekyc"));
    cmd.args(args).env_remove("EKYC_CONFIG");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("run ekyc")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[test]
fn keys_create_list_revoke() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let out = ekyc(
        &[
            "keys",
            "create",
            "--data-dir",
            data,
            "--json",
            "--label",
            "ci",
        ],
        &[],
    );
    assert!(out.status.success(), "{out:?}");
    let key: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = key["SecretId"].as_str().unwrap();
    assert!(id.starts_with("AKID") && id.len() == 36);
    assert_eq!(key["SecretKey"].as_str().unwrap().len(), 32);
    assert_eq!(key.as_object().unwrap().len(), 2);

    let db = std::path::Path::new(data).join("ekyc.sqlite3");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&db).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let list = ekyc(&["keys", "list", "--data-dir", data, "--json"], &[]);
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(rows[0]["SecretId"], id);
    assert!(!stdout(&list).contains(key["SecretKey"].as_str().unwrap()));

    assert!(ekyc(&["keys", "revoke", "--data-dir", data, id], &[])
        .status
        .success());
    let again = ekyc(&["keys", "revoke", "--data-dir", data, "AKIDnope"], &[]);
    assert!(!again.status.success());
    let list = ekyc(&["keys", "list", "--data-dir", data], &[]);
    assert!(stdout(&list).contains("revoked"));
}

#[test]
fn serve_without_models_names_the_fetch_command() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("empty-cache");
    let data = dir.path().join("data");
    let out = ekyc(
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data-dir",
            data.to_str().unwrap(),
        ],
        &[("EKYC_HOME", home.to_str().unwrap()), ("EKYC_ORT_LIB", "")],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ekyc models fetch"), "{err}");
}

#[test]
fn config_shows_env_overrides_and_records_empty() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let out = ekyc(
        &["config"],
        &[
            ("EKYC_POOL_WORKERS", "3"),
            ("EKYC_SERVER_ADDR", "0.0.0.0:1"),
        ],
    );
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("workers = 3"), "{text}");
    assert!(text.contains("addr = \"0.0.0.0:1\""), "{text}");
    let bad = ekyc(&["config"], &[("EKYC_POOL_WORKERS", "lots")]);
    assert!(!bad.status.success());

    let records = ekyc(
        &[
            "records",
            "list",
            "--data-dir",
            data.to_str().unwrap(),
            "--json",
        ],
        &[],
    );
    assert!(records.status.success());
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&records.stdout).unwrap(),
        serde_json::json!([])
    );
    let missing = ekyc(
        &[
            "records",
            "show",
            "--data-dir",
            data.to_str().unwrap(),
            "nope",
        ],
        &[],
    );
    assert!(!missing.status.success());
}

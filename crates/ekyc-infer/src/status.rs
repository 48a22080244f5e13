//! What is in the cache compared with the manifest (for `ekyc models list` and checks).

use std::path::{Path, PathBuf};

use crate::hash::{check_file, FileCheck};
use crate::manifest::{Entry, EntryKind, Manifest, Source};

/// State of one pinned file in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryStatus {
    Missing,
    Ok,
    HashMismatch {
        actual: String,
    },
    /// The file exists but could not be read.
    Unreadable {
        error: String,
    },
}

impl EntryStatus {
    /// Short word for tables.
    pub fn label(&self) -> &'static str {
        match self {
            EntryStatus::Missing => "missing",
            EntryStatus::Ok => "ok",
            EntryStatus::HashMismatch { .. } => "hash mismatch",
            EntryStatus::Unreadable { .. } => "unreadable",
        }
    }
}

/// One manifest entry with its cache state; a ready-made row for a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryReport {
    pub name: String,
    pub kind: EntryKind,
    /// "PyPI" / "npm".
    pub source: &'static str,
    pub package: String,
    pub version: String,
    pub licence: String,
    pub purpose: String,
    pub path: PathBuf,
    /// Size on disk when the file exists.
    pub size: Option<u64>,
    pub status: EntryStatus,
}

/// Hash every manifest entry found under `home` (runtime first, then assets, then models).
pub fn verify(manifest: &Manifest, home: &Path) -> Vec<EntryReport> {
    manifest.entries().map(|e| report(e, home)).collect()
}

/// Check a single entry.
pub fn report(entry: &Entry, home: &Path) -> EntryReport {
    let path = entry.local_path(home);
    let (size, status) = match check_file(&path, &entry.sha256) {
        Ok(FileCheck::Missing) => (None, EntryStatus::Missing),
        Ok(FileCheck::Ok { size }) => (Some(size), EntryStatus::Ok),
        Ok(FileCheck::Mismatch { actual, size }) => {
            (Some(size), EntryStatus::HashMismatch { actual })
        }
        Err(e) => (
            None,
            EntryStatus::Unreadable {
                error: e.to_string(),
            },
        ),
    };
    // A converted file has no package: show the script and what it is made from instead.
    let (package, version) = match entry.source {
        Source::Convert => (
            entry.script.clone(),
            format!("from {}", entry.inputs.join("+")),
        ),
        Source::Pypi | Source::Npm => (entry.package.clone(), entry.version.clone()),
    };
    EntryReport {
        name: entry.name.clone(),
        kind: entry.kind,
        source: entry.source.label(),
        package,
        version,
        licence: entry.licence.clone(),
        purpose: entry.purpose.clone(),
        path,
        size,
        status,
    }
}

/// "7.3 MB" (decimal units, as registries print them).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "kB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(sha256: &str) -> Entry {
        Entry {
            name: "m".into(),
            source: Source::Pypi,
            package: "p".into(),
            version: "1".into(),
            file: "p/m.onnx".into(),
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

    #[test]
    fn reports_missing_ok_and_mismatch() {
        let home = tempfile::tempdir().expect("tempdir");
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let good = entry(abc);
        assert_eq!(report(&good, home.path()).status, EntryStatus::Missing);

        let path = good.local_path(home.path());
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, b"abc").expect("write");
        let ok = report(&good, home.path());
        assert_eq!(
            (ok.status, ok.size, ok.source),
            (EntryStatus::Ok, Some(3), "PyPI")
        );

        let bad = report(&entry(&"f".repeat(64)), home.path());
        assert_eq!(
            bad.status,
            EntryStatus::HashMismatch {
                actual: abc.to_string()
            }
        );
        assert_eq!(bad.status.label(), "hash mismatch");
    }

    #[test]
    fn sizes_are_human() {
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(7_304_518), "7.3 MB");
        assert_eq!(human_size(29_000_000_000), "29.0 GB");
    }
}

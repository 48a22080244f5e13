//! sha256 of files and of data as it is written.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::InferError;

/// Hex sha256 and size of a file, streamed.
pub fn sha256_file(path: &Path) -> Result<(String, u64), InferError> {
    let mut file = File::open(path).map_err(|e| InferError::io(path, e))?;
    let mut hasher = HashingWriter::new(io::sink());
    io::copy(&mut file, &mut hasher).map_err(|e| InferError::io(path, e))?;
    Ok(hasher.finish())
}

/// What a file on disk looks like compared with its pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileCheck {
    Missing,
    Ok { size: u64 },
    Mismatch { actual: String, size: u64 },
}

/// Compare the file at `path` with the expected hex sha256.
pub fn check_file(path: &Path, expected: &str) -> Result<FileCheck, InferError> {
    if !path.is_file() {
        return Ok(FileCheck::Missing);
    }
    let (actual, size) = sha256_file(path)?;
    if actual == expected {
        Ok(FileCheck::Ok { size })
    } else {
        Ok(FileCheck::Mismatch { actual, size })
    }
}

/// A writer that hashes and counts everything passed through to `inner`.
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// Hex digest and byte count.
    pub fn finish(self) -> (String, u64) {
        (hex::encode(self.hasher.finalize()), self.bytes)
    }

    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Copy at most `limit` bytes; more than that is an error (guards against archive bombs).
pub fn copy_limited<R: Read, W: Write>(reader: R, writer: &mut W, limit: u64) -> io::Result<u64> {
    let mut limited = reader.take(limit.saturating_add(1));
    let n = io::copy(&mut limited, writer)?;
    if n > limit {
        return Err(io::Error::other(format!(
            "entry larger than the {limit}-byte limit"
        )));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_known_value_and_detects_mismatch() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").expect("write");
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sha256_file(&path).ok(), Some((abc.to_string(), 3)));
        assert_eq!(check_file(&path, abc).ok(), Some(FileCheck::Ok { size: 3 }));
        let wrong = "0".repeat(64);
        assert_eq!(
            check_file(&path, &wrong).ok(),
            Some(FileCheck::Mismatch {
                actual: abc.to_string(),
                size: 3
            })
        );
        let missing = dir.path().join("nope");
        assert_eq!(check_file(&missing, abc).ok(), Some(FileCheck::Missing));
    }

    #[test]
    fn copy_limited_rejects_oversize() {
        let mut out = Vec::new();
        assert_eq!(copy_limited(&b"12345"[..], &mut out, 5).ok(), Some(5));
        let mut out = Vec::new();
        assert!(copy_limited(&b"123456"[..], &mut out, 5).is_err());
    }
}

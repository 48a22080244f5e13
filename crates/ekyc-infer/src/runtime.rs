//! Loading the ONNX Runtime shared library once per process, after checking it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::environment::Environment;

use crate::error::InferError;
use crate::hash::{check_file, FileCheck};
use crate::manifest::{Entry, Manifest};

/// Env var naming a library to load instead of the pinned one (no hash check).
pub const ORT_LIB_ENV: &str = "EKYC_ORT_LIB";

/// ort can bind only one library and build only one environment per process, so the first
/// successful load is kept here and handed out again. A failed load leaves it empty so a
/// later attempt (e.g. after `ekyc models fetch`) can succeed.
static LOADED: Mutex<Option<Runtime>> = Mutex::new(None);

/// A loaded ONNX Runtime: the handle sessions are built from. Cheap to clone.
#[derive(Clone)]
pub struct Runtime {
    env: Environment,
    lib_path: PathBuf,
    hash_verified: bool,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("lib_path", &self.lib_path)
            .field("hash_verified", &self.hash_verified)
            .finish()
    }
}

impl Runtime {
    /// Load the runtime pinned in the embedded manifest. `home_or_lib` is the cache dir
    /// (library at `<home>/runtime/<file>`) or the library file itself.
    pub fn load(home_or_lib: &Path) -> Result<Runtime, InferError> {
        let manifest = Manifest::embedded()?;
        Runtime::load_with(&manifest.runtime, home_or_lib)
    }

    /// Like [`Runtime::load`] with an explicit runtime entry (its sha256 is enforced).
    pub fn load_with(entry: &Entry, home_or_lib: &Path) -> Result<Runtime, InferError> {
        let override_path = std::env::var_os(ORT_LIB_ENV).filter(|v| !v.is_empty());
        let (lib_path, check) = match override_path {
            Some(path) => (PathBuf::from(path), false),
            None => (library_path(entry, home_or_lib), true),
        };
        let mut loaded = LOADED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(existing) = loaded.as_ref() {
            if existing.lib_path != lib_path {
                tracing::warn!(
                    loaded = %existing.lib_path.display(),
                    requested = %lib_path.display(),
                    "ONNX Runtime is already loaded in this process; reusing it"
                );
            }
            return Ok(existing.clone());
        }
        if check {
            verify_library(entry, &lib_path)?;
        } else {
            tracing::warn!(
                path = %lib_path.display(),
                "{ORT_LIB_ENV} is set: loading this ONNX Runtime library without a hash check"
            );
            if !lib_path.is_file() {
                return Err(InferError::NotFetched {
                    what: format!("ONNX Runtime library from {ORT_LIB_ENV}"),
                    path: lib_path,
                });
            }
        }
        let runtime = init(lib_path, check)?;
        *loaded = Some(runtime.clone());
        Ok(runtime)
    }

    /// The library file that was loaded.
    pub fn library_path(&self) -> &Path {
        &self.lib_path
    }

    /// False when the library came from `EKYC_ORT_LIB` and was not checked.
    pub fn hash_verified(&self) -> bool {
        self.hash_verified
    }

    pub(crate) fn environment(&self) -> &Environment {
        &self.env
    }
}

/// A directory is the cache home; anything that looks like a library file is the library.
fn library_path(entry: &Entry, home_or_lib: &Path) -> PathBuf {
    if home_or_lib.is_file() || (!home_or_lib.is_dir() && looks_like_library(home_or_lib)) {
        home_or_lib.to_path_buf()
    } else {
        entry.local_path(home_or_lib)
    }
}

fn looks_like_library(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.contains(".so") || name.ends_with(".dylib") || name.ends_with(".dll")
}

fn verify_library(entry: &Entry, path: &Path) -> Result<(), InferError> {
    let what = "ONNX Runtime library".to_string();
    match check_file(path, &entry.sha256)? {
        FileCheck::Ok { .. } => Ok(()),
        FileCheck::Missing => Err(InferError::NotFetched {
            what,
            path: path.to_path_buf(),
        }),
        FileCheck::Mismatch { actual, .. } => Err(InferError::FileHashMismatch {
            what,
            path: path.to_path_buf(),
            expected: entry.sha256.clone(),
            actual,
        }),
    }
}

fn init(lib_path: PathBuf, hash_verified: bool) -> Result<Runtime, InferError> {
    let context = || format!("loading {}", lib_path.display());
    let env = ort::init_from(&lib_path)
        .map_err(|e| InferError::ort(context(), e))?
        .with_name("ekyc")
        .with_telemetry(false)
        .build()
        .map_err(|e| InferError::ort(context(), e))?;
    tracing::info!(path = %lib_path.display(), hash_verified, "ONNX Runtime loaded");
    Ok(Runtime {
        env,
        lib_path,
        hash_verified,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Manifest;

    // These only exercise paths that fail before ort is touched, so they cannot bind a library.

    #[test]
    fn missing_library_says_run_fetch() {
        let home = tempfile::tempdir().expect("tempdir");
        let entry = Manifest::embedded().expect("manifest").runtime;
        if std::env::var_os(ORT_LIB_ENV).is_some() {
            return; // The override skips the path this test checks.
        }
        let err = Runtime::load_with(&entry, home.path()).expect_err("no library");
        let message = err.to_string();
        assert!(message.contains("run `ekyc models fetch`"), "{message}");
        assert!(
            message.contains("runtime/libonnxruntime.so.1.31.1"),
            "{message}"
        );
    }

    #[test]
    fn wrong_library_hash_is_rejected_before_loading() {
        if std::env::var_os(ORT_LIB_ENV).is_some() {
            return;
        }
        let home = tempfile::tempdir().expect("tempdir");
        let entry = Manifest::embedded().expect("manifest").runtime;
        let lib = entry.local_path(home.path());
        std::fs::create_dir_all(lib.parent().expect("parent")).expect("mkdir");
        std::fs::write(&lib, b"not a library").expect("write");
        for path in [home.path(), lib.as_path()] {
            let err = Runtime::load_with(&entry, path).expect_err("bad hash");
            assert!(matches!(err, InferError::FileHashMismatch { .. }), "{err}");
        }
    }

    #[test]
    fn home_or_library_path_resolution() {
        let entry = Manifest::embedded().expect("manifest").runtime;
        let home = Path::new("/nonexistent/ekyc-home");
        assert_eq!(
            library_path(&entry, home),
            home.join("runtime/libonnxruntime.so.1.31.1")
        );
        let lib = Path::new("/nonexistent/libonnxruntime.so.1.31.1");
        assert_eq!(library_path(&entry, lib), lib);
    }
}

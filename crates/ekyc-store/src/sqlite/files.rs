//! File-system protection for the data directory and database files.
//!
//! API secrets are stored as-is (see `keys.rs`), so these modes are what keeps them private:
//! the directory is 0700 and the database plus its `-wal`/`-shm` companions are 0600.

use std::path::{Path, PathBuf};

use crate::StoreError;

#[cfg(unix)]
mod imp {
    use std::fs::{self, DirBuilder, OpenOptions, Permissions};
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    use std::path::Path;

    use crate::StoreError;

    const DIR_MODE: u32 = 0o700;
    const FILE_MODE: u32 = 0o600;

    pub(super) fn ensure_dir(dir: &Path) -> Result<(), StoreError> {
        if dir.is_dir() {
            // An existing directory belongs to the operator: warn instead of changing it.
            let mode = fs::metadata(dir)
                .map_err(|source| dir_err(dir, source))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                tracing::warn!(
                    dir = %dir.display(),
                    mode = format!("{:o}", mode & 0o777),
                    "data directory is accessible to other users; API secrets live here, chmod 700 it"
                );
            }
            return Ok(());
        }
        DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(dir)
            .map_err(|source| dir_err(dir, source))?;
        // DirBuilder's mode is filtered by the umask; set it explicitly so it is exactly 0700.
        fs::set_permissions(dir, Permissions::from_mode(DIR_MODE))
            .map_err(|source| super::mode_err(dir, source))
    }

    pub(super) fn ensure_private_file(path: &Path) -> Result<(), StoreError> {
        // Create it ourselves with 0600 before SQLite sees it (an empty file is a valid empty
        // database); SQLite then gives -wal/-shm the same mode as the main file.
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(FILE_MODE)
            .open(path)
            .map_err(|source| super::mode_err(path, source))?;
        restrict(path)
    }

    pub(super) fn restrict(path: &Path) -> Result<(), StoreError> {
        fs::set_permissions(path, Permissions::from_mode(FILE_MODE))
            .map_err(|source| super::mode_err(path, source))
    }

    fn dir_err(dir: &Path, source: std::io::Error) -> StoreError {
        StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use std::path::Path;

    use crate::StoreError;

    // No POSIX modes here; rely on the platform's default ACLs.
    pub(super) fn ensure_dir(dir: &Path) -> Result<(), StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })
    }

    pub(super) fn ensure_private_file(_path: &Path) -> Result<(), StoreError> {
        Ok(())
    }

    pub(super) fn restrict(_path: &Path) -> Result<(), StoreError> {
        Ok(())
    }
}

fn mode_err(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::FileMode {
        path: path.to_path_buf(),
        source,
    }
}

/// Create `dir` (0700) if missing.
pub(super) fn ensure_dir(dir: &Path) -> Result<(), StoreError> {
    imp::ensure_dir(dir)
}

/// Make sure the database file exists with mode 0600.
pub(super) fn ensure_private_file(path: &Path) -> Result<(), StoreError> {
    imp::ensure_private_file(path)
}

/// Force 0600 on the WAL companions that exist right now (belt and braces: SQLite already copies
/// the main file's mode, but a file left by an older run may be looser).
pub(super) fn restrict_companions(db: &Path) -> Result<(), StoreError> {
    for path in companions(db) {
        if path.exists() {
            imp::restrict(&path)?;
        }
    }
    Ok(())
}

/// `<db>-wal` and `<db>-shm`.
pub(super) fn companions(db: &Path) -> [PathBuf; 2] {
    let with_suffix = |suffix: &str| {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [with_suffix("-wal"), with_suffix("-shm")]
}

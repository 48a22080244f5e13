//! One verified model file turned into an ONNX Runtime session behind the [`Model`] trait.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use ort::session::builder::GraphOptimizationLevel;
use ort::session::{Session, SessionInputValue};
use ort::value::{Outlet, TensorRef};

use crate::error::InferError;
use crate::hash::{check_file, FileCheck};
use crate::manifest::Entry;
use crate::model::{Model, NamedTensor};
use crate::onnx_dims::free_io_axes;
use crate::runtime::Runtime;
use crate::threads::ThreadOverrides;

/// Per-session settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionOptions {
    /// Threads inside one operator for models whose manifest entry sets none (1 was fastest
    /// for the small face models on a 2-core box; the OCR nets ask for 2). `EKYC_INTRA_THREADS`
    /// overrides both (see [`crate::ThreadOverrides`]).
    pub intra_threads: usize,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions { intra_threads: 1 }
    }
}

/// Name, element type and shape of a model input or output (`-1` = dynamic dimension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorInfo {
    pub name: String,
    /// e.g. "f32"; empty for non-tensor values.
    pub element: String,
    pub shape: Vec<i64>,
}

impl TensorInfo {
    fn from_outlet(outlet: &Outlet) -> TensorInfo {
        let dtype = outlet.dtype();
        TensorInfo {
            name: outlet.name().to_string(),
            element: dtype
                .tensor_type()
                .map(|t| t.to_string())
                .unwrap_or_default(),
            shape: dtype
                .tensor_shape()
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default(),
        }
    }
}

/// An ONNX file to load without the manifest's hash check.
#[derive(Debug, Clone, Copy)]
pub struct ModelFile<'a> {
    pub name: &'a str,
    pub path: &'a Path,
    /// Input/output axes to make symbolic (see [`Entry::free_axes`]).
    pub free_axes: &'a [usize],
}

/// Most copies of one session in a pool.
pub const MAX_SESSION_COPIES: usize = 8;

/// A loaded model. `Session::run` needs `&mut`, so calls are serialised by a mutex per
/// session; a pool ([`ModelSession::pooled`]) holds several sessions of the same file so that
/// that many calls can run at once.
pub struct ModelSession {
    name: String,
    path: PathBuf,
    free_axes: Vec<usize>,
    inputs: Vec<TensorInfo>,
    outputs: Vec<TensorInfo>,
    sessions: Vec<Mutex<Session>>,
    /// Where the next call starts looking for a free session.
    next: AtomicUsize,
    // Keeps the environment alive as long as the session.
    _runtime: Runtime,
}

impl std::fmt::Debug for ModelSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelSession")
            .field("name", &self.name)
            .field("path", &self.path)
            .field("inputs", &self.inputs)
            .field("outputs", &self.outputs)
            .finish()
    }
}

impl ModelSession {
    /// Verify the cached file of `entry` under `home` and build a session from it.
    pub fn load(
        runtime: &Runtime,
        entry: &Entry,
        home: &Path,
        opts: &SessionOptions,
    ) -> Result<ModelSession, InferError> {
        let path = entry.local_path(home);
        let what = entry.describe();
        match check_file(&path, &entry.sha256)? {
            FileCheck::Ok { .. } => {}
            FileCheck::Missing => return Err(InferError::NotFetched { what, path }),
            FileCheck::Mismatch { actual, .. } => {
                return Err(InferError::FileHashMismatch {
                    what,
                    path,
                    expected: entry.sha256.clone(),
                    actual,
                })
            }
        }
        let file = ModelFile {
            name: &entry.name,
            path: &path,
            free_axes: &entry.free_axes,
        };
        let threads = ThreadOverrides::from_env()?.threads_for(entry, opts.intra_threads);
        tracing::debug!(model = %entry.name, threads, "intra-op threads");
        let opts = SessionOptions {
            intra_threads: threads,
        };
        ModelSession::load_unverified(runtime, &file, &opts)
    }

    /// Build a session from any ONNX file without a hash check (tests, local experiments).
    pub fn load_unverified(
        runtime: &Runtime,
        file: &ModelFile,
        opts: &SessionOptions,
    ) -> Result<ModelSession, InferError> {
        let session = build_session(runtime, file, opts)?;
        let inputs = session
            .inputs()
            .iter()
            .map(TensorInfo::from_outlet)
            .collect();
        let outputs = session
            .outputs()
            .iter()
            .map(TensorInfo::from_outlet)
            .collect();
        Ok(ModelSession {
            name: file.name.to_string(),
            path: file.path.to_path_buf(),
            free_axes: file.free_axes.to_vec(),
            inputs,
            outputs,
            sessions: vec![Mutex::new(session)],
            next: AtomicUsize::new(0),
            _runtime: runtime.clone(),
        })
    }

    /// A pool of `copies` sessions of this model's (already verified) file, each with
    /// `opts.intra_threads` threads: up to `copies` calls run at once, each on its own
    /// session (for callers that spread independent calls over threads).
    pub fn pooled(&self, copies: usize, opts: &SessionOptions) -> Result<ModelSession, InferError> {
        let file = ModelFile {
            name: &self.name,
            path: &self.path,
            free_axes: &self.free_axes,
        };
        let sessions = (0..copies.clamp(1, MAX_SESSION_COPIES))
            .map(|_| build_session(&self._runtime, &file, opts).map(Mutex::new))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ModelSession {
            name: self.name.clone(),
            path: self.path.clone(),
            free_axes: self.free_axes.clone(),
            inputs: self.inputs.clone(),
            outputs: self.outputs.clone(),
            sessions,
            next: AtomicUsize::new(0),
            _runtime: self._runtime.clone(),
        })
    }

    /// Sessions in this model's pool.
    pub fn copies(&self) -> usize {
        self.sessions.len()
    }

    /// A free session of the pool, else (all busy) the next one in turn, waited for.
    fn session(&self) -> MutexGuard<'_, Session> {
        let n = self.sessions.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        for k in 0..n {
            if let Ok(s) = self.sessions[(start + k) % n].try_lock() {
                return s;
            }
        }
        self.sessions[start]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    pub fn inputs(&self) -> &[TensorInfo] {
        &self.inputs
    }

    pub fn outputs(&self) -> &[TensorInfo] {
        &self.outputs
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn bad(&self, message: String) -> InferError {
        InferError::BadTensor {
            model: self.name.clone(),
            message,
        }
    }
}

/// One ONNX Runtime session of `file`.
fn build_session(
    runtime: &Runtime,
    file: &ModelFile,
    opts: &SessionOptions,
) -> Result<Session, InferError> {
    let ModelFile {
        name,
        path,
        free_axes,
    } = *file;
    let context = format!("creating a session for {name} from {}", path.display());
    let err = |e: &dyn std::fmt::Display| InferError::ort(context.clone(), e);
    let mut builder = Session::builder(runtime.environment())
        .map_err(|e| err(&e))?
        .with_optimization_level(GraphOptimizationLevel::Level3)
        .map_err(|e| err(&e))?
        .with_intra_threads(opts.intra_threads.max(1))
        .map_err(|e| err(&e))?
        .with_inter_threads(1)
        .map_err(|e| err(&e))?
        // Spinning threads burn a core while idle; bad on a small shared box.
        .with_intra_op_spinning(false)
        .map_err(|e| err(&e))?;
    let session = if free_axes.is_empty() {
        builder.commit_from_file(path)
    } else {
        let bytes = std::fs::read(path).map_err(|e| InferError::io(path, e))?;
        let freed = free_io_axes(&bytes, free_axes).map_err(|message| InferError::ModelFormat {
            path: path.to_path_buf(),
            message,
        })?;
        builder.commit_from_memory(&freed)
    }
    .map_err(|e| err(&e))?;
    Ok(session)
}

impl Model for ModelSession {
    fn name(&self) -> &str {
        &self.name
    }

    fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
        for input in inputs {
            if !self.inputs.iter().any(|i| i.name == input.name) {
                let known: Vec<&str> = self.inputs.iter().map(|i| i.name.as_str()).collect();
                return Err(self.bad(format!(
                    "no input named `{}` (inputs: {})",
                    input.name,
                    known.join(", ")
                )));
            }
        }
        // ort needs contiguous data; most callers already pass standard-layout arrays.
        let contiguous: Vec<_> = inputs.iter().map(|t| t.data.as_standard_layout()).collect();
        let mut values: Vec<(Cow<'_, str>, SessionInputValue<'_>)> =
            Vec::with_capacity(inputs.len());
        for (tensor, data) in inputs.iter().zip(&contiguous) {
            let value = TensorRef::from_array_view(data.view())
                .map_err(|e| self.bad(format!("input `{}`: {e}", tensor.name)))?;
            values.push((Cow::Borrowed(tensor.name.as_str()), value.into()));
        }
        let mut session = self.session();
        let outputs = session
            .run(values)
            .map_err(|e| InferError::ort(format!("running {}", self.name), e))?;
        let mut result = Vec::with_capacity(outputs.len());
        for (name, value) in outputs.iter() {
            let array = value
                .try_extract_array::<f32>()
                .map_err(|e| self.bad(format!("output `{name}` is not an f32 tensor: {e}")))?;
            result.push(NamedTensor::new(name, array.to_owned()));
        }
        Ok(result)
    }
}

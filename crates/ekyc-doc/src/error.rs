//! The one error type of the crate.

use ekyc_infer::InferError;
use thiserror::Error;

/// Why a document could not be read.
#[derive(Debug, Error)]
pub enum DocError {
    /// Running a model failed.
    #[error(transparent)]
    Infer(#[from] InferError),
    /// A model answered with tensors of an unexpected shape or content.
    #[error("model {model}: {message}")]
    BadOutput { model: String, message: String },
    /// The recogniser's character dictionary could not be read or lacks the MRZ alphabet.
    #[error("character dictionary: {0}")]
    Dictionary(String),
    /// No machine-readable zone was found in the image.
    #[error("no MRZ found: {reason}")]
    NoMrz { reason: String },
}

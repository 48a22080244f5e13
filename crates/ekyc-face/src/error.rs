//! The crate's error type.

use ekyc_infer::InferError;

/// Errors from the face pipeline.
#[derive(Debug, thiserror::Error)]
pub enum FaceError {
    #[error(transparent)]
    Infer(#[from] InferError),

    /// A model answered with tensors of unexpected names or shapes.
    #[error("model `{model}` gave unexpected output: {message}")]
    BadOutput { model: String, message: String },

    /// The caller passed something the pipeline cannot use (empty image, wrong chip size...).
    #[error("invalid input: {0}")]
    BadInput(String),
}

impl FaceError {
    pub(crate) fn output(model: &str, message: impl Into<String>) -> FaceError {
        FaceError::BadOutput {
            model: model.to_string(),
            message: message.into(),
        }
    }
}

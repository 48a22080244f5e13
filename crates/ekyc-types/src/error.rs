//! `EkycError`: a wire code plus a human message. Every failure that reaches a client is one.

use crate::codes::ErrorCode;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub struct EkycError {
    pub code: ErrorCode,
    pub message: String,
}

impl EkycError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        EkycError {
            code,
            message: message.into(),
        }
    }

    /// The code with its table description as message.
    pub fn bare(code: ErrorCode) -> Self {
        EkycError::new(code, code.description())
    }

    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        EkycError::new(ErrorCode::InvalidParameter, message)
    }

    pub fn invalid_value(message: impl Into<String>) -> Self {
        EkycError::new(ErrorCode::InvalidParameterValue, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        EkycError::new(ErrorCode::InternalError, message)
    }
}

impl fmt::Display for EkycError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for EkycError {}

impl From<ErrorCode> for EkycError {
    fn from(code: ErrorCode) -> Self {
        EkycError::bare(code)
    }
}

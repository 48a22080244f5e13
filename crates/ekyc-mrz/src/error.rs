//! The one error type of the crate.

use thiserror::Error;

/// Why a text could not be read as an MRZ, or why fields could not be formatted into one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MrzError {
    /// MRZs have 2 (TD2, TD3, visas) or 3 (TD1) lines.
    #[error("an MRZ has 2 or 3 lines, got {found}")]
    LineCount { found: usize },
    /// A line does not have the length its layout needs (`line` is 1-based).
    #[error(
        "MRZ line {line} has {found} characters, expected {expected} (all lengths: {lengths:?})"
    )]
    LineLength {
        line: usize,
        found: usize,
        expected: usize,
        lengths: Vec<usize>,
    },
    /// A character outside `A-Z`, `0-9` and `<` (`line` and `position` are 1-based).
    #[error("MRZ line {line} position {position}: character {ch:?} is not in A-Z 0-9 <")]
    InvalidChar {
        line: usize,
        position: usize,
        ch: char,
    },
    /// The size fits, but the document code and the check digits fit neither layout of that size.
    #[error("unknown MRZ layout: document code {document_code:?} on {lines}x{line_len} lines")]
    UnknownLayout {
        document_code: String,
        lines: usize,
        line_len: usize,
    },
    /// A value handed to a `format_*` function cannot be written into its MRZ field.
    #[error("cannot format MRZ field {field}: {reason}")]
    InvalidField { field: &'static str, reason: String },
}

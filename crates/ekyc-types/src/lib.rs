//! Types shared by every ekyc crate: the one error-code table (`codes`), the error value that carries
//! a code plus a message (`EkycError`), and the Tencent-compatible wire structs (`wire`).
//!
//! This crate does no I/O.

pub mod codes;
pub mod error;
pub mod params;
pub mod wire;

pub use codes::{CardAlarm, Category, ErrorCode};
pub use error::EkycError;

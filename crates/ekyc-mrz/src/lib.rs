//! Pure ICAO Doc 9303 machine-readable-zone (MRZ) handling: text in, structured result out.
//!
//! - [`parse`] / [`parse_text`]: read a TD1, TD2, TD3, MRV-A or MRV-B MRZ, report every check digit
//!   (a wrong printed digit is reported, never "fixed"), expand dates with a documented century rule.
//! - [`resolve`]: choose among per-character OCR alternatives so that check digits hold.
//! - [`doubt`]: how far those alternatives support another reading the check digits cannot refute.
//! - [`normalise_line`]: conservative clean-up of a raw OCR line.
//! - [`format_td1`], [`format_td2`], [`format_td3`], [`format_mrz`]: build an MRZ with correct
//!   check digits (synthetic documents, tests).
//!
//! No I/O and no OCR here. Fuzzing: `cargo fuzz` needs a nightly toolchain, which this project does
//! not use, so the property tests in `tests/props.rs` (proptest: arbitrary strings and line sets
//! never panic, formatted MRZs round-trip, corrupted ones are caught) are the fuzzing.

mod check;
mod confusable;
mod dates;
mod doubt;
mod error;
mod fields;
mod format;
mod groups;
mod layout;
mod normalise;
mod parse;
mod resolve;
mod swaps;

pub use check::{char_value, check_digit, is_mrz_char};
pub use confusable::confusable;
pub use dates::ParseOptions;
pub use doubt::{doubt, Doubt, DoubtLimits};
pub use error::MrzError;
pub use fields::MrzFields;
pub use format::{format_mrz, format_td1, format_td2, format_td3, MrzInput};
pub use groups::CheckResult;
pub use layout::MrzFormat;
pub use normalise::normalise_line;
pub use parse::{parse, parse_text, parse_text_with, parse_with, MrzReading};
pub use resolve::{resolve, resolve_with, Alternatives, CandidateLine, ResolveOptions};

//! Reading identity documents: text detection and recognition with PP-OCR ONNX nets, and the
//! machine-readable zone (MRZ) reader built on them.
//!
//! - [`TextDetector`]: DB-net probability map → rotated text boxes.
//! - [`TextRecognizer`]: CTC recogniser for upright line crops; for MRZs restricted to `A-Z0-9<`
//!   with per-character alternatives.
//! - [`MrzReader`]: finds the 2–3 MRZ lines, cuts the band out deskewed and detects its lines
//!   again at a fixed scale, reads each line from two crops, tries orientations and lets
//!   [`ekyc_mrz::resolve`] pick the check-digit-valid reading. A printed MRZ is never "fixed".
//!
//! The nets sit behind [`ekyc_infer::Model`], so everything here is testable with fakes.

mod assemble;
mod band;
mod clutter;
mod components;
mod ctc;
mod detect;
mod dictionary;
mod ensemble;
mod error;
mod geometry;
mod glyph_height;
mod glyph_scale;
mod glyph_stem;
mod glyph_view;
mod letters;
mod line_end;
mod lines;
mod reader;
#[cfg(test)]
mod reader_tests;
mod recognize;
mod shrink;
mod slots;

pub use band::{band_region, dominant_angle, find_bands, Band};
pub use ctc::{decode_greedy, decode_restricted, AltOptions, RecognizedLine};
pub use detect::{input_size, DetectorOptions, TextBox, TextDetector};
pub use dictionary::{onnx_metadata, Charset};
pub use ensemble::combine;
pub use error::DocError;
pub use geometry::{convex_hull, crop_rotated, min_area_rect, Point, RotatedRect};
pub use letters::{fix_letter_fields, letters_plausible};
pub use lines::{
    dominant_direction, in_text_frame, reading_order, turn, LineOptions, LineReader, TextLine,
};
pub use reader::{LocatedMrz, MrzReader, ReaderOptions, DETECTOR_MODEL, RECOGNIZER_MODEL};
pub use recognize::{TextRecognizer, LATIN_RECOGNIZER_MODEL, LINE_HEIGHT, MRZ_ALPHABET};

//! One module per top-level command.

pub mod bench;
pub mod bench_faces;
pub mod bench_liveness;
pub mod bench_ocr;
pub mod compare;
pub mod eval;
pub mod eval_alarms;
pub mod eval_cards;
pub mod eval_documents;
pub mod eval_faces;
pub mod eval_liveness;
pub mod eval_spoof;
pub mod eval_viz;
pub mod faces;
pub mod keys;
pub mod liveness;
pub mod models;
pub mod ocr;
pub mod ocr_cards;
pub mod records;
pub mod serve;

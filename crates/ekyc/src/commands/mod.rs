//! One module per top-level command.

pub mod bench;
pub mod keys;
pub mod models;
pub mod records;
pub mod serve;

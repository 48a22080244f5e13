//! The audio half of LIP liveness: is there a voice, is it loud enough, and did it say the
//! requested digits?
//!
//! - [`vad`]: Silero VAD v5 (`silero_vad`) on 32 ms windows, hysteresis into voiced spans.
//! - [`level`]: loudness (dBFS) measured on the samples, and a 10 ms RMS envelope.
//! - [`mel`]: Whisper's log-mel front end.
//! - [`decode`]: Whisper tiny.en (`whisper_encoder`, `whisper_digits_decoder`) decoding
//!   restricted to the digit [`tokens`], scoring the requested code against the best hypothesis.
//!
//! [`SpeechRecognizer::analyse`] runs them in that order and gives a [`SpeechReport`] with a
//! [`SpeechVerdict`].

pub mod decode;
pub mod level;
pub mod mel;
mod recognizer;
mod report;
pub mod tokens;
pub mod vad;

pub use recognizer::{SpeechModels, SpeechRecognizer, MAX_AUDIO_S, MAX_RECOGNISE_S};
pub use report::{SpeechConfig, SpeechError, SpeechReport, SpeechTimings, SpeechVerdict};

/// Voice activity model (manifest name).
pub const VAD_MODEL: &str = "silero_vad";
/// Whisper encoder (manifest name).
pub const ENCODER_MODEL: &str = "whisper_encoder";
/// Whisper decoder restricted to the digit table (manifest name).
pub const DECODER_MODEL: &str = "whisper_digits_decoder";
/// Every manifest model this crate needs (load them into the engine).
pub const MODEL_NAMES: &[&str] = &[VAD_MODEL, ENCODER_MODEL, DECODER_MODEL];

#[cfg(test)]
mod recognizer_tests;

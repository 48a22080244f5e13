//! Shared by the examples: load the models, read audio from a WAV or a video file.

#![allow(dead_code)]

use std::path::Path;

use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_media::{decode_video, VideoOptions};
use ekyc_speech::{SpeechConfig, SpeechRecognizer, MODEL_NAMES};

/// The recognizer with `threads` threads per operator (the server default is 1).
pub fn recognizer(cfg: SpeechConfig, threads: usize) -> Result<SpeechRecognizer, String> {
    let manifest = Manifest::embedded().map_err(|e| e.to_string())?;
    let home = default_home().map_err(|e| e.to_string())?;
    let opts = SessionOptions {
        intra_threads: threads,
    };
    let engine = Engine::load(&manifest, &home, MODEL_NAMES, &opts)
        .map_err(|e| format!("{e} (run `ekyc models fetch`)"))?;
    SpeechRecognizer::from_engine(&engine, cfg).map_err(|e| e.to_string())
}

/// 16 kHz mono samples: WAV files (16-bit PCM, 16 kHz, mono) are read directly, anything else
/// goes through the video decoder (an empty vector when it has no audio stream).
pub fn read_audio(path: &Path) -> Result<Vec<f32>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.starts_with(b"RIFF") {
        return read_wav(&bytes).map_err(|e| format!("{}: {e}", path.display()));
    }
    let opts = VideoOptions {
        want_audio: true,
        fps: 1.0,
        ..VideoOptions::default()
    };
    let video = decode_video(&bytes, &opts).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(video.audio_16k_mono.unwrap_or_default())
}

/// A minimal RIFF/WAVE reader for what tools/speech/gen_digits.py writes.
pub fn read_wav(bytes: &[u8]) -> Result<Vec<f32>, String> {
    let u16_at = |i: usize| {
        bytes
            .get(i..i + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |i: usize| {
        bytes
            .get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    if bytes.get(8..12) != Some(b"WAVE") {
        return Err("not a WAVE file".into());
    }
    let mut pos = 12;
    let mut format = None;
    while let (Some(id), Some(len)) = (bytes.get(pos..pos + 4), u32_at(pos + 4)) {
        let body = pos + 8;
        let len = len as usize;
        match id {
            b"fmt " => {
                format = Some((
                    u16_at(body),
                    u16_at(body + 2),
                    u32_at(body + 4),
                    u16_at(body + 14),
                ))
            }
            b"data" => {
                if format != Some((Some(1), Some(1), Some(16_000), Some(16))) {
                    return Err(format!("need 16-bit PCM mono 16 kHz, got {format:?}"));
                }
                let data = bytes
                    .get(body..(body + len).min(bytes.len()))
                    .unwrap_or(&[]);
                return Ok(data
                    .chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0)
                    .collect());
            }
            _ => {}
        }
        pos = body + len + (len & 1);
    }
    Err("no data chunk".into())
}

//! The whole analysis with fake models behind the `Model` trait: a VAD that hears any sample
//! above a level, an encoder of zeros and a decoder that "says" a scripted digit string.

use std::sync::Arc;

use ekyc_infer::ndarray::ArrayD;
use ekyc_infer::{InferError, Model, NamedTensor};

use crate::level::from_dbfs;
use crate::tokens::{TokenKind, END, PROMPT, TABLE};
use crate::{SpeechConfig, SpeechModels, SpeechRecognizer, SpeechVerdict};

/// Speech probability 0.9 when any new sample of the window exceeds 0.1, else 0.05.
struct FakeVad;

impl Model for FakeVad {
    fn name(&self) -> &str {
        "fake_vad"
    }
    fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
        let input = &inputs[0].data;
        let loud = input.iter().skip(64).any(|x| x.abs() > 0.1);
        let p = if loud { 0.9 } else { 0.05 };
        Ok(vec![
            NamedTensor::new("output", ArrayD::from_elem(vec![1, 1], p)),
            NamedTensor::new("stateN", inputs[1].data.clone()),
        ])
    }
}

struct FakeEncoder;

impl Model for FakeEncoder {
    fn name(&self) -> &str {
        "fake_encoder"
    }
    fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
        let frames = inputs[0].data.shape()[2];
        Ok(vec![
            NamedTensor::new("cross_k", ArrayD::zeros(vec![4, 1, 6, 64, frames / 2])),
            NamedTensor::new("cross_v", ArrayD::zeros(vec![4, 1, 6, frames / 2, 64])),
        ])
    }
}

/// Prefers, at generated position p, the spaced digit `said[p]` (logit 8), then the end token;
/// every other token has logit 0.
struct FakeDecoder {
    said: &'static str,
}

impl Model for FakeDecoder {
    fn name(&self) -> &str {
        "fake_decoder"
    }
    fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
        let tokens = &inputs[0].data;
        let (beams, new) = (tokens.shape()[0], tokens.shape()[1]);
        let past = inputs[1].data.shape()[2];
        let total = past + new;
        let generated = total - PROMPT.len();
        let wanted = match self.said.as_bytes().get(generated) {
            Some(&b) => TABLE
                .iter()
                .position(|t| t.kind == TokenKind::Digit(b - b'0') && t.text.starts_with('Ġ'))
                .unwrap_or(END),
            None => END,
        };
        let mut logits = ArrayD::zeros(vec![beams, new, TABLE.len()]);
        for b in 0..beams {
            logits[[b, new - 1, wanted]] = 8.0;
        }
        let cache = ArrayD::zeros(vec![4, beams, total, 384]);
        Ok(vec![
            NamedTensor::new("logits", logits),
            NamedTensor::new("self_k_out", cache.clone()),
            NamedTensor::new("self_v_out", cache),
        ])
    }
}

fn recognizer(said: &'static str) -> SpeechRecognizer {
    let models = SpeechModels {
        vad: Arc::new(FakeVad),
        encoder: Arc::new(FakeEncoder),
        decoder: Arc::new(FakeDecoder { said }),
    };
    SpeechRecognizer::new(models, SpeechConfig::default())
}

/// 3 s of audio: silence, then a 1.5 s 200 Hz tone at `dbfs` peak from 0.5 s.
fn clip(dbfs: f32) -> Vec<f32> {
    let amp = from_dbfs(dbfs);
    (0..48_000)
        .map(|n| {
            let t = n as f32 / 16_000.0;
            if (0.5..2.0).contains(&t) {
                amp * (2.0 * std::f32::consts::PI * 200.0 * t).sin()
            } else {
                0.0
            }
        })
        .collect()
}

#[test]
fn the_said_code_matches() {
    let report = recognizer("0578")
        .analyse(&clip(-6.0), "0578")
        .expect("analyse");
    assert_eq!(report.verdict, SpeechVerdict::Match);
    assert_eq!(report.heard.as_deref(), Some("0578"));
    assert_eq!(report.requested_margin, Some(0.0));
    // One voiced span around 0.5..2.0 s (32 ms windows), level of a -6 dBFS sine = -9 dBFS.
    assert_eq!(report.voiced.len(), 1);
    assert!((report.voiced[0].0 - 0.48).abs() < 0.04 && (report.voiced[0].1 - 2.0).abs() < 0.04);
    assert!((report.voiced_dbfs.unwrap_or(0.0) + 9.0).abs() < 0.5);
    assert!((report.peak_dbfs + 6.0).abs() < 0.05);
    assert_eq!(report.envelope_10ms.len(), 300);
}

#[test]
fn another_code_is_wrong() {
    let report = recognizer("0578")
        .analyse(&clip(-6.0), "3801")
        .expect("analyse");
    assert_eq!(report.verdict, SpeechVerdict::WrongCode);
    assert_eq!(report.heard.as_deref(), Some("0578"));
    // Each forced step gives up a logit-8 token: far beyond the default margin (6).
    assert!(report.requested_margin.unwrap_or(0.0) > 20.0);
    // A code differing in one digit costs about one step (~8), still beyond it.
    let one_off = recognizer("0578")
        .analyse(&clip(-6.0), "0579")
        .expect("analyse");
    assert_eq!(one_off.verdict, SpeechVerdict::WrongCode);
    let m = one_off.requested_margin.unwrap_or(0.0);
    assert!(m > 6.0 && m < 20.0, "margin {m}");
}

#[test]
fn quiet_voice_is_low_and_silence_is_no_voice() {
    // Peak -45 dBFS: the fake VAD hears it only because the audio is normalised first.
    let quiet = recognizer("0578")
        .analyse(&clip(-45.0), "0578")
        .expect("analyse");
    assert_eq!(quiet.verdict, SpeechVerdict::VoiceLow);
    assert!(quiet.heard.is_none());
    let silent = recognizer("0578")
        .analyse(&vec![0.0; 48_000], "0578")
        .expect("analyse");
    assert_eq!(silent.verdict, SpeechVerdict::NoVoice);
    assert_eq!(silent.peak_dbfs, -120.0);
    // Too short to be a code: 0.2 s of tone.
    let mut blip = vec![0.0f32; 48_000];
    for (n, x) in blip.iter_mut().enumerate().skip(16_000).take(3_200) {
        *x = 0.5 * (n as f32 * 0.08).sin();
    }
    let short = recognizer("0578").analyse(&blip, "0578").expect("analyse");
    assert_eq!(short.verdict, SpeechVerdict::NoVoice);
}

#[test]
fn empty_tiny_and_hostile_input() {
    let r = recognizer("0578");
    for audio in [
        vec![],
        vec![0.3],
        vec![f32::NAN; 1000],
        vec![f32::INFINITY; 20_000],
    ] {
        let report = r.analyse(&audio, "0578").expect("no error on odd audio");
        assert_eq!(
            report.verdict,
            SpeechVerdict::NoVoice,
            "{:?}",
            audio.first()
        );
    }
    for code in ["", "12a4", "123456789", "١٢٣٤"] {
        assert!(r.analyse(&clip(-6.0), code).is_err(), "code {code:?}");
    }
}

#[test]
fn repeated_code_is_accepted() {
    let report = recognizer("05780578")
        .analyse(&clip(-6.0), "0578")
        .expect("analyse");
    assert_eq!(report.verdict, SpeechVerdict::Match);
    assert_eq!(report.heard.as_deref(), Some("05780578"));
}

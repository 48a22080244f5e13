//! [`SpeechRecognizer`]: levels, voice activity and digit recognition of one clip's audio.

use std::sync::Arc;
use std::time::Instant;

use ekyc_infer::{Engine, Model};

use crate::decode::{self, Constraint, SearchLimits};
use crate::level::{self, to_dbfs};
use crate::mel::{MelFrontEnd, N_MELS, SAMPLE_RATE};
use crate::report::{SpeechConfig, SpeechError, SpeechReport, SpeechTimings, SpeechVerdict};
use crate::vad;
use crate::{DECODER_MODEL, ENCODER_MODEL, VAD_MODEL};

/// Audio beyond this many seconds is ignored (the intake caps videos well below).
pub const MAX_AUDIO_S: f32 = 60.0;
/// Recognition sees at most this much audio from the first voiced span (Whisper's window).
pub const MAX_RECOGNISE_S: f32 = 30.0;

/// The three models, as trait objects so tests can pass fakes.
#[derive(Clone)]
pub struct SpeechModels {
    pub vad: Arc<dyn Model>,
    pub encoder: Arc<dyn Model>,
    pub decoder: Arc<dyn Model>,
}

pub struct SpeechRecognizer {
    models: SpeechModels,
    cfg: SpeechConfig,
    front_end: MelFrontEnd,
}

impl SpeechRecognizer {
    /// Take [`crate::MODEL_NAMES`] from an engine that loaded them.
    pub fn from_engine(engine: &Engine, cfg: SpeechConfig) -> Result<Self, SpeechError> {
        let models = SpeechModels {
            vad: engine.model(VAD_MODEL)?,
            encoder: engine.model(ENCODER_MODEL)?,
            decoder: engine.model(DECODER_MODEL)?,
        };
        Ok(Self::new(models, cfg))
    }

    pub fn new(models: SpeechModels, cfg: SpeechConfig) -> Self {
        SpeechRecognizer {
            models,
            cfg,
            front_end: MelFrontEnd::new(),
        }
    }

    pub fn config(&self) -> &SpeechConfig {
        &self.cfg
    }

    /// Analyse 16 kHz mono audio in [-1, 1] (an empty slice for a clip without an audio
    /// track) against the requested code (1 to 8 ASCII digits).
    pub fn analyse(
        &self,
        audio: &[f32],
        requested_code: &str,
    ) -> Result<SpeechReport, SpeechError> {
        let started = Instant::now();
        let code_ok = (1..=8).contains(&requested_code.len())
            && requested_code.bytes().all(|b| b.is_ascii_digit());
        if !code_ok {
            return Err(SpeechError::BadCode(
                requested_code.chars().take(32).collect(),
            ));
        }
        let cap = (MAX_AUDIO_S * SAMPLE_RATE as f32) as usize;
        // Non-finite samples would poison every sum below.
        let audio: Vec<f32> = audio
            .iter()
            .take(cap)
            .map(|&x| {
                if x.is_finite() {
                    x.clamp(-1.0, 1.0)
                } else {
                    0.0
                }
            })
            .collect();
        let peak_dbfs = to_dbfs(level::peak(&audio));
        let mut report = SpeechReport {
            duration_s: audio.len() as f32 / SAMPLE_RATE as f32,
            voiced: Vec::new(),
            voiced_s: 0.0,
            voiced_dbfs: None,
            loudest_segment_dbfs: None,
            peak_dbfs,
            envelope_10ms: level::envelope_10ms(&audio),
            heard: None,
            requested_margin: None,
            verdict: SpeechVerdict::NoVoice,
            timings: SpeechTimings::default(),
        };
        if peak_dbfs < self.cfg.silence_peak_dbfs {
            report.timings.total_ms = ms_since(started);
            return Ok(report);
        }
        let gain_db = (self.cfg.normalise_peak_dbfs - peak_dbfs).clamp(0.0, self.cfg.max_gain_db);
        let gain = level::from_dbfs(gain_db);
        let normalised: Vec<f32> = audio.iter().map(|x| x * gain).collect();

        let vad_started = Instant::now();
        let probs = vad::window_probabilities(self.models.vad.as_ref(), &normalised)?;
        report.voiced = vad::segments(&probs, &self.cfg.segments);
        report.timings.vad_ms = ms_since(vad_started);
        report.voiced_s = report.voiced.iter().fold(0.0, |sum, s| sum + (s.1 - s.0));
        report.voiced_dbfs = level::spans_dbfs(&audio, &report.voiced, SAMPLE_RATE);
        report.loudest_segment_dbfs = report
            .voiced
            .iter()
            .filter_map(|&s| level::spans_dbfs(&audio, &[s], SAMPLE_RATE))
            .reduce(f32::max);

        report.verdict = self.level_verdict(&report);
        if report.verdict != SpeechVerdict::Match {
            report.timings.total_ms = ms_since(started);
            return Ok(report);
        }
        let recognise_started = Instant::now();
        let (heard, margin) = self.recognise(&normalised, &report.voiced, requested_code)?;
        report.timings.recognise_ms = ms_since(recognise_started);
        let allowed = if differing_digits(heard.as_deref(), requested_code) >= 3 {
            self.cfg.code_margin_far
        } else {
            self.cfg.code_margin
        };
        report.verdict = match margin {
            Some(m) if m <= allowed => SpeechVerdict::Match,
            _ => SpeechVerdict::WrongCode,
        };
        report.heard = heard;
        report.requested_margin = margin;
        report.timings.total_ms = ms_since(started);
        Ok(report)
    }

    /// NoVoice / VoiceLow from the voiced spans and their level; Match = go on recognising.
    fn level_verdict(&self, report: &SpeechReport) -> SpeechVerdict {
        if report.voiced_s < self.cfg.min_voiced_s {
            return SpeechVerdict::NoVoice;
        }
        match report.voiced_dbfs {
            Some(db) if db >= self.cfg.low_voice_dbfs => SpeechVerdict::Match,
            Some(_) => SpeechVerdict::VoiceLow,
            None => SpeechVerdict::NoVoice,
        }
    }

    /// Best hypothesis and the requested code's margin behind it, on the voiced span.
    fn recognise(
        &self,
        audio: &[f32],
        voiced: &[(f32, f32)],
        code: &str,
    ) -> Result<(Option<String>, Option<f32>), SpeechError> {
        let (Some(first), Some(last)) = (voiced.first(), voiced.last()) else {
            return Ok((None, None));
        };
        let start = (first.0 - self.cfg.recognise_pad_s).max(0.0);
        let end = (last.1 + self.cfg.recognise_pad_s).min(start + MAX_RECOGNISE_S);
        let range = level::span_samples((start, end), audio.len(), SAMPLE_RATE);
        let mel = self.front_end.log_mel(&audio[range]);
        let frames = mel.len() / N_MELS;
        // The encoder halves the frame count: keep it even.
        let even = frames - frames % 2;
        if even < 2 {
            return Ok((None, None));
        }
        let trimmed: Vec<f32> = mel
            .chunks(frames)
            .flat_map(|band| band[..even].iter().copied())
            .collect();
        let encoded = decode::encode(self.models.encoder.as_ref(), &trimmed, even)?;
        let limits = SearchLimits {
            beam: self.cfg.beam,
            max_digits: decode::MAX_DIGITS,
        };
        let mut codes = vec![code.to_string()];
        if self.cfg.accept_repeat {
            codes.push(code.repeat(2));
        }
        // The free search says as many digits as the accepted answers: a clipped "0" (the
        // model unsure where the transcript ends) or a looping "094949" would otherwise
        // outscore the full answer and be reported as heard.
        let constraints = [
            Constraint::Free {
                lengths: codes.iter().map(String::len).collect(),
            },
            Constraint::OneOf(codes),
        ];
        let mut results = decode::search(
            self.models.decoder.as_ref(),
            &encoded,
            &constraints,
            &limits,
        )?;
        let forced = results.pop().unwrap_or_default();
        let free = results.pop().unwrap_or_default();
        let best = free.first();
        let requested = forced.first();
        let heard = match (best, requested) {
            (Some(b), Some(r)) if r.log_prob > b.log_prob => Some(r.digits.clone()),
            (Some(b), _) => Some(b.digits.clone()),
            (None, r) => r.map(|r| r.digits.clone()),
        };
        let margin = match (best, requested) {
            (Some(b), Some(r)) => Some((b.log_prob - r.log_prob).max(0.0)),
            (None, Some(_)) => Some(0.0),
            _ => None,
        };
        Ok((heard, margin))
    }
}

/// Places where the heard digits differ from the code (a length mismatch counts the extra
/// places; nothing heard differs everywhere).
fn differing_digits(heard: Option<&str>, code: &str) -> usize {
    let Some(heard) = heard else {
        return code.len();
    };
    let same = heard
        .bytes()
        .zip(code.bytes())
        .filter(|(a, b)| a == b)
        .count();
    heard.len().max(code.len()) - same
}

fn ms_since(t: Instant) -> f32 {
    t.elapsed().as_secs_f32() * 1000.0
}

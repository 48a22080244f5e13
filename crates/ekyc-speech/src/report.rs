//! Settings, results and errors of [`crate::SpeechRecognizer::analyse`].

use ekyc_infer::InferError;

use crate::vad::SegmentRule;

/// Thresholds of the audio checks. `Default` holds the documented values.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeechConfig {
    /// Less voiced audio than this (seconds) is "no voice" (four digits take over a second).
    pub min_voiced_s: f32,
    /// Voiced parts quieter than this RMS level (dBFS) are "voice too low". Phone speech is
    /// typically -30..-15 dBFS RMS; the real low-voice clip is about -55.
    pub low_voice_dbfs: f32,
    /// Accept the requested code when its log-probability is within this margin of the best
    /// hypothesis. On 300 synthetic clips (eval_digits, clean to 5 dB SNR) a margin of 4
    /// accepted 92.0 % of the spoken codes and 0 % of random other codes; 6 accepted 96.0 %
    /// and 0.3 % (one clip in 5 dB babble). Re-tune on real selfie audio.
    pub code_margin: f32,
    /// The margin when the best hypothesis differs from the requested code in three or more
    /// places: noise that makes every code score alike must not pass a code nobody said
    /// (a random code got within 6 of "1111" heard in 5 dB babble). eval_digits, 300 clips:
    /// far margin 6 → 96.3 % accepted, 0.3 % wrong accepted; 5 → 95.0 %, 0 %; 4 → 94.0 %,
    /// 0 % (10 dB SNR 95.6 %); 3 → 91.7 %, 0 %.
    pub code_margin_far: f32,
    /// Audio is scaled so its peak sits here before VAD and recognition (levels are measured
    /// on the original): Silero misses quiet speech that it finds once amplified.
    pub normalise_peak_dbfs: f32,
    /// ...by at most this gain (dB), so that hiss is not blown up into "speech".
    pub max_gain_db: f32,
    /// Audio whose peak is below this is digital silence: no VAD, no recognition.
    pub silence_peak_dbfs: f32,
    /// Seconds kept around the voiced span for recognition.
    pub recognise_pad_s: f32,
    /// Beam width of the digit search.
    pub beam: usize,
    /// Also accept the code said twice in a row ("0578 0578").
    pub accept_repeat: bool,
    pub segments: SegmentRule,
}

impl Default for SpeechConfig {
    fn default() -> Self {
        SpeechConfig {
            min_voiced_s: 0.4,
            low_voice_dbfs: -40.0,
            code_margin: 6.0,
            code_margin_far: 4.0,
            normalise_peak_dbfs: -3.0,
            max_gain_db: 50.0,
            silence_peak_dbfs: -90.0,
            recognise_pad_s: 0.3,
            beam: 4,
            accept_repeat: true,
            segments: SegmentRule::default(),
        }
    }
}

/// The audio verdict, mapped by the caller to the LIP failure codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeechVerdict {
    /// No speech (silence, noise, no audio at all): `LipVoiceDetect`.
    NoVoice,
    /// Speech, but too quiet: `LipVoiceLow`.
    VoiceLow,
    /// Speech, but not the requested code: `LipVoiceRecognize`.
    WrongCode,
    /// The requested code was said.
    Match,
}

/// Milliseconds spent per stage.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SpeechTimings {
    pub vad_ms: f32,
    /// Log-mel, encoder and both searches.
    pub recognise_ms: f32,
    pub total_ms: f32,
}

/// Everything measured on one clip's audio.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeechReport {
    pub duration_s: f32,
    /// Voiced (start, end) spans in seconds.
    pub voiced: Vec<(f32, f32)>,
    pub voiced_s: f32,
    /// RMS level of the voiced parts (dBFS); None when nothing is voiced.
    pub voiced_dbfs: Option<f32>,
    /// RMS level of the loudest voiced span (dBFS).
    pub loudest_segment_dbfs: Option<f32>,
    /// Largest sample (dBFS; -120 for digital silence).
    pub peak_dbfs: f32,
    /// RMS of every 10 ms of the original audio (linear, 1.0 = full scale), for lip sync.
    pub envelope_10ms: Vec<f32>,
    /// Digits of the best hypothesis; None when recognition did not run.
    pub heard: Option<String>,
    /// Best hypothesis log-probability minus the requested code's (>= 0; 0 = the requested
    /// code is the best); None when recognition did not run or the code cannot be spelled.
    pub requested_margin: Option<f32>,
    pub verdict: SpeechVerdict,
    pub timings: SpeechTimings,
}

/// Why the audio could not be analysed (not a verdict about the speaker).
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// The requested code is not 1..=8 ASCII digits.
    #[error("requested code `{0}` is not 1 to 8 digits")]
    BadCode(String),
    /// A model is missing from the engine or failed to run (map to LipNetFailed).
    #[error("speech model: {0}")]
    Engine(#[from] InferError),
}

//! LIP mode: the audio must carry a voice, loud enough, saying the requested code (the speech
//! crate decides), and the mouth must move while the voice speaks.

use ekyc_speech::{SpeechError, SpeechRecognizer, SpeechReport, SpeechVerdict};
use ekyc_types::ErrorCode;
use image::RgbImage;

use crate::config::LivenessConfig;
use crate::signals::SignalTable;
use crate::stats;
use crate::verdict::{assess, Failure, Mode, Verdict};

/// Mouth-opening spread (90th − 10th percentile of MAR) needed while the voice is active.
pub const MIN_LIP_MOTION: f32 = 0.10;

/// MAR spread over the frames inside the voiced spans (all face frames when none overlap).
pub fn lip_motion(table: &SignalTable, voiced: &[(f32, f32)]) -> f32 {
    let inside = |t: f32| voiced.iter().any(|&(a, b)| t >= a - 0.1 && t <= b + 0.1);
    let during: Vec<f32> = table
        .with_face()
        .filter(|(f, _)| inside(f.t))
        .map(|(_, s)| s.mar)
        .collect();
    if during.len() >= 3 {
        stats::spread(&during)
    } else {
        stats::spread(&table.with_face().map(|(_, s)| s.mar).collect::<Vec<_>>())
    }
}

fn speech_failure(report: &SpeechReport, code: &str) -> Option<Failure> {
    let level = report
        .voiced_dbfs
        .map(|d| format!("{d:.0} dBFS"))
        .unwrap_or_else(|| "none".into());
    match report.verdict {
        SpeechVerdict::Match => None,
        SpeechVerdict::NoVoice => Some(Failure::new(
            ErrorCode::LipVoiceDetect,
            format!("no speech in the audio (peak {:.0} dBFS)", report.peak_dbfs),
        )),
        SpeechVerdict::VoiceLow => Some(Failure::new(
            ErrorCode::LipVoiceLow,
            format!("the voice is too quiet ({level})"),
        )),
        SpeechVerdict::WrongCode => Some(Failure::new(
            ErrorCode::LipVoiceRecognize,
            format!(
                "the code {code} was not recognised (heard {})",
                report.heard.as_deref().unwrap_or("nothing")
            ),
        )),
    }
}

/// The whole LIP verdict: clip size, voice, face/mouth visibility, lip motion during speech.
/// `audio` is `None` when the video has no audio stream.
pub fn assess_lip(
    table: &SignalTable,
    frames: &[RgbImage],
    speech: &SpeechRecognizer,
    audio: Option<&[f32]>,
    code: &str,
    cfg: &LivenessConfig,
) -> Result<(Verdict, SpeechReport), SpeechError> {
    let mut verdict = assess(table, frames, &Mode::Lip, cfg, 1);
    verdict.evidence.lip_sync = crate::lip_sync::lip_sync(table, audio);
    let report = speech.analyse(audio.unwrap_or(&[]), code)?;
    // A clip of the wrong length or too small to see lips fails before its audio is judged.
    let clip_problem = verdict.failure.as_ref().is_some_and(|f| {
        matches!(
            f.code,
            ErrorCode::LipSizeError | ErrorCode::LipVideoQuaility
        )
    });
    if !clip_problem {
        if let Some(f) = speech_failure(&report, code) {
            verdict.failure = Some(f);
        }
    }
    if verdict.failure.is_none() {
        let motion = lip_motion(table, &report.voiced);
        if motion < MIN_LIP_MOTION {
            verdict.failure = Some(Failure::new(
                ErrorCode::LipMoveSmall,
                format!("the lips barely move while the voice speaks (mouth-opening spread {motion:.3}, at least {MIN_LIP_MOTION:.2})"),
            ));
        }
    }
    if verdict.failure.is_some() {
        verdict.score = 0.0;
    }
    Ok((verdict, report))
}

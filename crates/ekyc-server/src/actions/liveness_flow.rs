//! After intake: the liveness checks on the video, then the best frame against the reference
//! photo, shaped into each action's verdict.

use std::io::Cursor;
use std::sync::Arc;

use base64::Engine as _;
use image::RgbImage;
use md5::{Digest, Md5};
use serde_json::{Map, Value};

use ekyc_face::{compare, CompareError, CompareOptions, FacePipeline};
use ekyc_liveness::lip::assess_lip;
use ekyc_liveness::{assess, FaceTracker, LivenessConfig, Mode, Verdict};
use ekyc_media::DecodedVideo;
use ekyc_speech::SpeechRecognizer;
use ekyc_types::{EkycError, ErrorCode};

use super::verdict::{self, VerdictShape};
use super::Reply;

/// Everything one verdict is computed from.
pub struct FlowInputs {
    pub shape: VerdictShape,
    pub mode: Mode,
    pub photo: RgbImage,
    pub video: DecodedVideo,
    /// Frames asked for `BestFrameList` (LivenessCompare `Optional`), 0 when not asked.
    pub best_frame_num: usize,
    pub pass_sim: f64,
    pub checks: LivenessConfig,
    /// LIP: the recognizer and the code the user was asked to say.
    pub speech: Option<(Arc<SpeechRecognizer>, String)>,
}

/// What the blocking part hands back: the verdict fields, and JPEGs to publish.
pub struct FlowResult {
    pub reply: Reply,
    /// Best frame to serve by URL (VideoLivenessCompare), filled in by the caller.
    pub frame_to_serve: Option<Vec<u8>>,
    pub verdict: Option<Verdict>,
}

fn jpeg(frame: &RgbImage) -> Result<Vec<u8>, EkycError> {
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(frame)
        .map_err(|e| {
            EkycError::new(
                ErrorCode::LivessUnknownError,
                format!("encoding the best frame: {e}"),
            )
        })?;
    Ok(out.into_inner())
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Runs on a pool worker: track, check, compare.
pub fn judge(
    tracker: &Arc<FaceTracker>,
    face: &Arc<FacePipeline>,
    inputs: FlowInputs,
) -> Result<FlowResult, EkycError> {
    let table = tracker
        .track(&inputs.video.frames, &inputs.video.frame_times_s)
        .map_err(|e| {
            tracing::error!(error = %e, "liveness engine failed");
            EkycError::new(
                ErrorCode::LivessSystemError,
                format!("the liveness engine failed: {e}"),
            )
        })?;
    let count = inputs.best_frame_num.max(1);
    let mut verdict = assess(
        &table,
        &inputs.video.frames,
        &inputs.mode,
        &inputs.checks,
        count,
    );
    if let Some((speech, code)) = &inputs.speech {
        let audio = inputs.video.audio_16k_mono.as_deref();
        let (lip, report) = assess_lip(
            &table,
            &inputs.video.frames,
            speech,
            audio,
            code,
            &inputs.checks,
        )
        .map_err(|e| {
            tracing::error!(error = %e, "speech engine failed");
            EkycError::new(
                ErrorCode::LivessSystemError,
                format!("the speech engine failed: {e}"),
            )
        })?;
        tracing::info!(heard = ?report.heard, voiced_dbfs = ?report.voiced_dbfs, margin = ?report.requested_margin, "LIP speech");
        verdict.failure = lip.failure;
        verdict.score = lip.score;
    }
    tracing::debug!(evidence = ?verdict.evidence, score = verdict.score, "liveness evidence");
    if let Some(f) = &verdict.failure {
        return Ok(FlowResult {
            reply: verdict::failed(inputs.shape, f.code, f.description.clone()),
            frame_to_serve: None,
            verdict: Some(verdict),
        });
    }
    let best_index = verdict.best_frames[0];
    let best = &inputs.video.frames[best_index];
    let comparison = compare(face, best, &inputs.photo, &CompareOptions::default());
    let sim = match comparison {
        Ok(c) => c.sim,
        Err(CompareError::Engine(e)) => {
            tracing::error!(error = %e, "face engine failed in the comparison");
            return Err(EkycError::new(
                ErrorCode::CompareSystemError,
                format!("the face engine failed: {e}"),
            ));
        }
        Err(e) => {
            return Ok(FlowResult {
                reply: verdict::failed(
                    inputs.shape,
                    ErrorCode::CompareFail,
                    format!("the best frame could not be compared: {e}"),
                ),
                frame_to_serve: None,
                verdict: Some(verdict),
            })
        }
    };
    let sim = (sim * 100.0).round() / 100.0;
    let (result, description) = if sim < inputs.pass_sim {
        (
            ErrorCode::CompareLowSimilarity.as_str().to_string(),
            format!(
                "similarity {sim:.2} is below the pass level {:.0}",
                inputs.pass_sim
            ),
        )
    } else {
        ("Success".to_string(), "Success".to_string())
    };
    let best_jpeg = jpeg(best)?;
    let mut fields = Map::new();
    fields.insert("Sim".into(), Value::from(sim));
    fields.insert("Result".into(), Value::from(result.clone()));
    fields.insert("Description".into(), Value::from(description.clone()));
    let mut frame_to_serve = None;
    match inputs.shape {
        VerdictShape::VideoLivenessCompare => frame_to_serve = Some(best_jpeg),
        _ => {
            fields.insert("BestFrameBase64".into(), Value::from(b64(&best_jpeg)));
        }
    }
    if inputs.shape == VerdictShape::LivenessCompare && inputs.best_frame_num > 0 {
        let list = verdict
            .best_frames
            .iter()
            .map(|&i| jpeg(&inputs.video.frames[i]).map(|j| Value::from(b64(&j))))
            .collect::<Result<Vec<_>, _>>()?;
        fields.insert("BestFrameList".into(), Value::Array(list));
    }
    Ok(FlowResult {
        reply: Reply {
            fields,
            result: Some(result),
            description: Some(description),
            sim: Some(sim),
        },
        frame_to_serve,
        verdict: Some(verdict),
    })
}

/// `FileInfo` of a served best frame.
pub fn file_info(url: String, jpeg: &[u8]) -> Value {
    serde_json::json!({
        "Url": url,
        "MD5": hex::encode(Md5::digest(jpeg)),
        "Size": jpeg.len(),
    })
}

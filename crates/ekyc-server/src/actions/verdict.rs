//! Liveness verdicts: the success envelope that carries `Result` (contract §3.1), shaped for
//! each of the three liveness actions, and the reference-photo checks that can decide one.

use serde_json::{Map, Value};

use ekyc_face::photo_checks::{check_photo, PhotoCheckConfig, PhotoProblem};
use ekyc_face::FacePipeline;
use ekyc_types::{EkycError, ErrorCode};
use image::RgbImage;

use super::Reply;

/// Which action's response fields to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerdictShape {
    /// `LivenessCompare`: BestFrameBase64, Sim, Result, Description.
    LivenessCompare,
    /// `CompareFaceLiveness`: Result, Description, Sim, BestFrameBase64.
    CompareFaceLiveness,
    /// `VideoLivenessCompare`: Sim, Result, Description, BestFrame.
    VideoLivenessCompare,
}

/// A failed verdict: `Sim` 0 and no best frame, as when no comparison happened.
pub fn failed(shape: VerdictShape, code: ErrorCode, description: String) -> Reply {
    let mut fields = Map::new();
    fields.insert("Sim".into(), Value::from(0.0));
    fields.insert("Result".into(), Value::from(code.as_str()));
    fields.insert("Description".into(), Value::from(description.clone()));
    let frame = match shape {
        VerdictShape::VideoLivenessCompare => "BestFrame",
        _ => "BestFrameBase64",
    };
    fields.insert(frame.into(), Value::Null);
    Reply {
        fields,
        result: Some(code.as_str().to_string()),
        description: Some(description),
        sim: Some(0.0),
    }
}

/// Runs the reference-photo checks; `Some((code, description))` when the photo is unusable.
pub fn photo_problem(
    face: &FacePipeline,
    photo: &RgbImage,
    cfg: &PhotoCheckConfig,
) -> Result<Option<(ErrorCode, String)>, EkycError> {
    let verdict = check_photo(face, photo, cfg).map_err(|e| {
        tracing::error!(error = %e, "face engine failed on the reference photo");
        EkycError::new(
            ErrorCode::CompareSystemError,
            format!("the face engine failed: {e}"),
        )
    })?;
    Ok(verdict.err().map(|problem| {
        let code = match problem {
            PhotoProblem::NoFace => ErrorCode::LifePhotoDetectNoFaces,
            PhotoProblem::SeveralFaces { .. } => ErrorCode::LifePhotoDetectFaces,
            PhotoProblem::PoorQuality(_) => ErrorCode::LifePhotoPoorQuality,
            PhotoProblem::Fake(_) => ErrorCode::LifePhotoDetectFake,
        };
        (code, format!("reference photo: {}", problem.describe()))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_follow_each_action() {
        let r = failed(
            VerdictShape::LivenessCompare,
            ErrorCode::LifePhotoDetectNoFaces,
            "x".into(),
        );
        let keys: Vec<&str> = r.fields.keys().map(String::as_str).collect();
        assert_eq!(keys, ["BestFrameBase64", "Description", "Result", "Sim"]);
        assert_eq!(r.fields["Result"], "FailedOperation.LifePhotoDetectNoFaces");
        let v = failed(
            VerdictShape::VideoLivenessCompare,
            ErrorCode::LifePhotoDetectFaces,
            "y".into(),
        );
        assert!(v.fields["BestFrame"].is_null());
        assert_eq!(v.sim, Some(0.0));
    }
}

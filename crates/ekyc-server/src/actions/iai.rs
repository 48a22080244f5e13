//! iai 2020-03-03 CompareFace: photo against photo.

use serde_json::Value;

use std::time::Instant;

use ekyc_face::photo_checks::{screen_check, PhotoCheckConfig};
use ekyc_face::{compare, CompareError, CompareOptions, Comparison, QualityFloor};
use ekyc_types::wire::iai::{CompareFaceRequest, CompareFaceResponse};
use ekyc_types::wire::{parse_request, present};
use ekyc_types::{EkycError, ErrorCode};
use image::RgbImage;

use super::{pipeline_missing, Reply};
use crate::app::App;
use crate::context::RequestContext;
use crate::envelope::fields_of;
use crate::intake::{self, choose, MediaInput, Role};

pub async fn compare_face(
    app: &App,
    ctx: &mut RequestContext,
    params: Value,
) -> Result<Reply, EkycError> {
    let req: CompareFaceRequest = parse_request(params)?;
    if let Some(v) = present(&req.face_model_version) {
        if v != "2.0" && v != "3.0" {
            return Err(EkycError::invalid_value(format!(
                "FaceModelVersion must be 2.0 or 3.0, got {v:?}"
            )));
        }
    }
    if let Some(q) = req.quality_control {
        if !(0..=4).contains(&q) {
            return Err(EkycError::invalid_value(format!(
                "QualityControl must be 0 to 4, got {q}"
            )));
        }
    }
    if let Some(r) = req.need_rotate_detection {
        if r != 0 && r != 1 {
            return Err(EkycError::invalid_value(format!(
                "NeedRotateDetection must be 0 or 1, got {r}"
            )));
        }
    }
    // iai's documentation: when both are given, the URL is used.
    let a = choose(
        ("ImageA", present(&req.image_a)),
        ("UrlA", present(&req.url_a)),
        true,
    )?;
    let b = choose(
        ("ImageB", present(&req.image_b)),
        ("UrlB", present(&req.url_b)),
        true,
    )?;
    let admission = app.pool.admit()?;
    let mut loaded = Vec::new();
    for (field, source) in [a, b] {
        let bytes = app
            .load_media(
                ctx,
                MediaInput {
                    field,
                    role: Role::CompareImage,
                    source,
                },
            )
            .await?;
        loaded.push((field.to_string(), bytes));
    }
    let images = app
        .decode_images(ctx, &admission, Role::CompareImage, loaded)
        .await?;
    let Some(face) = app.pipelines.face.clone() else {
        return Err(pipeline_missing(
            "face comparison",
            &intake::describe_images(&images),
        ));
    };
    let opts = CompareOptions {
        quality: QualityFloor::for_level(req.quality_control.unwrap_or(0)),
        try_rotations: req.need_rotate_detection == Some(1),
    };
    let started = Instant::now();
    let checks = app.config.photo_checks.clone();
    let comparison = admission
        .run(move || {
            let [(_, a), (_, b)] = <[_; 2]>::try_from(images)
                .map_err(|_| EkycError::internal("CompareFace needs two images"))?;
            let comparison = compare(&face, &a.image, &b.image, &opts).map_err(compare_error)?;
            refuse_recaptures([&a.image, &b.image], &comparison, &checks)?;
            Ok(comparison)
        })
        .await?;
    ctx.stage("face", started);
    let version = present(&req.face_model_version)
        .unwrap_or("3.0")
        .to_string();
    let response = CompareFaceResponse {
        score: comparison.iai_score,
        face_model_version: version,
    };
    Ok(Reply {
        fields: fields_of(&response)?,
        result: None,
        description: None,
        sim: Some(comparison.iai_score),
    })
}

/// `FailedOperation.LifePhotoDetectFake` when either compared face was photographed off a
/// screen (the reference-photo check of `[photo_checks]`, on the face the comparison used).
fn refuse_recaptures(
    images: [&RgbImage; 2],
    comparison: &Comparison,
    checks: &PhotoCheckConfig,
) -> Result<(), EkycError> {
    for (which, (image, face)) in images.iter().zip(&comparison.faces).enumerate() {
        if let Some(c) = screen_check(image, face, checks).filter(|c| !c.pass) {
            return Err(EkycError::new(
                ErrorCode::LifePhotoDetectFake,
                format!(
                    "{} looks like a photo of a screen: {} {:.2} (limit {:.2})",
                    if which == 0 {
                        "ImageA/UrlA"
                    } else {
                        "ImageB/UrlB"
                    },
                    c.name,
                    c.value,
                    c.threshold
                ),
            ));
        }
    }
    Ok(())
}

/// iai's codes for a comparison that could not be made.
fn compare_error(err: CompareError) -> EkycError {
    let field = |which: usize| {
        if which == 0 {
            "ImageA/UrlA"
        } else {
            "ImageB/UrlB"
        }
    };
    match err {
        CompareError::NoFace { which } => EkycError::new(
            ErrorCode::NoFaceInPhoto,
            format!("no face was found in {}", field(which)),
        ),
        CompareError::LowQuality { which, why } => EkycError::new(
            ErrorCode::FaceQualityNotQualified,
            format!("{}: {why}", field(which)),
        ),
        CompareError::Engine(e) => {
            tracing::error!(error = %e, "face engine failed");
            EkycError::new(
                ErrorCode::CompareSystemError,
                format!("the face engine failed: {e}"),
            )
        }
    }
}

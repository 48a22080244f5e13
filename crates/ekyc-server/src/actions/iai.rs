//! iai 2020-03-03 CompareFace: photo against photo.

use serde_json::Value;

use ekyc_types::wire::iai::CompareFaceRequest;
use ekyc_types::wire::{parse_request, present};
use ekyc_types::EkycError;

use super::{pipeline_missing, Reply};
use crate::app::App;
use crate::context::RequestContext;
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
    let summary = intake::describe_images(&images);
    Err(pipeline_missing("face comparison", &summary))
}

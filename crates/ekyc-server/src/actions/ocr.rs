//! ocr 2018-11-19: MLIDPassportOCR, HKIDCardOCR, MLIDCardOCR.

use serde_json::Value;

use ekyc_types::wire::ocr::{HkidCardOcrRequest, MlidCardOcrRequest, MlidPassportOcrRequest};
use ekyc_types::wire::{parse_request, present};
use ekyc_types::EkycError;

use super::{pipeline_missing, Reply};
use crate::app::App;
use crate::context::RequestContext;
use crate::intake::{self, choose, MediaInput, Role};

pub async fn passport(
    app: &App,
    ctx: &mut RequestContext,
    params: Value,
) -> Result<Reply, EkycError> {
    let req: MlidPassportOcrRequest = parse_request(params)?;
    let summary = load_documents(
        app,
        ctx,
        &[(
            &req.image_base64,
            &req.image_url,
            "ImageBase64",
            "ImageUrl",
            true,
        )],
    )
    .await?;
    Err(pipeline_missing("passport reading", &summary))
}

pub async fn hkid(app: &App, ctx: &mut RequestContext, params: Value) -> Result<Reply, EkycError> {
    let req: HkidCardOcrRequest = parse_request(params)?;
    let summary = load_documents(
        app,
        ctx,
        &[(
            &req.image_base64,
            &req.image_url,
            "ImageBase64",
            "ImageUrl",
            true,
        )],
    )
    .await?;
    Err(pipeline_missing(
        "Hong Kong identity card reading",
        &summary,
    ))
}

pub async fn mykad(app: &App, ctx: &mut RequestContext, params: Value) -> Result<Reply, EkycError> {
    let req: MlidCardOcrRequest = parse_request(params)?;
    let summary = load_documents(
        app,
        ctx,
        &[
            (
                &req.image_base64,
                &req.image_url,
                "ImageBase64",
                "ImageUrl",
                true,
            ),
            (
                &req.back_image_base64,
                &req.back_image_url,
                "BackImageBase64",
                "BackImageUrl",
                false,
            ),
        ],
    )
    .await?;
    Err(pipeline_missing(
        "Malaysian identity card reading",
        &summary,
    ))
}

/// (Base64 value, URL value, Base64 field, URL field, required).
type DocSide<'a> = (
    &'a Option<String>,
    &'a Option<String>,
    &'a str,
    &'a str,
    bool,
);

/// Loads and decodes each document side; returns a summary for messages.
async fn load_documents(
    app: &App,
    ctx: &mut RequestContext,
    sides: &[DocSide<'_>],
) -> Result<String, EkycError> {
    let mut inputs = Vec::new();
    for (b64, url, b64_field, url_field, needed) in sides {
        let (b64, url) = (present(b64), present(url));
        if b64.is_none() && url.is_none() && !needed {
            continue;
        }
        inputs.push(choose((b64_field, b64), (url_field, url), false)?);
    }
    let admission = app.pool.admit()?;
    let mut loaded = Vec::new();
    for (field, source) in inputs {
        let bytes = app
            .load_media(
                ctx,
                MediaInput {
                    field,
                    role: Role::Document,
                    source,
                },
            )
            .await?;
        loaded.push((field.to_string(), bytes));
    }
    let images = app
        .decode_images(ctx, &admission, Role::Document, loaded)
        .await?;
    Ok(intake::describe_images(&images))
}

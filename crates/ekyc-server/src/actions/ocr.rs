//! ocr 2018-11-19: MLIDPassportOCR, HKIDCardOCR, MLIDCardOCR.

use std::time::Instant;

use ekyc_alarms::JpegTrace;
use serde_json::Value;

use ekyc_types::wire::ocr::{HkidCardOcrRequest, MlidCardOcrRequest, MlidPassportOcrRequest};
use ekyc_types::wire::{parse_request, present};
use ekyc_types::EkycError;

use super::cards::{read_hkid_card, read_mykad_card, CardJob};
use super::passport::{read_passport, PassportJob};
use super::{pipeline_missing, Reply};
use crate::app::App;
use crate::context::RequestContext;
use crate::envelope::fields_of;
use crate::intake::{self, choose, DecodedImages, MediaInput, Role};
use crate::pool::Admission;

pub async fn passport(
    app: &App,
    ctx: &mut RequestContext,
    params: Value,
) -> Result<Reply, EkycError> {
    let req: MlidPassportOcrRequest = parse_request(params)?;
    let side: DocSide = (
        &req.image_base64,
        &req.image_url,
        "ImageBase64",
        "ImageUrl",
        true,
    );
    let (admission, images, jpeg) = decode_documents(app, ctx, &[side]).await?;
    let Some(reader) = app.pipelines.mrz.clone() else {
        return Err(pipeline_missing(
            "passport reading",
            &intake::describe_images(&images),
        ));
    };
    let face = app.pipelines.face.clone();
    let viz = app.pipelines.viz.clone();
    let ret_image = req.ret_image.unwrap_or(false);
    let alarms = app.config.alarms.alarm_config();
    let page = images
        .into_iter()
        .next()
        .map(|(_, d)| d.image)
        .ok_or_else(|| EkycError::internal("no decoded page"))?;
    let started = Instant::now();
    let response = admission
        .run(move || {
            let job = PassportJob {
                reader: &reader,
                viz: viz.as_deref(),
                face: face.as_deref(),
                alarms: &alarms,
                jpeg,
                ret_image,
            };
            read_passport(&job, &page)
        })
        .await?;
    ctx.stage("mrz", started);
    Ok(Reply {
        fields: fields_of(&response)?,
        result: None,
        description: None,
        sim: None,
    })
}

pub async fn hkid(app: &App, ctx: &mut RequestContext, params: Value) -> Result<Reply, EkycError> {
    let req: HkidCardOcrRequest = parse_request(params)?;
    let side: DocSide = (
        &req.image_base64,
        &req.image_url,
        "ImageBase64",
        "ImageUrl",
        true,
    );
    let (admission, images, jpeg) = decode_documents(app, ctx, &[side]).await?;
    let Some(reader) = app.pipelines.cards.clone() else {
        return Err(pipeline_missing(
            "Hong Kong identity card reading",
            &intake::describe_images(&images),
        ));
    };
    let face = app.pipelines.face.clone();
    let alarms = app.config.alarms.alarm_config();
    let portrait = req.return_head_image.unwrap_or(false);
    let front = first_image(images)?;
    let started = Instant::now();
    let response = admission
        .run(move || {
            let job = CardJob {
                reader: &reader,
                face: face.as_deref(),
                alarms: &alarms,
                jpeg,
                portrait,
            };
            read_hkid_card(&job, &front)
        })
        .await?;
    ctx.stage("card", started);
    Ok(Reply {
        fields: fields_of(&response)?,
        result: None,
        description: None,
        sim: None,
    })
}

/// The front is read; a back side, when sent, is checked and decoded like the front but not
/// read (the MyKad back carries no field the response needs).
pub async fn mykad(app: &App, ctx: &mut RequestContext, params: Value) -> Result<Reply, EkycError> {
    let req: MlidCardOcrRequest = parse_request(params)?;
    let sides: [DocSide; 2] = [
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
    ];
    let (admission, images, jpeg) = decode_documents(app, ctx, &sides).await?;
    let Some(reader) = app.pipelines.cards.clone() else {
        return Err(pipeline_missing(
            "Malaysian identity card reading",
            &intake::describe_images(&images),
        ));
    };
    let face = app.pipelines.face.clone();
    let alarms = app.config.alarms.alarm_config();
    let portrait = req.ret_image.unwrap_or(false);
    let front = first_image(images)?;
    let today = chrono::Local::now().date_naive();
    let started = Instant::now();
    let response = admission
        .run(move || {
            let job = CardJob {
                reader: &reader,
                face: face.as_deref(),
                alarms: &alarms,
                jpeg,
                portrait,
            };
            read_mykad_card(&job, &front, today)
        })
        .await?;
    ctx.stage("card", started);
    Ok(Reply {
        fields: fields_of(&response)?,
        result: None,
        description: None,
        sim: None,
    })
}

/// The front side: the first decoded image (the required field comes first).
fn first_image(images: DecodedImages) -> Result<image::RgbImage, EkycError> {
    images
        .into_iter()
        .next()
        .map(|(_, d)| d.image)
        .ok_or_else(|| EkycError::internal("no decoded card image"))
}

/// (Base64 value, URL value, Base64 field, URL field, required).
type DocSide<'a> = (
    &'a Option<String>,
    &'a Option<String>,
    &'a str,
    &'a str,
    bool,
);

/// Loads and decodes each document side, keeping the pool place for the reading that follows;
/// also the front's JPEG quantisation table for the tampered alarm's compression-history cue
/// (`None` unless the front is a JPEG whose pixel grid the decoder kept: a quarter turn from
/// its EXIF orientation moves the 8×8 blocks).
async fn decode_documents(
    app: &App,
    ctx: &mut RequestContext,
    sides: &[DocSide<'_>],
) -> Result<(Admission, DecodedImages, Option<JpegTrace>), EkycError> {
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
    let trace = loaded
        .first()
        .and_then(|(_, bytes)| JpegTrace::from_jpeg(bytes));
    let images = app
        .decode_images(ctx, &admission, Role::Document, loaded)
        .await?;
    let grid_kept = images
        .first()
        .is_some_and(|(_, d)| d.image.dimensions() == (d.original_width, d.original_height));
    Ok((admission, images, trace.filter(|_| grid_kept)))
}

//! faceid 2018-03-01: LivenessCompare, CompareFaceLiveness, VideoLivenessCompare.

use std::time::Instant;

use md5::{Digest, Md5};
use serde_json::Value;

use ekyc_liveness::Mode;
use ekyc_media::DecodedVideo;

use ekyc_types::params::{Challenge, LivenessOptions, LivenessType, Md5Hex};
use ekyc_types::wire::faceid::{
    CompareFaceLivenessRequest, LivenessCompareRequest, VideoLivenessCompareRequest,
};
use ekyc_types::wire::{parse_request, present, required};
use ekyc_types::{EkycError, ErrorCode};

use super::liveness_flow::{self, FlowInputs};
use super::verdict::{self, VerdictShape};
use super::{pipeline_missing, Reply};
use crate::app::App;
use crate::context::RequestContext;
use crate::intake::{self, choose, MediaInput, Role, Source};
use crate::pool::Admission;

/// A liveness request after parameter checks, before media intake.
struct LivenessCall<'a> {
    shape: VerdictShape,
    kind: LivenessType,
    challenge: Challenge,
    options: LivenessOptions,
    photo: MediaInput<'a>,
    video: MediaInput<'a>,
    /// Client MD5s to verify (VideoLivenessCompare).
    photo_md5: Option<Md5Hex>,
    video_md5: Option<Md5Hex>,
}

pub async fn liveness_compare(
    app: &App,
    ctx: &mut RequestContext,
    params: Value,
) -> Result<Reply, EkycError> {
    let req: LivenessCompareRequest = parse_request(params)?;
    let kind = LivenessType::parse(required("LivenessType", &req.liveness_type)?)?;
    let (photo_field, photo_src) = choose(
        ("ImageBase64", present(&req.image_base64)),
        ("ImageUrl", present(&req.image_url)),
        false,
    )?;
    let (video_field, video_src) = choose(
        ("VideoBase64", present(&req.video_base64)),
        ("VideoUrl", present(&req.video_url)),
        false,
    )?;
    let call = LivenessCall {
        shape: VerdictShape::LivenessCompare,
        kind,
        challenge: Challenge::parse(kind, req.validate_data.as_deref())?,
        options: LivenessOptions::parse(req.optional.as_deref())?,
        photo: MediaInput {
            field: photo_field,
            role: Role::Photo,
            source: photo_src,
        },
        video: MediaInput {
            field: video_field,
            role: Role::Video,
            source: video_src,
        },
        photo_md5: None,
        video_md5: None,
    };
    run_liveness(app, ctx, call).await
}

pub async fn compare_face_liveness(
    app: &App,
    ctx: &mut RequestContext,
    params: Value,
) -> Result<Reply, EkycError> {
    let req: CompareFaceLivenessRequest = parse_request(params)?;
    let kind = LivenessType::parse(required("LivenessType", &req.liveness_type)?)?;
    if kind == LivenessType::Lip {
        return Err(EkycError::new(
            ErrorCode::UnsupportedOperation,
            "CompareFaceLiveness supports LivenessType ACTION and SILENT; use LivenessCompare for LIP",
        ));
    }
    let call = LivenessCall {
        shape: VerdictShape::CompareFaceLiveness,
        kind,
        challenge: Challenge::parse(kind, req.validate_data.as_deref())?,
        options: LivenessOptions::default(),
        photo: MediaInput {
            field: "ImageBase64",
            role: Role::Photo,
            source: Source::Base64(required("ImageBase64", &req.image_base64)?),
        },
        video: MediaInput {
            field: "VideoBase64",
            role: Role::Video,
            source: Source::Base64(required("VideoBase64", &req.video_base64)?),
        },
        photo_md5: None,
        video_md5: None,
    };
    run_liveness(app, ctx, call).await
}

pub async fn video_liveness_compare(
    app: &App,
    ctx: &mut RequestContext,
    params: Value,
) -> Result<Reply, EkycError> {
    let req: VideoLivenessCompareRequest = parse_request(params)?;
    let kind = LivenessType::parse(required("LivenessType", &req.liveness_type)?)?;
    let call = LivenessCall {
        shape: VerdictShape::VideoLivenessCompare,
        kind,
        challenge: Challenge::parse(kind, req.validate_data.as_deref())?,
        options: LivenessOptions::default(),
        photo: MediaInput {
            field: "ImageUrl",
            role: Role::Photo,
            source: Source::Url(required("ImageUrl", &req.image_url)?),
        },
        video: MediaInput {
            field: "VideoUrl",
            role: Role::Video,
            source: Source::Url(required("VideoUrl", &req.video_url)?),
        },
        photo_md5: Some(Md5Hex::parse(
            "ImageMd5",
            required("ImageMd5", &req.image_md5)?,
        )?),
        video_md5: Some(Md5Hex::parse(
            "VideoMd5",
            required("VideoMd5", &req.video_md5)?,
        )?),
    };
    run_liveness(app, ctx, call).await
}

/// `GetLiveCode` (mainland faceid SDK): four random digits for LIP mode, no digit three times.
pub fn get_live_code() -> Reply {
    let code = live_code(&mut rand::rngs::OsRng);
    let mut fields = serde_json::Map::new();
    fields.insert("LiveCode".into(), Value::String(code));
    Reply {
        fields,
        result: None,
        description: None,
        sim: None,
    }
}

fn live_code(rng: &mut impl rand::Rng) -> String {
    loop {
        let digits: Vec<u8> = (0..4).map(|_| rng.gen_range(0..10u8)).collect();
        let too_many = (0..10u8).any(|d| digits.iter().filter(|&&x| x == d).count() >= 3);
        if !too_many {
            return digits.iter().map(|d| char::from(b'0' + d)).collect();
        }
    }
}

fn check_md5(field: &str, bytes: &[u8], expected: Option<&Md5Hex>) -> Result<(), EkycError> {
    let Some(expected) = expected else {
        return Ok(());
    };
    let actual = hex::encode(Md5::digest(bytes));
    if actual != expected.as_str() {
        return Err(EkycError::invalid_value(format!(
            "the MD5 of the downloaded {field} is {actual}, not the {} given",
            expected.as_str()
        )));
    }
    Ok(())
}

/// Intake and decoding shared by the three liveness actions.
async fn run_liveness(
    app: &App,
    ctx: &mut RequestContext,
    call: LivenessCall<'_>,
) -> Result<Reply, EkycError> {
    let admission = app.pool.admit()?;
    let photo_field = call.photo.field;
    let video_field = call.video.field;
    let photo = app.load_media(ctx, call.photo).await?;
    check_md5(photo_field, &photo, call.photo_md5.as_ref())?;
    let video = app.load_media(ctx, call.video).await?;
    check_md5(video_field, &video, call.video_md5.as_ref())?;
    let (photo, video, summary) = decode_photo_and_video(
        app,
        ctx,
        &admission,
        (photo_field, photo),
        (video_field, video),
    )
    .await?;
    let (Some(face), Some(tracker)) = (app.pipelines.face.clone(), app.pipelines.tracker.clone())
    else {
        return Err(pipeline_missing(
            &format!("{} video liveness", call.kind.as_str()),
            &summary,
        ));
    };
    let cfg = app.config.photo_checks.clone();
    let started = Instant::now();
    let (checked_face, checked_photo) = (face.clone(), photo.clone());
    let problem = admission
        .run(move || verdict::photo_problem(&checked_face, &checked_photo, &cfg))
        .await?;
    ctx.stage("photo_checks", started);
    if let Some((code, description)) = problem {
        return Ok(verdict::failed(call.shape, code, description));
    }
    let mode = Mode::from_challenge(&call.challenge);
    let speech = match (&call.challenge, app.pipelines.speech.clone()) {
        (Challenge::Digits(code), Some(speech)) => Some((speech, code.clone())),
        (Challenge::Digits(_), None) => {
            return Err(pipeline_missing("LIP (speech) liveness", &summary))
        }
        _ => None,
    };
    let inputs = FlowInputs {
        shape: call.shape,
        mode,
        photo,
        video,
        best_frame_num: call.options.best_frame_num.map(usize::from).unwrap_or(0),
        pass_sim: app.config.liveness.pass_sim,
        checks: app.config.liveness_checks.clone(),
        speech,
    };
    let started = Instant::now();
    let judged = admission
        .run(move || liveness_flow::judge(&tracker, &face, inputs))
        .await
        .map_err(|e| match e.code {
            // A panic in the liveness engine: the contract's catch-all liveness code.
            ErrorCode::InternalError => EkycError::new(ErrorCode::LivessUnknownError, e.message),
            _ => e,
        })?;
    ctx.stage("liveness", started);
    if let Some(v) = &judged.verdict {
        tracing::info!(score = v.score, evidence = ?v.evidence, "liveness evidence");
    }
    let mut reply = judged.reply;
    if let Some(jpeg) = judged.frame_to_serve {
        let token = app.frames.put(jpeg.clone());
        let base = match app.config.liveness.public_base_url.trim_end_matches('/') {
            "" => format!("http://{}", ctx.host.as_deref().unwrap_or("127.0.0.1")),
            base => base.to_string(),
        };
        reply.fields.insert(
            "BestFrame".into(),
            liveness_flow::file_info(format!("{base}/frames/{token}.jpg"), &jpeg),
        );
    }
    Ok(reply)
}

async fn decode_photo_and_video(
    app: &App,
    ctx: &mut RequestContext,
    admission: &Admission,
    photo: (&str, Vec<u8>),
    video: (&str, Vec<u8>),
) -> Result<(image::RgbImage, DecodedVideo, String), EkycError> {
    let limits = app.image_limits();
    let min_side = app.config.limits.image_min_side;
    let opts = app.video_options();
    let (photo_field, photo_bytes) = (photo.0.to_string(), photo.1);
    let (video_field, video_bytes) = (video.0.to_string(), video.1);
    let started = Instant::now();
    let decoded = admission
        .run(move || {
            let image = intake::decode_image_input(
                &photo_bytes,
                &photo_field,
                Role::Photo,
                &limits,
                min_side,
            )?;
            let decoded = intake::decode_video_input(&video_bytes, &video_field, &opts)?;
            let summary = format!(
                "{photo_field} {}×{}, {video_field} {:.1} s {}×{} with {} frames{}",
                image.image.width(),
                image.image.height(),
                decoded.probe.duration_s,
                decoded.probe.width,
                decoded.probe.height,
                decoded.frames.len(),
                if decoded.audio_16k_mono.is_some() {
                    " and audio"
                } else {
                    ""
                }
            );
            Ok((image.image, decoded, summary))
        })
        .await?;
    ctx.stage("decode", started);
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn live_codes_are_four_digits_without_triples() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..2000 {
            let code = live_code(&mut rng);
            assert_eq!(code.len(), 4);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
            for d in b'0'..=b'9' {
                assert!(code.bytes().filter(|&b| b == d).count() < 3, "{code}");
            }
        }
    }
}

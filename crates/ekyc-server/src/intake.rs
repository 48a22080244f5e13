//! Media intake for the actions: picks Base64 or URL, enforces the per-field caps, downloads
//! through the SSRF guard, decodes on the pool, and maps every media failure to the wire code of
//! the field's role (one table: `code_for`).

use std::time::Instant;

use ekyc_media::{
    decode_base64, decode_image, decode_video, fetch_url, DecodedImage, DecodedVideo, FetchPolicy,
    ImageLimits, MediaError, MediaErrorKind, VideoOptions,
};
use ekyc_types::{EkycError, ErrorCode};

use crate::app::App;
use crate::context::RequestContext;
use crate::pool::Admission;

/// What an input is for; decides caps and error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Reference photo of the faceid liveness actions.
    Photo,
    /// Selfie video of the faceid liveness actions.
    Video,
    /// Document image of the OCR actions.
    Document,
    /// Either image of iai CompareFace.
    CompareImage,
}

/// One media input of a request: its field names and where the bytes come from.
pub struct MediaInput<'a> {
    /// Field name for messages and records (`ImageBase64`, `VideoUrl`...).
    pub field: &'a str,
    pub role: Role,
    pub source: Source<'a>,
}

pub enum Source<'a> {
    Base64(&'a str),
    Url(&'a str),
}

/// Chooses the source: `prefer_url` for iai CompareFace (its docs: the URL wins), else Base64 wins.
pub fn choose<'a>(
    base64: (&'a str, Option<&'a str>),
    url: (&'a str, Option<&'a str>),
    prefer_url: bool,
) -> Result<(&'a str, Source<'a>), EkycError> {
    match (base64.1, url.1) {
        (Some(_), Some(u)) if prefer_url => Ok((url.0, Source::Url(u))),
        (Some(b), _) => Ok((base64.0, Source::Base64(b))),
        (None, Some(u)) => Ok((url.0, Source::Url(u))),
        (None, None) => Err(EkycError::invalid_parameter(format!(
            "one of {} or {} is required",
            base64.0, url.0
        ))),
    }
}

impl App {
    fn base64_cap(&self, role: Role) -> usize {
        let l = &self.config.limits;
        match role {
            Role::Photo => l.photo_base64_max_bytes,
            Role::Video => l.video_base64_max_bytes,
            Role::Document => l.document_base64_max_bytes,
            Role::CompareImage => l.compare_base64_max_bytes,
        }
    }

    fn fetch_policy(&self, role: Role) -> FetchPolicy {
        let d = &self.config.download;
        FetchPolicy {
            allow_private: self.config.server.allow_private_urls,
            connect_timeout: d.connect_timeout(),
            total_timeout: d.total_timeout(),
            max_redirects: d.max_redirects,
            trusted_private: Vec::new(),
            // A downloaded file may be as large as the decoded form of the Base64 cap.
            max_bytes: self.base64_cap(role) / 4 * 3,
        }
    }

    /// Bytes of one input, from Base64 or a URL; recorded as sha256+size.
    pub async fn load_media(
        &self,
        ctx: &mut RequestContext,
        input: MediaInput<'_>,
    ) -> Result<Vec<u8>, EkycError> {
        let started = Instant::now();
        let cap = self.base64_cap(input.role);
        let bytes = match input.source {
            Source::Base64(text) => {
                if text.len() > cap {
                    return Err(code_for(
                        input.role,
                        input.field,
                        &MediaError::TooLarge {
                            limit: cap,
                            actual: Some(text.len()),
                        },
                    ));
                }
                decode_base64(text, cap / 4 * 3 + 3)
            }
            Source::Url(url) => fetch_url(url, &self.fetch_policy(input.role)).await,
        }
        .map_err(|e| code_for(input.role, input.field, &e))?;
        if bytes.is_empty() {
            return Err(code_for(input.role, input.field, &MediaError::Empty));
        }
        ctx.input(input.field, &bytes);
        ctx.stage(&format!("intake.{}", input.field), started);
        Ok(bytes)
    }

    pub fn image_limits(&self) -> ImageLimits {
        self.config.image_limits()
    }

    pub fn video_options(&self) -> VideoOptions {
        self.config.video_options()
    }
}

/// Decodes an image (run it on the pool) and checks the minimum size.
pub fn decode_image_input(
    bytes: &[u8],
    field: &str,
    role: Role,
    limits: &ImageLimits,
    min_side: u32,
) -> Result<DecodedImage, EkycError> {
    let decoded = decode_image(bytes, limits).map_err(|e| code_for(role, field, &e))?;
    let (w, h) = decoded.image.dimensions();
    if w.min(h) < min_side {
        let code = match role {
            Role::Document => ErrorCode::IdCardTooSmall,
            _ => ErrorCode::LifePhotoSizeError,
        };
        return Err(EkycError::new(
            code,
            format!("{field} is {w}×{h} pixels; the shorter side must be at least {min_side}"),
        ));
    }
    Ok(decoded)
}

/// Decoded images with their field names.
pub type DecodedImages = Vec<(String, DecodedImage)>;

impl App {
    /// Decodes several images of one role on the pool, recording a `decode` stage.
    pub async fn decode_images(
        &self,
        ctx: &mut RequestContext,
        admission: &Admission,
        role: Role,
        loaded: Vec<(String, Vec<u8>)>,
    ) -> Result<DecodedImages, EkycError> {
        let limits = self.image_limits();
        let min_side = self.config.limits.image_min_side;
        let started = Instant::now();
        let decoded = admission
            .run(move || {
                loaded
                    .into_iter()
                    .map(|(field, bytes)| {
                        decode_image_input(&bytes, &field, role, &limits, min_side)
                            .map(|image| (field, image))
                    })
                    .collect()
            })
            .await?;
        ctx.stage("decode", started);
        Ok(decoded)
    }
}

/// `ImageA 640×480, ImageB 800×600` for messages.
pub fn describe_images(images: &DecodedImages) -> String {
    images
        .iter()
        .map(|(field, d)| format!("{field} {}×{}", d.image.width(), d.image.height()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Decodes a video (run it on the pool).
pub fn decode_video_input(
    bytes: &[u8],
    field: &str,
    opts: &VideoOptions,
) -> Result<DecodedVideo, EkycError> {
    decode_video(bytes, opts).map_err(|e| code_for(Role::Video, field, &e))
}

/// The one mapping from a media failure to the wire code, per role.
pub fn code_for(role: Role, field: &str, err: &MediaError) -> EkycError {
    use MediaErrorKind as K;
    let image_size_code = match role {
        Role::Document => ErrorCode::ImageSizeTooLarge,
        _ => ErrorCode::LifePhotoSizeError,
    };
    let code = match (err.kind(), role) {
        (K::BadBase64 | K::UrlRejected, _) => ErrorCode::InvalidParameterValue,
        (K::Empty, Role::Video) => ErrorCode::LipSizeError,
        (K::Empty, Role::Document) => ErrorCode::EmptyImageError,
        (K::Empty, _) => ErrorCode::LifePhotoSizeError,
        (K::TooLarge, Role::Video) => ErrorCode::LipSizeError,
        (K::TooLarge | K::ImageTooLarge, _) => image_size_code,
        (K::DownloadFailed, Role::Video) => ErrorCode::LipNetFailed,
        (K::DownloadFailed, _) => ErrorCode::DownLoadError,
        (K::DownloadTimeout, _) => ErrorCode::DownLoadTimeoutError,
        (K::ImageUndecodable | K::ImageUnsupported, _) => ErrorCode::ImageDecodeFailed,
        (K::VideoUnsupported | K::VideoUndecodable | K::VideoNoFrames, _) => {
            ErrorCode::LipVideoInvalid
        }
        (K::VideoDuration, _) => ErrorCode::LipSizeError,
        (K::Internal, Role::Video) => ErrorCode::LivessSystemError,
        (K::Internal, _) => ErrorCode::InternalError,
    };
    EkycError::new(code, format!("{field}: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choose_prefers_base64_except_for_iai() {
        let (field, src) = choose(("A", Some("b64")), ("U", Some("http://x")), false).unwrap();
        assert_eq!(field, "A");
        assert!(matches!(src, Source::Base64("b64")));
        let (field, _) = choose(("A", Some("b64")), ("U", Some("http://x")), true).unwrap();
        assert_eq!(field, "U");
        let err = choose(("A", None), ("U", None), false).err().unwrap();
        assert_eq!(err.code, ErrorCode::InvalidParameter);
    }

    #[test]
    fn codes_by_role() {
        let too_large = MediaError::TooLarge {
            limit: 1,
            actual: None,
        };
        assert_eq!(
            code_for(Role::Photo, "f", &too_large).code,
            ErrorCode::LifePhotoSizeError
        );
        assert_eq!(
            code_for(Role::Video, "f", &too_large).code,
            ErrorCode::LipSizeError
        );
        assert_eq!(
            code_for(Role::Document, "f", &too_large).code,
            ErrorCode::ImageSizeTooLarge
        );
        let timeout = MediaError::DownloadTimeout;
        assert_eq!(
            code_for(Role::Video, "f", &timeout).code,
            ErrorCode::DownLoadTimeoutError
        );
        let status = MediaError::HttpStatus(404);
        assert_eq!(
            code_for(Role::Video, "f", &status).code,
            ErrorCode::LipNetFailed
        );
        assert_eq!(
            code_for(Role::Photo, "f", &status).code,
            ErrorCode::DownLoadError
        );
        let bad = MediaError::VideoNoFrames;
        assert_eq!(
            code_for(Role::Video, "VideoBase64", &bad).code,
            ErrorCode::LipVideoInvalid
        );
        assert!(code_for(Role::Video, "VideoBase64", &bad)
            .message
            .starts_with("VideoBase64: "));
    }
}

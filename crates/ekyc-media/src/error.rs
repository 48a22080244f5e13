//! One error type for every intake and decode failure, with a coarse `kind`
//! the server maps to wire codes (the crate itself knows no wire codes).

use std::net::IpAddr;

use crate::ssrf::AddrClass;

/// Every way media intake or decoding can fail. Messages say what was wrong
/// and, where it helps the caller, what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("Base64 input starts with a data URI prefix ({prefix}...); send only the Base64 payload after the comma")]
    DataUriPrefix { prefix: String },
    #[error("invalid Base64 at character {position}: {reason}")]
    InvalidBase64 { position: usize, reason: String },
    #[error("media is empty")]
    Empty,
    #[error("media exceeds the {limit}-byte limit{}", actual_suffix(.actual))]
    TooLarge { limit: usize, actual: Option<usize> },
    #[error("URL is not valid: {0}")]
    UrlInvalid(String),
    #[error("URL scheme `{0}` is not allowed; only http and https are accepted")]
    UrlScheme(String),
    #[error("refusing to download from {host}: it resolves to {addr}, a {class} address")]
    AddressRefused {
        host: String,
        addr: IpAddr,
        class: AddrClass,
    },
    #[error("could not resolve host: {0}")]
    DnsFailed(String),
    #[error("too many redirects (more than {limit})")]
    TooManyRedirects { limit: u8 },
    #[error("download answered HTTP status {0}")]
    HttpStatus(u16),
    #[error("download failed: {0}")]
    DownloadFailed(String),
    #[error("download did not finish within the time limit")]
    DownloadTimeout,
    #[error("image could not be decoded: {0}")]
    ImageUndecodable(String),
    #[error("image format is not supported: {0}; send JPEG, PNG, BMP or WebP")]
    ImageFormatUnsupported(String),
    #[error("image is {width}x{height} pixels, over the limit ({max_pixels} pixels, {max_side} per side)")]
    ImageTooManyPixels {
        width: u32,
        height: u32,
        max_pixels: u64,
        max_side: u32,
    },
    #[error("video format is not supported: {0}; send MP4/MOV, AVI, FLV, WebM or MKV")]
    VideoFormatUnsupported(String),
    #[error("video could not be decoded: {0}")]
    VideoUndecodable(String),
    #[error("video has no decodable picture frames")]
    VideoNoFrames,
    #[error("video lasts {seconds:.1} s, longer than the {limit:.1} s limit")]
    VideoTooLong { seconds: f32, limit: f32 },
    #[error("video lasts {seconds:.2} s, shorter than the {limit:.2} s minimum")]
    VideoTooShort { seconds: f32, limit: f32 },
    #[error("video decoding did not finish within {seconds:.1} s")]
    VideoTimeout { seconds: f32 },
    #[error("media decoder is missing: {0}")]
    DecoderMissing(String),
    #[error("local I/O failed while handling media: {0}")]
    Io(String),
}

fn actual_suffix(actual: &Option<usize>) -> String {
    match actual {
        Some(n) => format!(" (got {n} bytes)"),
        None => String::new(),
    }
}

/// Coarse class of a [`MediaError`], stable for mapping to wire codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaErrorKind {
    /// Base64 text is malformed or carries a data URI prefix.
    BadBase64,
    /// No bytes at all.
    Empty,
    /// Byte size over the configured cap.
    TooLarge,
    /// URL malformed, wrong scheme or pointing at a refused address.
    UrlRejected,
    /// DNS, HTTP status, redirects or transport failure.
    DownloadFailed,
    /// The download ran out of time.
    DownloadTimeout,
    /// Bytes are not a readable image.
    ImageUndecodable,
    /// A real image, but in a format we do not take.
    ImageUnsupported,
    /// Image dimensions over the pixel or side limit.
    ImageTooLarge,
    /// Container not among the accepted ones.
    VideoUnsupported,
    /// Bytes are not a readable video.
    VideoUndecodable,
    /// Container readable but no picture stream or frames.
    VideoNoFrames,
    /// Video duration outside the accepted range.
    VideoDuration,
    /// Local problem (decoder missing, temp file, decode timeout): not the caller's fault.
    Internal,
}

impl MediaError {
    /// The coarse class of this error.
    pub fn kind(&self) -> MediaErrorKind {
        use MediaErrorKind as K;
        match self {
            Self::DataUriPrefix { .. } | Self::InvalidBase64 { .. } => K::BadBase64,
            Self::Empty => K::Empty,
            Self::TooLarge { .. } => K::TooLarge,
            Self::UrlInvalid(_) | Self::UrlScheme(_) | Self::AddressRefused { .. } => {
                K::UrlRejected
            }
            Self::DnsFailed(_)
            | Self::TooManyRedirects { .. }
            | Self::HttpStatus(_)
            | Self::DownloadFailed(_) => K::DownloadFailed,
            Self::DownloadTimeout => K::DownloadTimeout,
            Self::ImageUndecodable(_) => K::ImageUndecodable,
            Self::ImageFormatUnsupported(_) => K::ImageUnsupported,
            Self::ImageTooManyPixels { .. } => K::ImageTooLarge,
            Self::VideoFormatUnsupported(_) => K::VideoUnsupported,
            Self::VideoUndecodable(_) => K::VideoUndecodable,
            Self::VideoNoFrames => K::VideoNoFrames,
            Self::VideoTooLong { .. } | Self::VideoTooShort { .. } => K::VideoDuration,
            Self::VideoTimeout { .. } | Self::DecoderMissing(_) | Self::Io(_) => K::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_problem() {
        let e = MediaError::TooLarge {
            limit: 10,
            actual: Some(12),
        };
        assert_eq!(
            e.to_string(),
            "media exceeds the 10-byte limit (got 12 bytes)"
        );
        let e = MediaError::TooLarge {
            limit: 10,
            actual: None,
        };
        assert_eq!(e.to_string(), "media exceeds the 10-byte limit");
        let e = MediaError::AddressRefused {
            host: "localhost".into(),
            addr: "127.0.0.1".parse().unwrap(),
            class: AddrClass::Loopback,
        };
        assert_eq!(
            e.to_string(),
            "refusing to download from localhost: it resolves to 127.0.0.1, a loopback address"
        );
    }

    #[test]
    fn kinds_group_variants() {
        assert_eq!(
            MediaError::DownloadTimeout.kind(),
            MediaErrorKind::DownloadTimeout
        );
        assert_eq!(
            MediaError::HttpStatus(404).kind(),
            MediaErrorKind::DownloadFailed
        );
        assert_eq!(
            MediaError::UrlScheme("ftp".into()).kind(),
            MediaErrorKind::UrlRejected
        );
        assert_eq!(
            MediaError::VideoTooShort {
                seconds: 0.1,
                limit: 1.0
            }
            .kind(),
            MediaErrorKind::VideoDuration
        );
        assert_eq!(
            MediaError::DecoderMissing("x".into()).kind(),
            MediaErrorKind::Internal
        );
    }
}

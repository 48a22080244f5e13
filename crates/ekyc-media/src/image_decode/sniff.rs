//! Image format from magic bytes, never from file names or declared types.

use crate::error::MediaError;

/// Image formats we decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageKind {
    Jpeg,
    Png,
    Bmp,
    Webp,
}

impl ImageKind {
    pub(crate) fn to_image_format(self) -> image::ImageFormat {
        match self {
            Self::Jpeg => image::ImageFormat::Jpeg,
            Self::Png => image::ImageFormat::Png,
            Self::Bmp => image::ImageFormat::Bmp,
            Self::Webp => image::ImageFormat::WebP,
        }
    }
}

/// Identify the image format, or say why the bytes are refused.
pub fn sniff_image(bytes: &[u8]) -> Result<ImageKind, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageKind::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(ImageKind::Png);
    }
    if bytes.starts_with(b"BM") && bytes.len() >= 26 {
        return Ok(ImageKind::Bmp);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(ImageKind::Webp);
    }
    match other_format(bytes) {
        Some(name) => Err(MediaError::ImageFormatUnsupported(name.into())),
        None => Err(MediaError::ImageUndecodable(
            "the data is not a recognised image (not JPEG, PNG, BMP or WebP)".into(),
        )),
    }
}

/// Name formats people commonly send by mistake, so the message can say which one it was.
fn other_format(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some("GIF");
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Some("TIFF");
    }
    if starts(b"%PDF") {
        return Some("PDF");
    }
    if starts(&[0, 0, 1, 0]) {
        return Some("ICO");
    }
    if starts(&[0xFF, 0x0A]) || starts(&[0, 0, 0, 0x0C, b'J', b'X', b'L', b' ']) {
        return Some("JPEG XL");
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return Some(match &bytes[8..12] {
            b"avif" | b"avis" => "AVIF",
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" => "HEIC/HEIF",
            _ => "an ISO media file (video?)",
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_supported_magic() {
        assert_eq!(
            sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).unwrap(),
            ImageKind::Jpeg
        );
        assert_eq!(
            sniff_image(b"\x89PNG\r\n\x1a\n....").unwrap(),
            ImageKind::Png
        );
        assert_eq!(
            sniff_image(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(),
            ImageKind::Webp
        );
        let mut bmp = b"BM".to_vec();
        bmp.resize(54, 0);
        assert_eq!(sniff_image(&bmp).unwrap(), ImageKind::Bmp);
    }

    #[test]
    fn names_unsupported_formats() {
        for (bytes, name) in [
            (&b"GIF89a\x01\0\x01\0"[..], "GIF"),
            (&b"II*\0\x08\0\0\0"[..], "TIFF"),
            (&b"MM\0*\0\0\0\x08"[..], "TIFF"),
            (&b"\0\0\0\x18ftypheic\0\0\0\0"[..], "HEIC/HEIF"),
            (&b"\0\0\0\x1cftypavif\0\0\0\0"[..], "AVIF"),
        ] {
            match sniff_image(bytes) {
                Err(MediaError::ImageFormatUnsupported(n)) => assert_eq!(n, name),
                other => panic!("expected unsupported {name}, got {other:?}"),
            }
        }
    }

    #[test]
    fn unknown_and_empty() {
        assert!(matches!(
            sniff_image(b"hello world"),
            Err(MediaError::ImageUndecodable(_))
        ));
        assert!(matches!(
            sniff_image(b"RIFF\0\0\0\0AVI "),
            Err(MediaError::ImageUndecodable(_))
        ));
        assert!(matches!(sniff_image(b""), Err(MediaError::Empty)));
    }
}

//! Still-image decoding with size limits checked from the header before any
//! pixel buffer is allocated, and EXIF orientation applied.

mod jpeg_end;
mod sniff;

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, RgbImage};

use crate::error::MediaError;
pub use sniff::{sniff_image, ImageKind};

/// Dimension limits for decoded images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLimits {
    /// Largest width × height accepted.
    pub max_pixels: u64,
    /// Largest width or height accepted.
    pub max_side: u32,
}

impl Default for ImageLimits {
    fn default() -> Self {
        // 40 MP covers every phone camera on sale; 10000 px covers flatbed scans.
        Self {
            max_pixels: 40_000_000,
            max_side: 10_000,
        }
    }
}

/// A decoded, upright RGB image.
#[derive(Debug, Clone)]
pub struct DecodedImage {
    /// Pixels after EXIF orientation; transparency is flattened onto white.
    pub image: RgbImage,
    pub format: ImageKind,
    /// Width stored in the file, before orientation.
    pub original_width: u32,
    /// Height stored in the file, before orientation.
    pub original_height: u32,
}

/// Bytes per pixel the decoder may need at most (16-bit RGBA) plus conversion copies.
const ALLOC_BYTES_PER_PIXEL: u64 = 8 + 4;

/// Decode JPEG, PNG, BMP or WebP bytes into an upright RGB image.
pub fn decode_image(bytes: &[u8], limits: &ImageLimits) -> Result<DecodedImage, MediaError> {
    let format = sniff_image(bytes)?;
    if format == ImageKind::Jpeg && !jpeg_end::has_end_marker(bytes) {
        // The JPEG decoder fills missing data with grey instead of failing.
        return Err(MediaError::ImageUndecodable(
            "the JPEG data ends before its end marker (truncated upload?)".into(),
        ));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.to_image_format());
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(ALLOC_BYTES_PER_PIXEL));
    reader.limits(decoder_limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| map_error(e, None, limits))?;

    // Header only: refuse oversized images before the pixel buffer exists.
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, limits)?;
    let mut strict = image::Limits::default();
    strict.max_image_width = Some(limits.max_side);
    strict.max_image_height = Some(limits.max_side);
    strict.max_alloc = Some(limits.max_pixels.saturating_mul(ALLOC_BYTES_PER_PIXEL));
    decoder
        .set_limits(strict)
        .map_err(|e| map_error(e, Some((width, height)), limits))?;

    let orientation = decoder.orientation().unwrap_or_else(|e| {
        // Broken EXIF should not cost the user their photo.
        tracing::debug!(error = %e, "ignoring unreadable EXIF orientation");
        image::metadata::Orientation::NoTransforms
    });
    let mut dynamic = DynamicImage::from_decoder(decoder)
        .map_err(|e| map_error(e, Some((width, height)), limits))?;
    dynamic.apply_orientation(orientation);
    Ok(DecodedImage {
        image: flatten_to_rgb(dynamic),
        format,
        original_width: width,
        original_height: height,
    })
}

fn check_dimensions(width: u32, height: u32, limits: &ImageLimits) -> Result<(), MediaError> {
    if width == 0 || height == 0 {
        return Err(MediaError::ImageUndecodable(format!(
            "the header declares an empty {width}x{height} image"
        )));
    }
    let pixels = u64::from(width) * u64::from(height);
    if width > limits.max_side || height > limits.max_side || pixels > limits.max_pixels {
        return Err(MediaError::ImageTooManyPixels {
            width,
            height,
            max_pixels: limits.max_pixels,
            max_side: limits.max_side,
        });
    }
    Ok(())
}

/// RGB with any alpha composited over white (ID photos have white backgrounds).
fn flatten_to_rgb(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (w, h) = rgba.dimensions();
    RgbImage::from_fn(w, h, |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u32::from(p[3]);
        let blend = |c: u8| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
        image::Rgb([blend(p[0]), blend(p[1]), blend(p[2])])
    })
}

/// `dims` is the header size once known, so limit errors can name it.
fn map_error(e: ImageError, dims: Option<(u32, u32)>, limits: &ImageLimits) -> MediaError {
    match e {
        ImageError::Limits(limit) => match dims {
            Some((width, height)) => MediaError::ImageTooManyPixels {
                width,
                height,
                max_pixels: limits.max_pixels,
                max_side: limits.max_side,
            },
            None => MediaError::ImageUndecodable(format!("decoder limit reached: {limit}")),
        },
        ImageError::Unsupported(u) => MediaError::ImageFormatUnsupported(u.to_string()),
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            MediaError::ImageUndecodable("the image data ends early (truncated upload?)".into())
        }
        other => MediaError::ImageUndecodable(other.to_string()),
    }
}

#[cfg(test)]
mod tests;

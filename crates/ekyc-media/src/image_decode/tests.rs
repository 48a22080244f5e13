use std::io::Cursor;
use std::path::PathBuf;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

use super::*;

const LIMITS: ImageLimits = ImageLimits {
    max_pixels: 40_000_000,
    max_side: 10_000,
};

/// 40×20 image: left half red, right half blue, so orientation is visible.
fn two_tone() -> RgbImage {
    RgbImage::from_fn(40, 20, |x, _| {
        if x < 20 {
            Rgb([255, 0, 0])
        } else {
            Rgb([0, 0, 255])
        }
    })
}

fn encode(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode test image");
    out.into_inner()
}

/// Little-endian TIFF block with a single Orientation (0x0112) entry.
fn exif_orientation(value: u16) -> Vec<u8> {
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes()); // IFD offset
    t.extend_from_slice(&1u16.to_le_bytes()); // one entry
    t.extend_from_slice(&0x0112u16.to_le_bytes());
    t.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&value.to_le_bytes());
    t.extend_from_slice(&[0, 0]);
    t.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    t
}

fn jpeg_with_orientation(img: &RgbImage, orientation: u16) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, 95);
    enc.set_exif_metadata(exif_orientation(orientation))
        .expect("jpeg takes exif");
    enc.write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )
    .expect("encode jpeg");
    out
}

fn is_reddish(p: &Rgb<u8>) -> bool {
    p.0[0] > 200 && p.0[2] < 60
}

#[test]
fn decodes_each_supported_format() {
    let img = two_tone();
    for (format, kind) in [
        (ImageFormat::Jpeg, ImageKind::Jpeg),
        (ImageFormat::Png, ImageKind::Png),
        (ImageFormat::Bmp, ImageKind::Bmp),
        (ImageFormat::WebP, ImageKind::Webp),
    ] {
        let decoded = decode_image(&encode(&img, format), &LIMITS).expect("decodes");
        assert_eq!(decoded.format, kind);
        assert_eq!(decoded.image.dimensions(), (40, 20));
        assert_eq!((decoded.original_width, decoded.original_height), (40, 20));
        assert!(is_reddish(decoded.image.get_pixel(2, 10)), "{kind:?}");
        assert!(!is_reddish(decoded.image.get_pixel(37, 10)), "{kind:?}");
    }
}

#[test]
fn exif_orientation_is_applied() {
    // 6 = rotate 90° clockwise for display: the red left half ends on top.
    let decoded = decode_image(&jpeg_with_orientation(&two_tone(), 6), &LIMITS).expect("decodes");
    assert_eq!(decoded.image.dimensions(), (20, 40));
    assert_eq!((decoded.original_width, decoded.original_height), (40, 20));
    assert!(is_reddish(decoded.image.get_pixel(10, 2)));
    assert!(!is_reddish(decoded.image.get_pixel(10, 37)));

    // 8 = rotate 90° counter-clockwise: red ends at the bottom.
    let decoded = decode_image(&jpeg_with_orientation(&two_tone(), 8), &LIMITS).expect("decodes");
    assert_eq!(decoded.image.dimensions(), (20, 40));
    assert!(is_reddish(decoded.image.get_pixel(10, 37)));

    // 1 = upright.
    let decoded = decode_image(&jpeg_with_orientation(&two_tone(), 1), &LIMITS).expect("decodes");
    assert_eq!(decoded.image.dimensions(), (40, 20));
}

#[test]
fn truncated_images_are_undecodable() {
    let jpeg = encode(&two_tone(), ImageFormat::Jpeg);
    let cut = &jpeg[..jpeg.len() * 2 / 3];
    assert!(matches!(
        decode_image(cut, &LIMITS),
        Err(MediaError::ImageUndecodable(_))
    ));

    let png = encode(&two_tone(), ImageFormat::Png);
    let cut = &png[..png.len() - 20];
    assert!(matches!(
        decode_image(cut, &LIMITS),
        Err(MediaError::ImageUndecodable(_))
    ));
}

#[test]
fn random_and_foreign_bytes_are_refused() {
    // Deterministic noise (xorshift) so the test cannot flake.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    assert!(matches!(
        decode_image(&noise, &LIMITS),
        Err(MediaError::ImageUndecodable(_))
    ));
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    assert!(matches!(
        decode_image(gif, &LIMITS),
        Err(MediaError::ImageFormatUnsupported(_))
    ));
    assert!(matches!(decode_image(b"", &LIMITS), Err(MediaError::Empty)));
    // Valid magic, garbage after it.
    let mut fake_png = b"\x89PNG\r\n\x1a\n".to_vec();
    fake_png.extend_from_slice(&noise[..64]);
    assert!(matches!(
        decode_image(&fake_png, &LIMITS),
        Err(MediaError::ImageUndecodable(_))
    ));
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A PNG whose header claims `w`×`h` but whose pixel data is a few bytes of
/// nothing: decoding it would fail, so a size error proves the header check ran first.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    png_chunk(&mut out, b"IHDR", &ihdr);
    png_chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    png_chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn oversized_headers_are_refused_before_decoding() {
    let bomb = png_bomb(20_000, 20_000);
    assert!(bomb.len() < 100);
    match decode_image(&bomb, &LIMITS) {
        Err(MediaError::ImageTooManyPixels { width, height, .. }) => {
            assert_eq!((width, height), (20_000, 20_000));
        }
        other => panic!("expected ImageTooManyPixels, got {other:?}"),
    }
    // Within the side limit but over the pixel count.
    assert!(matches!(
        decode_image(&png_bomb(9_000, 9_000), &LIMITS),
        Err(MediaError::ImageTooManyPixels { .. })
    ));
    // The same header under the limits reaches the decoder, which finds no data.
    assert!(matches!(
        decode_image(&png_bomb(100, 100), &LIMITS),
        Err(MediaError::ImageUndecodable(_))
    ));
    let small = ImageLimits {
        max_pixels: 1000,
        max_side: 30,
    };
    assert!(matches!(
        decode_image(&encode(&two_tone(), ImageFormat::Png), &small),
        Err(MediaError::ImageTooManyPixels {
            width: 40,
            height: 20,
            ..
        })
    ));
}

#[test]
fn transparency_is_flattened_onto_white() {
    let img = RgbaImage::from_fn(4, 4, |x, _| {
        if x < 2 {
            Rgba([0, 0, 0, 0])
        } else {
            Rgba([10, 20, 30, 255])
        }
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .expect("encode png");
    let decoded = decode_image(out.get_ref(), &LIMITS).expect("decodes");
    assert_eq!(decoded.image.get_pixel(0, 0).0, [255, 255, 255]);
    assert_eq!(decoded.image.get_pixel(3, 0).0, [10, 20, 30]);
}

fn shared_data_root() -> Option<PathBuf> {
    let root = std::env::var_os("EKYC_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    root.is_dir().then_some(root)
}

/// Files under `root/sub` with one of the given extensions, sorted.
fn files_with_ext(root: &std::path::Path, sub: &str, exts: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        exts.contains(&ext.as_str())
    });
    files.sort();
    files
}

/// Real specimen documents decode (skipped when the shared folder is absent).
#[test]
fn decodes_shared_documents() {
    let Some(root) = shared_data_root() else {
        eprintln!("SKIP decodes_shared_documents: shared data folder not found");
        return;
    };
    let files = files_with_ext(&root, "documents", &["jpg", "jpeg", "png"]);
    assert!(!files.is_empty(), "no images under {}", root.display());
    for path in files {
        let bytes = std::fs::read(&path).expect("read test image");
        let decoded = decode_image(&bytes, &LIMITS)
            .unwrap_or_else(|e| panic!("{} failed: {e}", path.display()));
        assert!(decoded.image.width() >= 100 && decoded.image.height() >= 100);
    }
}

/// The truncation check accepts every real JPEG (cheap: no pixel decoding).
#[test]
fn real_jpegs_have_end_markers() {
    let Some(root) = shared_data_root() else {
        eprintln!("SKIP real_jpegs_have_end_markers: shared data folder not found");
        return;
    };
    let mut files = files_with_ext(&root, "faces/images", &["jpg", "jpeg"]);
    files.extend(files_with_ext(&root, "documents", &["jpg", "jpeg"]));
    assert!(!files.is_empty());
    for path in files {
        let bytes = std::fs::read(&path).expect("read test image");
        assert!(jpeg_end::has_end_marker(&bytes), "{}", path.display());
    }
}

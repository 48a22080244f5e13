//! Selfie against document portrait: the portrait on a passport specimen must match the same
//! document photographed again (tilted, softer, re-compressed, other light) and must not match
//! a photo of someone else. Skips (loudly) without the model cache or the test data.

mod common;

use common::{data_dir, pipeline};
use ekyc_face::{compare, CompareOptions};
use image::{imageops, Rgb, RgbImage};

fn open(path: &std::path::Path) -> RgbImage {
    image::open(path)
        .unwrap_or_else(|e| panic!("decode {}: {e}", path.display()))
        .to_rgb8()
}

/// The page as a phone would see it again: rotated 4°, scaled to 85 %, slightly blurred,
/// warmer and darker, on a grey background, saved as JPEG quality 70.
fn rephotograph(page: &RgbImage) -> RgbImage {
    let (w, h) = page.dimensions();
    let scaled = imageops::resize(
        page,
        w * 85 / 100,
        h * 85 / 100,
        imageops::FilterType::Triangle,
    );
    let mut canvas = RgbImage::from_pixel(w, h, Rgb([90, 90, 95]));
    imageops::overlay(
        &mut canvas,
        &scaled,
        (w as i64 * 8) / 100,
        (h as i64 * 6) / 100,
    );
    let angle = 4f32.to_radians();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let rotated = RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let sx = cx + dx * angle.cos() + dy * angle.sin();
        let sy = cy - dx * angle.sin() + dy * angle.cos();
        if sx >= 0.0 && sy >= 0.0 && (sx as u32) < w && (sy as u32) < h {
            let p = canvas.get_pixel(sx as u32, sy as u32);
            Rgb([
                (p[0] as f32 * 0.92 + 6.0).min(255.0) as u8,
                (p[1] as f32 * 0.88).min(255.0) as u8,
                (p[2] as f32 * 0.80).min(255.0) as u8,
            ])
        } else {
            Rgb([90, 90, 95])
        }
    });
    let soft = imageops::blur(&rotated, 0.8);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 70)
        .encode_image(&soft)
        .expect("jpeg");
    image::load_from_memory(&jpeg).expect("re-decode").to_rgb8()
}

#[test]
fn passport_portrait_matches_its_rephotograph_and_not_a_stranger() {
    let data = data_dir();
    let page_path = data.join("documents/d025.jpg");
    let stranger_path = data.join("faces/images/face_recognition__biden.jpg");
    if !page_path.is_file() || !stranger_path.is_file() {
        eprintln!(
            "SKIP: test data not found at {} (set EKYC_TEST_DATA)",
            data.display()
        );
        return;
    }
    let Some(p) = pipeline() else { return };
    let page = open(&page_path);
    let again = rephotograph(&page);
    let opts = CompareOptions::default();
    let same = compare(&p, &page, &again, &opts).expect("both portraits found");
    eprintln!(
        "portrait vs re-photographed page: Sim {:.2} (distance {:.3})",
        same.sim, same.distance
    );
    assert!(
        same.sim >= 70.0,
        "same document photographed again: Sim {}",
        same.sim
    );

    let stranger = open(&stranger_path);
    let other = compare(&p, &page, &stranger, &opts).expect("both faces found");
    eprintln!(
        "portrait vs another person: Sim {:.2} (distance {:.3})",
        other.sim, other.distance
    );
    assert!(other.sim < 70.0, "another person: Sim {}", other.sim);
}

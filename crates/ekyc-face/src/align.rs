//! Face alignment: a 150x150 chip like dlib's `get_face_chip(img, shape, 150, 0.25)`.
//!
//! The descriptor net was trained on chips cut by dlib from its own 5-point shape predictor
//! (eye corners + base of the nose). CenterFace gives other points (eye centres, nose tip,
//! mouth corners), so [`CHIP_TEMPLATE`] says where *CenterFace's* points land in a dlib chip.
//! It was measured, not guessed, with `tools/models/fit_chip_template.py`: for the 56 photos of
//! `shared/data/faces`, dlib (`dlib-bin` 20.0.1: frontal detector +
//! `shape_predictor_5_face_landmarks`) gave its chip; cutting images of the x and y coordinates
//! with the same chip details recovered dlib's exact chip-to-image map; the landmarks of
//! [`crate::FaceDetector::detect_largest`] (with its close-up pass) were mapped into the chip and
//! averaged per point. Spread per point: 2-4 px (nose x 5.5 px, head turns); templates fitted on
//! either half of the photos differ by < 1.2 px. The close-up pass matters: single-pass
//! landmarks spread 4-6 px and cost ~4 points of TAR at FAR 0.1 % on the labelled pairs.

use image::RgbImage;

use crate::error::FaceError;
use crate::geometry::{Face, Similarity};
use crate::warp::{warp, Quality};

/// Side of the chip the descriptor net takes.
pub const CHIP_SIZE: u32 = 150;

/// Where each CenterFace landmark ([`crate::landmark`] order) lands in a dlib 150x150 chip with
/// padding 0.25, in chip pixel coordinates (pixel centres at integers).
pub const CHIP_TEMPLATE: [[f32; 2]; 5] = [
    [47.017, 47.600],
    [102.996, 46.049],
    [74.312, 77.438],
    [53.782, 103.919],
    [99.414, 102.594],
];

/// The similarity mapping image pixels to chip pixels for `face`, or `None` when the
/// landmarks are degenerate (all in one point, not finite).
pub fn chip_transform(face: &Face) -> Option<Similarity> {
    let src = face.landmarks.map(|[x, y]| [f64::from(x), f64::from(y)]);
    if src.iter().flatten().any(|v| !v.is_finite()) {
        return None;
    }
    let dst = CHIP_TEMPLATE.map(|[x, y]| [f64::from(x), f64::from(y)]);
    Similarity::fit(&src, &dst)
}

/// Cut the 150x150 chip of `face` from `image`; parts outside the image are black, as in dlib.
pub fn align(image: &RgbImage, face: &Face) -> Result<RgbImage, FaceError> {
    let to_chip = chip_transform(face)
        .ok_or_else(|| FaceError::BadInput("face landmarks are degenerate".into()))?;
    let to_image = to_chip
        .inverse()
        .ok_or_else(|| FaceError::BadInput("face landmarks are degenerate".into()))?;
    Ok(warp(
        image,
        &to_image,
        (CHIP_SIZE, CHIP_SIZE),
        Quality::Fine,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::BBox;
    use image::Rgb;

    fn face_with(landmarks: [[f32; 2]; 5]) -> Face {
        Face {
            bbox: BBox {
                x1: 0.0,
                y1: 0.0,
                x2: 1.0,
                y2: 1.0,
            },
            landmarks,
            score: 1.0,
        }
    }

    #[test]
    fn landmarks_on_the_template_give_an_identity_chip() {
        let mut image = RgbImage::new(CHIP_SIZE, CHIP_SIZE);
        for (x, y, p) in image.enumerate_pixels_mut() {
            *p = Rgb([x as u8, y as u8, 77]);
        }
        let chip = align(&image, &face_with(CHIP_TEMPLATE)).expect("align");
        assert_eq!(chip.dimensions(), (CHIP_SIZE, CHIP_SIZE));
        for (x, y) in [(0, 0), (10, 140), (75, 75), (149, 149)] {
            assert_eq!(
                chip.get_pixel(x, y),
                &Rgb([x as u8, y as u8, 77]),
                "({x}, {y})"
            );
        }
    }

    #[test]
    fn a_scaled_rotated_face_is_mapped_onto_the_template() {
        // Place the template in a big image rotated by 90 degrees and scaled 3x around
        // (300, 300); mark where the template's eye (image left) lands with a white blob.
        let rot = Similarity {
            a: 0.0,
            b: 3.0,
            tx: 300.0,
            ty: 300.0,
        };
        let landmarks = CHIP_TEMPLATE.map(|[x, y]| {
            let [u, v] = rot.apply([f64::from(x), f64::from(y)]);
            [u as f32, v as f32]
        });
        let mut image = RgbImage::new(800, 800);
        let [ex, ey] = landmarks[0];
        for y in (ey as i32 - 6)..=(ey as i32 + 6) {
            for x in (ex as i32 - 6)..=(ex as i32 + 6) {
                image.put_pixel(x as u32, y as u32, Rgb([255, 255, 255]));
            }
        }
        let transform = chip_transform(&face_with(landmarks)).expect("transform");
        assert!((transform.scale() - 1.0 / 3.0).abs() < 1e-6);
        let chip = align(&image, &face_with(landmarks)).expect("align");
        let [tx, ty] = CHIP_TEMPLATE[0];
        let (tx, ty) = (tx.round() as u32, ty.round() as u32);
        assert_eq!(chip.get_pixel(tx, ty)[0], 255);
        // Some chip pixels away from the blob (3 image px per chip px) it is dark again.
        assert_eq!(chip.get_pixel(tx + 6, ty)[0], 0);
        assert_eq!(chip.get_pixel(tx, ty + 6)[0], 0);
    }

    #[test]
    fn outside_is_black_and_degenerate_landmarks_fail() {
        let image = RgbImage::from_pixel(10, 10, Rgb([200, 200, 200]));
        // Landmarks at 1/5 of the template: the chip spans 30x30 image px, mostly outside.
        let tiny = CHIP_TEMPLATE.map(|[x, y]| [x / 5.0, y / 5.0]);
        let chip = align(&image, &face_with(tiny)).expect("align");
        assert_eq!(chip.get_pixel(149, 149), &Rgb([0, 0, 0]));
        assert_eq!(chip.get_pixel(0, 0), &Rgb([200, 200, 200]));
        assert!(align(&image, &face_with([[5.0, 5.0]; 5])).is_err());
        assert!(align(&image, &face_with([[f32::NAN, 5.0]; 5])).is_err());
    }

    #[test]
    fn supersampling_averages_fine_detail() {
        // A 1-px checkerboard seen at 1/4 scale must come out mid-grey, not aliased.
        let mut image = RgbImage::new(600, 600);
        for (x, y, p) in image.enumerate_pixels_mut() {
            let v = if (x + y) % 2 == 0 { 255 } else { 0 };
            *p = Rgb([v, v, v]);
        }
        let landmarks = CHIP_TEMPLATE.map(|[x, y]| [x * 4.0, y * 4.0]);
        let chip = align(&image, &face_with(landmarks)).expect("align");
        for (x, y) in [(20, 20), (75, 75), (120, 30)] {
            let v = chip.get_pixel(x, y)[0];
            assert!((118..=138).contains(&v), "({x}, {y}) = {v}");
        }
    }
}

//! Passive single-photo anti-spoofing: is this photo a recapture of a face shown on a screen?
//!
//! A display is a grid of R, G, B sub-pixels; photographed, it leaves sharp isolated peaks in
//! the 2-D spectrum (the grid itself, or moiré where the camera samples below its pitch). The
//! document alarm stage measures exactly that for screen recaptures of cards
//! ([`ekyc_alarms::screen`]); here it runs on the face box, where a recaptured photo shows the
//! grid and a real one shows skin.
//!
//! Printed photos (a passport portrait photographed) are *not* the target: their halftone or
//! dye texture is weaker and not a sub-pixel grid; the threshold is chosen on generated sets
//! holding such prints as controls (`tools/faces/gen_spoofs.py`, `ekyc eval spoof`).

use ekyc_alarms::{screen, CardHints, View};
use image::RgbImage;
use serde::Serialize;

use crate::geometry::{BBox, Face};

/// Share of the face box's size added on every side before measuring. 0: a reference photo is
/// often a passport portrait cut with some of the page around it, and the page's guilloche
/// (fine periodic lines) gives peaks of its own — widening by 20 % raised the best controls'
/// score from 7.3 to 9.1 on the hold-out set, by 50 % to 9.3, while adding no recapture.
pub const CONTEXT: f32 = 0.0;

/// What the screen-recapture check measured on one photo.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ScreenMeasure {
    /// ln of the median (over tiles) of the strongest spectral peak over the median power at
    /// its radius; compared with `PhotoCheckConfig::max_screen_score`.
    pub score: f32,
    /// The strongest single tile's peak ratio.
    pub peak_ratio_max: f32,
    /// Period of the median tile's peak, pixels.
    pub period_px: f32,
    /// Region measured, pixels.
    pub region: [u32; 4],
}

/// Face box widened by [`CONTEXT`] and clamped to the image: `[x0, y0, x1, y1]`.
pub fn region(face: &BBox, width: u32, height: u32) -> [u32; 4] {
    let (mx, my) = (CONTEXT * face.width(), CONTEXT * face.height());
    let clamp = |v: f32, hi: u32| (v.max(0.0) as u32).min(hi);
    [
        clamp(face.x1 - mx, width),
        clamp(face.y1 - my, height),
        clamp(face.x2 + mx, width),
        clamp(face.y2 + my, height),
    ]
}

/// Screen-recapture evidence around `face`; `None` when the region is too small to judge
/// (under 64 px a side: no spectrum worth reading).
pub fn screen_measure(image: &RgbImage, face: &Face) -> Option<ScreenMeasure> {
    let r = region(&face.bbox, image.width(), image.height());
    let (w, h) = (r[2].saturating_sub(r[0]), r[3].saturating_sub(r[1]));
    if w < 64 || h < 64 {
        return None;
    }
    let crop = image::imageops::crop_imm(image, r[0], r[1], w, h).to_image();
    let view = View::new(&crop, &CardHints::default());
    let d = screen::detect(&view);
    if d.evidence("too_small").is_some() {
        return None;
    }
    Some(ScreenMeasure {
        score: d.score,
        peak_ratio_max: d.evidence("peak_ratio_max").unwrap_or(0.0),
        period_px: d.evidence("peak_period_px").unwrap_or(0.0),
        region: r,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(x1: f32, y1: f32, x2: f32, y2: f32) -> Face {
        Face {
            bbox: BBox { x1, y1, x2, y2 },
            landmarks: [[0.0; 2]; 5],
            score: 0.9,
        }
    }

    /// Smooth gradients with mild noise stand in for a face; the same with a 3-px R/G/B stripe
    /// grid for a display.
    fn scene(stripes: bool) -> RgbImage {
        let mut seed = 12345u32;
        RgbImage::from_fn(400, 400, |x, y| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let noise = ((seed >> 16) % 7) as f32 - 3.0;
            let base = 90.0 + 0.2 * x as f32 + 0.15 * y as f32 + noise;
            let mut px = [base; 3];
            if stripes {
                for (c, v) in px.iter_mut().enumerate() {
                    *v *= if x % 3 == c as u32 { 1.6 } else { 0.7 };
                }
            }
            image::Rgb(px.map(|v| v.clamp(0.0, 255.0) as u8))
        })
    }

    #[test]
    fn a_subpixel_grid_scores_far_above_a_smooth_scene() {
        let f = face(120.0, 120.0, 280.0, 280.0);
        let plain = screen_measure(&scene(false), &f).unwrap();
        let grid = screen_measure(&scene(true), &f).unwrap();
        assert!(grid.score > plain.score + 2.0, "{plain:?} vs {grid:?}");
        assert!((grid.period_px - 3.0).abs() < 0.5, "{grid:?}");
    }

    #[test]
    fn tiny_regions_are_not_judged() {
        let img = RgbImage::new(50, 50);
        assert!(screen_measure(&img, &face(10.0, 10.0, 30.0, 30.0)).is_none());
        assert_eq!(
            region(&face(-5.0, 10.0, 30.0, 60.0).bbox, 50, 50),
            [0, 10, 30, 50]
        );
    }
}

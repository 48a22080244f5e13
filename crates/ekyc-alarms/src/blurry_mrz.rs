//! Blur at the MRZ's own scale. Whether a photo is too blurry depends on whether its text can
//! still be read, and that is blur measured against the size of the characters, not in pixels:
//! 2 px of blur ruins an MRZ printed at 6 px a character and is harmless at 20 px. So the MRZ
//! band (from the reader's hint) is resampled to a fixed [`PITCH_PX`] pixels per character —
//! rectified along its own corners, averaging the source pixels each output pixel covers — and
//! the Crété-Roffet re-blur measure is taken on it: the share of the text's local variation
//! that a further blur no longer removes (0 = crisp strokes, 1 = nothing left to blur).

use image::RgbImage;

use crate::plane::Plane;
use crate::view::MrzHint;

/// Output pixels per MRZ character: OCR-B strokes are ≈ 0.14 of the pitch, 1.4 px here.
pub const PITCH_PX: f32 = 10.0;
/// Radius of the re-blurring average in output pixels (a 9-tap filter, as in the paper).
const REBLUR_RADIUS: usize = 4;
/// Largest source footprint averaged per output pixel, per side.
const MAX_SUBSAMPLES: usize = 6;
/// Bands outside these limits are not judged (a reader hint this odd is not a text band).
const MAX_BAND_PX: f32 = 20_000.0;

/// The MRZ-scale blur and what it was measured on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MrzBlur {
    /// Re-blur measure along the lines (horizontal) and across them (vertical).
    pub blur_h: f32,
    pub blur_v: f32,
    /// Character pitch of the MRZ in the photo, in full-resolution pixels.
    pub pitch_px: f32,
}

/// Blur of the MRZ band at a fixed character pitch; `None` when the hint is unusable.
pub fn mrz_blur(full: &RgbImage, hint: &MrzHint) -> Option<MrzBlur> {
    let band = rectified_band(full, hint)?;
    if band.plane.w < 2 * REBLUR_RADIUS + 2 || band.plane.h < 2 * REBLUR_RADIUS + 2 {
        return None;
    }
    Some(MrzBlur {
        blur_h: reblur(&band.plane),
        blur_v: reblur(&band.plane.transposed()),
        pitch_px: band.pitch_px,
    })
}

struct Band {
    plane: Plane,
    pitch_px: f32,
}

/// The band's luma resampled so one character is [`PITCH_PX`] wide, keeping its aspect.
fn rectified_band(full: &RgbImage, hint: &MrzHint) -> Option<Band> {
    let [tl, tr, br, bl] = hint.corners;
    let dist = |a: (f32, f32), b: (f32, f32)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    let band_w = 0.5 * (dist(tl, tr) + dist(bl, br));
    let band_h = 0.5 * (dist(tl, bl) + dist(tr, br));
    let chars = hint.chars.clamp(1, 64) as f32;
    let ok = |x: f32| (1.0..=MAX_BAND_PX).contains(&x);
    if !ok(band_w) || !ok(band_h) {
        return None;
    }
    let pitch_px = band_w / chars;
    let scale = PITCH_PX / pitch_px;
    let w = (band_w * scale).round() as usize;
    let h = ((band_h * scale).round() as usize).clamp(1, 64 * hint.lines.max(1));
    let n = ((1.0 / scale).ceil() as usize).clamp(1, MAX_SUBSAMPLES);
    let (fw, fh) = (full.width() as f32, full.height() as f32);
    let luma = |x: f32, y: f32| -> f32 {
        let (xi, yi) = (x.clamp(0.0, fw - 1.0) as u32, y.clamp(0.0, fh - 1.0) as u32);
        let p = full.get_pixel(xi, yi).0;
        0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32
    };
    let mut plane = Plane::new(w, h);
    for oy in 0..h {
        for ox in 0..w {
            let mut sum = 0.0;
            for sy in 0..n {
                for sx in 0..n {
                    let u = (ox as f32 + (sx as f32 + 0.5) / n as f32) / w as f32;
                    let t = (oy as f32 + (sy as f32 + 0.5) / n as f32) / h as f32;
                    let top = lerp(tl, tr, u);
                    let bottom = lerp(bl, br, u);
                    let p = lerp(top, bottom, t);
                    sum += luma(p.0, p.1);
                }
            }
            plane.data[oy * w + ox] = sum / (n * n) as f32;
        }
    }
    Some(Band { plane, pitch_px })
}

fn lerp(a: (f32, f32), b: (f32, f32), t: f32) -> (f32, f32) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}

/// Crété-Roffet along rows: (Σ|ΔF| − Σ max(0, |ΔF| − |ΔB|)) / Σ|ΔF|, B = F re-blurred.
fn reblur(f: &Plane) -> f32 {
    let b = f.box_blur_h(REBLUR_RADIUS);
    let (mut total, mut lost) = (0.0f32, 0.0f32);
    for y in 0..f.h {
        for x in 1..f.w {
            let df = (f.at(x, y) - f.at(x - 1, y)).abs();
            let db = (b.at(x, y) - b.at(x - 1, y)).abs();
            total += df;
            lost += (df - db).max(0.0);
        }
    }
    if total > 0.0 {
        (total - lost) / total
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{imageops, Rgb};

    /// Two MRZ-like lines of 30 blocky characters at `pitch` px, on white, and the hint.
    fn band(pitch: u32) -> (RgbImage, MrzHint) {
        let (x0, y0) = (2 * pitch, 2 * pitch);
        let (w, h) = (34 * pitch, 7 * pitch);
        let img = RgbImage::from_fn(w, h, |x, y| {
            let (cx, cy) = (x.wrapping_sub(x0), y.wrapping_sub(y0));
            let in_line =
                cx < 30 * pitch && (cy < pitch * 3 / 2 || (2 * pitch..7 * pitch / 2).contains(&cy));
            // A stroke pattern: two vertical bars per character of width ≈ 0.15 pitch.
            let p = (cx % pitch) as f32 / pitch as f32;
            let ink = in_line && ((0.2..0.35).contains(&p) || (0.6..0.75).contains(&p));
            if ink {
                Rgb([20, 20, 25])
            } else {
                Rgb([235, 235, 230])
            }
        });
        let (r, b) = ((x0 + 30 * pitch) as f32, (y0 + 7 * pitch / 2) as f32);
        let hint = MrzHint {
            corners: [
                (x0 as f32, y0 as f32),
                (r, y0 as f32),
                (r, b),
                (x0 as f32, b),
            ],
            lines: 2,
            chars: 30,
        };
        (img, hint)
    }

    #[test]
    fn blur_is_measured_against_the_character_pitch() {
        let (sharp, hint) = band(12);
        let crisp = mrz_blur(&sharp, &hint).unwrap();
        assert!((crisp.pitch_px - 12.0).abs() < 0.01);
        let soft = mrz_blur(&imageops::blur(&sharp, 3.0), &hint).unwrap();
        // Across the lines the measure has the room to move (along them a 9-tap re-blur
        // spans most of a character even when blurred).
        assert!(soft.blur_v > crisp.blur_v + 0.2, "{soft:?} vs {crisp:?}");
        assert!(soft.blur_h > crisp.blur_h, "{soft:?} vs {crisp:?}");
        // The same print twice as large with twice the blur reads the same.
        let (large, hint2) = band(24);
        let soft2 = mrz_blur(&imageops::blur(&large, 6.0), &hint2).unwrap();
        assert!(
            (soft2.blur_h - soft.blur_h).abs() < 0.08,
            "{soft2:?} vs {soft:?}"
        );
    }

    #[test]
    fn an_odd_hint_is_not_judged() {
        let (img, mut hint) = band(12);
        hint.corners = [(0.0, 0.0); 4];
        assert_eq!(mrz_blur(&img, &hint), None);
    }
}

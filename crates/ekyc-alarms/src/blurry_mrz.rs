//! Blur at the MRZ's own scale. Whether a photo is too blurry depends on whether its text can
//! still be read, and that is blur measured against the size of the characters, not in pixels:
//! 2 px of blur ruins an MRZ printed at 6 px a character and is harmless at 20 px. So the MRZ
//! band (from the reader's hint) is resampled to a fixed [`PITCH_PX`] pixels per character —
//! rectified along its own corners, averaging bilinear samples over each output pixel's
//! footprint — and the Crété-Roffet re-blur measure is taken on it along four directions (rows,
//! columns, both diagonals): the share of the text's local variation that a further blur along
//! that direction no longer removes (0 = crisp strokes, 1 = nothing left to blur). Motion blur
//! smears one direction only, so the score is the most blurred direction, each divided by what
//! sharp print reads in it (OCR-B has more vertical and horizontal strokes than diagonal ones),
//! plus a share of the spread between the most and least blurred directions: sharp print and
//! defocus read alike along all four, a light smear stands out in one.

use image::RgbImage;

use crate::plane::Plane;
use crate::view::MrzHint;

/// Output pixels per MRZ character: OCR-B strokes are ≈ 0.14 of the pitch, 1.4 px here.
pub const PITCH_PX: f32 = 10.0;
/// Radius of the re-blurring average in output pixels (5 taps = half a character: a blur that
/// already spans a stroke's width is not undone by it).
const REBLUR_RADIUS: i64 = 2;
/// Largest source footprint averaged per output pixel, per side.
const MAX_SUBSAMPLES: usize = 4;
/// Bands outside these limits are not judged (a reader hint this odd is not a text band).
const MAX_BAND_PX: f32 = 20_000.0;
/// Text-line height over character pitch that a band of the hint's shape can have: read MRZs
/// span 1.1–3.3 on the tune sets (up to 4.9 when blur widens the band). Outside, the character
/// count does not fit the band (a reader that returned part of a line as a shorter format), so
/// the pitch from it would be wrong and the resampling would blur or sharpen the text itself.
const LINE_TO_PITCH: (f32, f32) = (0.8, 3.5);
/// Steps of the four directions (x, y): along the lines, across them, and the two diagonals.
const DIRECTIONS: [(i64, i64); 4] = [(1, 0), (0, 1), (1, 1), (1, -1)];
/// The measure along each direction on sharp print: the median over the specimen documents
/// (`../shared/data/documents`, at their own resolution) of the same measure.
const SHARP_PRINT: [f32; 4] = [0.31, 0.31, 0.24, 0.24];
/// Weight of the spread between the most and least blurred directions (relative to sharp
/// print). 0.2 on the tune sets: a light smear on a large MRZ crosses the threshold, while the
/// soft specimen scans (spread ≤ 0.2) move by at most 0.04.
const SPREAD_WEIGHT: f32 = 0.2;

/// The MRZ-scale blur and what it was measured on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MrzBlur {
    /// Re-blur measure along the lines, across them, and along the two diagonals.
    pub along: [f32; 4],
    /// The largest of `along[i] / SHARP_PRINT[i]` (how many times blurrier than sharp print
    /// the most blurred direction reads) plus [`SPREAD_WEIGHT`] × its excess over the smallest.
    pub relative: f32,
    /// Character pitch of the MRZ in the photo, in full-resolution pixels.
    pub pitch_px: f32,
}

/// Blur of the MRZ band at a fixed character pitch; `None` when the hint is unusable.
pub fn mrz_blur(full: &RgbImage, hint: &MrzHint) -> Option<MrzBlur> {
    let band = rectified_band(full, hint)?;
    let min_side = 2 * REBLUR_RADIUS as usize + 2;
    if band.plane.w < min_side || band.plane.h < min_side {
        return None;
    }
    let along = DIRECTIONS.map(|d| reblur(&band.plane, d));
    let scaled = along.iter().zip(SHARP_PRINT).map(|(b, s)| b / s);
    let most = scaled.clone().fold(f32::MIN, f32::max);
    let least = scaled.fold(f32::MAX, f32::min);
    let relative = most + SPREAD_WEIGHT * (most - least);
    Some(MrzBlur {
        along,
        relative,
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
    if !ok(band_w) || !ok(band_h) || full.width() < 2 || full.height() < 2 {
        return None;
    }
    let pitch_px = band_w / chars;
    let line_to_pitch = band_h / hint.lines.max(1) as f32 / pitch_px;
    if !(LINE_TO_PITCH.0..=LINE_TO_PITCH.1).contains(&line_to_pitch) {
        return None;
    }
    let scale = PITCH_PX / pitch_px;
    let w = (band_w * scale).round() as usize;
    let h = ((band_h * scale).round() as usize).clamp(1, 64 * hint.lines.max(1));
    let n = ((1.0 / scale).ceil() as usize).clamp(1, MAX_SUBSAMPLES);
    let src = LumaPatch::around(full, &hint.corners);
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
                    sum += src.bilinear(p.0, p.1);
                }
            }
            plane.data[oy * w + ox] = sum / (n * n) as f32;
        }
    }
    Some(Band { plane, pitch_px })
}

/// BT.601 luma of the photo's part under the band (converted once, not per sample).
struct LumaPatch {
    x0: f32,
    y0: f32,
    plane: Plane,
}

impl LumaPatch {
    /// The bounding box of `corners` and a pixel around it, clamped to the image (which has at
    /// least 2 × 2 pixels).
    fn around(full: &RgbImage, corners: &[(f32, f32); 4]) -> LumaPatch {
        let (fw, fh) = (full.width() as usize, full.height() as usize);
        let span = |f: fn(&(f32, f32)) -> f32, max: usize| {
            let lo = corners.iter().map(f).fold(f32::MAX, f32::min).floor() - 1.0;
            let hi = corners.iter().map(f).fold(f32::MIN, f32::max).ceil() + 2.0;
            let lo = (lo.max(0.0) as usize).min(max - 2);
            (lo, (hi.max(0.0) as usize).clamp(lo + 2, max))
        };
        let (x0, x1) = span(|p| p.0, fw);
        let (y0, y1) = span(|p| p.1, fh);
        let mut plane = Plane::new(x1 - x0, y1 - y0);
        for y in y0..y1 {
            for x in x0..x1 {
                let p = full.get_pixel(x as u32, y as u32).0;
                plane.data[(y - y0) * plane.w + (x - x0)] =
                    0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32;
            }
        }
        LumaPatch {
            x0: x0 as f32,
            y0: y0 as f32,
            plane,
        }
    }

    /// Bilinear luma at photo position (x, y), clamped to the patch. Bilinear, not nearest:
    /// upsampling a small MRZ must not add pixel-sized steps.
    fn bilinear(&self, x: f32, y: f32) -> f32 {
        let (w, h) = (self.plane.w as f32, self.plane.h as f32);
        let x = (x - self.x0).clamp(0.0, w - 1.001);
        let y = (y - self.y0).clamp(0.0, h - 1.001);
        let (xi, yi) = (x as usize, y as usize);
        let (fx, fy) = (x - xi as f32, y - yi as f32);
        let p = &self.plane;
        let top = p.at(xi, yi) * (1.0 - fx) + p.at(xi + 1, yi) * fx;
        let bottom = p.at(xi, yi + 1) * (1.0 - fx) + p.at(xi + 1, yi + 1) * fx;
        top * (1.0 - fy) + bottom * fy
    }
}

fn lerp(a: (f32, f32), b: (f32, f32), t: f32) -> (f32, f32) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}

/// Crété-Roffet along direction `d`: (Σ|ΔF| − Σ max(0, |ΔF| − |ΔB|)) / Σ|ΔF|, with ΔF the step
/// to the neighbour along `d` and B = F averaged over 2r + 1 pixels along `d` (clamped at the
/// borders).
fn reblur(f: &Plane, d: (i64, i64)) -> f32 {
    let (w, h) = (f.w as i64, f.h as i64);
    let at = |x: i64, y: i64| f.at(x.clamp(0, w - 1) as usize, y.clamp(0, h - 1) as usize);
    let taps = (2 * REBLUR_RADIUS + 1) as f32;
    let mut blurred = Plane::new(f.w, f.h);
    for y in 0..h {
        for x in 0..w {
            let sum: f32 = (-REBLUR_RADIUS..=REBLUR_RADIUS)
                .map(|t| at(x + t * d.0, y + t * d.1))
                .sum();
            blurred.data[(y * w + x) as usize] = sum / taps;
        }
    }
    let (mut total, mut lost) = (0.0f32, 0.0f32);
    for y in 0..h {
        for x in 0..w {
            let (px, py) = (x - d.0, y - d.1);
            if !(0..w).contains(&px) || !(0..h).contains(&py) {
                continue;
            }
            let (i, j) = ((y * w + x) as usize, (py * w + px) as usize);
            let df = (f.data[i] - f.data[j]).abs();
            let db = (blurred.data[i] - blurred.data[j]).abs();
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
pub(crate) mod tests {
    use super::*;
    use image::{imageops, Rgb};

    /// Two MRZ-like lines of 30 blocky characters at `pitch` px, on white, and the hint.
    pub(crate) fn band(pitch: u32) -> (RgbImage, MrzHint) {
        let (x0, y0) = (2 * pitch, 2 * pitch);
        let (w, h) = (34 * pitch, 7 * pitch);
        let img = RgbImage::from_fn(w, h, |x, y| {
            let (cx, cy) = (x.wrapping_sub(x0), y.wrapping_sub(y0));
            let in_line =
                cx < 30 * pitch && (cy < pitch * 3 / 2 || (2 * pitch..7 * pitch / 2).contains(&cy));
            // Box-shaped characters: the outline of a 0.6 × 1.2 pitch box, strokes ≈ 0.15
            // pitch, so both vertical and horizontal strokes.
            let p = (cx % pitch) as f32 / pitch as f32;
            let q = (cy % (2 * pitch)) as f32 / pitch as f32;
            let in_box = (0.2..0.8).contains(&p) && (0.15..1.35).contains(&q);
            let inner = (0.35..0.65).contains(&p) && (0.3..1.2).contains(&q);
            let ink = in_line && in_box && !inner;
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

    /// Motion blur: the mean of `len` copies shifted along the rows.
    pub(crate) fn smear_rows(img: &RgbImage, len: u32) -> RgbImage {
        RgbImage::from_fn(img.width(), img.height(), |x, y| {
            let mut acc = [0u32; 3];
            for t in 0..len {
                let xs = (x + t).saturating_sub(len / 2).min(img.width() - 1);
                for (a, c) in acc.iter_mut().zip(img.get_pixel(xs, y).0) {
                    *a += c as u32;
                }
            }
            Rgb(acc.map(|a| (a / len) as u8))
        })
    }

    #[test]
    fn blur_is_measured_against_the_character_pitch() {
        let (sharp, hint) = band(12);
        let crisp = mrz_blur(&sharp, &hint).unwrap();
        assert!((crisp.pitch_px - 12.0).abs() < 0.01);
        let soft = mrz_blur(&imageops::blur(&sharp, 1.2), &hint).unwrap();
        for (s, c) in soft.along.iter().zip(crisp.along) {
            assert!(*s > c + 0.1, "{soft:?} vs {crisp:?}");
        }
        assert!(
            soft.relative > crisp.relative + 0.5,
            "{soft:?} vs {crisp:?}"
        );
        // The same print twice as large with twice the blur reads the same.
        let (large, hint2) = band(24);
        let soft2 = mrz_blur(&imageops::blur(&large, 2.4), &hint2).unwrap();
        assert!(
            (soft2.relative - soft.relative).abs() < 0.15,
            "{soft2:?} vs {soft:?}"
        );
        // ... and the same blur on print twice as large is milder.
        let milder = mrz_blur(&imageops::blur(&large, 1.2), &hint2).unwrap();
        assert!(
            milder.relative < soft.relative - 0.2,
            "{milder:?} vs {soft:?}"
        );
    }

    #[test]
    fn motion_blur_shows_along_its_direction() {
        let (sharp, hint) = band(12);
        let crisp = mrz_blur(&sharp, &hint).unwrap();
        let smeared = mrz_blur(&smear_rows(&sharp, 7), &hint).unwrap();
        // Along the rows the smear is plain; across them the lines stay crisp.
        assert!(
            smeared.along[0] > crisp.along[0] + 0.1,
            "{smeared:?} vs {crisp:?}"
        );
        assert!(smeared.along[0] > smeared.along[1] + 0.1, "{smeared:?}");
        assert!(
            smeared.relative > crisp.relative + 0.3,
            "{smeared:?} vs {crisp:?}"
        );
        // The spread counts on top of the most blurred direction.
        let most = smeared.along[0] / SHARP_PRINT[0];
        assert!(smeared.relative > most + 0.05, "{smeared:?}");
    }

    #[test]
    fn an_odd_hint_is_not_judged() {
        let (img, mut hint) = band(12);
        let band_ok = mrz_blur(&img, &hint);
        assert!(band_ok.is_some());
        // A character count that does not fit the band: part of a line read as a whole one.
        let mut part = hint;
        part.chars = 90;
        assert_eq!(mrz_blur(&img, &part), None);
        part.chars = 8;
        assert_eq!(mrz_blur(&img, &part), None);
        hint.corners = [(0.0, 0.0); 4];
        assert_eq!(mrz_blur(&img, &hint), None);
    }
}

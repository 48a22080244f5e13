//! Blur on the card's strongest edges, for photos whose MRZ was not found (so there is no
//! character scale to measure against). The Crété-Roffet re-blur measure is taken along four
//! directions at full resolution, but only on the pixels whose step along that direction is
//! among the [`TOP_SHARE`] largest: print and card edges, not flat paper, and not the sensor
//! noise that a blurred photo still carries (a 3 × 3 mean first keeps it below real edges).
//! The old measure on the most textured tiles read that noise as sharpness.
//!
//! Motion blur smears one direction and leaves the crossing one sharp, while sharp print is
//! sharp along every direction and defocus blurs all alike; so besides the most blurred
//! direction the score counts the spread between the most and least blurred ones.

use image::RgbImage;

use crate::plane::{Plane, Rect};

/// Share of pixels (the largest steps along the direction) the measure is taken on.
const TOP_SHARE: f32 = 0.02;
/// Radius of the re-blurring average along the direction (9 taps, as in the paper).
const REBLUR_RADIUS: usize = 4;
/// Steps of the four directions (x, y): rows, columns and the two diagonals.
const DIRECTIONS: [(isize, isize); 4] = [(1, 0), (0, 1), (1, 1), (1, -1)];
/// The measure along each direction on clean photos: the median over the clean images of the
/// tune sets (`tools/alarms/generate.py`, seeds of the tune split), measured as if their MRZ
/// had not been found (whole photo). Diagonal steps are longer, so they read sharper.
const SHARP_PHOTO: [f32; 4] = [0.18, 0.20, 0.11, 0.11];
/// Weight of the spread between the most and least blurred directions (motion blur).
const SPREAD_WEIGHT: f32 = 1.0;
/// Histogram bins over the step range 0..=255 used to find the top share.
const BINS: usize = 1024;
/// Sampling step, in pixels along both axes, of the positions measured.
const GRID: usize = 3;
/// Smallest region side measured (smaller crops say nothing about the photo).
const MIN_SIDE: usize = 32;

/// The edge blur and what it is made of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeBlur {
    /// Re-blur measure along the rows, the columns and the two diagonals.
    pub along: [f32; 4],
    /// Most blurred direction relative to a clean photo, plus the spread between directions.
    pub relative: f32,
}

/// Blur on the strongest edges of `region` (full-resolution pixels); `None` when the region
/// is too small or has no edges at all.
pub fn edge_blur(full: &RgbImage, region: Rect) -> Option<EdgeBlur> {
    let x1 = region.x1.min(full.width() as usize);
    let y1 = region.y1.min(full.height() as usize);
    if x1 < region.x0 + MIN_SIDE || y1 < region.y0 + MIN_SIDE {
        return None;
    }
    let luma = denoised_luma(full, Rect { x1, y1, ..region });
    let mut along = [0.0; 4];
    for (a, d) in along.iter_mut().zip(DIRECTIONS) {
        *a = reblur_on_strongest(&luma, d)?;
    }
    let relative: Vec<f32> = along.iter().zip(SHARP_PHOTO).map(|(b, s)| b / s).collect();
    let most = relative.iter().copied().fold(f32::MIN, f32::max);
    let least = relative.iter().copied().fold(f32::MAX, f32::min);
    Some(EdgeBlur {
        along,
        relative: most + SPREAD_WEIGHT * (most - least),
    })
}

/// BT.601 luma of `r`, averaged over 3 × 3 (the outermost ring left as it is: the measure
/// keeps clear of it).
fn denoised_luma(full: &RgbImage, r: Rect) -> Plane {
    let (w, h) = (r.width(), r.height());
    let (fw, raw) = (full.width() as usize, full.as_raw());
    let mut luma = Plane::new(w, h);
    for (y, row) in luma.data.chunks_exact_mut(w).enumerate() {
        let start = 3 * ((r.y0 + y) * fw + r.x0);
        for (v, p) in row
            .iter_mut()
            .zip(raw[start..start + 3 * w].chunks_exact(3))
        {
            *v = 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32;
        }
    }
    let mut rows = luma.clone();
    for (out, src) in rows.data.chunks_exact_mut(w).zip(luma.data.chunks_exact(w)) {
        for x in 1..w - 1 {
            out[x] = src[x - 1] + src[x] + src[x + 1];
        }
    }
    for y in 1..h - 1 {
        let (above, here, below) = (
            &rows.data[(y - 1) * w..y * w],
            &rows.data[y * w..(y + 1) * w],
            &rows.data[(y + 1) * w..(y + 2) * w],
        );
        let out = &mut luma.data[y * w..(y + 1) * w];
        for x in 1..w - 1 {
            out[x] = (above[x] + here[x] + below[x]) / 9.0;
        }
    }
    luma
}

/// Crété-Roffet along `d` over the pixels whose step along `d` is in the top [`TOP_SHARE`],
/// taken on every [`GRID`]-th pixel of every [`GRID`]-th row (each at full resolution: the
/// sparser grid only thins the sample).
fn reblur_on_strongest(f: &Plane, d: (isize, isize)) -> Option<f32> {
    let r = REBLUR_RADIUS as isize;
    // Far enough from the border that every tap of both blurred neighbours is inside, and
    // clear of the ring the 3 × 3 mean left alone.
    let margin = REBLUR_RADIUS + 2;
    if f.w <= 2 * margin || f.h <= 2 * margin {
        return None;
    }
    let step = d.1 * f.w as isize + d.0;
    let step_at = |i: usize| (f.data[i] - f.data[i.wrapping_add_signed(-step)]).abs();
    let bin_of = |v: f32| ((v * (BINS - 1) as f32 / 255.0) as usize).min(BINS - 1);
    let (w, h) = (f.w, f.h);
    let grid = move || {
        (margin..h - margin)
            .step_by(GRID)
            .flat_map(move |y| (margin..w - margin).step_by(GRID).map(move |x| y * w + x))
    };
    let mut hist = vec![0usize; BINS];
    let mut n = 0usize;
    for i in grid() {
        hist[bin_of(step_at(i))] += 1;
        n += 1;
    }
    let wanted = ((n as f32 * TOP_SHARE).ceil() as usize).max(1);
    let (mut count, mut lowest_bin) = (0usize, BINS - 1);
    for (b, &c) in hist.iter().enumerate().rev() {
        count += c;
        lowest_bin = b;
        if count >= wanted {
            break;
        }
    }
    let mean_along = |i: usize| {
        let sum: f32 = (-r..=r)
            .map(|t| f.data[i.wrapping_add_signed(t * step)])
            .sum();
        sum / (2 * r + 1) as f32
    };
    let (mut total, mut lost) = (0.0f32, 0.0f32);
    for i in grid() {
        let df = step_at(i);
        if bin_of(df) < lowest_bin {
            continue;
        }
        let db = (mean_along(i) - mean_along(i.wrapping_add_signed(-step))).abs();
        total += df;
        lost += (df - db).max(0.0);
    }
    (total > 0.0).then(|| (total - lost) / total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blurry_mrz::tests::{band, smear_rows};
    use image::imageops;

    fn whole(img: &RgbImage) -> Rect {
        Rect {
            x0: 0,
            y0: 0,
            x1: img.width() as usize,
            y1: img.height() as usize,
        }
    }

    #[test]
    fn defocus_raises_every_direction() {
        let (sharp, _) = band(14);
        let crisp = edge_blur(&sharp, whole(&sharp)).unwrap();
        let soft = edge_blur(&imageops::blur(&sharp, 3.0), whole(&sharp)).unwrap();
        for (s, c) in soft.along.iter().zip(crisp.along) {
            assert!(*s > c + 0.15, "{soft:?} vs {crisp:?}");
        }
        assert!(
            soft.relative > crisp.relative * 1.5,
            "{soft:?} vs {crisp:?}"
        );
    }

    /// Print-sized blocks (a checkerboard of 20-px cells): a smear shorter than a block
    /// leaves a ramp as long as itself, as on a card's portrait and headings.
    fn blocks() -> RgbImage {
        RgbImage::from_fn(240, 160, |x, y| {
            if (x / 20 + y / 20) % 2 == 0 {
                image::Rgb([30, 30, 35])
            } else {
                image::Rgb([225, 225, 220])
            }
        })
    }

    #[test]
    fn motion_blur_shows_as_spread() {
        let sharp = blocks();
        let crisp = edge_blur(&sharp, whole(&sharp)).unwrap();
        let smeared = edge_blur(&smear_rows(&sharp, 11), whole(&sharp)).unwrap();
        // Along the rows the smear is plain; across them the edges stay crisp.
        assert!(smeared.along[0] > smeared.along[1] + 0.3, "{smeared:?}");
        assert!(
            smeared.relative > crisp.relative * 2.0,
            "{smeared:?} vs {crisp:?}"
        );
        // Defocus is isotropic: no spread between rows and columns.
        let soft = edge_blur(&imageops::blur(&sharp, 3.0), whole(&sharp)).unwrap();
        assert!((soft.along[0] - soft.along[1]).abs() < 0.05, "{soft:?}");
    }

    #[test]
    fn noise_does_not_pass_for_sharpness() {
        // Sensor noise on a blurred photo: the strongest steps stay the blurred edges.
        let (sharp, _) = band(14);
        let mut soft = imageops::blur(&sharp, 3.0);
        let crisp = edge_blur(&sharp, whole(&sharp)).unwrap();
        let mut seed = 12345u32;
        for p in soft.pixels_mut() {
            for c in p.0.iter_mut() {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let n = (seed >> 24) as i32 % 13 - 6;
                *c = (*c as i32 + n).clamp(0, 255) as u8;
            }
        }
        let soft_noisy = edge_blur(&soft, whole(&soft)).unwrap();
        assert!(
            soft_noisy.relative > crisp.relative * 1.5,
            "{soft_noisy:?} vs {crisp:?}"
        );
    }

    #[test]
    fn too_small_or_flat_regions_are_not_judged() {
        let (img, _) = band(14);
        let tiny = Rect {
            x0: 0,
            y0: 0,
            x1: 20,
            y1: 20,
        };
        assert_eq!(edge_blur(&img, tiny), None);
        let flat = RgbImage::from_pixel(100, 100, image::Rgb([200, 200, 200]));
        assert_eq!(edge_blur(&flat, whole(&flat)), None);
    }
}

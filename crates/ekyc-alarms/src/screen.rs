//! Screen recapture (-9103): a display is a grid of R, G, B sub-pixels. Photographed, the grid
//! shows as a fine periodic pattern or, sampled below its pitch, as moiré — in both cases as
//! sharp isolated peaks in the 2-D spectrum, on the luma and even more on the red-green
//! difference. Print (guilloche, text lines) makes broad, phase-wandering spectra instead.
//! Each peak is measured against the median power at the same radius (natural images fall off
//! as 1/f²); the score is the median over tiles of the card, since a screen covers it all.

use ekyc_types::CardAlarm;

use crate::detection::Detection;
use crate::fft::power_spectrum;
use crate::plane::quantile;
use crate::view::View;

const TILE: usize = 128;
/// Lowest spatial frequency examined, in cycles per tile (period ≤ 12.8 px at 128).
const MIN_RADIUS: usize = 10;

pub fn detect(v: &View) -> Detection {
    let c = v.card_full;
    let n = if c.width() >= 2 * TILE && c.height() >= 2 * TILE {
        TILE
    } else {
        TILE / 2
    };
    if c.width() < n || c.height() < n {
        return Detection::new(CardAlarm::Recapture, 0.0).with("too_small", 1.0);
    }
    let mut ratios = Vec::new();
    let mut periods = Vec::new();
    for (x0, y0) in tile_origins(c.x0, c.y0, c.width(), c.height(), n) {
        let (luma, red_green) = tile_channels(v, x0, y0, n);
        let (a, pa) = peak_ratio(&power_spectrum(&luma, n), n);
        let (b, pb) = peak_ratio(&power_spectrum(&red_green, n), n);
        let (ratio, period) = if a >= b { (a, pa) } else { (b, pb) };
        ratios.push(ratio);
        periods.push(period);
    }
    let max = ratios.iter().copied().fold(0.0, f32::max);
    let median = quantile(&mut ratios.clone(), 0.5);
    let mut p = periods.clone();
    Detection::new(CardAlarm::Recapture, median.ln())
        .with("peak_ratio_median", median)
        .with("peak_ratio_max", max)
        .with("peak_period_px", quantile(&mut p, 0.5))
        .with("tiles", ratios.len() as f32)
}

/// A 3×3 grid of tiles spread over the region (fewer when it is small).
fn tile_origins(x0: usize, y0: usize, w: usize, h: usize, n: usize) -> Vec<(usize, usize)> {
    let steps = |len: usize| -> Vec<usize> {
        let free = len - n;
        let k = (len / n).clamp(1, 3);
        (0..k).map(|i| free * (2 * i + 1) / (2 * k)).collect()
    };
    let mut out = Vec::new();
    for &dy in &steps(h) {
        for &dx in &steps(w) {
            out.push((x0 + dx, y0 + dy));
        }
    }
    out
}

fn tile_channels(v: &View, x0: usize, y0: usize, n: usize) -> (Vec<f32>, Vec<f32>) {
    let mut luma = Vec::with_capacity(n * n);
    let mut rg = Vec::with_capacity(n * n);
    for y in y0..y0 + n {
        for x in x0..x0 + n {
            let p = v.full.get_pixel(x as u32, y as u32).0;
            let (r, g, b) = (p[0] as f32, p[1] as f32, p[2] as f32);
            luma.push(0.299 * r + 0.587 * g + 0.114 * b);
            rg.push(r - g);
        }
    }
    (luma, rg)
}

/// Strongest peak over the median power at its radius, ignoring the lowest frequencies and the
/// JPEG 8×8 block grid's harmonics. Returns (ratio, period in px).
fn peak_ratio(power: &[f32], n: usize) -> (f32, f32) {
    let half = n / 2;
    let grid = n / 8;
    let mut rings: Vec<Vec<f32>> = vec![Vec::new(); half + 1];
    let freq = |k: usize| {
        if k <= half {
            k as isize
        } else {
            k as isize - n as isize
        }
    };
    let on_jpeg_grid = |f: isize| {
        let m = f.rem_euclid(grid as isize);
        m <= 1 || m >= grid as isize - 1
    };
    let mut cells = Vec::new();
    for ky in 0..n {
        // Half plane is enough: the spectrum of a real tile is symmetric.
        let fy = freq(ky);
        if fy < 0 {
            continue;
        }
        for kx in 0..n {
            let fx = freq(kx);
            let r = ((fx * fx + fy * fy) as f32).sqrt().round() as usize;
            if r < MIN_RADIUS || r > half {
                continue;
            }
            let p = power[ky * n + kx];
            rings[r].push(p);
            if !(on_jpeg_grid(fx) && on_jpeg_grid(fy)) {
                cells.push((r, p));
            }
        }
    }
    let medians: Vec<f32> = rings
        .iter_mut()
        .map(|ring| quantile(ring, 0.5).max(1e-6))
        .collect();
    let mut best = (1.0f32, 0.0f32);
    for (r, p) in cells {
        let ratio = p / medians[r];
        if ratio > best.0 {
            best = (ratio, n as f32 / r as f32);
        }
    }
    best
}

//! Baseline mismatch for tampered (-9104): the printed lines of a card's visual zone all follow
//! the card's tilt and perspective in the photo, each at nearly the angle of the lines just
//! above and below it. A field re-typed on the saved photo was typed along the pixel grid:
//! on a tilted card its baseline runs level while its neighbours' do not.
//!
//! Dark ink above the MRZ ([`crate::tampered_ink`]) is grouped into words (glyph-sized
//! components side by side at one height); each word's baseline is the least-squares line
//! through the bottoms of its glyphs of the word's usual height (descenders and dots left
//! out), with its standard error. A word scores the gap between its angle and the median of
//! the three words nearest to it up the page, in standard errors of both — counted only when
//! the word itself runs level (within [`LEVEL_DEG`] of the pixel rows): a forger
//! who typed along the pixel rows — and weighed by the neighbours' tilt (full from
//! [`FULL_TILT_DEG`], as the paste seams). Needs a TD3/TD2 MRZ hint (two lines, the visual zone above
//! it on the same page).

use crate::plane::Rect;
use crate::tampered::FULL_TILT_DEG;
use crate::tampered_ink::{blobs, ink_mask, Blob, Grey};
use crate::view::{in_quad, Quad, View};

/// Height of the visual zone above the MRZ band, as a share of the band's length (TD3: the
/// page is 0.7 of its width high, the band's top about 0.52 of the width below the page top).
const VIZ_HEIGHT: f32 = 0.52;
/// Largest region examined (pixels): bigger regions are box-averaged by an integer factor.
const MAX_PIXELS: usize = 1_200_000;
/// Glyphs a word needs at its usual height for its baseline to be fitted.
const MIN_GLYPHS: usize = 5;
/// Words whose baseline's standard error (radians) is above this do not serve as neighbours.
const MAX_NEIGHBOUR_SE: f32 = 0.03;
/// Neighbours a word is compared with (nearest up the page).
const NEIGHBOURS: usize = 3;
/// Smallest residual spread of a baseline fit (pixels): glyph bottoms are whole pixels.
const MIN_RESIDUAL: f32 = 0.6;
/// A word counts only when it runs along the pixel rows within this angle (degrees): typed
/// glyphs' bottoms sit on one pixel row, ±1 px over the word after a forger's blur (the
/// re-typed words of the tune sets: 0–0.36°).
pub const LEVEL_DEG: f32 = 0.5;

/// The word whose baseline departs most from its neighbours'.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BaselineMismatch {
    /// Gap to the neighbours' angle in standard errors, weighed by their tilt (0 when nothing
    /// was measured).
    pub z: f32,
    /// The word's and its neighbours' baseline angles, degrees.
    pub word_deg: f32,
    pub neighbours_deg: f32,
    /// The word's first glyph, full-resolution pixels.
    pub x: usize,
    pub y: usize,
    /// Words whose baseline was fitted.
    pub words: usize,
}

/// A word's fitted baseline.
#[derive(Debug, Clone, Copy)]
struct Word {
    angle: f32,
    se: f32,
    /// Position up the page (pixels along the band's upward normal).
    up: f32,
    x: usize,
    y: usize,
}

/// The two regions, full-resolution pixels: the MRZ band and the visual zone above it.
fn regions(v: &View) -> Option<(Quad, Quad, f32)> {
    let m = v.mrz.filter(|m| m.lines == 2)?;
    let [tl, tr, _, bl] = m.corners;
    let len = ((tr.0 - tl.0).powi(2) + (tr.1 - tl.1).powi(2)).sqrt();
    let up = (tl.0 - bl.0, tl.1 - bl.1);
    let band_h = (up.0 * up.0 + up.1 * up.1).sqrt();
    if len < 100.0 || band_h < 8.0 {
        return None;
    }
    let k = VIZ_HEIGHT * len / band_h;
    let lift = |p: (f32, f32)| (p.0 + up.0 * k, p.1 + up.1 * k);
    Some((
        m.corners,
        [lift(tl), lift(tr), tr, tl],
        band_h / m.lines as f32,
    ))
}

/// Luma of `r`, box-averaged by `s`.
fn grey_of(v: &View, r: Rect, s: usize) -> (Vec<f32>, usize, usize) {
    let (y, w, h) = crate::tampered_seams::luma(v.full, r);
    if s == 1 {
        return (y, w, h);
    }
    let (sw, sh) = (w / s, h / s);
    let mut out = vec![0.0f32; sw * sh];
    for yy in 0..sh * s {
        for xx in 0..sw * s {
            out[(yy / s) * sw + xx / s] += y[yy * w + xx];
        }
    }
    let n = (s * s) as f32;
    out.iter_mut().for_each(|p| *p /= n);
    (out, sw, sh)
}

fn median(v: &mut [f32]) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    let mid = v.len() / 2;
    *v.select_nth_unstable_by(mid, f32::total_cmp).1
}

/// Glyph-sized blobs grouped into words: side by side (gap under 0.9 of the taller), at one
/// height (vertical overlap over half the shorter, heights within 1.8×).
fn words_of(glyphs: &mut [Blob]) -> Vec<Vec<Blob>> {
    glyphs.sort_by_key(|b| b.x0);
    let n = glyphs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for (i, a) in glyphs.iter().enumerate() {
        for (j, b) in glyphs.iter().enumerate().skip(i + 1) {
            let (ha, hb) = (a.height() as f32, b.height() as f32);
            if b.x0 as f32 - a.x1 as f32 > 0.9 * ha.max(hb) {
                break;
            }
            let overlap = a.y1.min(b.y1) as f32 - a.y0.max(b.y0) as f32;
            if overlap >= 0.5 * ha.min(hb) && ha.max(hb) <= 1.8 * ha.min(hb) {
                let (ra, rb) = (root(&mut parent, i), root(&mut parent, j));
                parent[ra] = rb;
            }
        }
    }
    let mut groups: Vec<Vec<Blob>> = vec![Vec::new(); n];
    for (i, g) in glyphs.iter().enumerate() {
        let r = root(&mut parent, i);
        groups[r].push(*g);
    }
    groups
        .into_iter()
        .filter(|g| g.len() >= MIN_GLYPHS - 1)
        .collect()
}

/// Least-squares baseline of a word's glyphs of its usual height: (angle, standard error) in
/// radians, image y down.
fn baseline(word: &[Blob]) -> Option<(f32, f32)> {
    let mut hs: Vec<f32> = word.iter().map(|b| b.height() as f32).collect();
    let hm = median(&mut hs);
    let pts: Vec<(f32, f32)> = word
        .iter()
        .filter(|b| (0.8 * hm..=1.2 * hm).contains(&(b.height() as f32)))
        .map(|b| (b.centre().0, b.y1 as f32))
        .collect();
    if pts.len() < MIN_GLYPHS {
        return None;
    }
    let n = pts.len() as f32;
    let (mx, my) = pts
        .iter()
        .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
    let sxx: f32 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f32>() / sxx;
    let ss: f32 = pts
        .iter()
        .map(|p| (p.1 - my - slope * (p.0 - mx)).powi(2))
        .sum();
    let sd = (ss / (n - 2.0)).sqrt().max(MIN_RESIDUAL);
    Some((slope.atan(), sd / sxx.sqrt()))
}

/// The word of the visual zone whose baseline departs most from its neighbours' (default
/// without a two-line MRZ hint or with too little print).
pub fn most_deviant_word(v: &View) -> BaselineMismatch {
    let Some((band, viz, pitch)) = regions(v) else {
        return BaselineMismatch::default();
    };
    let (fw, fh) = (v.full.width() as f32, v.full.height() as f32);
    let pts = band.iter().chain(viz.iter());
    let x0 = pts
        .clone()
        .map(|p| p.0)
        .fold(f32::MAX, f32::min)
        .clamp(0.0, fw) as usize;
    let y0 = pts
        .clone()
        .map(|p| p.1)
        .fold(f32::MAX, f32::min)
        .clamp(0.0, fh) as usize;
    let x1 = pts
        .clone()
        .map(|p| p.0)
        .fold(f32::MIN, f32::max)
        .clamp(0.0, fw) as usize;
    let y1 = pts.map(|p| p.1).fold(f32::MIN, f32::max).clamp(0.0, fh) as usize;
    let r = Rect { x0, y0, x1, y1 };
    if r.width() < 32 || r.height() < 32 {
        return BaselineMismatch::default();
    }
    let s = (r.area() as f32 / MAX_PIXELS as f32).sqrt().ceil().max(1.0) as usize;
    let (px, w, h) = grey_of(v, r, s);
    let cell = ((0.8 * pitch / s as f32).round() as usize).max(5);
    let found = blobs(&ink_mask(&Grey { px: &px, w, h }, cell), w, h);
    // Back to full-resolution coordinates for the quadrilateral tests.
    let full = |b: &Blob| {
        let (cx, cy) = b.centre();
        (r.x0 as f32 + cx * s as f32, r.y0 as f32 + cy * s as f32)
    };
    let mut mrz_h: Vec<f32> = found
        .iter()
        .filter(|b| b.height() as f32 * s as f32 > 0.4 * pitch)
        .filter(|b| {
            let (x, y) = full(b);
            in_quad(&band, x, y)
        })
        .map(|b| b.height() as f32)
        .collect();
    if mrz_h.len() < 10 {
        return BaselineMismatch::default();
    }
    let hm = median(&mut mrz_h);
    let mut glyphs: Vec<Blob> = found
        .into_iter()
        .filter(|b| {
            let bh = b.height() as f32;
            b.area >= 6
                && b.height() >= 4
                && (0.25 * hm..=1.6 * hm).contains(&bh)
                && b.width() as f32 <= 2.5 * bh
        })
        .filter(|b| {
            let (x, y) = full(b);
            in_quad(&viz, x, y)
        })
        .collect();
    let [tl, _, _, bl] = band;
    let up = (tl.0 - bl.0, tl.1 - bl.1);
    let up_len = (up.0 * up.0 + up.1 * up.1).sqrt();
    let words: Vec<Word> = words_of(&mut glyphs)
        .iter()
        .filter_map(|word| {
            let (angle, se) = baseline(word)?;
            let n = word.len() as f32;
            let (cx, cy) = word.iter().fold((0.0, 0.0), |a, b| {
                let c = full(b);
                (a.0 + c.0 / n, a.1 + c.1 / n)
            });
            let first = word.iter().min_by_key(|b| b.x0)?;
            Some(Word {
                angle,
                se,
                up: (cx * up.0 + cy * up.1) / up_len,
                x: r.x0 + first.x0 * s,
                y: r.y0 + first.y0 * s,
            })
        })
        .collect();
    let mut best = BaselineMismatch {
        words: words.len(),
        ..Default::default()
    };
    for (i, w) in words.iter().enumerate() {
        // Judged only when level and measured as well as a neighbour must be.
        if w.angle.abs().to_degrees() > LEVEL_DEG || w.se >= MAX_NEIGHBOUR_SE {
            continue;
        }
        let mut near: Vec<&Word> = words
            .iter()
            .enumerate()
            .filter(|&(j, o)| j != i && o.se < MAX_NEIGHBOUR_SE)
            .map(|(_, o)| o)
            .collect();
        near.sort_by(|a, b| (a.up - w.up).abs().total_cmp(&(b.up - w.up).abs()));
        near.truncate(NEIGHBOURS);
        if near.len() < 2 {
            continue;
        }
        let mut angles: Vec<f32> = near.iter().map(|o| o.angle).collect();
        angles.sort_by(f32::total_cmp);
        let reference = if angles.len() % 2 == 1 {
            angles[angles.len() / 2]
        } else {
            (angles[angles.len() / 2 - 1] + angles[angles.len() / 2]) / 2.0
        };
        let worst_se = near.iter().map(|o| o.se).fold(0.0f32, f32::max);
        // A level word among nearly level lines says little (print and perspective bend
        // lines by a degree): weighed by the neighbours' tilt like the paste seams.
        let tilt = (reference.to_degrees().abs() / FULL_TILT_DEG).min(1.0);
        let z = tilt * (w.angle - reference).abs() / w.se.hypot(worst_se);
        if z > best.z {
            best = BaselineMismatch {
                z,
                word_deg: w.angle.to_degrees(),
                neighbours_deg: reference.to_degrees(),
                x: w.x,
                y: w.y,
                words: words.len(),
            };
        }
    }
    best
}

#[cfg(test)]
#[path = "tampered_baseline_tests.rs"]
mod tests;

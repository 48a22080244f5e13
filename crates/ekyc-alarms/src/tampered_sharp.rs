//! Optics mismatch for tampered (-9104): everything printed on a card reached the photo through
//! the same lens (or scanner optics), so its edges are no sharper than the MRZ's, which is
//! printed by the same process. A portrait pasted from a digital photo or a field re-typed on a
//! flat patch after the photo was taken never went through the optics: its edges (and the
//! paste's own border) are steps one pixel wide. This cue does not need the card to be tilted.
//!
//! An edge's sharpness is its steepest step between two neighbouring pixels over its whole
//! monotone rise (1 for a one-pixel step, about 0.4 for an edge blurred by σ ≈ 1 px), measured
//! along the rows at full resolution. The MRZ band gives the optics' value (median over its
//! edges); each [`BLOCK`]-px block deep on the card gives the median over its own edges; the
//! score is the sharpest block over the optics' value. Some cards' visual zone is printed
//! sharper than their MRZ (specimens d004, d012, d013): when the card's typical block (the
//! [`CARD_QUANTILE`] of all blocks) is sharper than the MRZ by more than [`CARD_OVER_MRZ`], that
//! block over [`CARD_OVER_MRZ`] is the reference instead — a paste is one compact region, and
//! the blocks around the sharpest one ([`PASTE_REACH`]) are left out of the typical block so
//! that on a card with few strong edges the paste is not its own reference. A faint (grey)
//! MRZ whose edges stay below [`MIN_RISE`] is measured with every edge on [`LOW_RISE`].
//!
//! An ID card's (TD1/TD2) front carries no MRZ; scans and specimens show it beside or above
//! the back, so the core of the card moved by one card width or height to each side is
//! searched too where it lies wholly in the photo ([`other_sides`]; tune + tune2 re-typed
//! fields on specimens d003/d005/d009 found: 36 → 42 of 50 at 2 of 100 clean alarms).

use crate::plane::Rect;
use crate::view::{in_quad, Quad, View};

/// Block side (full-resolution pixels) over which a region's edges are pooled.
pub const BLOCK: usize = 32;
/// Blocks overlap by half.
const STEP: usize = BLOCK / 2;
/// Edges a block needs for its median to mean something (a few letters' strokes).
const MIN_BLOCK_EDGES: usize = 8;
/// Edges the MRZ band needs.
const MIN_MRZ_EDGES: usize = 30;
/// Smallest monotone rise (grey levels) that counts as an edge of print: dark text and
/// photo edges, far above the noise (50 and 80 kept noisier edges: tune 54-56 % against 56 %
/// at 2-4 clean alarms in 100; 140 left too few edges: 50 %).
const MIN_RISE: f32 = 110.0;
/// The rise used instead when the MRZ has too few edges of [`MIN_RISE`]: a grey or faint MRZ
/// print (a laminated card under soft light) leaves the optics' value unmeasured, and a paste's
/// dark glyphs on such a card went unjudged.
const LOW_RISE: f32 = 60.0;
/// How far (pixels) an edge's monotone rise is followed on either side of its steepest step.
const REACH: usize = 4;
/// The MRZ band grown by this share of its height above and below, so that its own edges are
/// not counted as the card's.
const BAND_MARGIN: f32 = 0.2;
/// Every this many rows is measured: the medians need far fewer edges than a card has.
const ROW_STEP: usize = 2;
/// Largest region examined (pixels): bigger cards are examined on their central part.
const MAX_PIXELS: usize = 1_600_000;
/// Share of the card outline's longer side added to a block's reach from the outline
/// ([`sharpest_block_avoiding`]): the outline is found on a copy of ≤ 256 px, so one of its
/// pixels is ~0.4 % of the side.
const OUTLINE_SLACK: f32 = 0.01;
/// Quantile of the card's block medians taken as its typical print.
const CARD_QUANTILE: f32 = 0.75;
/// How much sharper than the MRZ a card's typical block may be before it, not the MRZ, sets
/// the reference (clean cards of the tune sets: mostly 1.1–1.4; tune + tune2 pooled, 1.1–1.3
/// gave the same pastes at 1–3 clean alarms per set fewer than the MRZ alone).
const CARD_OVER_MRZ: f32 = 1.3;
/// Blocks this near the sharpest one (shares of the card's width along its lines, of its
/// height across them) are left out of the card's typical block: on a card with few strong
/// edges a paste's own blocks were the typical print and hid it.
const PASTE_REACH: (f32, f32) = (0.3, 0.15);

/// The sharpest block against the MRZ's edges.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sharpness {
    /// Median edge sharpness in the MRZ band (the optics' value).
    pub mrz: f32,
    /// Median edge sharpness of the sharpest block on the card.
    pub block: f32,
    /// The [`CARD_QUANTILE`] of the card's block medians.
    pub card: f32,
    /// `block` over the reference (the MRZ's value, or the card's typical block over
    /// [`CARD_OVER_MRZ`] when larger): 0 when either could not be measured.
    pub ratio: f32,
    /// The sharpest block's top-left corner, full-resolution pixels.
    pub x: usize,
    pub y: usize,
}

/// Edge sharpness along every [`ROW_STEP`]-th row of `y` (w × h): NaN except at the steepest step of an edge
/// (a local maximum of |Δ| along the row) whose monotone rise reaches `min_rise` grey levels.
pub fn edge_sharpness(y: &[f32], w: usize, h: usize, min_rise: f32) -> Vec<f32> {
    let mut out = vec![f32::NAN; w * h];
    if w < 2 * REACH + 3 {
        return out;
    }
    let mut d = vec![0.0f32; w];
    for row in (0..h).step_by(ROW_STEP) {
        let p = &y[row * w..(row + 1) * w];
        // d[x]: the step from column x - 1 into column x.
        for x in 1..w {
            d[x] = p[x] - p[x - 1];
        }
        for x in REACH + 1..w - REACH {
            let a = d[x].abs();
            if a < 1.0 || a < d[x - 1].abs() || a <= d[x + 1].abs() {
                continue;
            }
            let sign = d[x].signum();
            let mut rise = a;
            for dir in [-1isize, 1] {
                for k in 1..=REACH {
                    let s = d[(x as isize + dir * k as isize) as usize];
                    if s.signum() != sign || s.abs() <= 0.5 {
                        break;
                    }
                    rise += s.abs();
                }
            }
            if rise >= min_rise {
                out[row * w + x] = a / rise;
            }
        }
    }
    out
}

fn median(v: &mut [f32]) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    let mid = v.len() / 2;
    *v.select_nth_unstable_by(mid, f32::total_cmp).1
}

/// The `q` quantile (nearest rank) of `v`; 0 when empty.
fn quantile(v: &mut [f32], q: f32) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    let k = ((v.len() - 1) as f32 * q).round() as usize;
    *v.select_nth_unstable_by(k, f32::total_cmp).1
}

/// Share of the card's size (about its centre) searched on its other side: the gap between
/// the two sides and their sizes vary, so only the core of the guessed side is searched.
const SIDE_SHARE: f32 = 0.7;

/// The core of the card moved by one card width or height to each side, where it lies wholly in
/// the photo, for an ID card (TD1/TD2 MRZ): scans and specimens show an ID card's front
/// (no MRZ) beside or above its back, and a field re-typed there is off the card predicted
/// from the MRZ. Whatever else lies there (table, background) went through the same optics
/// and is no sharper than the MRZ.
///
/// For a passport (TD3 MRZ) the page above the data page: an open passport shows both, and a
/// scan or photo of it carries a field re-typed on the upper page or across the fold.
pub(crate) fn other_sides(deep: &Quad, mrz_chars: usize, fw: f32, fh: f32) -> Vec<Quad> {
    let passport = mrz_chars == 44;
    if !matches!(mrz_chars, 30 | 36 | 44) {
        return Vec::new();
    }
    let [tl, tr, _, bl] = *deep;
    // The deep quad is the card shrunk by DEEP_SHRINK about its centre.
    let k = 1.0 / (1.0 - crate::view::DEEP_SHRINK);
    let across = ((tr.0 - tl.0) * k, (tr.1 - tl.1) * k);
    let down = ((bl.0 - tl.0) * k, (bl.1 - tl.1) * k);
    let c = (
        deep.iter().map(|p| p.0).sum::<f32>() / 4.0,
        deep.iter().map(|p| p.1).sum::<f32>() / 4.0,
    );
    let shrink = SIDE_SHARE * k;
    let core = deep.map(|p| (c.0 + (p.0 - c.0) * shrink, c.1 + (p.1 - c.1) * shrink));
    let inside = |q: &Quad| {
        q.iter()
            .all(|p| (0.0..fw).contains(&p.0) && (0.0..fh).contains(&p.1))
    };
    let shifts = if passport {
        vec![(-down.0, -down.1)]
    } else {
        [across, down]
            .into_iter()
            .flat_map(|d| [d, (-d.0, -d.1)])
            .collect()
    };
    shifts
        .into_iter()
        .map(|d| core.map(|p| (p.0 + d.0, p.1 + d.1)))
        .filter(inside)
        .collect()
}

/// The MRZ band in full-resolution pixels, and the band grown by [`BAND_MARGIN`] of its height.
fn bands(v: &View) -> Option<(Quad, Quad)> {
    let f = v.factor as f32;
    let band = v.mrz_band?.map(|p| (p.0 * f, p.1 * f));
    let [tl, tr, br, bl] = band;
    // Up the page: from the bottom edge to the top edge.
    let up = (
        (tl.0 - bl.0 + tr.0 - br.0) / 2.0,
        (tl.1 - bl.1 + tr.1 - br.1) / 2.0,
    );
    let g = (up.0 * BAND_MARGIN, up.1 * BAND_MARGIN);
    let grown = [
        (tl.0 + g.0, tl.1 + g.1),
        (tr.0 + g.0, tr.1 + g.1),
        (br.0 - g.0, br.1 - g.1),
        (bl.0 - g.0, bl.1 - g.1),
    ];
    Some((band, grown))
}

/// The sharpest block deep on the card against the MRZ band's edges (default when there is no
/// MRZ hint, too few edges in the band, or no block with enough edges), leaving out the blocks
/// that touch a side of `outline` (the card's outline seen in the photo, working pixels): the
/// card's cut edge against the table is no print: a step of the card's body, crisper than the
/// ink's spread on it, and in the generated photos an unblurred composite's edge. Clean pages
/// of the tune and hold-out sets whose sharpest block reached 1.95: 5 of 7 had it on the
/// card's outline where the page predicted from the MRZ reached past the card (the other two:
/// a specimen's pixel-fine guilloche).
pub fn sharpest_block_avoiding(v: &View, outline: Option<&Quad>) -> Sharpness {
    let (Some((band, grown)), Some(deep)) = (bands(v), v.deep_quad) else {
        return Sharpness::default();
    };
    let f = v.factor as f32;
    let deep = deep.map(|p| (p.0 * f, p.1 * f));
    let (fw, fh) = (v.full.width() as f32, v.full.height() as f32);
    let sides = other_sides(&deep, v.mrz.map_or(0, |m| m.chars), fw, fh);
    let on_card = |x: f32, y: f32| in_quad(&deep, x, y) || sides.iter().any(|q| in_quad(q, x, y));
    // Only what is measured: the deep card (and its other side) and the MRZ band.
    let pts = deep.iter().chain(band.iter()).chain(sides.iter().flatten());
    let lo = |a: f32, b: f32| a.min(b);
    let hi = |a: f32, b: f32| a.max(b);
    let x0 = pts.clone().map(|p| p.0).fold(f32::MAX, lo).clamp(0.0, fw) as usize;
    let y0 = pts.clone().map(|p| p.1).fold(f32::MAX, lo).clamp(0.0, fh) as usize;
    let x1 = pts.clone().map(|p| p.0).fold(f32::MIN, hi).clamp(0.0, fw) as usize;
    let y1 = pts.map(|p| p.1).fold(f32::MIN, hi).clamp(0.0, fh) as usize;
    let mut r = Rect { x0, y0, x1, y1 };
    while r.area() > MAX_PIXELS {
        let (dw, dh) = (r.width() / 20, r.height() / 20);
        r = Rect {
            x0: r.x0 + dw,
            y0: r.y0 + dh,
            x1: r.x1 - dw,
            y1: r.y1 - dh,
        };
    }
    let (w, h) = (r.width(), r.height());
    if x1 <= x0 || y1 <= y0 || w < 2 * BLOCK || h < 2 * BLOCK {
        return Sharpness::default();
    }
    let outline = outline.map(|q| q.map(|p| (p.0 * f, p.1 * f)));
    let reach = outline.map_or(0.0, |q| outline_reach(&q));
    let on_outline =
        |x: f32, y: f32| outline.is_some_and(|q| distance_to_sides(&q, (x, y)) < reach);
    let (y, _, _) = crate::tampered_seams::luma(v.full, r);
    let at = |x: usize, y: usize| ((r.x0 + x) as f32 + 0.5, (r.y0 + y) as f32 + 0.5);
    let band_edges = |s: &[f32]| -> Vec<f32> {
        (0..w * h)
            .filter(|&i| !s[i].is_nan())
            .filter(|&i| {
                let (px, py) = at(i % w, i / w);
                in_quad(&band, px, py)
            })
            .map(|i| s[i])
            .collect()
    };
    let mut s = edge_sharpness(&y, w, h, MIN_RISE);
    let mut in_band = band_edges(&s);
    if in_band.len() < MIN_MRZ_EDGES {
        s = edge_sharpness(&y, w, h, LOW_RISE);
        in_band = band_edges(&s);
    }
    if in_band.len() < MIN_MRZ_EDGES {
        return Sharpness::default();
    }
    let mrz = median(&mut in_band);
    let mut best = Sharpness {
        mrz,
        ..Sharpness::default()
    };
    let mut values = Vec::with_capacity(BLOCK * BLOCK);
    let mut medians = Vec::new();
    for by in (0..=h - BLOCK).step_by(STEP) {
        for bx in (0..=w - BLOCK).step_by(STEP) {
            let (cx, cy) = at(bx + BLOCK / 2, by + BLOCK / 2);
            if !on_card(cx, cy) || in_quad(&grown, cx, cy) || on_outline(cx, cy) {
                continue;
            }
            values.clear();
            for yy in (by..by + BLOCK).step_by(ROW_STEP) {
                let row = &s[yy * w + bx..yy * w + bx + BLOCK];
                values.extend(row.iter().filter(|v| !v.is_nan()));
            }
            if values.len() < MIN_BLOCK_EDGES {
                continue;
            }
            let m = median(&mut values);
            // The card's typical print is the MRZ side's: the other side may be printed
            // sharper (specimen d005) and would hide a paste.
            if in_quad(&deep, cx, cy) {
                medians.push((m, (cx, cy)));
            }
            if m > best.block {
                best.block = m;
                best.x = r.x0 + bx;
                best.y = r.y0 + by;
            }
        }
    }
    let centre = (
        (best.x + BLOCK / 2) as f32 + 0.5,
        (best.y + BLOCK / 2) as f32 + 0.5,
    );
    let mut typical: Vec<f32> = medians
        .iter()
        .filter(|(_, p)| best.block == 0.0 || !near_on_card(&deep, centre, *p))
        .map(|(m, _)| *m)
        .collect();
    best.card = quantile(&mut typical, CARD_QUANTILE);
    let reference = mrz.max(best.card / CARD_OVER_MRZ);
    if reference > 0.0 {
        best.ratio = best.block / reference;
    }
    best
}

/// Whether `p` lies within the reach of a paste around `centre` on the card `deep`: less than
/// [`PASTE_REACH`] of the card's width along its lines and of its height across them.
fn near_on_card(deep: &Quad, centre: (f32, f32), p: (f32, f32)) -> bool {
    let (u, v) = (
        (deep[1].0 - deep[0].0, deep[1].1 - deep[0].1),
        (deep[3].0 - deep[0].0, deep[3].1 - deep[0].1),
    );
    let d = (p.0 - centre.0, p.1 - centre.1);
    let along = |a: (f32, f32)| (d.0 * a.0 + d.1 * a.1).abs() / (a.0 * a.0 + a.1 * a.1).max(1.0);
    along(u) < PASTE_REACH.0 && along(v) < PASTE_REACH.1
}

/// How near (full-resolution pixels) a block's centre may come to the outline's sides: the
/// block's half-diagonal, and [`OUTLINE_SLACK`] of the outline's longer side for where the
/// outline (found on a small copy) misses the edge.
fn outline_reach(q: &Quad) -> f32 {
    let longer = (0..4)
        .map(|i| {
            let (a, b) = (q[i], q[(i + 1) % 4]);
            (b.0 - a.0).hypot(b.1 - a.1)
        })
        .fold(0.0, f32::max);
    BLOCK as f32 * std::f32::consts::FRAC_1_SQRT_2 + OUTLINE_SLACK * longer
}

/// Distance from `p` to the nearest side of `q` (as segments).
fn distance_to_sides(q: &Quad, p: (f32, f32)) -> f32 {
    (0..4)
        .map(|i| {
            let (a, b) = (q[i], q[(i + 1) % 4]);
            let (ux, uy) = (b.0 - a.0, b.1 - a.1);
            let t = (((p.0 - a.0) * ux + (p.1 - a.1) * uy) / (ux * ux + uy * uy).max(1e-6))
                .clamp(0.0, 1.0);
            (p.0 - a.0 - t * ux).hypot(p.1 - a.1 - t * uy)
        })
        .fold(f32::MAX, f32::min)
}

#[cfg(test)]
#[path = "tampered_sharp_tests.rs"]
mod tests;

//! Paste seams for tampered (-9104): a photo or a re-typed patch pasted into the saved picture
//! ends in a cut one pixel wide, straight along the pixel grid, that never went through the
//! camera's optics; the card's own print is softened by them and, in a photo, tilted with the
//! card. A cut is the step between two neighbouring columns (rows) that exceeds the steps on
//! either side, averaged along a run of [`RUN`] pixels down a column ([`RUN_ACROSS`] along a
//! row). JPEG's 8×8 block edges make such steps
//! too, so each run is judged against the runs 8 and 16 pixels away (the same block phase).
//! A paste has corners: a vertical cut and a horizontal cut meeting end to end. The score is
//! the weaker of the two cuts at the strongest such corner on the card.

use image::RgbImage;

use crate::plane::Rect;
use crate::view::{in_quad, Quad, View, DEEP_SHRINK};

/// Length of a vertical cut run, pixels (full resolution): a re-typed field is short.
pub const RUN: usize = 24;
/// Length of a horizontal cut run: longer, so that the print of a card tilted by a degree or
/// two (0.8 px over 48) does not pass for a grid-straight cut.
pub const RUN_ACROSS: usize = 48;
/// Run lengths for a pasted photo (a portrait is hundreds of pixels tall): over these the
/// print of a card tilted by 1.5° drifts 1.7 / 3.4 px, so only a grid-straight cut keeps its
/// contrast, and a blurred or low-contrast cut of a careful paste averages over more pixels.
pub const LONG_RUN: usize = 64;
pub const LONG_RUN_ACROSS: usize = 128;
/// How far (pixels) the two cuts of a corner may miss each other.
const SLACK: usize = 2;
/// Cuts weaker than this are not searched for corners (clean print reaches ~80).
const MIN_CUT: f32 = 10.0;
/// Largest region examined (pixels): bigger cards are examined on their central part.
const MAX_PIXELS: usize = 1_600_000;
/// Share of the predicted card's half-size, on each side, where no corner is looked for: the
/// card's own outline against the table is a hard step too, and over a short run it passes for
/// a grid-straight cut on a card tilted by a degree or two. On the tune sets the clean seam
/// alarms lay 0.8 % and 3.2 % of the card's size from its predicted edge (a third at 6.1 %
/// stays); the corners that found pastes ≥ 6.4 %, but for a portrait pasted over the card's
/// edge (3.5 %, found by the other cues too).
const OUTLINE_MARGIN: f32 = 0.1;

/// The strongest corner of two grid-straight cuts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Corner {
    /// The weaker cut's contrast against its same-phase neighbours.
    pub score: f32,
    /// Corner position, full-resolution pixels.
    pub x: usize,
    pub y: usize,
}

/// Luma (BT.601) of `r` in the full image, row-major.
pub(crate) fn luma(full: &RgbImage, r: Rect) -> (Vec<f32>, usize, usize) {
    let (w, h) = (r.width(), r.height());
    let stride = full.width() as usize * 3;
    let raw = full.as_raw();
    let mut out = Vec::with_capacity(w * h);
    for y in r.y0..r.y1 {
        let row = &raw[y * stride + r.x0 * 3..y * stride + r.x1 * 3];
        out.extend(
            row.chunks_exact(3)
                .map(|p| 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32),
        );
    }
    (out, w, h)
}

/// How much the step into column `x` beats the steps on either side, per pixel of `y` (w × h).
fn cut_excess(y: &[f32], w: usize, h: usize) -> Vec<f32> {
    let mut excess = vec![0.0f32; w * h];
    if w < 4 {
        return excess;
    }
    for row in 0..h {
        let p = &y[row * w..(row + 1) * w];
        for x in 2..w - 1 {
            let s = (p[x] - p[x - 1]).abs();
            let a = (p[x - 1] - p[x - 2]).abs();
            let b = (p[x + 1] - p[x]).abs();
            excess[row * w + x] = (s - a.max(b)).max(0.0);
        }
    }
    excess
}

/// Cut contrast of vertical boundaries from [`cut_excess`]: `c[y * w + x]` for the run of rows
/// `y..y + run_len` at the boundary between columns `x - 1` and `x` (0 where undefined).
fn run_contrast(excess: &[f32], w: usize, h: usize, run_len: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; w * h];
    if w < 40 || h <= run_len {
        return out;
    }
    // Run means down the columns.
    let mut run = vec![0.0f32; w];
    for r in 0..run_len {
        for x in 0..w {
            run[x] += excess[r * w + x];
        }
    }
    let inv = 1.0 / run_len as f32;
    for top in 0..=h - run_len {
        if top > 0 {
            for x in 0..w {
                run[x] += excess[(top + run_len - 1) * w + x] - excess[(top - 1) * w + x];
            }
        }
        for x in 16..w - 16 {
            // Median of the four same-phase runs: drop the largest and the smallest.
            let base = [run[x - 16], run[x - 8], run[x + 8], run[x + 16]];
            let (lo, hi) = base
                .iter()
                .fold((f32::MAX, f32::MIN), |(lo, hi), &b| (lo.min(b), hi.max(b)));
            let b = 0.5 * (base.iter().sum::<f32>() - lo - hi) * inv;
            out[top * w + x] = (run[x] * inv - b) / (b + 1.0);
        }
    }
    out
}

fn transpose(a: &[f32], w: usize, h: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; w * h];
    for y in 0..h {
        for x in 0..w {
            out[x * h + y] = a[y * w + x];
        }
    }
    out
}

/// Best value in the box around (x, y) ± SLACK of a w × h map stored transposed
/// (`m_t[x * h + y]`, as the row cuts are computed: no transposing back).
fn near_transposed(m_t: &[f32], w: usize, h: usize, x: isize, y: isize) -> f32 {
    let s = SLACK as isize;
    let mut best = 0.0f32;
    for xx in (x - s).max(0)..=(x + s).min(w as isize - 1) {
        for yy in (y - s).max(0)..=(y + s).min(h as isize - 1) {
            best = best.max(m_t[xx as usize * h + yy as usize]);
        }
    }
    best
}

/// The strongest corners of short runs ([`RUN`] × [`RUN_ACROSS`], a re-typed field) and of
/// long runs ([`LONG_RUN`] × [`LONG_RUN_ACROSS`], a pasted photo).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Corners {
    pub short: Corner,
    pub long: Corner,
}

/// The strongest grid-straight corners, short and long runs, whose point lies on the card
/// (`v.on_card`).
pub fn strongest_corners(v: &View) -> Corners {
    let (fw, fh) = (v.full.width() as usize, v.full.height() as usize);
    let sides = id_card_sides(v);
    let mut r = v.card_full;
    for p in sides.iter().flatten() {
        r.x0 = r.x0.min(p.0.max(0.0) as usize);
        r.y0 = r.y0.min(p.1.max(0.0) as usize);
        r.x1 = r.x1.max(p.0.ceil() as usize);
        r.y1 = r.y1.max(p.1.ceil() as usize);
    }
    r.x1 = r.x1.min(fw);
    r.y1 = r.y1.min(fh);
    while r.area() > MAX_PIXELS {
        let (dw, dh) = (r.width() / 20, r.height() / 20);
        r = Rect {
            x0: r.x0 + dw,
            y0: r.y0 + dh,
            x1: r.x1 - dw,
            y1: r.y1 - dh,
        };
    }
    let (y, w, h) = luma(v.full, r);
    if w <= 2 * RUN_ACROSS + 32 || h <= 2 * RUN_ACROSS + 32 {
        return Corners::default();
    }
    let inner = inner_quad(v);
    let on_card = |x: usize, y: usize| {
        let f = v.factor;
        let (wx, wy) = ((r.x0 + x) / f, (r.y0 + y) / f);
        let clear_of_outline = inner.is_none_or(|q| {
            let f = f as f32;
            in_quad(&q, (r.x0 + x) as f32 / f, (r.y0 + y) as f32 / f)
        });
        let (px, py) = ((r.x0 + x) as f32, (r.y0 + y) as f32);
        (wx < v.y.w && wy < v.y.h && v.on_card(wx, wy) && clear_of_outline)
            || sides.iter().any(|q| in_quad(q, px, py))
    };
    // Excess of the steps into columns, and (transposed) into rows: shared by both run lengths.
    let col_excess = cut_excess(&y, w, h);
    let row_excess = cut_excess(&transpose(&y, w, h), h, w);
    let search = |run: usize, run_across: usize| {
        let cuts = Cuts {
            // vert[y * w + x]: run rows y..y+run at column boundary x.
            vert: run_contrast(&col_excess, w, h, run),
            // horiz_t[x * h + y]: run columns x..x+run_across at row boundary y.
            horiz_t: run_contrast(&row_excess, h, w, run_across),
            w,
            h,
        };
        let mut c = cuts.best_corner(run, run_across, &on_card);
        c.x += r.x0;
        c.y += r.y0;
        if c.score == 0.0 {
            c = Corner::default();
        }
        c
    };
    Corners {
        short: search(RUN, RUN_ACROSS),
        long: search(LONG_RUN, LONG_RUN_ACROSS),
    }
}

/// Cut-contrast maps of one run length over the examined region (w × h).
struct Cuts {
    vert: Vec<f32>,
    horiz_t: Vec<f32>,
    w: usize,
    h: usize,
}

impl Cuts {
    /// The strongest corner (region pixels) where a vertical run's end meets a horizontal run
    /// going right or left, at a point `on_card`.
    fn best_corner(
        &self,
        run: usize,
        run_across: usize,
        on_card: &dyn Fn(usize, usize) -> bool,
    ) -> Corner {
        let (vert, horiz_t, w, h) = (&self.vert, &self.horiz_t, self.w, self.h);
        let mut order: Vec<usize> = (0..vert.len()).filter(|&i| vert[i] > MIN_CUT).collect();
        order.sort_by(|&a, &b| vert[b].total_cmp(&vert[a]));
        let mut best = Corner::default();
        for i in order {
            let cut = vert[i];
            if cut <= best.score {
                break;
            }
            let (x, top) = (i % w, i / w);
            for cy in [top, top + run] {
                if !on_card(x, cy) {
                    continue;
                }
                let (xi, yi) = (x as isize, cy as isize);
                let across = near_transposed(horiz_t, w, h, xi, yi).max(near_transposed(
                    horiz_t,
                    w,
                    h,
                    xi - run_across as isize,
                    yi,
                ));
                let score = cut.min(across);
                if score > best.score {
                    best = Corner { score, x, y: cy };
                }
            }
        }
        best
    }
}

/// The cores of an ID card's other side in the photo (full-resolution pixels), as the
/// optics cue searches them ([`crate::tampered_sharp::other_sides`]).
fn id_card_sides(v: &View) -> Vec<Quad> {
    let (Some(deep), Some(m)) = (v.deep_quad, v.mrz) else {
        return Vec::new();
    };
    let f = v.factor as f32;
    let deep = deep.map(|p| (p.0 * f, p.1 * f));
    let (fw, fh) = (v.full.width() as f32, v.full.height() as f32);
    crate::tampered_sharp::other_sides(&deep, m.chars, fw, fh)
}

/// The predicted card shrunk by [`OUTLINE_MARGIN`] of its half-size (working pixels; `None`
/// without a card quadrilateral), from the deep quad which is shrunk by [`DEEP_SHRINK`].
fn inner_quad(v: &View) -> Option<Quad> {
    let deep = v.deep_quad?;
    let c = (
        deep.iter().map(|p| p.0).sum::<f32>() / 4.0,
        deep.iter().map(|p| p.1).sum::<f32>() / 4.0,
    );
    let k = (1.0 - OUTLINE_MARGIN) / (1.0 - DEEP_SHRINK);
    Some(deep.map(|p| (c.0 + k * (p.0 - c.0), c.1 + k * (p.1 - c.1))))
}

#[cfg(test)]
#[path = "tampered_seams_tests.rs"]
mod tests;

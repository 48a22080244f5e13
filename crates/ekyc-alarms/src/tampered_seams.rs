//! Paste seams for tampered (-9104): a photo or a re-typed patch pasted into the saved picture
//! ends in a cut one pixel wide, straight along the pixel grid, that never went through the
//! camera's optics; the card's own print is softened by them and, in a photo, tilted with the
//! card. A cut is the step between two neighbouring columns (rows) that exceeds the steps on
//! either side, averaged along a run of [`RUN`] pixels down a column ([`RUN_ACROSS`] along a
//! row). JPEG's 8×8 block edges make such steps
//! too, so each run is judged against the runs 8 and 16 pixels away (the same block phase).
//! A paste has corners: a vertical cut and a horizontal cut meeting end to end. The score is
//! the weaker of the two cuts at the strongest such corner on the card.
//!
//! On an axis-aligned card (a scan, a flat digital image) the print's own boxes and portrait
//! frame are grid-straight too, so the detector weighs these corners by the card's tilt. What
//! still tells a cut there is that it is exactly one step: a printed edge resampled into the
//! photo or softened by any optics leaves part of its rise in the next column, which the
//! purity ([`StepMaps::purity`], the step's excess over its neighbours per unit of step) sees;
//! and a cut is no line — a printed stroke or rule has an opposite step a few pixels across
//! ([`StepMaps::opposite`]). The strongest corner of two such pure cuts is searched too
//! ([`Corners::pure_short`], [`Corners::pure_long`]) and counts whatever the tilt.

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
/// Least purity ([`StepMaps::purity`]) of a pure cut, the seam that counts on any card, also
/// an axis-aligned one: a cut leaves ~0.9–1 (noise and the last JPEG save take the rest); a
/// printed edge resampled and seen through the optics of the tune sets' clean pages stays
/// below (their corners reached 0.82 at best).
pub const MIN_PURITY: f32 = 0.85;
/// Largest share of a pure cut's step that an opposite step beside it may undo
/// ([`StepMaps::opposite`]): printed strokes of glyphs and rules are lines (0.55–1 at the
/// clean corners of the tune sets), a pasted photo's rim is not (≤ 0.25 on most).
pub const MAX_OPPOSITE: f32 = 0.5;
/// Largest share of a pure cut's mean excess that the run of the same length on past the
/// corner may keep ([`StepMaps::ends`]).
pub const END_SHARE: f32 = 0.5;
/// Share of the card outline's longer side that a pure corner keeps from its sides
/// ([`strongest_corners_avoiding`]). On the tune sets the card's own corners (a covering
/// object's too) lay ≤ 0.5 % from the outline found, the pastes on a card seen whole ≥ 0.8 %
/// (the outline is found on a copy of ≤ 256 px: 0.6 % is about one of its pixels).
pub const OUTLINE_CLEARANCE: f32 = 0.006;
/// Share of the card outline's longer side that every corner keeps from the sides of the
/// card's outline ([`Avoid::card`]): wider than [`OUTLINE_CLEARANCE`], as the outline is
/// found on a copy of ≤ 256 px and misses a tilted card's corner by a few of its pixels (two
/// of the four clean corners above stayed at 0.6 %; no paste of the tune-split sets was lost
/// at 2 %).
pub const CARD_CLEARANCE: f32 = 0.02;
/// How far across (pixels) an opposite step is looked for: a bold header glyph's stroke is
/// up to ~7 px wide at the sets' resolutions.
pub const OPPOSITE_REACH: usize = 8;
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
/// (`m_t[x * h + y]`, as the row cuts are computed: no transposing back), among the places
/// `accept` takes.
fn near_transposed(
    m_t: &[f32],
    (w, h): (usize, usize),
    (x, y): (isize, isize),
    accept: &dyn Fn(usize, usize) -> bool,
) -> f32 {
    let s = SLACK as isize;
    let mut best = 0.0f32;
    for xx in (x - s).max(0)..=(x + s).min(w as isize - 1) {
        for yy in (y - s).max(0)..=(y + s).min(h as isize - 1) {
            let m = m_t[xx as usize * h + yy as usize];
            if m > best && accept(xx as usize, yy as usize) {
                best = m;
            }
        }
    }
    best
}

/// What a cut's purity is read from: the luma (row-major and transposed) and the steps'
/// excess over their neighbours ([`cut_excess`]) into columns and (transposed) into rows.
struct StepMaps<'a> {
    y: &'a [f32],
    y_t: &'a [f32],
    col_excess: &'a [f32],
    row_excess: &'a [f32],
    w: usize,
    h: usize,
}

impl StepMaps<'_> {
    /// Share of a run's steps that its neighbouring steps do not explain: a cut is one step
    /// (1 but for noise), an edge the optics or a resampling spread over two pixels gives
    /// (1 - 2φ)/(1 - φ) for the share φ of it in the second step. The run is the steps into
    /// `luma[base + i * stride]` for `i` in `run` (from `base - 1`).
    fn purity(luma: &[f32], excess: &[f32], (base, stride): (usize, usize), run: Range) -> f32 {
        if base == 0 {
            return 0.0;
        }
        let (mut ex, mut step) = (0.0f32, 0.0f32);
        for i in run {
            let k = base + i * stride;
            ex += excess[k];
            step += (luma[k] - luma[k - 1]).abs();
        }
        ex / step.max(1.0)
    }

    /// How far the level comes back across the run's steps within `reach` pixels on either
    /// side, as a share of the step (the best offset, averaged along the run): a printed
    /// stroke or rule is a line, its ink between two opposite steps a few pixels apart
    /// (~1, however the second step is spread); a cut has none, different content running on
    /// from it on both sides (~0). `reach` must stay inside the run's rows (columns).
    fn opposite(luma: &[f32], (base, stride): (usize, usize), run: Range, reach: usize) -> f32 {
        let mut main = 0.0f32;
        // back[d - 1]: the far side's level d px on; back[reach + d - 1]: the near side's.
        let mut back = vec![0.0f32; 2 * reach];
        for i in run {
            let k = base + i * stride;
            let (a, b) = (luma[k - 1], luma[k]);
            let sign = (b - a).signum();
            main += (b - a).abs();
            for d in 1..=reach {
                back[d - 1] += sign * (b - luma[k + d]);
                back[reach + d - 1] += sign * (luma[k - 1 - d] - a);
            }
        }
        back.iter().fold(0.0f32, |m, &v| m.max(v)) / main.max(1.0)
    }

    /// Whether a run's cut ends: over the run of the same length on past the corner
    /// (`beyond`) its steps' mean excess is at most [`END_SHARE`] of the run's. A paste's two
    /// cuts both end at its corner; the card's outline or a printed edge running on past
    /// the end of another makes a T, not a corner.
    fn ends(excess: &[f32], (base, stride): (usize, usize), run: Range, beyond: Range) -> bool {
        let mean = |r: Range| {
            let n = r.len().max(1) as f32;
            r.map(|i| excess[base + i * stride]).sum::<f32>() / n
        };
        mean(beyond) <= END_SHARE * mean(run)
    }

    /// Whether the vertical run at column boundary `x`, rows `top..top + len`, ends at the
    /// corner's row `corner_y` (its top or its bottom).
    fn vertical_ends(&self, x: usize, top: usize, len: usize, corner_y: usize) -> bool {
        let beyond = if corner_y <= top {
            top.saturating_sub(len)..top
        } else {
            top + len..(top + 2 * len).min(self.h)
        };
        Self::ends(self.col_excess, (x, self.w), top..top + len, beyond)
    }

    /// Whether the horizontal run at row boundary `y`, columns `left..left + len`, ends at the
    /// corner's column `corner_x`.
    fn horizontal_ends(&self, left: usize, y: usize, len: usize, corner_x: usize) -> bool {
        let beyond = if left + len / 2 > corner_x {
            left.saturating_sub(len)..left
        } else {
            left + len..(left + 2 * len).min(self.w)
        };
        Self::ends(self.row_excess, (y, self.h), left..left + len, beyond)
    }

    /// Whether the vertical run at column boundary `x`, rows `top..top + len`, is a pure cut
    /// ([`MIN_PURITY`], [`MAX_OPPOSITE`]).
    fn pure_vertical(&self, x: usize, top: usize, len: usize) -> bool {
        if x < 2 || x + 1 >= self.w {
            return false;
        }
        let reach = OPPOSITE_REACH.min(x - 1).min(self.w - x - 1);
        let run = top..top + len;
        Self::purity(self.y, self.col_excess, (x, self.w), run.clone()) >= MIN_PURITY
            && Self::opposite(self.y, (x, self.w), run, reach) <= MAX_OPPOSITE
    }

    /// Whether the horizontal run at row boundary `y`, columns `left..left + len`, is a pure
    /// cut.
    fn pure_horizontal(&self, left: usize, y: usize, len: usize) -> bool {
        if y < 2 || y + 1 >= self.h || left + len > self.w {
            return false;
        }
        let reach = OPPOSITE_REACH.min(y - 1).min(self.h - y - 1);
        let run = left..left + len;
        Self::purity(self.y_t, self.row_excess, (y, self.h), run.clone()) >= MIN_PURITY
            && Self::opposite(self.y_t, (y, self.h), run, reach) <= MAX_OPPOSITE
    }
}

type Range = std::ops::Range<usize>;

/// The strongest corners of short runs ([`RUN`] × [`RUN_ACROSS`], a re-typed field) and of
/// long runs ([`LONG_RUN`] × [`LONG_RUN_ACROSS`], a pasted photo).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Corners {
    pub short: Corner,
    pub long: Corner,
    /// The strongest corners of pure cuts ([`MIN_PURITY`], [`MAX_OPPOSITE`]), short and long.
    pub pure_short: Corner,
    pub pure_long: Corner,
}

/// The strongest grid-straight corners, short and long runs, whose point lies on the card
/// (`v.on_card`).
#[cfg(test)]
pub fn strongest_corners(v: &View) -> Corners {
    strongest_corners_avoiding(v, Avoid::default())
}

/// Outlines (working pixels) whose sides corners are kept off, by [`OUTLINE_CLEARANCE`] of
/// their longer side.
#[derive(Debug, Clone, Copy, Default)]
pub struct Avoid<'a> {
    /// The card's outline found from its edges, holding the MRZ: every corner is kept off it
    /// by [`CARD_CLEARANCE`]. The card's cut edge against the table is a hard step, and where
    /// the page predicted from the MRZ reaches past the card (perspective, a header band
    /// running to the card's edge) its corners passed for a paste's: 4 of the 13 clean pages
    /// of the tune and hold-out sets with a seam score ≥ 1.9 had it there.
    pub card: Option<&'a Quad>,
    /// An outline checked for the pure corners only: a card lying square on the table has pure
    /// corners of its own where the page predicted from the MRZ misses its outline.
    pub pure: Option<&'a Quad>,
}

/// [`strongest_corners`] with the corners kept off the outlines in `avoid`.
pub fn strongest_corners_avoiding(v: &View, avoid: Avoid) -> Corners {
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
    let y_t = transpose(&y, w, h);
    let col_excess = cut_excess(&y, w, h);
    let row_excess = cut_excess(&y_t, h, w);
    let steps = StepMaps {
        y: &y,
        y_t: &y_t,
        col_excess: &col_excess,
        row_excess: &row_excess,
        w,
        h,
    };
    let to_full = |mut c: Corner| {
        c.x += r.x0;
        c.y += r.y0;
        if c.score == 0.0 {
            c = Corner::default();
        }
        c
    };
    let clear = |outline: Option<&Quad>, share: f32, x: usize, y: usize| {
        outline.is_none_or(|q| {
            let f = v.factor as f32;
            let p = ((r.x0 + x) as f32 / f, (r.y0 + y) as f32 / f);
            !within_outline_share(q, p, share)
        })
    };
    let any_on_card = |x: usize, y: usize| on_card(x, y) && clear(avoid.card, CARD_CLEARANCE, x, y);
    let pure_on_card =
        |x: usize, y: usize| any_on_card(x, y) && clear(avoid.pure, OUTLINE_CLEARANCE, x, y);
    let search = |run: usize, run_across: usize| {
        let cuts = Cuts {
            // vert[y * w + x]: run rows y..y+run at column boundary x.
            vert: run_contrast(&col_excess, w, h, run),
            // horiz_t[x * h + y]: run columns x..x+run_across at row boundary y.
            horiz_t: run_contrast(&row_excess, h, w, run_across),
            w,
            h,
        };
        let lens = (run, run_across);
        let any = to_full(cuts.best_corner(lens, &any_on_card, None));
        let pure = to_full(cuts.best_corner(lens, &pure_on_card, Some(&steps)));
        (any, pure)
    };
    let (short, pure_short) = search(RUN, RUN_ACROSS);
    let (long, pure_long) = search(LONG_RUN, LONG_RUN_ACROSS);
    Corners {
        short,
        long,
        pure_short,
        pure_long,
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
    /// going right or left, at a point `on_card`; with `pure`, of pure cuts only
    /// ([`StepMaps::pure_vertical`], [`StepMaps::pure_horizontal`]).
    fn best_corner(
        &self,
        (run, run_across): (usize, usize),
        on_card: &dyn Fn(usize, usize) -> bool,
        pure: Option<&StepMaps>,
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
            if pure.is_some_and(|p| !p.pure_vertical(x, top, run)) {
                continue;
            }
            for cy in [top, top + run] {
                if !on_card(x, cy) || pure.is_some_and(|p| !p.vertical_ends(x, top, run, cy)) {
                    continue;
                }
                let pure_across = |left: usize, y: usize| {
                    pure.is_none_or(|p| {
                        p.pure_horizontal(left, y, run_across)
                            && p.horizontal_ends(left, y, run_across, x)
                    })
                };
                let (xi, yi) = (x as isize, cy as isize);
                let near = |x| near_transposed(horiz_t, (w, h), (x, yi), &pure_across);
                let across = near(xi).max(near(xi - run_across as isize));
                let score = cut.min(across);
                if score > best.score {
                    best = Corner { score, x, y: cy };
                }
            }
        }
        best
    }
}

/// Whether working-pixel point `p` lies within [`OUTLINE_CLEARANCE`] of the longer side of `q`
/// from one of its sides.
pub fn near_outline(q: &Quad, p: (f32, f32)) -> bool {
    within_outline_share(q, p, OUTLINE_CLEARANCE)
}

/// Whether working-pixel point `p` lies within `share` of the longer side of `q` from one of
/// its sides.
pub fn within_outline_share(q: &Quad, p: (f32, f32), share: f32) -> bool {
    let side = |i: usize| (q[i], q[(i + 1) % 4]);
    let longer = (0..4)
        .map(|i| {
            let (a, b) = side(i);
            (b.0 - a.0).hypot(b.1 - a.1)
        })
        .fold(0.0, f32::max);
    (0..4).any(|i| {
        let (a, b) = side(i);
        let (ux, uy) = (b.0 - a.0, b.1 - a.1);
        let t =
            (((p.0 - a.0) * ux + (p.1 - a.1) * uy) / (ux * ux + uy * uy).max(1e-6)).clamp(0.0, 1.0);
        (p.0 - a.0 - t * ux).hypot(p.1 - a.1 - t * uy) < share * longer
    })
}

/// The cores of an ID card's other side in the photo (full-resolution pixels), as the
/// optics cue searches them ([`crate::tampered_sharp::other_sides`]). Not a passport's upper
/// page: searching it for corners cost more than the alarm stage's budget allows (+14 % of
/// the stage on a two-page scan) and found no paste the optics cue missed.
fn id_card_sides(v: &View) -> Vec<Quad> {
    let (Some(deep), Some(m)) = (v.deep_quad, v.mrz) else {
        return Vec::new();
    };
    if !matches!(m.chars, 30 | 36) {
        return Vec::new();
    }
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

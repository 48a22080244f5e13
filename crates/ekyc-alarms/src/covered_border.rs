//! Whether the card's surface runs on to the photo's edge where its outline meets it. A card
//! cut by the frame keeps card-like proportions more often than not (a passport page cut below
//! its portrait looks like a shorter page), and its print need not reach the border (a blank
//! stretch of paper, or the MRZ cut across its lines). What does not change: along the photo's
//! edge, between the two sides of the card that run into it, lies the card (its paper or
//! print), where beyond those sides the same edge shows the table. An outline that takes the
//! photo's border for a side of a card lying wholly inside the photo finds table there too.

use crate::covered_frame::{border_of, Border, Side};
use crate::plane::{quantile, Plane};
use crate::view::{in_quad, Quad, View};

/// Pixels in from the photo's edge whose colour is averaged per position along it (the very
/// edge is what the frame cuts; a card lying whole inside the photo keeps a margin of table
/// wider than this).
const DEPTH: usize = 3;
/// Gap left beyond each corner of the card before the table is sampled (the card's edge and
/// its shadow blur into it), as a share of the span between the corners, plus [`GAP_PX`].
const GAP: f32 = 0.04;
const GAP_PX: f32 = 3.0;
/// The gap when the photo's side leaves no table beyond the corners at [`GAP`].
const NEAR_CORNER_GAP: f32 = 0.01;
/// Length of the table sampled beyond each corner, as a share of the span.
const REFERENCE: f32 = 0.2;
/// Table positions needed beyond the corners (fewer: the card spans the photo's side, as on a
/// scan, and the table cannot be told from it).
const MIN_REFERENCE: usize = 6;
/// Depth of the band inside the card whose colour is the card's, as shares of the card's
/// shorter side (inside the border's strip, clear of it).
const CARD_BAND: (f32, f32) = (0.05, 0.12);
/// Colour distance (RGB) between card and table below which they cannot be told apart.
const MIN_CONTRAST: f32 = 40.0;
/// A position along the edge is card when its colour lies farther from the table's than this
/// share of the card–table distance.
const CARD_SIDE: f32 = 0.5;

/// The table's spread is this quantile of its colours' distances to their median...
const SPREAD_QUANTILE: f32 = 0.9;
/// ... card and table must differ by this many spreads to be told apart ...
const CONTRAST_OVER_SPREAD: f32 = 3.0;
/// ... and a position counts as card this many spreads off the table at least.
const SPREAD_OFF: f32 = 2.0;

/// Channel level from which a colour counts as washed out (auto-exposure keeps paper well
/// under it).
const CLIPPED: f32 = 245.0;
/// Share of the outline (about its centre) whose middle gives the card's paper colour.
const PAPER_CORE: f32 = 0.6;

type Rgb = [f32; 3];

/// The table along the photo's edge beyond one corner of the card.
#[derive(Debug, Clone, Copy)]
struct Table {
    colour: Rgb,
    spread: f32,
}

/// The colour planes and the outline the border is judged for.
struct Photo<'a> {
    planes: [&'a Plane; 3],
    quad: &'a Quad,
}

/// Largest share, over the outline's sides lying on the photo's border, of the middle 80 % of
/// the span between the card's corners where the photo's edge shows the card rather than the
/// table beside it; 0 when no side lies on the border, no table is seen beyond the corners, or
/// card and table look alike.
pub fn card_at_frame(v: &View, quad: &Quad) -> f32 {
    let photo = Photo {
        planes: [&v.r, &v.g, &v.b],
        quad,
    };
    (0..4)
        .filter_map(|i| border_of(&v.y, quad, i))
        .map(|edge| photo.card_share(edge))
        .fold(0.0, f32::max)
}

impl Photo<'_> {
    fn w(&self) -> usize {
        self.planes[0].w
    }

    fn h(&self) -> usize {
        self.planes[0].h
    }

    /// Pixel `d` in from the photo's edge at position `t` along `side`.
    fn at(&self, side: Side, t: usize, d: usize) -> Rgb {
        let (w, h) = (self.w(), self.h());
        let (x, y) = match side {
            Side::Left => (d, t),
            Side::Right => (w.saturating_sub(1 + d), t),
            Side::Top => (t, d),
            Side::Bottom => (t, h.saturating_sub(1 + d)),
        };
        let (x, y) = (x.min(w - 1), y.min(h - 1));
        self.planes.map(|p| p.at(x, y))
    }

    /// Mean colour of the edge's outer [`DEPTH`] pixels at position `t`.
    fn edge_colour(&self, side: Side, t: usize) -> Rgb {
        let mut sum = [0.0f32; 3];
        for d in 0..DEPTH {
            let c = self.at(side, t, d);
            (0..3).for_each(|k| sum[k] += c[k]);
        }
        sum.map(|s| s / DEPTH as f32)
    }

    fn length(&self, side: Side) -> usize {
        match side {
            Side::Left | Side::Right => self.h(),
            Side::Top | Side::Bottom => self.w(),
        }
    }

    fn card_share(&self, edge: Border) -> f32 {
        let limit = self.length(edge.side) as f32;
        let (from, to) = (edge.from.max(0.0), edge.to.min(limit));
        let span = to - from;
        if span < 10.0 {
            return 0.0;
        }
        // The table beyond each corner along the same edge: its colour per end, and how much
        // its texture, noise and light vary there.
        let reach = REFERENCE * span;
        let beyond = |gap: f32| {
            (
                self.table(edge.side, (from - gap - reach, from - gap)),
                self.table(edge.side, (to + gap, to + gap + reach)),
            )
        };
        // A card whose corners lie near the photo's corners leaves a short stretch of table
        // beyond them: sampled closer to the card's edge then (better than no reference).
        let (before, after) = match beyond(GAP * span + GAP_PX) {
            (None, None) => beyond(NEAR_CORNER_GAP * span + GAP_PX),
            found => found,
        };
        let spread = [before, after]
            .iter()
            .flatten()
            .map(|t| t.spread)
            .fold(0.0, f32::max);
        let table = |t: f32| match (before, after) {
            (Some(a), Some(b)) => {
                let k = ((t - from) / span).clamp(0.0, 1.0);
                Some([0, 1, 2].map(|i| a.colour[i] + (b.colour[i] - a.colour[i]) * k))
            }
            (a, b) => a.or(b).map(|t| t.colour),
        };
        let (Some(card), Some(paper)) = (self.card_colour(edge.side, (from, to)), self.paper())
        else {
            return 0.0;
        };
        // Washed out by a reflection, card and table look alike.
        if clipped(card) || clipped(paper) {
            return 0.0;
        }
        let (start, end) = ((from + 0.1 * span) as usize, (from + 0.9 * span) as usize);
        let (mut on_card, mut seen) = (0usize, 0usize);
        for t in start..end {
            let Some(bg) = table(t as f32) else {
                return 0.0;
            };
            let contrast = distance(card, bg);
            // What lies inside the outline along the edge must be the card: nearer its paper
            // than the table is (an outline that took the border for a side of a card lying
            // inside the photo holds table there).
            if contrast < MIN_CONTRAST.max(CONTRAST_OVER_SPREAD * spread)
                || distance(card, paper) >= contrast
            {
                continue;
            }
            seen += 1;
            let c = self.edge_colour(edge.side, t);
            if clipped(c) {
                continue;
            }
            let off_table = distance(c, bg);
            on_card += (off_table > (CARD_SIDE * contrast).max(SPREAD_OFF * spread)
                && distance(c, card) < off_table) as usize;
        }
        // Positions where card and table look alike are left out; most must be judged.
        if 2 * seen < end.saturating_sub(start) {
            return 0.0;
        }
        on_card as f32 / seen.max(1) as f32
    }

    /// The table along the edge over positions `range` (clipped to the photo's side): the
    /// per-channel median colour and the spread around it; `None` for fewer than
    /// [`MIN_REFERENCE`] positions.
    fn table(&self, side: Side, (lo, hi): (f32, f32)) -> Option<Table> {
        let len = self.length(side) as f32;
        let (lo, hi) = (lo.clamp(0.0, len) as usize, hi.clamp(0.0, len) as usize);
        if hi < lo + MIN_REFERENCE {
            return None;
        }
        let colours: Vec<Rgb> = (lo..hi).map(|t| self.edge_colour(side, t)).collect();
        let colour = channel_medians(&colours);
        let mut off: Vec<f32> = colours.iter().map(|&c| distance(c, colour)).collect();
        Some(Table {
            colour,
            spread: quantile(&mut off, SPREAD_QUANTILE),
        })
    }

    /// The card's paper: per-channel medians over a grid of points in the middle of the
    /// outline (shrunk to [`PAPER_CORE`] about its centre), where the card is even when the
    /// outline is a little off.
    fn paper(&self) -> Option<Rgb> {
        let q = self.quad;
        let c = (
            q.iter().map(|p| p.0).sum::<f32>() / 4.0,
            q.iter().map(|p| p.1).sum::<f32>() / 4.0,
        );
        let core = q.map(|p| {
            (
                c.0 + PAPER_CORE * (p.0 - c.0),
                c.1 + PAPER_CORE * (p.1 - c.1),
            )
        });
        let (w, h) = (self.w(), self.h());
        let mut colours = Vec::new();
        for j in 0..24 {
            for i in 0..24 {
                let (x, y) = (
                    (i as f32 + 0.5) * w as f32 / 24.0,
                    (j as f32 + 0.5) * h as f32 / 24.0,
                );
                if in_quad(&core, x, y) {
                    colours.push(self.planes.map(|p| p.at(x as usize, y as usize)));
                }
            }
        }
        (colours.len() >= MIN_REFERENCE).then(|| channel_medians(&colours))
    }

    /// The card's colour near the edge: per-channel medians over a band inside it
    /// ([`CARD_BAND`]) along the middle of the span.
    fn card_colour(&self, side: Side, (from, to): (f32, f32)) -> Option<Rgb> {
        let short = (0..4)
            .map(|i| {
                let (p, q) = (self.quad[i], self.quad[(i + 1) % 4]);
                (q.0 - p.0).hypot(q.1 - p.1)
            })
            .fold(f32::MAX, f32::min);
        let depth = |k: f32| (k * short) as usize;
        let (d0, d1) = (depth(CARD_BAND.0).max(DEPTH), depth(CARD_BAND.1));
        let across = match side {
            Side::Left | Side::Right => self.w(),
            Side::Top | Side::Bottom => self.h(),
        };
        if d1 <= d0 || d1 >= across {
            return None;
        }
        let span = to - from;
        let (start, end) = ((from + 0.2 * span) as usize, (from + 0.8 * span) as usize);
        let mut colours = Vec::new();
        for t in (start..end).step_by(2) {
            for d in (d0..d1).step_by(2) {
                colours.push(self.at(side, t, d));
            }
        }
        (colours.len() >= MIN_REFERENCE).then(|| channel_medians(&colours))
    }
}

/// Every channel at least [`CLIPPED`]: a reflection washed out what lies there.
fn clipped(c: Rgb) -> bool {
    c.iter().all(|&v| v >= CLIPPED)
}

fn channel_medians(colours: &[Rgb]) -> Rgb {
    [0, 1, 2].map(|k| {
        let mut v: Vec<f32> = colours.iter().map(|c| c[k]).collect();
        quantile(&mut v, 0.5)
    })
}

fn distance(a: Rgb, b: Rgb) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

#[cfg(test)]
#[path = "covered_border_tests.rs"]
mod tests;

//! Whether the card's print runs into the photo's edge where the card's outline meets it. A
//! card cut by the frame by a tenth can keep card-like proportions (a passport page cut below
//! its MRZ looks like a shorter page), so its outline alone cannot say it is cut. But printed
//! documents keep a blank margin between their print and their edge: where the card really
//! ends at the photo's border, only paper lies along it; where the frame cuts the card, its
//! print (MRZ characters, a header band, the portrait, text) reaches the border.

use crate::plane::{quantile, Plane};
use crate::view::{in_quad, Quad};

/// Depth of the strip looked at along the border, as a share of the card's shorter visible
/// side: well inside the margin every card keeps (ID-1 and ID-3 keep 3-5 mm of 54-88 mm).
const STRIP: f32 = 0.02;
/// A pixel is ink when darker than this share of the paper along the border.
const INK: f32 = 0.6;
/// Paper is brighter than this share of the paper along the border.
const PAPER: f32 = 0.85;
/// The strip must be this much paper: a card, not a dark table the outline took for one...
const MIN_PAPER_SHARE: f32 = 0.3;
/// ... and its paper at least this share of the card's (light falls off towards a photo's
/// side, a table is darker still).
const LOCAL_PAPER: f32 = 0.7;
/// Ink pixels a position along the border needs in each outer quarter of the strip (the
/// quarter at the border and the innermost one): print cut by the frame crosses the strip,
/// where a line running along the border (the card's own edge or a drawn frame line, a
/// table's shadow) stays narrower than half of it.
const MIN_INK_PIXELS: usize = 1;

/// Share of the outline's border side(s) (its middle 80 %) where print reaches the photo's
/// edge, in `y`'s pixels; 0 when no side of `quad` lies on the border or the strip along it
/// is not card paper.
pub fn print_at_frame(y: &Plane, quad: &Quad) -> f32 {
    let Some(paper) = paper_luma(y, quad) else {
        return 0.0;
    };
    let short = (0..4).map(|i| side_len(quad, i)).fold(f32::MAX, f32::min);
    let depth = (STRIP * short).ceil().max(4.0) as usize;
    (0..4)
        .filter_map(|i| border_of(y, quad, i))
        .map(|edge| inked_share(y, edge, (depth, paper)))
        .fold(0.0, f32::max)
}

/// A photo border: the side it is and the span along it (in pixels) between the quad's
/// corners.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Border {
    pub side: Side,
    pub from: f32,
    pub to: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Side {
    Left,
    Top,
    Right,
    Bottom,
}

fn side_len(q: &Quad, i: usize) -> f32 {
    let (p, r) = (q[i], q[(i + 1) % 4]);
    (r.0 - p.0).hypot(r.1 - p.1)
}

/// The photo border that side `i` of `q` (from corner `i` to the next) lies on, if any.
pub(crate) fn border_of(y: &Plane, q: &Quad, i: usize) -> Option<Border> {
    let (p, r) = (q[i], q[(i + 1) % 4]);
    let (w, h) = (y.w as f32, y.h as f32);
    let tol = 0.01 * w.max(h) + 2.0;
    let near = |a: f32, b: f32| (a - b).abs() <= tol;
    let (side, from, to) = if near(p.0, 0.0) && near(r.0, 0.0) {
        (Side::Left, p.1, r.1)
    } else if near(p.0, w) && near(r.0, w) {
        (Side::Right, p.1, r.1)
    } else if near(p.1, 0.0) && near(r.1, 0.0) {
        (Side::Top, p.0, r.0)
    } else if near(p.1, h) && near(r.1, h) {
        (Side::Bottom, p.0, r.0)
    } else {
        return None;
    };
    Some(Border {
        side,
        from: from.min(to),
        to: from.max(to),
    })
}

/// The card's paper: the 80th percentile of luma over a grid of points inside `q`.
fn paper_luma(y: &Plane, q: &Quad) -> Option<f32> {
    let mut values = Vec::new();
    for j in 0..32 {
        for i in 0..32 {
            let (px, py) = (
                (i as f32 + 0.5) * y.w as f32 / 32.0,
                (j as f32 + 0.5) * y.h as f32 / 32.0,
            );
            if in_quad(q, px, py) {
                values.push(y.at(px as usize, py as usize));
            }
        }
    }
    (values.len() >= 16).then(|| quantile(&mut values, 0.8))
}

/// Share of positions along the middle 80 % of `edge` whose strip (`depth` px in from the
/// border, all of it on the card between the outline's corners) holds ink from its outer to
/// its inner quarter; 0 when the strip is not mostly paper. Ink and paper are judged against
/// the strip's own paper (light falls off across a photo), which must be the card's
/// (`card_paper`), not a dark table.
fn inked_share(y: &Plane, edge: Border, (depth, card_paper): (usize, f32)) -> f32 {
    let span = edge.to - edge.from;
    let limit = match edge.side {
        Side::Left | Side::Right => y.h,
        Side::Top | Side::Bottom => y.w,
    };
    let start = (edge.from + 0.1 * span).max(0.0) as usize;
    let end = ((edge.from + 0.9 * span) as usize).min(limit);
    if end <= start {
        return 0.0;
    }
    // The strip's luma, one row of `depth` values per position along the border.
    let mut strip = Vec::with_capacity((end - start) * depth);
    for t in start..end {
        for d in 0..depth {
            let (x, yy) = match edge.side {
                Side::Left => (d, t),
                Side::Right => (y.w.saturating_sub(1 + d), t),
                Side::Top => (t, d),
                Side::Bottom => (t, y.h.saturating_sub(1 + d)),
            };
            strip.push(y.at(x.min(y.w - 1), yy.min(y.h - 1)));
        }
    }
    let paper = quantile(&mut strip.clone(), 0.8);
    let bright = strip.iter().filter(|&&v| v > PAPER * paper).count();
    if paper < LOCAL_PAPER * card_paper || (bright as f32) < MIN_PAPER_SHARE * strip.len() as f32 {
        return 0.0;
    }
    let inked = strip
        .chunks(depth)
        .filter(|row| {
            let dark = |d: &usize| row[*d] < INK * paper;
            let outer = (0..depth).filter(|d| 4 * d < depth).filter(dark).count();
            let inner = (0..depth)
                .filter(|d| 4 * d >= 3 * depth)
                .filter(dark)
                .count();
            outer >= MIN_INK_PIXELS && inner >= MIN_INK_PIXELS
        })
        .count();
    inked as f32 / (end - start) as f32
}

#[cfg(test)]
#[path = "covered_frame_tests.rs"]
mod tests;

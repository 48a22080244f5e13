//! Whether the MRZ lines run on into the photo's edge past the band the reader reported. A
//! reader returns the characters it could read; those cut by the frame, and a few before them,
//! are left out of its band, so the band's end can lie characters short of the photo's edge
//! although the printed lines run into it. A printed MRZ ends with a blank margin before the
//! card's edge: beyond a complete band the next character cell is blank paper.

use crate::plane::{quantile, Plane};
use crate::view::Quad;

/// Width of one cell stepped beyond the band's end, as a share of the band's height (two or
/// three lines): one and a half to two characters, so each half of it holds a character's
/// strokes where the lines run on.
const CELL: f32 = 0.5;
/// A pixel is ink when darker than this share of the band's paper.
const INK: f32 = 0.6;
/// A cell holds print when at least this share of its pixels is ink (a character's strokes
/// cover 15-25 % of its cell; blank paper, guilloches and noise stay near 0)...
const MIN_INK_SHARE: f32 = 0.08;
/// ... and at least this share is paper (brighter than [`PAPER`] of the band's paper): print
/// is dark on paper, a table beyond the card's edge is dark all over.
const MIN_PAPER_SHARE: f32 = 0.3;
const PAPER: f32 = 0.85;
/// Cells looked at beyond each end at most (a cut band is short by a few characters).
const MAX_CELLS: usize = 40;

/// True when, beyond either end of `band` (corners in reading order: top-left, top-right,
/// bottom-right, bottom-left, in `y`'s pixels), every cell up to the photo's edge holds print:
/// the lines run into the frame.
pub fn runs_into_frame(y: &Plane, band: &Quad) -> bool {
    let mid = |a: (f32, f32), b: (f32, f32)| ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    let (start, end) = (mid(band[0], band[3]), mid(band[1], band[2]));
    let len = (end.0 - start.0).hypot(end.1 - start.1);
    let height = (band[3].0 - band[0].0).hypot(band[3].1 - band[0].1);
    if len < 8.0 || height < 4.0 {
        return false;
    }
    let along = ((end.0 - start.0) / len, (end.1 - start.1) / len);
    let across = (-along.1, along.0);
    let Some(paper) = paper_luma(y, start, along, across, (len, height)) else {
        return false;
    };
    let cell = (CELL * height).max(2.0);
    let levels = (INK * paper, PAPER * paper);
    [(end, along), (start, (-along.0, -along.1))]
        .into_iter()
        .any(|(from, dir)| inked_to_edge(y, (from, dir, across), (cell, height), levels))
}

/// The band's paper: the 80th percentile of luma over a grid of its pixels.
fn paper_luma(
    y: &Plane,
    start: (f32, f32),
    along: (f32, f32),
    across: (f32, f32),
    (len, height): (f32, f32),
) -> Option<f32> {
    let mut values = Vec::new();
    for i in 0..64 {
        for j in 0..8 {
            let s = len * (i as f32 + 0.5) / 64.0;
            let t = height * ((j as f32 + 0.5) / 8.0 - 0.5);
            let (x, yy) = (
                start.0 + along.0 * s + across.0 * t,
                start.1 + along.1 * s + across.1 * t,
            );
            if let Some(v) = sample(y, x, yy) {
                values.push(v);
            }
        }
    }
    (values.len() >= 32).then(|| quantile(&mut values, 0.8))
}

fn sample(y: &Plane, x: f32, yy: f32) -> Option<f32> {
    (x >= 0.0 && yy >= 0.0 && (x as usize) < y.w && (yy as usize) < y.h)
        .then(|| y.at(x as usize, yy as usize))
}

/// Steps cells of `cell` px from `from` along `dir` until the photo's edge: true when there
/// was at least one cell and each held print (`ink` and `paper` luma levels).
fn inked_to_edge(
    y: &Plane,
    (from, dir, across): ((f32, f32), (f32, f32), (f32, f32)),
    (cell, height): (f32, f32),
    (ink, paper): (f32, f32),
) -> bool {
    let (steps, rows) = (cell.ceil() as usize, height.ceil() as usize);
    for k in 0..MAX_CELLS {
        // Counts per half of the cell (nearer the band, farther): print is dark on paper in
        // both halves; a card's edge in the cell leaves paper in one and table in the other.
        let (mut seen, mut dark, mut bright, mut left_photo) =
            ([0usize; 2], [0usize; 2], [0usize; 2], false);
        for s in 0..steps {
            let d = k as f32 * cell + s as f32;
            let half = (2 * s >= steps) as usize;
            for r in 0..rows {
                let t = r as f32 - height / 2.0;
                let (x, yy) = (
                    from.0 + dir.0 * d + across.0 * t,
                    from.1 + dir.1 * d + across.1 * t,
                );
                match sample(y, x, yy) {
                    Some(v) => {
                        seen[half] += 1;
                        dark[half] += (v < ink) as usize;
                        bright[half] += (v > paper) as usize;
                    }
                    None => left_photo |= r == rows / 2,
                }
            }
        }
        let printed_half = |h: usize| {
            seen[h] > 0
                && (dark[h] as f32) >= MIN_INK_SHARE * seen[h] as f32
                && (bright[h] as f32) >= MIN_PAPER_SHARE * seen[h] as f32
        };
        let printed = printed_half(0) && printed_half(1);
        let seen = seen[0] + seen[1];
        if left_photo {
            // The cell reaches the photo's edge: it must not be blank where much of it was
            // seen, and at least one whole printed cell must come before it (less than a cell
            // to the edge is the end-gap term's to judge; there paper and a strip of table can
            // pass for print).
            if seen >= steps * rows / 3 && !printed {
                return false;
            }
            return k > 0;
        }
        if !printed {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A paper plane `w` × 60 with a two-line MRZ of dark 6 × 12 characters every 10 px
    /// from x = 20 to `last`, and the band the reader reports from 18 to `band_end`.
    fn page(w: usize, last: usize, band_end: f32) -> (Plane, Quad) {
        let mut data = vec![200.0f32; w * 60];
        for line in 0..2 {
            let mut x = 20;
            while x + 6 <= last.min(w) {
                for yy in 15 + line * 16..27 + line * 16 {
                    for xx in x..(x + 6).min(w) {
                        data[yy * w + xx] = 40.0;
                    }
                }
                x += 10;
            }
        }
        let band = [
            (18.0, 12.0),
            (band_end, 12.0),
            (band_end, 46.0),
            (18.0, 46.0),
        ];
        (Plane { w, h: 60, data }, band)
    }

    #[test]
    fn lines_running_past_the_band_into_the_edge_are_cut() {
        // Characters continue to the photo's edge at 300; the reader stopped at 250.
        let (y, band) = page(300, 400, 250.0);
        assert!(runs_into_frame(&y, &band));
    }

    #[test]
    fn a_complete_band_ends_before_blank_paper() {
        // The last character ends at 246, blank paper to the edge at 300.
        let (y, band) = page(300, 246, 250.0);
        assert!(!runs_into_frame(&y, &band));
    }

    #[test]
    fn a_band_ending_near_the_cards_edge_before_a_dark_table_is_not_cut() {
        // The card's edge 12 px past the last character, dark table from there to the edge:
        // paper then table is no print.
        let (mut y, band) = page(300, 246, 250.0);
        for row in 0..60 {
            for x in 258..300 {
                y.data[row * 300 + x] = 60.0;
            }
        }
        assert!(!runs_into_frame(&y, &band));
    }
}

//! Finding the MRZ band among detected text boxes: boxes are joined into text lines along the
//! dominant direction, lines holding two text rows are split, and groups of 2–3 long, parallel,
//! evenly spaced lines of similar length become candidates.

use crate::detect::TextBox;
use image::RgbImage;

use crate::geometry::{normalise_half_turn, Point, RotatedRect};

/// Boxes at least this long (width / height) count as text lines when estimating the direction.
const LINE_ASPECT: f32 = 3.0;
/// MRZ lines (30–44 characters) are at least this long relative to their height.
const MRZ_ASPECT: f32 = 7.0;
/// Boxes turned further than this from the dominant direction are ignored.
const MAX_ANGLE_DIFF: f32 = 0.2;
/// The long lines' own direction is searched when it differs from their cluster's by more.
const MIN_DIRECTION_DIFF: f32 = 0.01;

/// A candidate MRZ: its lines, top to bottom, each as an upright-readable rectangle.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub lines: Vec<RotatedRect>,
}

/// A box in the frame of the dominant direction: `u` along the lines, `v` across them.
#[derive(Debug, Clone, Copy)]
struct Span {
    u0: f32,
    u1: f32,
    v0: f32,
    v1: f32,
}

impl Span {
    fn height(&self) -> f32 {
        self.v1 - self.v0
    }
    fn width(&self) -> f32 {
        self.u1 - self.u0
    }
    fn v_mid(&self) -> f32 {
        (self.v0 + self.v1) / 2.0
    }
}

/// Direction of the text lines: length-weighted mean of the long boxes' angles (on doubled
/// angles, since a line has no sense). `None` without any long box.
pub fn dominant_angle(boxes: &[TextBox]) -> Option<f32> {
    let (mut c, mut s) = (0.0f32, 0.0f32);
    for b in boxes.iter().filter(|b| b.rect.aspect() >= LINE_ASPECT) {
        c += b.rect.width * (2.0 * b.rect.angle).cos();
        s += b.rect.width * (2.0 * b.rect.angle).sin();
    }
    (c != 0.0 || s != 0.0).then(|| normalise_half_turn(s.atan2(c) / 2.0))
}

/// Directions of the long boxes, clustered: a passport page often carries text turned by 90°
/// next to the MRZ, so every direction with long lines is searched.
fn directions(boxes: &[TextBox]) -> Vec<f32> {
    let mut clusters: Vec<Vec<TextBox>> = Vec::new();
    for b in boxes.iter().filter(|b| b.rect.aspect() >= LINE_ASPECT) {
        let near = clusters.iter_mut().find(|c| {
            dominant_angle(c)
                .is_some_and(|a| normalise_half_turn(b.rect.angle - a).abs() <= MAX_ANGLE_DIFF)
        });
        match near {
            Some(c) => c.push(*b),
            None => clusters.push(vec![*b]),
        }
    }
    let mut out = Vec::new();
    for c in clusters.iter().filter(|c| c.len() >= 2) {
        let Some(angle) = dominant_angle(c) else {
            continue;
        };
        out.push(angle);
        // Under perspective the MRZ's lines slope unlike the page's shorter text, and the
        // cluster's mean direction makes tilted lines look taller and run into each other:
        // the long lines' own direction is searched too.
        let long: Vec<TextBox> = c
            .iter()
            .filter(|b| b.rect.aspect() >= MRZ_ASPECT)
            .copied()
            .collect();
        if let Some(own) = dominant_angle(&long) {
            if normalise_half_turn(own - angle).abs() > MIN_DIRECTION_DIFF {
                out.push(own);
            }
        }
    }
    out
}

/// Candidate MRZ bands, most plausible first: long lines of equal length score highest, and
/// so do the widest bands (an MRZ spans its document, unlike paragraphs of small print).
pub fn find_bands(boxes: &[TextBox]) -> Vec<Band> {
    find_bands_with(boxes, Pieces::Joined)
}

/// Whether pieces of a row beside a long line are joined (see
/// [`join_pieces_beside_long_lines`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pieces {
    /// On the page: the detector cuts a small MRZ line where its print fades.
    Joined,
    /// On a band's own view, where the lines are large: a line found in pieces there is left
    /// to the band's first extent (joining took foreign print into a line on seed 211).
    Apart,
}

/// As [`find_bands`], joining pieces of a row or not.
pub(crate) fn find_bands_with(boxes: &[TextBox], pieces: Pieces) -> Vec<Band> {
    let mut scored: Vec<(f32, Band)> = Vec::new();
    for angle in directions(boxes) {
        bands_along(boxes, angle, pieces, &mut scored);
    }
    let width = |b: &Band| b.lines.first().map_or(0.0, |r| r.width);
    let widest = scored.iter().map(|(_, b)| width(b)).fold(0.0, f32::max);
    for (score, band) in &mut scored {
        *score *= width(band) / widest.max(f32::EPSILON);
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Two directions can find the same band: keep its better-scored copy.
    let mut bands: Vec<Band> = Vec::with_capacity(scored.len());
    for (_, band) in scored {
        if !bands.iter().any(|b| same_lines(b, &band)) {
            bands.push(band);
        }
    }
    bands
}

/// Bands of as many lines whose line centres lie within a line height of each other.
fn same_lines(a: &Band, b: &Band) -> bool {
    a.lines.len() == b.lines.len()
        && a.lines.iter().zip(&b.lines).all(|(p, q)| {
            let (dx, dy) = (p.center.x - q.center.x, p.center.y - q.center.y);
            (dx * dx + dy * dy).sqrt() <= p.height.min(q.height)
        })
}

fn bands_along(boxes: &[TextBox], angle: f32, pieces: Pieces, out: &mut Vec<(f32, Band)>) {
    let u = Point::new(angle.cos(), angle.sin());
    let v = Point::new(-u.y, u.x);
    let spans: Vec<Span> = boxes
        .iter()
        .filter(|b| normalise_half_turn(b.rect.angle - angle).abs() <= MAX_ANGLE_DIFF)
        .map(|b| to_span(&b.rect, u, v))
        .collect();
    let mut lines = split_double_lines(merge_into_lines(spans));
    if pieces == Pieces::Joined {
        lines = join_pieces_beside_long_lines(lines);
    }
    let long: Vec<Span> = lines
        .into_iter()
        .filter(|s| s.height() > 0.0 && s.width() / s.height() >= MRZ_ASPECT)
        .collect();
    for size in [3usize, 2] {
        for group in long.windows(size) {
            if !is_mrz_like(group) {
                continue;
            }
            // MRZ lines have one length: a line the detector cut short takes the longest extent.
            let u0 = group.iter().map(|s| s.u0).fold(f32::MAX, f32::min);
            let u1 = group.iter().map(|s| s.u1).fold(f32::MIN, f32::max);
            let lines = group
                .iter()
                .map(|s| to_rect(&Span { u0, u1, ..*s }, angle, u, v))
                .collect();
            out.push((plausibility(group), Band { lines }));
        }
    }
}

/// Long, thin lines of equal width: mean aspect ratio scaled by the width ratio; three lines
/// rank above two of them (a TD1 would otherwise first be read as a two-line MRZ).
fn plausibility(group: &[Span]) -> f32 {
    let max_w = group.iter().map(Span::width).fold(0.0, f32::max);
    let min_w = group.iter().map(Span::width).fold(f32::MAX, f32::min);
    let aspect = group.iter().map(|s| s.width() / s.height()).sum::<f32>() / group.len() as f32;
    let lines_bonus = 1.0 + 0.15 * (group.len() as f32 - 2.0);
    aspect * (min_w / max_w.max(f32::EPSILON)) * lines_bonus
}

/// The rectangle around all lines of `band`, grown by `margin` line heights on every side, in
/// the band's direction (so cropping it deskews the band).
pub fn band_region(band: &Band, margin: f32) -> Option<RotatedRect> {
    let first = band.lines.first()?;
    let angle = first.angle;
    let u = Point::new(angle.cos(), angle.sin());
    let v = Point::new(-u.y, u.x);
    let mut all = to_span(first, u, v);
    for line in &band.lines[1..] {
        let s = to_span(line, u, v);
        all.u0 = all.u0.min(s.u0);
        all.u1 = all.u1.max(s.u1);
        all.v0 = all.v0.min(s.v0);
        all.v1 = all.v1.max(s.v1);
    }
    let line_h = band.lines.iter().map(|l| l.height).sum::<f32>() / band.lines.len() as f32;
    Some(to_rect(&all, angle, u, v).expanded(margin * line_h, margin * line_h))
}

fn to_span(r: &RotatedRect, u: Point, v: Point) -> Span {
    let mut s = Span {
        u0: f32::MAX,
        u1: f32::MIN,
        v0: f32::MAX,
        v1: f32::MIN,
    };
    for p in r.corners() {
        let (pu, pv) = (p.x * u.x + p.y * u.y, p.x * v.x + p.y * v.y);
        s.u0 = s.u0.min(pu);
        s.u1 = s.u1.max(pu);
        s.v0 = s.v0.min(pv);
        s.v1 = s.v1.max(pv);
    }
    s
}

fn to_rect(s: &Span, angle: f32, u: Point, v: Point) -> RotatedRect {
    let (cu, cv) = ((s.u0 + s.u1) / 2.0, (s.v0 + s.v1) / 2.0);
    RotatedRect {
        center: Point::new(u.x * cu + v.x * cv, u.y * cu + v.y * cv),
        width: s.width(),
        height: s.height(),
        angle,
    }
}

/// Join boxes that sit on the same row and nearly touch (a line the detector cut in pieces).
/// Returns the lines sorted top to bottom.
fn merge_into_lines(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by(|a, b| a.u0.total_cmp(&b.u0));
    let mut lines: Vec<Span> = Vec::new();
    for s in spans {
        let joined = lines.iter_mut().find(|l| {
            let overlap = l.v1.min(s.v1) - l.v0.max(s.v0);
            let h = l.height().min(s.height());
            let similar = l.height().max(s.height()) <= 1.6 * h;
            let gap = s.u0 - l.u1;
            similar && overlap >= 0.6 * h && gap <= 1.5 * h
        });
        match joined {
            Some(l) => {
                l.u0 = l.u0.min(s.u0);
                l.u1 = l.u1.max(s.u1);
                l.v0 = l.v0.min(s.v0);
                l.v1 = l.v1.max(s.v1);
            }
            None => lines.push(s),
        }
    }
    lines.sort_by(|a, b| a.v_mid().total_cmp(&b.v_mid()));
    lines
}

/// Pieces of one row that a long line next to it spans: an MRZ line the detector cut where its
/// small print faded into the background pattern, far more than the gaps
/// [`merge_into_lines`] joins. MRZ lines have one length, so the neighbour vouches for the gap.
/// The row's pieces become one line when they lie within the long line's extent (give or take
/// a tenth of it: the long line's own end may have faded) and together cover at least
/// [`MIN_JOINED_SHARE`] of it.
fn join_pieces_beside_long_lines(lines: Vec<Span>) -> Vec<Span> {
    let mut out = lines.clone();
    for l in lines
        .iter()
        .filter(|s| s.height() > 0.0 && s.width() / s.height() >= MRZ_ASPECT)
    {
        let slack = 0.1 * l.width();
        let beside = |s: &Span| {
            let h = l.height().min(s.height());
            let gap = (s.v_mid() - l.v_mid()).abs();
            l.height().max(s.height()) <= 1.6 * h
                && gap > 0.5 * h
                && gap <= 2.0 * l.height().max(s.height())
                && s.u0 >= l.u0 - slack
                && s.u1 <= l.u1 + slack
        };
        for side in [-1.0f32, 1.0] {
            let row: Vec<usize> = (0..out.len())
                .filter(|&k| beside(&out[k]) && (out[k].v_mid() - l.v_mid()) * side > 0.0)
                .collect();
            let Some(&first) = row.first() else { continue };
            let same_row = row.iter().all(|&k| {
                let (a, b) = (&out[first], &out[k]);
                a.v1.min(b.v1) - a.v0.max(b.v0) >= 0.6 * a.height().min(b.height())
            });
            let (u0, u1) = row.iter().fold((f32::MAX, f32::MIN), |(a, b), &k| {
                (a.min(out[k].u0), b.max(out[k].u1))
            });
            if row.len() < 2 || !same_row || u1 - u0 < MIN_JOINED_SHARE * l.width() {
                continue;
            }
            let joined = row.iter().fold(out[first], |j, &k| Span {
                u0,
                u1,
                v0: j.v0.min(out[k].v0),
                v1: j.v1.max(out[k].v1),
            });
            for &k in row.iter().rev() {
                out.remove(k);
            }
            out.push(joined);
        }
    }
    out.sort_by(|a, b| a.v_mid().total_cmp(&b.v_mid()));
    out
}

/// Share of the long line's length a row of pieces must cover to be joined into one line.
const MIN_JOINED_SHARE: f32 = 0.8;

/// A long line about twice (or three times) as tall as other long lines of about its length
/// holds that many text rows run together: cut it into equal rows. Lines of other lengths are
/// no reference (they may be set in another font size).
fn split_double_lines(lines: Vec<Span>) -> Vec<Span> {
    let long = |s: &Span| s.height() > 0.0 && s.width() / s.height() >= MRZ_ASPECT;
    let mut out = Vec::with_capacity(lines.len());
    for (i, s) in lines.iter().enumerate() {
        let mut heights: Vec<f32> = lines
            .iter()
            .enumerate()
            .filter(|&(j, o)| j != i && long(o))
            .filter(|(_, o)| o.width() >= 0.75 * s.width() && o.width() <= 1.33 * s.width())
            .map(|(_, o)| o.height())
            .collect();
        heights.sort_by(f32::total_cmp);
        let Some(&typical) = heights.get(heights.len().saturating_sub(1) / 2) else {
            out.push(*s);
            continue;
        };
        let rows = (s.height() / typical).round();
        if (2.0..=3.0).contains(&rows) && s.height() >= 1.7 * typical {
            let step = s.height() / rows;
            for k in 0..rows as usize {
                let v0 = s.v0 + step * k as f32;
                out.push(Span {
                    v0,
                    v1: v0 + step,
                    ..*s
                });
            }
        } else {
            out.push(*s);
        }
    }
    out
}

/// Lines of an MRZ have nearly the same length and start, similar heights and even spacing.
fn is_mrz_like(group: &[Span]) -> bool {
    let max_w = group.iter().map(Span::width).fold(0.0, f32::max);
    let min_w = group.iter().map(Span::width).fold(f32::MAX, f32::min);
    let max_h = group.iter().map(Span::height).fold(0.0, f32::max);
    let min_h = group.iter().map(Span::height).fold(f32::MAX, f32::min);
    if min_w < 0.75 * max_w || min_h < 0.5 * max_h {
        return false;
    }
    // The lines' starts align, or their ends do when the band is seen upside down (a line's
    // end is a run of fillers that may fade, or text beside it may join it).
    let starts_align = group
        .windows(2)
        .all(|p| (p[0].u0 - p[1].u0).abs() <= 0.1 * max_w);
    let ends_align = group
        .windows(2)
        .all(|p| (p[0].u1 - p[1].u1).abs() <= 0.1 * max_w);
    let spaced = group.windows(2).all(|p| {
        let gap = p[1].v_mid() - p[0].v_mid();
        gap > 0.5 * min_h && gap <= 2.5 * max_h
    });
    (starts_align || ends_align) && spaced
}

/// Corners of `band` (found in `image` turned by `quarter_turns`) in `image`'s pixels, in
/// reading order.
pub fn band_corners(
    band: &Band,
    upside_down: bool,
    quarter_turns: u8,
    image: &RgbImage,
) -> [Point; 4] {
    let Some(region) = band_region(band, 0.0) else {
        return [Point::new(0.0, 0.0); 4];
    };
    let mut c = region.corners();
    if upside_down {
        c.rotate_left(2);
    }
    let (w, h) = (image.width() as f32, image.height() as f32);
    c.map(|p| match quarter_turns % 4 {
        // Clockwise turn: turned (x', y') shows original (y', h - x').
        1 => Point::new(p.y, h - p.x),
        2 => Point::new(w - p.x, h - p.y),
        3 => Point::new(w - p.y, p.x),
        _ => p,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tb(cx: f32, cy: f32, w: f32, h: f32, angle: f32) -> TextBox {
        TextBox {
            rect: RotatedRect {
                center: Point::new(cx, cy),
                width: w,
                height: h,
                angle,
            },
            score: 0.9,
        }
    }

    #[test]
    fn a_line_cut_in_pieces_beside_a_long_line_is_joined() {
        // Line 2 of a passport MRZ, cut where its print faded: two pieces 215 px apart.
        let boxes = [
            tb(445.0, 306.0, 720.0, 27.0, 0.0),
            tb(179.0, 334.0, 192.0, 26.0, 0.0),
            tb(647.0, 336.0, 315.0, 25.0, 0.0),
        ];
        let bands = find_bands(&boxes);
        assert_eq!(bands.first().map(|b| b.lines.len()), Some(2), "{bands:?}");
        let second = bands[0].lines[1];
        assert!((second.width - 722.0).abs() < 5.0, "{second:?}");
        // Pieces covering too little of the long line (a label and a value under a rule) stay
        // apart: no band.
        let boxes = [
            tb(445.0, 306.0, 720.0, 27.0, 0.0),
            tb(179.0, 334.0, 192.0, 26.0, 0.0),
            tb(420.0, 336.0, 150.0, 25.0, 0.0),
        ];
        assert!(find_bands(&boxes).is_empty());
    }

    #[test]
    fn pieces_reaching_a_little_past_the_long_line_are_joined() {
        // A passport MRZ whose first line's last fillers faded (it stops 48 px short); the
        // second line in two pieces reaches past it by 5 % of its length.
        let pieces = |end: f32| {
            let (x0, x1) = (592.0, end);
            [
                tb(763.5, 960.0, 901.0, 27.0, 0.0),
                tb(372.0, 990.0, 118.0, 29.0, 0.0),
                tb((x0 + x1) / 2.0, 990.0, x1 - x0, 32.0, 0.0),
            ]
        };
        let bands = find_bands(&pieces(1262.0));
        assert_eq!(bands.first().map(|b| b.lines.len()), Some(2), "{bands:?}");
        // A piece running on far beyond the long line is other print: no band.
        assert!(find_bands(&pieces(1420.0)).is_empty());
    }

    #[test]
    fn three_mrz_lines_below_a_title() {
        let boxes = [
            tb(150.0, 20.0, 120.0, 20.0, 0.0),
            tb(200.0, 300.0, 360.0, 24.0, 0.0),
            tb(200.0, 335.0, 360.0, 24.0, 0.0),
            tb(200.0, 370.0, 350.0, 24.0, 0.0),
        ];
        let bands = find_bands(&boxes);
        assert!(!bands.is_empty());
        assert_eq!(bands[0].lines.len(), 3);
        let ys: Vec<f32> = bands[0].lines.iter().map(|r| r.center.y).collect();
        assert!(ys[0] < ys[1] && ys[1] < ys[2], "{ys:?}");
    }

    #[test]
    fn joins_pieces_of_one_line_and_keeps_the_angle() {
        let a = 0.1f32;
        let (c, s) = (a.cos(), a.sin());
        // Two rows, each cut in two pieces; pieces 200 px long, 10 px apart.
        let piece = |row: f32, k: f32| {
            let (u, v) = (105.0 + k * 210.0, row);
            tb(u * c - v * s, u * s + v * c, 200.0, 24.0, a)
        };
        let boxes = [
            piece(300.0, 0.0),
            piece(300.0, 1.0),
            piece(335.0, 0.0),
            piece(335.0, 1.0),
        ];
        let bands = find_bands(&boxes);
        assert_eq!(bands.len(), 1, "{bands:?}");
        let line = bands[0].lines[0];
        assert!(
            (line.width - 410.0).abs() < 1.0 && (line.angle - a).abs() < 1e-4,
            "{line:?}"
        );
    }

    #[test]
    fn lines_ending_together_make_a_band_when_their_starts_differ() {
        // An upside-down TD1: the fillers ending each line face left and fade unevenly, and
        // the third line's box joined a word printed beside it.
        let boxes = [
            tb(1108.0, 651.0, 755.0, 50.0, 0.0),
            tb(1062.0, 698.0, 847.0, 50.0, 0.0),
            tb(1158.0, 742.0, 650.0, 50.0, 0.0),
        ];
        let bands = find_bands(&boxes);
        assert!(bands.iter().any(|b| b.lines.len() == 3), "{bands:?}");
        // Neither end aligned: no band.
        let ragged = [
            tb(1108.0, 651.0, 755.0, 50.0, 0.0),
            tb(1020.0, 698.0, 760.0, 50.0, 0.0),
        ];
        assert!(find_bands(&ragged).is_empty());
    }

    #[test]
    fn splits_a_box_holding_two_rows() {
        let boxes = [
            tb(200.0, 100.0, 360.0, 24.0, 0.0),
            tb(200.0, 300.0, 360.0, 50.0, 0.0),
        ];
        let bands = find_bands(&boxes);
        let two = bands
            .iter()
            .find(|b| b.lines[0].center.y > 250.0)
            .expect("split band");
        assert_eq!(two.lines.len(), 2);
        assert!((two.lines[0].height - 25.0).abs() < 0.5);
    }

    #[test]
    fn small_print_of_another_length_splits_nothing() {
        let boxes = [
            tb(100.0, 100.0, 180.0, 12.0, 0.0),
            tb(100.0, 130.0, 180.0, 12.0, 0.0),
            tb(200.0, 300.0, 360.0, 25.0, 0.0),
            tb(200.0, 330.0, 360.0, 22.0, 0.0),
        ];
        let bands = find_bands(&boxes);
        let mrz = bands
            .iter()
            .find(|b| b.lines[0].center.y > 250.0)
            .expect("band");
        assert_eq!(mrz.lines.len(), 2);
        assert!(bands.iter().all(|b| b.lines.len() == 2), "{bands:?}");
    }

    #[test]
    fn region_covers_every_line_with_margins() {
        let band = Band {
            lines: vec![
                tb(200.0, 300.0, 360.0, 20.0, 0.0).rect,
                tb(210.0, 330.0, 360.0, 20.0, 0.0).rect,
            ],
        };
        let r = band_region(&band, 1.0).expect("region");
        assert!(
            (r.width - 410.0).abs() < 1e-3 && (r.height - 90.0).abs() < 1e-3,
            "{r:?}"
        );
        assert!((r.center.x - 205.0).abs() < 1e-3 && (r.center.y - 315.0).abs() < 1e-3);
        assert!(band_region(&Band { lines: vec![] }, 1.0).is_none());
    }

    #[test]
    fn tilted_mrz_lines_among_flatter_text_are_found_once() {
        // Perspective: two 760 px MRZ lines at 0.19 rad, 29 px apart, on a page whose shorter
        // text runs at 0.05-0.08 rad (the photo s7_0004 of the synthetic set).
        let a = 0.19f32;
        let line = |v: f32| {
            let (u, c, s) = (700.0f32, a.cos(), a.sin());
            tb(u * c - v * s, u * s + v * c, 760.0, 44.0, a)
        };
        let boxes = [
            line(480.0),
            line(509.0),
            tb(649.0, 205.0, 215.0, 40.0, 0.083),
            tb(449.0, 95.0, 200.0, 36.0, 0.053),
        ];
        let bands = find_bands(&boxes);
        let mrz: Vec<&Band> = bands.iter().filter(|b| b.lines[0].width > 700.0).collect();
        assert_eq!(mrz.len(), 1, "{bands:?}");
        assert!((mrz[0].lines[0].angle - a).abs() < 0.01, "{:?}", mrz[0]);
    }

    #[test]
    fn unrelated_lines_are_no_band() {
        // Different lengths, far apart.
        let boxes = [
            tb(200.0, 100.0, 360.0, 24.0, 0.0),
            tb(100.0, 400.0, 180.0, 24.0, 0.0),
        ];
        assert!(find_bands(&boxes).is_empty());
        assert!(find_bands(&[]).is_empty());
        assert!(dominant_angle(&[tb(0.0, 0.0, 10.0, 10.0, 0.0)]).is_none());
    }
}

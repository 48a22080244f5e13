//! The card's outline from its edges, without the MRZ: straight lines of the photo's colour
//! gradient (a Hough transform voting only along each edge pixel's own gradient direction, on a
//! copy of at most [`SIDE`] px), then the quadrilateral of two near-parallel pairs of lines,
//! roughly at right angles and with a card's aspect ratio, whose sides the edge pixels support
//! best. A side may be the photo's border (the card runs out of the frame there).
//!
//! What [`crate::covered`] reads from it: how much of the card the frame cuts off (the cut
//! side's neighbours are shorter than a card of that width can be), and the longest stretch of
//! a side with no edge under it (something lies across the card's edge).

use crate::plane::Plane;
use crate::view::{in_quad, Quad, View};

/// Longest side of the copy the lines are found on.
const SIDE: usize = 256;
/// Normal-angle bins of the Hough accumulator (1° each).
const ANGLES: usize = 180;
/// An edge pixel votes for normal angles within this many bins of its gradient's.
const VOTE_SPREAD: i32 = 2;
/// Lines kept from the accumulator's peaks.
const MAX_LINES: usize = 24;
/// Opposite sides may differ in angle by this much (perspective), in degrees...
const MAX_SKEW: f32 = 14.0;
/// ... and adjacent sides may be off a right angle by this much.
const MAX_SHEAR: f32 = 20.0;
/// Card aspect ratios (ID-1 1.585, ID-3 1.42) with room for perspective.
const ASPECT: (f32, f32) = (1.22, 1.85);
/// The card's share of the photo, at least.
const MIN_AREA: f32 = 0.2;
/// An edge pixel supports a side when its gradient is within this many degrees of the side's
/// normal.
const SUPPORT_ANGLE: f32 = 20.0;
/// Share of the real sides' length the edges must support for the outline to count.
const MIN_SUPPORT: f32 = 0.55;

/// The card's outline in working pixels (of [`View`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outline {
    /// Corners in order around the quadrilateral.
    pub quad: Quad,
    /// Share of the real (not photo-border) sides' length that edges support.
    pub support: f32,
    /// Longest run without edge support on a real side, as a share of that side.
    pub longest_gap: f32,
    /// Share of the card the frame cuts off (0 when all four sides are seen).
    pub cut: f32,
    /// Whether one side is the photo's border.
    pub frame_side: bool,
}

/// A straight line `x cos θ + y sin θ = ρ` (θ in radians, [0, π)).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Line {
    theta: f32,
    rho: f32,
    /// The photo's border, not an edge seen in it.
    border: bool,
}

/// Edge pixels of the small copy: where the colour gradient is strong, and its direction.
struct Edges {
    w: usize,
    h: usize,
    /// Normal angle (radians, [0, π)) of edge pixels; NaN elsewhere.
    normal: Vec<f32>,
    /// Gradient magnitude of edge pixels; 0 elsewhere.
    mag: Vec<f32>,
}

/// The card's outline in `v`'s working pixels, or `None` when no quadrilateral of card shape is
/// supported well enough by edges.
pub fn locate(v: &View) -> Option<Outline> {
    let k = v.y.w.max(v.y.h).div_ceil(SIDE).max(1);
    let planes = [v.r.downscale(k), v.g.downscale(k), v.b.downscale(k)];
    let edges = edges(&planes)?;
    let lines = hough_lines(&edges);
    let best = best_quad(&edges, &lines)?;
    let f = k as f32;
    let scale = |q: Quad| q.map(|p| ((p.0 + 0.5) * f, (p.1 + 0.5) * f));
    Some(Outline {
        quad: scale(best.quad),
        ..best
    })
}

/// Sobel on each colour plane, the strongest channel's gradient per pixel; the strongest 10 %
/// (or every step of about 30 levels and more) are edges.
fn edges(planes: &[Plane; 3]) -> Option<Edges> {
    let (w, h) = (planes[0].w, planes[0].h);
    if w < 16 || h < 16 {
        return None;
    }
    let mut mag = vec![0.0f32; w * h];
    let mut dir = vec![0.0f32; w * h];
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let mut best = (0.0f32, 0.0f32, 0.0f32);
            for p in planes {
                let a = |dx: usize, dy: usize| p.at(x + dx - 1, y + dy - 1);
                let gx = (a(2, 0) + 2.0 * a(2, 1) + a(2, 2)) - (a(0, 0) + 2.0 * a(0, 1) + a(0, 2));
                let gy = (a(0, 2) + 2.0 * a(1, 2) + a(2, 2)) - (a(0, 0) + 2.0 * a(1, 0) + a(2, 0));
                let m = gx.hypot(gy) / 8.0;
                if m > best.0 {
                    best = (m, gx, gy);
                }
            }
            mag[y * w + x] = best.0;
            dir[y * w + x] = best.2.atan2(best.1).rem_euclid(std::f32::consts::PI);
        }
    }
    let mut sorted = mag.clone();
    // The strongest 10 %, but a clear step always counts: heavy print must not push a card's
    // edge against a table of similar brightness under the bar.
    let threshold = crate::plane::quantile(&mut sorted, 0.9).clamp(6.0, 14.0);
    let normal = mag
        .iter()
        .zip(&dir)
        .map(|(&m, &d)| if m >= threshold { d } else { f32::NAN })
        .collect();
    let mag = mag
        .into_iter()
        .map(|m| if m >= threshold { m } else { 0.0 })
        .collect();
    Some(Edges { w, h, normal, mag })
}

/// The strongest lines: peaks of a Hough accumulator where each edge pixel votes only near its
/// own gradient direction, plus the photo's four borders.
fn hough_lines(e: &Edges) -> Vec<Line> {
    let diag = ((e.w * e.w + e.h * e.h) as f32).sqrt().ceil() as usize;
    let rhos = 2 * diag + 1;
    let mut acc = vec![0u32; ANGLES * rhos];
    let step = std::f32::consts::PI / ANGLES as f32;
    let trig: Vec<(f32, f32)> = (0..ANGLES)
        .map(|a| ((a as f32 * step).cos(), (a as f32 * step).sin()))
        .collect();
    for y in 0..e.h {
        for x in 0..e.w {
            let n = e.normal[y * e.w + x];
            if n.is_nan() {
                continue;
            }
            let centre = (n / step).round() as i32;
            for da in -VOTE_SPREAD..=VOTE_SPREAD {
                let a = (centre + da).rem_euclid(ANGLES as i32) as usize;
                let (c, s) = trig[a];
                let rho = x as f32 * c + y as f32 * s;
                let r = (rho.round() as i64 + diag as i64) as usize;
                acc[a * rhos + r] += 1;
            }
        }
    }
    // Local maxima (±3 angle bins, ±4 ρ bins), strongest first.
    let min_votes = (e.w.min(e.h) as u32 / 6).max(8);
    let mut peaks = Vec::new();
    for a in 0..ANGLES {
        for r in 0..rhos {
            let votes = acc[a * rhos + r];
            if votes < min_votes {
                continue;
            }
            let mut is_max = true;
            'n: for da in -3i32..=3 {
                for dr in -4i64..=4 {
                    let (aa, rr) = (a as i32 + da, r as i64 + dr);
                    if (da, dr) == (0, 0) || rr < 0 || rr >= rhos as i64 {
                        continue;
                    }
                    // Angles wrap with ρ mirrored; near the wrap the neighbour is skipped.
                    if aa < 0 || aa >= ANGLES as i32 {
                        continue;
                    }
                    let other = acc[aa as usize * rhos + rr as usize];
                    if other > votes || (other == votes && (da, dr) < (0, 0)) {
                        is_max = false;
                        break 'n;
                    }
                }
            }
            if is_max {
                peaks.push((votes, a, r));
            }
        }
    }
    peaks.sort_by_key(|p| std::cmp::Reverse(p.0));
    let mut lines: Vec<Line> = peaks
        .iter()
        .take(MAX_LINES)
        .map(|&(_, a, r)| Line {
            theta: a as f32 * step,
            rho: r as f32 - diag as f32,
            border: false,
        })
        .collect();
    let (w, h) = (e.w as f32 - 1.0, e.h as f32 - 1.0);
    let half_pi = std::f32::consts::FRAC_PI_2;
    for (theta, rho) in [(0.0, 0.0), (0.0, w), (half_pi, 0.0), (half_pi, h)] {
        lines.push(Line {
            theta,
            rho,
            border: true,
        });
    }
    lines
}

/// Angle between two line normals, in degrees, folded to [0, 90].
fn angle_between(a: f32, b: f32) -> f32 {
    let d = (a - b).abs().to_degrees() % 180.0;
    d.min(180.0 - d)
}

fn intersect(a: &Line, b: &Line) -> Option<(f32, f32)> {
    let (c1, s1, c2, s2) = (a.theta.cos(), a.theta.sin(), b.theta.cos(), b.theta.sin());
    let det = c1 * s2 - s1 * c2;
    if det.abs() < 1e-3 {
        return None;
    }
    Some((
        (a.rho * s2 - b.rho * s1) / det,
        (c1 * b.rho - c2 * a.rho) / det,
    ))
}

/// Pairs of near-parallel lines far enough apart to be a card's opposite sides.
fn parallel_pairs(lines: &[Line], min_gap: f32) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            let (a, b) = (&lines[i], &lines[j]);
            if (a.border && b.border) || angle_between(a.theta, b.theta) > MAX_SKEW {
                continue;
            }
            // Distance between the lines at the photo's centre scale: ρ with b's normal
            // aligned to a's.
            let same = (a.theta - b.theta).abs() < std::f32::consts::FRAC_PI_2;
            let rho_b = if same { b.rho } else { -b.rho };
            if (a.rho - rho_b).abs() >= min_gap {
                out.push((i, j));
            }
        }
    }
    out
}

/// Edge support along the side from `p` to `q` of line normal `theta`: (supported samples,
/// samples inside the photo, longest unsupported run).
fn side_support(e: &Edges, p: (f32, f32), q: (f32, f32), theta: f32) -> (usize, usize, usize) {
    let len = (q.0 - p.0).hypot(q.1 - p.1);
    let n = len.ceil().max(1.0) as usize;
    let (nx, ny) = (theta.cos(), theta.sin());
    let (mut hit, mut inside, mut run, mut longest) = (0, 0, 0, 0);
    for i in 0..=n {
        let t = i as f32 / n as f32;
        let (x, y) = (p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t);
        if x < 1.0 || y < 1.0 || x > e.w as f32 - 2.0 || y > e.h as f32 - 2.0 {
            continue;
        }
        inside += 1;
        let supported = (-1..=1).any(|o| {
            let (sx, sy) = (
                (x + nx * o as f32).round() as usize,
                (y + ny * o as f32).round() as usize,
            );
            let a = e.normal[sy.min(e.h - 1) * e.w + sx.min(e.w - 1)];
            !a.is_nan() && angle_between(a, theta) <= SUPPORT_ANGLE
        });
        if supported {
            hit += 1;
            run = 0;
        } else {
            run += 1;
            longest = longest.max(run);
        }
    }
    (hit, inside, longest)
}

/// The best-supported quadrilateral of card shape, in the small copy's pixels.
fn best_quad(e: &Edges, lines: &[Line]) -> Option<Outline> {
    let (w, h) = (e.w as f32, e.h as f32);
    let pairs = parallel_pairs(lines, 0.2 * w.min(h));
    let mut best: Option<(usize, Outline)> = None;
    for (pi, &(a1, a2)) in pairs.iter().enumerate() {
        for &(b1, b2) in &pairs[pi + 1..] {
            let (la1, la2, lb1, lb2) = (&lines[a1], &lines[a2], &lines[b1], &lines[b2]);
            let shear = angle_between(la1.theta, lb1.theta);
            if (90.0 - shear) > MAX_SHEAR {
                continue;
            }
            // Two borders must be adjacent (a corner out of frame), never opposite.
            if (la1.border && la2.border) || (lb1.border && lb2.border) {
                continue;
            }
            // Corners in order: a1∩b1, b1∩a2, a2∩b2, b2∩a1.
            let sides = [la1, lb1, la2, lb2];
            let corners = [
                intersect(la1, lb1),
                intersect(lb1, la2),
                intersect(la2, lb2),
                intersect(lb2, la1),
            ];
            let Some(quad) = corners.into_iter().collect::<Option<Vec<_>>>() else {
                continue;
            };
            let quad: Quad = [quad[0], quad[1], quad[2], quad[3]];
            if let Some(found) = judge(e, &quad, &sides) {
                let score = found.0;
                if best.as_ref().is_none_or(|b| score > b.0) {
                    best = Some(found);
                }
            }
        }
    }
    best.map(|b| b.1)
}

/// Score (supported samples) and outline of one candidate, `None` when it is not card-shaped.
/// `sides[i]` runs from `quad[(i + 3) % 4]` to `quad[i]`.
fn judge(e: &Edges, quad: &Quad, sides: &[&Line; 4]) -> Option<(usize, Outline)> {
    let (w, h) = (e.w as f32, e.h as f32);
    if quad
        .iter()
        .any(|p| p.0 < -0.5 * w || p.1 < -0.5 * h || p.0 > 1.5 * w || p.1 > 1.5 * h)
    {
        return None;
    }
    let len = |i: usize| {
        let (p, q) = (quad[(i + 3) % 4], quad[i]);
        (q.0 - p.0).hypot(q.1 - p.1)
    };
    let lens = [len(0), len(1), len(2), len(3)];
    let area = quad_area(quad);
    if area < MIN_AREA * w * h || !is_convex(quad) {
        return None;
    }
    // Sides 0 and 2 lie on pair a, 1 and 3 on pair b: pair a's sides span pair b's gap.
    let (da, db) = ((lens[0] + lens[2]) / 2.0, (lens[1] + lens[3]) / 2.0);
    let border = sides.iter().position(|l| l.border);
    let corner_cut = sides.iter().filter(|l| l.border).count() == 2;
    let cut = match border {
        _ if corner_cut => corner_cut_share(da, db),
        None => {
            let aspect = da.max(db) / da.min(db).max(1.0);
            if !(ASPECT.0..=ASPECT.1).contains(&aspect) {
                return None;
            }
            0.0
        }
        // The border side's neighbours are the visible part of the card across the cut.
        Some(i) => {
            let (visible, across) = if i % 2 == 0 { (db, da) } else { (da, db) };
            cut_share(visible, across)?
        }
    };
    let centre = (
        quad.iter().map(|p| p.0).sum::<f32>() / 4.0,
        quad.iter().map(|p| p.1).sum::<f32>() / 4.0,
    );
    for (i, line) in sides.iter().enumerate() {
        if !line.border && busy_outside(e, quad[(i + 3) % 4], quad[i], centre) {
            return None;
        }
    }
    let (mut hit, mut inside, mut gap) = (0, 0, 0.0f32);
    let mut frame_len = 0.0;
    for (i, line) in sides.iter().enumerate() {
        if line.border {
            frame_len += lens[i];
            continue;
        }
        let (s_hit, s_inside, s_longest) = side_support(e, quad[(i + 3) % 4], quad[i], line.theta);
        hit += s_hit;
        inside += s_inside;
        if s_inside > 0 {
            gap = gap.max(s_longest as f32 / lens[i].max(1.0));
        }
    }
    let support = hit as f32 / inside.max(1) as f32;
    if support < MIN_SUPPORT || (hit as f32) < 0.5 * (w.min(h)) {
        return None;
    }
    // A side on the photo's border counts half its length: a card running out of the frame
    // beats a smaller rectangle of print inside it, a seen edge beats the border.
    Some((
        hit + (FRAME_SIDE_CREDIT * frame_len) as usize,
        Outline {
            quad: *quad,
            support,
            longest_gap: gap,
            cut,
            frame_side: border.is_some(),
        },
    ))
}

/// Share of a card cut off across `visible` (its extent from the seen side to the frame)
/// when its other dimension is `across`: the smallest card proportion that fits what is seen.
/// `None` when what is seen is no card (longer than any card).
fn cut_share(visible: f32, across: f32) -> Option<f32> {
    let (short, long) = (across / ASPECT_CARD.1, across * ASPECT_CARD.0);
    if visible > 1.1 * across * ASPECT_CARD.1 {
        return None;
    }
    Some(if visible <= 1.05 * across / ASPECT_CARD.0 {
        // The short way across: complete from the widest short proportion down.
        (1.0 - visible / short).max(0.0)
    } else {
        (1.0 - visible / long).max(0.0)
    })
}

/// Share of edge pixels in the strip just outside a card's side above which the side is a
/// line of print inside the card (more print beyond it), not the card's edge (background
/// beyond it).
const MAX_OUTSIDE_EDGES: f32 = 0.15;

/// Whether the strip beyond the side `p`–`q` (away from `centre`) is busy with edges.
fn busy_outside(e: &Edges, p: (f32, f32), q: (f32, f32), centre: (f32, f32)) -> bool {
    let len = (q.0 - p.0).hypot(q.1 - p.1).max(1.0);
    let mut n = ((q.1 - p.1) / len, -(q.0 - p.0) / len);
    let mid = ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0);
    if (centre.0 - mid.0) * n.0 + (centre.1 - mid.1) * n.1 > 0.0 {
        n = (-n.0, -n.1);
    }
    let strip = (0.05 * e.w.min(e.h) as f32).max(3.0) as usize;
    let steps = len.ceil() as usize;
    let at = |x: f32, y: f32| {
        (x >= 0.0 && y >= 0.0 && x < e.w as f32 && y < e.h as f32)
            .then(|| e.mag[y as usize * e.w + x as usize])
    };
    // How strong the side's own edge is: the median over its length of the strongest edge
    // within a pixel of it.
    let mut strengths: Vec<f32> = (steps / 10..steps * 9 / 10)
        .filter_map(|i| {
            let t = i as f32 / steps as f32;
            let base = (p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t);
            (-1..=1)
                .filter_map(|o| at(base.0 + n.0 * o as f32, base.1 + n.1 * o as f32))
                .reduce(f32::max)
        })
        .filter(|&m| m > 0.0)
        .collect();
    let strength = crate::plane::quantile(&mut strengths, 0.5);
    let (mut edges, mut seen) = (0usize, 0usize);
    for i in steps / 10..steps * 9 / 10 {
        let t = i as f32 / steps as f32;
        let base = (p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t);
        for d in 3..3 + strip {
            let Some(m) = at(base.0 + n.0 * d as f32, base.1 + n.1 * d as f32) else {
                break;
            };
            seen += 1;
            edges += (m > 0.0 && m >= OUTSIDE_EDGE_STRENGTH * strength) as usize;
        }
    }
    seen >= 20 && edges as f32 > MAX_OUTSIDE_EDGES * seen as f32
}

/// Edges beyond a side count as busy from this share of the side's own edge strength: print
/// beyond a line of print is ink on paper as that line is, where a textured table's grain
/// is much weaker than the step from the table to a card's paper.
const OUTSIDE_EDGE_STRENGTH: f32 = 0.5;

/// Share of a card cut off at a corner of the frame (two adjacent sides on the border), when
/// `a` and `b` are the visible extents: the least the proportions of a card allow.
fn corner_cut_share(a: f32, b: f32) -> f32 {
    let (long, short) = (a.max(b), a.min(b).max(1.0));
    let ratio = long / short;
    if ratio < ASPECT_CARD.0 {
        1.0 - ratio / ASPECT_CARD.0
    } else if ratio > ASPECT_CARD.1 {
        1.0 - ASPECT_CARD.1 / ratio
    } else {
        0.0
    }
}

/// What a side on the photo's border adds to a candidate's score, per pixel of its length.
const FRAME_SIDE_CREDIT: f32 = 0.35;

/// Card proportions (long / short): ID-3 page 1.42, ID-1 card 1.585.
const ASPECT_CARD: (f32, f32) = (1.42, 1.585);

fn quad_area(q: &Quad) -> f32 {
    let mut s = 0.0;
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        s += a.0 * b.1 - b.0 * a.1;
    }
    s.abs() / 2.0
}

fn is_convex(q: &Quad) -> bool {
    let mut sign = 0.0f32;
    for i in 0..4 {
        let (a, b, c) = (q[i], q[(i + 1) % 4], q[(i + 2) % 4]);
        let cross = (b.0 - a.0) * (c.1 - b.1) - (b.1 - a.1) * (c.0 - b.0);
        if cross.abs() < 1e-6 || (sign != 0.0 && cross.signum() != sign) {
            return false;
        }
        sign = cross.signum();
    }
    true
}

/// Whether working-pixel point `p` lies inside the outline grown by 10 % of its half-size
/// (an MRZ band box read from a tilted photo may poke a little past the card's corner).
pub fn contains_loosely(o: &Outline, p: (f32, f32)) -> bool {
    let c = (
        o.quad.iter().map(|q| q.0).sum::<f32>() / 4.0,
        o.quad.iter().map(|q| q.1).sum::<f32>() / 4.0,
    );
    let grown = o
        .quad
        .map(|q| (c.0 + 1.1 * (q.0 - c.0), c.1 + 1.1 * (q.1 - c.1)));
    in_quad(&grown, p.0, p.1)
}

#[cfg(test)]
#[path = "outline_tests.rs"]
mod tests;

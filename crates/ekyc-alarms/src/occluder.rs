//! Smooth blobs that may lie over the card: skin (fingers) or a colour that is not the card's
//! paper (notes, phones, pens), measured against the card region for [`crate::covered`].

use crate::plane::{components, quantile, Plane, Rect};
use crate::view::{in_quad, Quad, View, DEEP_SHRINK};

/// A pixel whose local variation (mean |Δ| to the right and below) stays under this is smooth.
const SMOOTH: f32 = 6.0;
/// Chroma distance (Cb, Cr) from the card's paper beyond which a colour is foreign.
const FOREIGN_CHROMA: f32 = 22.0;
/// Luma under this share of the paper's is foreign (dark objects).
const FOREIGN_DARK: f32 = 0.4;
/// Working copy of the blob search: the view downscaled this many times.
const FACTOR: usize = 2;

/// Which colour a blob is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Skin,
    /// Not skin, and dark or saturated against the card's paper.
    Foreign,
}

/// One connected smooth blob of a [`Kind`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Blob {
    /// Pixels on the predicted card, and off it.
    pub on: f32,
    pub off: f32,
    /// `on` as a share of the card's area.
    pub share: f32,
    /// Pixels well inside the card ([`View::deep_on_card`]) as a share of the card's area.
    pub deep_share: f32,
    /// Pixels well off the card ([`View::far_off_card`]) as a share of the card's area.
    pub far_share: f32,
    /// Share of the blob's pixels with blob 2 px away on all four sides.
    pub solid: f32,
    /// σ of luma over the blob.
    pub shading: f32,
    /// Mean luma over the blob.
    pub luma: f32,
    /// The blob's largest extent along either of the card's axes, as a share of the card's
    /// side along it (0 without a card quadrilateral): print laid out on the card (a header
    /// band) runs from one side of it to the other, an object lying on it rarely does.
    pub span: f32,
    /// σ of luma over the blob's core (pixels 3 px inside it and more): its rim blends into
    /// what lies around it, its core shows only its own surface.
    pub core_shading: f32,
    /// Whether it reaches the photo's edge.
    pub touches_edge: bool,
    /// How many of the photo's four sides it reaches (a table around the card reaches three
    /// or four).
    pub sides: u8,
    /// Mean luma of the blob's core (pixels 2 px inside it) over that of its rim (pixels on
    /// its boundary), less 1: positive when its middle is lit and its flanks are in shade, as
    /// on a round finger; a flat printed band is as bright at its rim (or brighter, where it
    /// blends into white print).
    pub rounded: f32,
    /// Colour distance (Cb, Cr) between the blob's part well off the card and its part well
    /// inside it (0 unless both exist): one object lying across the card's edge is one colour
    /// on both sides of it; a band of print merged with the table is not.
    pub split: f32,
}

/// Where the card is, in working pixels: the view's own region (from the MRZ), or an outline
/// found from the card's edges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Bounding box.
    pub card: Rect,
    /// The card's quadrilateral; without one the central 60 % (per side) counts as card.
    quad: Option<Quad>,
    /// Shrunk and grown by [`DEEP_SHRINK`] of the half-size.
    deep: Option<Quad>,
    outer: Option<Quad>,
    w: usize,
    h: usize,
}

impl Shape {
    pub fn of_view(v: &View) -> Shape {
        Shape {
            card: v.card,
            quad: v
                .deep_quad
                .map(|q| scale_about_centre(&q, 1.0 / (1.0 - DEEP_SHRINK))),
            deep: v.deep_quad,
            outer: v.outer_quad,
            w: v.y.w,
            h: v.y.h,
        }
    }

    /// A card quadrilateral `q` in working pixels of a `w` × `h` view.
    pub fn of_quad(q: Quad, w: usize, h: usize) -> Shape {
        let clamp = |v: f32, hi: usize| (v.max(0.0) as usize).min(hi);
        let xs = q.map(|p| p.0);
        let ys = q.map(|p| p.1);
        let lo = |a: [f32; 4]| a.iter().copied().fold(f32::MAX, f32::min);
        let hi = |a: [f32; 4]| a.iter().copied().fold(f32::MIN, f32::max);
        let card = Rect {
            x0: clamp(lo(xs), w.saturating_sub(1)),
            y0: clamp(lo(ys), h.saturating_sub(1)),
            x1: clamp(hi(xs), w).max(clamp(lo(xs), w.saturating_sub(1)) + 1),
            y1: clamp(hi(ys), h).max(clamp(lo(ys), h.saturating_sub(1)) + 1),
        };
        Shape {
            card,
            quad: Some(q),
            deep: Some(scale_about_centre(&q, 1.0 - OUTLINE_MARGIN)),
            outer: Some(scale_about_centre(&q, 1.0 + OUTLINE_MARGIN)),
            w,
            h,
        }
    }

    /// Whether the card's outline is known (else "well inside" is never measured).
    pub fn has_quad(&self) -> bool {
        self.deep.is_some()
    }

    fn on_card(&self, x: usize, y: usize) -> bool {
        match &self.quad {
            Some(q) => in_quad(q, x as f32 + 0.5, y as f32 + 0.5),
            None => {
                let (fx, fy) = (x as f32 / self.w as f32, y as f32 / self.h as f32);
                (0.2..0.8).contains(&fx) && (0.2..0.8).contains(&fy)
            }
        }
    }

    /// Largest extent of `points` along the card's two axes (from its first corner to the
    /// second, and to the fourth), as shares of those sides; 0 without a quadrilateral.
    fn span(&self, points: impl Iterator<Item = (usize, usize)>) -> f32 {
        let Some(q) = self.quad else {
            return 0.0;
        };
        let axis = |to: (f32, f32)| {
            let d = (to.0 - q[0].0, to.1 - q[0].1);
            let len2 = (d.0 * d.0 + d.1 * d.1).max(1.0);
            (d.0 / len2, d.1 / len2)
        };
        let (a, b) = (axis(q[1]), axis(q[3]));
        let mut range = [(f32::MAX, f32::MIN); 2];
        for (x, y) in points {
            let (dx, dy) = (x as f32 - q[0].0, y as f32 - q[0].1);
            for (r, ax) in range.iter_mut().zip([a, b]) {
                let t = dx * ax.0 + dy * ax.1;
                *r = (r.0.min(t), r.1.max(t));
            }
        }
        range
            .iter()
            .map(|r| (r.1 - r.0).max(0.0))
            .fold(0.0, f32::max)
    }

    fn deep_on_card(&self, x: usize, y: usize) -> bool {
        self.deep
            .is_some_and(|q| in_quad(&q, x as f32 + 0.5, y as f32 + 0.5))
    }

    fn far_off_card(&self, x: usize, y: usize) -> bool {
        self.outer
            .is_some_and(|q| !in_quad(&q, x as f32 + 0.5, y as f32 + 0.5))
    }
}

/// The margins of "well inside" and "well off" an outline seen from the card's edges (a
/// tighter fit than [`DEEP_SHRINK`] around the card predicted from the MRZ).
const OUTLINE_MARGIN: f32 = 0.06;

/// `q` scaled by `k` about its centre.
fn scale_about_centre(q: &Quad, k: f32) -> Quad {
    let c = (
        q.iter().map(|p| p.0).sum::<f32>() / 4.0,
        q.iter().map(|p| p.1).sum::<f32>() / 4.0,
    );
    q.map(|p| (c.0 + k * (p.0 - c.0), c.1 + k * (p.1 - c.1)))
}

/// The view's colour planes [`FACTOR`] times smaller, made once for both kinds of blob.
pub struct Small {
    r: Plane,
    g: Plane,
    b: Plane,
}

impl Small {
    pub fn new(v: &View) -> Small {
        let f = FACTOR;
        Small {
            r: v.r.downscale(f),
            g: v.g.downscale(f),
            b: v.b.downscale(f),
        }
    }
}

/// The smooth blobs of `kind` with at least a few pixels on the card.
pub fn blobs(v: &View, shape: &Shape, small: &Small, kind: Kind) -> Vec<Blob> {
    let f = FACTOR;
    let (r, g, b) = (&small.r, &small.g, &small.b);
    let card = shape.card.scaled_down(f, r.w, r.h);
    let (w, h) = (r.w, r.h);
    let paper = match kind {
        Kind::Skin => (220.0, 128.0, 128.0),
        Kind::Foreign => paper_colour(v, shape, (r, g, b)),
    };
    let mut mask = vec![false; w * h];
    for y in 0..h.saturating_sub(1) {
        for x in 0..w.saturating_sub(1) {
            let i = y * w + x;
            let (pr, pg, pb) = (r.data[i], g.data[i], b.data[i]);
            let colour = match kind {
                Kind::Skin => is_skin(pr, pg, pb),
                Kind::Foreign => !is_skin(pr, pg, pb) && is_foreign(pr, pg, pb, paper),
            };
            mask[i] = colour && variation((r, g, b), x, y) < SMOOTH;
        }
    }
    // One pixel of erosion cuts the thin bridges through which an object and a touching
    // background of another foreign colour would merge (skin never touches its like).
    let mask = if kind == Kind::Foreign {
        erode(&mask, w, h)
    } else {
        mask
    };
    let card_area = card.area().max(1) as f32;
    let at_full = |i: usize| (((i % w) * f).min(v.y.w - 1), ((i / w) * f).min(v.y.h - 1));
    let mut out = Vec::new();
    for comp in components(&mask, w, h) {
        let on = comp
            .iter()
            .filter(|&&i| {
                let (x, y) = (i % w, i / w);
                card.x0 <= x && x < card.x1 && card.y0 <= y && y < card.y1 && {
                    let (fx, fy) = at_full(i);
                    shape.on_card(fx, fy)
                }
            })
            .count() as f32;
        if on / card_area < 0.002 {
            continue;
        }
        let (mut deep_px, mut far_px) = (Vec::new(), Vec::new());
        for &i in &comp {
            let (fx, fy) = at_full(i);
            if shape.deep_on_card(fx, fy) {
                deep_px.push(i);
            } else if shape.far_off_card(fx, fy) {
                far_px.push(i);
            }
        }
        let (deep, far) = (deep_px.len() as f32, far_px.len() as f32);
        let split = match (
            mean_chroma((r, g, b), &deep_px),
            mean_chroma((r, g, b), &far_px),
        ) {
            (Some(a), Some(c)) => (a.0 - c.0).hypot(a.1 - c.1),
            _ => 0.0,
        };
        let mut side = [false; 4];
        for &i in &comp {
            let (x, y) = (i % w, i / w);
            side[0] |= x <= 1;
            side[1] |= y <= 1;
            side[2] |= x + 3 >= w;
            side[3] |= y + 3 >= h;
        }
        let sides = side.iter().filter(|&&s| s).count() as u8;
        let span = shape.span(comp.iter().map(|&i| at_full(i)));
        let luma_at = |i: usize| 0.299 * r.data[i] + 0.587 * g.data[i] + 0.114 * b.data[i];
        let inside = |i: usize, d: usize| {
            let (x, y) = (i % w, i / w);
            x >= d
                && y >= d
                && x + d < w
                && y + d < h
                && mask[i - d]
                && mask[i + d]
                && mask[i - d * w]
                && mask[i + d * w]
        };
        // The rim is the ring one pixel in from the boundary (the boundary itself blends
        // with what lies around the blob), the core what lies 3 px in and more.
        let (mut core, mut rim, mut interior) = ((0.0f32, 0usize), (0.0f32, 0usize), 0.0f32);
        // Sums in f64: a large blob's squares overflow f32's precision.
        let mut core_sums = (0.0f64, 0.0f64);
        for &i in &comp {
            let (in1, in2) = (inside(i, 1), inside(i, 2));
            interior += in2 as u8 as f32;
            if in2 && inside(i, 3) {
                core = (core.0 + luma_at(i), core.1 + 1);
                let l = luma_at(i) as f64;
                core_sums = (core_sums.0 + l, core_sums.1 + l * l);
            } else if in1 && !in2 {
                rim = (rim.0 + luma_at(i), rim.1 + 1);
            }
        }
        let rounded = if core.1 > 0 && rim.1 > 0 && rim.0 > 0.0 {
            (core.0 / core.1 as f32) / (rim.0 / rim.1 as f32) - 1.0
        } else {
            0.0
        };
        let core_shading = if core.1 > 0 {
            let n = core.1 as f64;
            let m = core_sums.0 / n;
            (core_sums.1 / n - m * m).max(0.0).sqrt() as f32
        } else {
            0.0
        };
        let luma: Vec<f32> = comp.iter().map(|&i| luma_at(i)).collect();
        let mean = luma.iter().sum::<f32>() / luma.len() as f32;
        let var = luma.iter().map(|l| (l - mean).powi(2)).sum::<f32>() / luma.len() as f32;
        out.push(Blob {
            on,
            off: comp.len() as f32 - on,
            share: on / card_area,
            deep_share: deep / card_area,
            far_share: far / card_area,
            solid: interior / comp.len() as f32,
            shading: var.sqrt(),
            luma: mean,
            core_shading,
            span,
            touches_edge: sides > 0,
            sides,
            rounded,
            split,
        });
    }
    out
}

/// The card's paper as (luma, Cb, Cr): medians over the smooth pixels well inside the card
/// (neutral white without a card outline).
fn paper_colour(v: &View, shape: &Shape, (r, g, b): (&Plane, &Plane, &Plane)) -> (f32, f32, f32) {
    let (mut ys, mut cbs, mut crs) = (Vec::new(), Vec::new(), Vec::new());
    for y in (0..r.h.saturating_sub(1)).step_by(2) {
        for x in (0..r.w.saturating_sub(1)).step_by(2) {
            let (fx, fy) = ((x * FACTOR).min(v.y.w - 1), (y * FACTOR).min(v.y.h - 1));
            if !shape.deep_on_card(fx, fy) || variation((r, g, b), x, y) >= SMOOTH {
                continue;
            }
            let (py, cb, cr) = ycbcr(r.at(x, y), g.at(x, y), b.at(x, y));
            ys.push(py);
            cbs.push(cb);
            crs.push(cr);
        }
    }
    if ys.len() < 50 {
        return (220.0, 128.0, 128.0);
    }
    (
        quantile(&mut ys, 0.5),
        quantile(&mut cbs, 0.5),
        quantile(&mut crs, 0.5),
    )
}

/// Mean (Cb, Cr) of `pixels` (indices into the planes); `None` for fewer than a few.
fn mean_chroma((r, g, b): (&Plane, &Plane, &Plane), pixels: &[usize]) -> Option<(f32, f32)> {
    if pixels.len() < 8 {
        return None;
    }
    let (mut cb, mut cr) = (0.0f32, 0.0f32);
    for &i in pixels {
        let (_, pb, pr) = ycbcr(r.data[i], g.data[i], b.data[i]);
        cb += pb;
        cr += pr;
    }
    let n = pixels.len() as f32;
    Some((cb / n, cr / n))
}

fn ycbcr(r: f32, g: f32, b: f32) -> (f32, f32, f32) {
    (
        0.299 * r + 0.587 * g + 0.114 * b,
        128.0 - 0.168_736 * r - 0.331_264 * g + 0.5 * b,
        128.0 + 0.5 * r - 0.418_688 * g - 0.081_312 * b,
    )
}

/// Skin in YCbCr (the usual Cr 135–175, Cb 85–130 box) and red above green above blue.
pub fn is_skin(r: f32, g: f32, b: f32) -> bool {
    let (y, cb, cr) = ycbcr(r, g, b);
    y > 50.0 && (135.0..=175.0).contains(&cr) && (85.0..=130.0).contains(&cb) && r > g && g > b
}

/// Dark against the paper, or far from its chroma.
fn is_foreign(r: f32, g: f32, b: f32, paper: (f32, f32, f32)) -> bool {
    let (y, cb, cr) = ycbcr(r, g, b);
    y < FOREIGN_DARK * paper.0 || (cb - paper.1).hypot(cr - paper.2) > FOREIGN_CHROMA
}

/// Mean |Δ| to the right and below over the colour planes.
fn variation((r, g, b): (&Plane, &Plane, &Plane), x: usize, y: usize) -> f32 {
    let d = (g.at(x, y) - g.at(x + 1, y)).abs()
        + (g.at(x, y) - g.at(x, y + 1)).abs()
        + (r.at(x, y) - r.at(x + 1, y)).abs()
        + (b.at(x, y) - b.at(x, y + 1)).abs();
    d / 4.0
}

/// Cells whose four neighbours are set too.
fn erode(mask: &[bool], w: usize, h: usize) -> Vec<bool> {
    let mut out = vec![false; mask.len()];
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let i = y * w + x;
            out[i] = mask[i] && mask[i - 1] && mask[i + 1] && mask[i - w] && mask[i + w];
        }
    }
    out
}

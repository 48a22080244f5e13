//! What every detector looks at: the photo at a working resolution, split into planes, and
//! the card's region in it — from a localiser's box, from the MRZ band (scaled by the ICAO page
//! proportions), or the whole image when neither is known.

use image::RgbImage;
use serde::{Deserialize, Serialize};

use crate::plane::{Plane, Rect};

/// Longest side of the working image; larger photos are box-downscaled by an integer factor.
pub const WORK_MAX_SIDE: usize = 1024;

/// Where the MRZ was read: band corners in image pixels in reading order (top-left, top-right,
/// bottom-right, bottom-left of the text as read) and its shape.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MrzHint {
    pub corners: [(f32, f32); 4],
    /// Number of MRZ lines (2 for TD2/TD3/visas, 3 for TD1).
    pub lines: usize,
    /// Characters per line (30, 36 or 44).
    pub chars: usize,
}

/// What the document stage already knows about where the card is. Both optional.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct CardHints {
    pub mrz: Option<MrzHint>,
    /// The card's axis-aligned box `[x0, y0, x1, y1]` in image pixels, when a card localiser
    /// found it (wins over the MRZ estimate).
    pub card: Option<[f32; 4]>,
}

/// The card as a quadrilateral predicted from the MRZ band: ICAO 9303 page sizes (TD1
/// 85.6×54 mm, TD2 105×74, TD3 125×88) against the MRZ's printed width (chars × 2.54 mm), the
/// MRZ centred, its bottom ~4 % of the page height above the page's lower edge.
pub fn card_quad_from_mrz(m: &MrzHint) -> [(f32, f32); 4] {
    let (page_w_mm, page_h_mm) = match m.chars {
        30 => (85.6, 54.0),
        36 => (105.0, 74.0),
        _ => (125.0, 88.0),
    };
    let mrz_mm = m.chars.max(1) as f32 * 2.54;
    let [tl, tr, br, bl] = m.corners;
    let sub = |a: (f32, f32), b: (f32, f32)| (a.0 - b.0, a.1 - b.1);
    let len = |a: (f32, f32)| (a.0 * a.0 + a.1 * a.1).sqrt().max(1e-3);
    let u_vec = sub(tr, tl);
    let mrz_w = len(u_vec);
    let u = (u_vec.0 / mrz_w, u_vec.1 / mrz_w);
    // "Up" on the page: from the band's bottom edge to its top edge.
    let v_vec = sub(tl, bl);
    let v = (v_vec.0 / len(v_vec), v_vec.1 / len(v_vec));
    let card_w = mrz_w * page_w_mm / mrz_mm;
    let card_h = card_w * page_h_mm / page_w_mm;
    let bottom_mid = ((bl.0 + br.0) / 2.0, (bl.1 + br.1) / 2.0);
    let base = (
        bottom_mid.0 - v.0 * 0.04 * card_h,
        bottom_mid.1 - v.1 * 0.04 * card_h,
    );
    let at = |a: f32, b: f32| (base.0 + u.0 * a + v.0 * b, base.1 + u.1 * a + v.1 * b);
    [
        at(-card_w / 2.0, card_h),
        at(card_w / 2.0, card_h),
        at(card_w / 2.0, 0.0),
        at(-card_w / 2.0, 0.0),
    ]
}

/// Inner part of the predicted card whose absence counts: the outer 8 % on each side may be
/// cropped away (tight scans, and the page estimate from the MRZ is not exact).
const INNER: (f32, f32) = (0.08, 0.92);

/// Share of the quadrilateral's inner part ([`INNER`]) lying outside a `w` × `h` image
/// (sampled on a 24×24 grid).
pub fn outside_share(q: &[(f32, f32); 4], w: f32, h: f32) -> f32 {
    const N: usize = 24;
    let mut outside = 0;
    let at = |i: usize| INNER.0 + (INNER.1 - INNER.0) * (i as f32 + 0.5) / N as f32;
    for i in 0..N {
        for j in 0..N {
            let (s, t) = (at(i), at(j));
            // Bilinear point in the quad (TL, TR, BR, BL).
            let top = lerp(q[0], q[1], s);
            let bottom = lerp(q[3], q[2], s);
            let p = lerp(top, bottom, t);
            if p.0 < 0.0 || p.1 < 0.0 || p.0 >= w || p.1 >= h {
                outside += 1;
            }
        }
    }
    outside as f32 / (N * N) as f32
}

fn lerp(a: (f32, f32), b: (f32, f32), t: f32) -> (f32, f32) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}

/// The photo prepared for the detectors.
pub struct View<'a> {
    /// The photo as given (screen detection needs its finest detail).
    pub full: &'a RgbImage,
    /// Working planes (0..255), `factor` times smaller than `full`.
    pub r: Plane,
    pub g: Plane,
    pub b: Plane,
    /// Luma (BT.601).
    pub y: Plane,
    pub factor: usize,
    /// The card in working pixels.
    pub card: Rect,
    /// The card in full-resolution pixels.
    pub card_full: Rect,
    /// Share of the predicted card outside the photo (0 without an MRZ hint).
    pub outside: f32,
    /// Where the region came from: "card", "mrz" or "image".
    pub region_source: &'static str,
    /// Gap between the MRZ band and the nearest photo edge, in MRZ text lines (`None`
    /// without an MRZ hint). A printed MRZ has a clear margin; a band touching the edge is
    /// cut by the frame.
    pub mrz_edge_gap: Option<f32>,
    /// Distance from the MRZ lines' nearer end to the photo edge, along the reading direction,
    /// in character widths (`None` without an MRZ hint). A printed MRZ starts and ends clear of
    /// the card's edge; lines that run into the frame (≤ 0) were cut, and the reader then
    /// returns the visible part, from which the card cannot be predicted.
    pub mrz_end_gap: Option<f32>,
    /// Working pixels inside the card (the predicted quadrilateral, not just its bounding
    /// box); the central 60 % per side without a hint.
    pub inside: Vec<bool>,
    /// The predicted card shrunk towards its centre by [`DEEP_SHRINK`], in working pixels
    /// (`None` without a card quadrilateral): what is there is card even when the prediction
    /// from the MRZ is a little off.
    pub deep_quad: Option<Quad>,
    /// The predicted card grown by [`DEEP_SHRINK`]: what lies outside is off the card even when
    /// the prediction is a little off.
    pub outer_quad: Option<Quad>,
    /// The MRZ band's corners in working pixels (`None` without an MRZ hint).
    pub mrz_band: Option<Quad>,
    /// The MRZ hint as given (full-resolution pixels, line and character counts).
    pub mrz: Option<MrzHint>,
    /// [`View::outline`], located on first use.
    outline: std::cell::OnceCell<Option<crate::outline::Outline>>,
}

/// How much of the predicted card's half-size [`View::deep_quad`] drops on each side.
pub const DEEP_SHRINK: f32 = 0.15;

impl<'a> View<'a> {
    pub fn new(full: &'a RgbImage, hints: &CardHints) -> View<'a> {
        let (fw, fh) = (full.width() as usize, full.height() as usize);
        let factor = fw.max(fh).div_ceil(WORK_MAX_SIDE).max(1);
        let mut planes = [Plane::new(fw, fh), Plane::new(fw, fh), Plane::new(fw, fh)];
        for (i, px) in full.pixels().enumerate() {
            for (plane, v) in planes.iter_mut().zip(px.0) {
                plane.data[i] = v as f32;
            }
        }
        let [r, g, b] = planes.map(|p| p.downscale(factor));
        let mut y = Plane::new(r.w, r.h);
        for i in 0..y.data.len() {
            y.data[i] = 0.299 * r.data[i] + 0.587 * g.data[i] + 0.114 * b.data[i];
        }
        let (card_full, outside, region_source, quad) = card_region(hints, fw, fh);
        let card = card_full.scaled_down(factor, r.w, r.h);
        let scaled = |k: f32| {
            quad.map(|q| {
                let f = factor as f32;
                let c = (
                    q.iter().map(|p| p.0).sum::<f32>() / 4.0,
                    q.iter().map(|p| p.1).sum::<f32>() / 4.0,
                );
                q.map(|p| ((c.0 + k * (p.0 - c.0)) / f, (c.1 + k * (p.1 - c.1)) / f))
            })
        };
        let (deep_quad, outer_quad) = (scaled(1.0 - DEEP_SHRINK), scaled(1.0 + DEEP_SHRINK));
        let inside = match quad {
            Some(q) => {
                let f = factor as f32;
                let q = q.map(|p| (p.0 / f, p.1 / f));
                (0..r.w * r.h)
                    .map(|i| in_quad(&q, (i % r.w) as f32 + 0.5, (i / r.w) as f32 + 0.5))
                    .collect()
            }
            // No hint: a photographed card sits around the centre; its inner 60 % (per side)
            // is card in nearly every framing, the rest may be table.
            None => {
                let (w, h) = (r.w as f32, r.h as f32);
                (0..r.w * r.h)
                    .map(|i| {
                        let (x, y) = ((i % r.w) as f32 / w, (i / r.w) as f32 / h);
                        (0.2..0.8).contains(&x) && (0.2..0.8).contains(&y)
                    })
                    .collect()
            }
        };
        let mrz_edge_gap = hints.mrz.and_then(|m| edge_gap(&m, fw as f32, fh as f32));
        let mrz_end_gap = hints.mrz.and_then(|m| end_gap(&m, fw as f32, fh as f32));
        let mrz_band = hints.mrz.map(|m| {
            let f = factor as f32;
            m.corners.map(|p| (p.0 / f, p.1 / f))
        });
        View {
            full,
            mrz: hints.mrz,
            mrz_band,
            mrz_edge_gap,
            mrz_end_gap,
            r,
            g,
            b,
            y,
            factor,
            card,
            card_full,
            outside,
            region_source,
            inside,
            deep_quad,
            outer_quad,
            outline: std::cell::OnceCell::new(),
        }
    }

    /// The card's outline found from the photo's edges ([`crate::outline::locate`]), located
    /// once and shared by the detectors that need it (covered, tampered).
    pub fn outline(&self) -> Option<crate::outline::Outline> {
        *self.outline.get_or_init(|| crate::outline::locate(self))
    }

    /// Whether working pixel (x, y) lies well outside the predicted card (false without a
    /// card quadrilateral).
    pub fn far_off_card(&self, x: usize, y: usize) -> bool {
        self.outer_quad
            .is_some_and(|q| !in_quad(&q, x as f32 + 0.5, y as f32 + 0.5))
    }

    /// Whether working pixel (x, y) lies well inside the predicted card (false without a
    /// card quadrilateral).
    pub fn deep_on_card(&self, x: usize, y: usize) -> bool {
        self.deep_quad
            .is_some_and(|q| in_quad(&q, x as f32 + 0.5, y as f32 + 0.5))
    }

    /// Whether working pixel (x, y) lies on the card.
    #[inline]
    pub fn on_card(&self, x: usize, y: usize) -> bool {
        self.inside[y * self.y.w + x]
    }
}

/// The MRZ band's distance to the nearest photo edge in text-line heights.
fn edge_gap(m: &MrzHint, w: f32, h: f32) -> Option<f32> {
    let [tl, _, _, bl] = m.corners;
    let band_h = ((tl.0 - bl.0).powi(2) + (tl.1 - bl.1).powi(2)).sqrt();
    let line_h = band_h / m.lines.max(1) as f32;
    if !(line_h.is_finite() && line_h > 0.0) {
        return None;
    }
    let gap = m
        .corners
        .iter()
        .map(|p| p.0.min(w - 1.0 - p.0).min(p.1).min(h - 1.0 - p.1))
        .fold(f32::MAX, f32::min);
    Some(gap.max(0.0) / line_h)
}

/// The MRZ lines' nearer end to the photo edge along the reading direction, in character
/// widths (negative when the band box already overshoots the edge).
pub fn end_gap(m: &MrzHint, w: f32, h: f32) -> Option<f32> {
    let [tl, tr, br, bl] = m.corners;
    let (ux, uy) = (tr.0 - tl.0, tr.1 - tl.1);
    let len = (ux * ux + uy * uy).sqrt();
    let char_w = len / m.chars.max(1) as f32;
    if !(char_w.is_finite() && char_w > 0.0) {
        return None;
    }
    let u = (ux / len, uy / len);
    let mid = |a: (f32, f32), b: (f32, f32)| ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    // Distance along the ray from `p` in direction `d` to the image border (negative: `p` is
    // already outside on that side).
    let ray = |p: (f32, f32), d: (f32, f32)| {
        let mut t = f32::MAX;
        if d.0 > 1e-6 {
            t = t.min((w - 1.0 - p.0) / d.0);
        } else if d.0 < -1e-6 {
            t = t.min(-p.0 / d.0);
        }
        if d.1 > 1e-6 {
            t = t.min((h - 1.0 - p.1) / d.1);
        } else if d.1 < -1e-6 {
            t = t.min(-p.1 / d.1);
        }
        t
    };
    let start = ray(mid(tl, bl), (-u.0, -u.1));
    let end = ray(mid(tr, br), u);
    let gap = start.min(end) / char_w;
    gap.is_finite().then_some(gap)
}

/// Point in a convex quadrilateral (either winding).
pub(crate) fn in_quad(q: &[(f32, f32); 4], x: f32, y: f32) -> bool {
    let mut sign = 0.0f32;
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        let cross = (b.0 - a.0) * (y - a.1) - (b.1 - a.1) * (x - a.0);
        if cross != 0.0 {
            if sign != 0.0 && cross.signum() != sign {
                return false;
            }
            sign = cross.signum();
        }
    }
    true
}

pub type Quad = [(f32, f32); 4];

fn card_region(hints: &CardHints, w: usize, h: usize) -> (Rect, f32, &'static str, Option<Quad>) {
    let whole = Rect {
        x0: 0,
        y0: 0,
        x1: w,
        y1: h,
    };
    let clamp_box = |b: [f32; 4]| -> Option<Rect> {
        let x0 = b[0].max(0.0).min(w as f32) as usize;
        let y0 = b[1].max(0.0).min(h as f32) as usize;
        let x1 = b[2].max(0.0).min(w as f32) as usize;
        let y1 = b[3].max(0.0).min(h as f32) as usize;
        // Too small to measure anything: fall back to the whole image.
        (x1 > x0 + 32 && y1 > y0 + 32).then_some(Rect { x0, y0, x1, y1 })
    };
    if let Some(r) = hints.card.filter(|b| b.iter().all(|v| v.is_finite())) {
        if let Some(rect) = clamp_box(r) {
            return (rect, 0.0, "card", None);
        }
    }
    if let Some(m) = hints.mrz {
        let q = card_quad_from_mrz(&m);
        if q.iter().all(|p| p.0.is_finite() && p.1.is_finite()) {
            let xs = q.map(|p| p.0);
            let ys = q.map(|p| p.1);
            let min = |a: [f32; 4]| a.iter().copied().fold(f32::MAX, f32::min);
            let max = |a: [f32; 4]| a.iter().copied().fold(f32::MIN, f32::max);
            if let Some(rect) = clamp_box([min(xs), min(ys), max(xs), max(ys)]) {
                return (rect, outside_share(&q, w as f32, h as f32), "mrz", Some(q));
            }
        }
    }
    (whole, 0.0, "image", None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(chars: usize) -> MrzHint {
        // A level band 100..900 px wide at y 600..650.
        MrzHint {
            corners: [
                (100.0, 600.0),
                (900.0, 600.0),
                (900.0, 650.0),
                (100.0, 650.0),
            ],
            lines: 2,
            chars,
        }
    }

    #[test]
    fn td3_page_sits_above_its_mrz() {
        let q = card_quad_from_mrz(&hint(44));
        let width = q[1].0 - q[0].0;
        assert!((width - 800.0 * 125.0 / 111.76).abs() < 1.0);
        // Page top above the band, page bottom just below it.
        assert!(q[0].1 < 100.0 && q[3].1 > 650.0 && q[3].1 < 680.0);
        assert_eq!(outside_share(&q, 2000.0, 2000.0), 0.0);
        assert!(outside_share(&q, 2000.0, 400.0) > 0.3);
    }

    #[test]
    fn region_from_hints() {
        let img = RgbImage::new(1000, 800);
        let v = View::new(
            &img,
            &CardHints {
                mrz: Some(hint(44)),
                card: None,
            },
        );
        assert_eq!(v.region_source, "mrz");
        assert!(v.card.y1 <= 800 && v.card.x0 < 100);
        let v = View::new(&img, &CardHints::default());
        assert_eq!((v.region_source, v.card.area()), ("image", 1000 * 800));
    }
}

//! Rotated rectangles (minimum-area boxes around text) and cropping them upright out of an image.

use image::{Rgb, RgbImage};

/// A point in image coordinates (pixels, x right, y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub fn new(x: f32, y: f32) -> Point {
        Point { x, y }
    }

    fn dot(self, other: Point) -> f32 {
        self.x * other.x + self.y * other.y
    }
}

/// A rectangle of `width` × `height` centred on `center`, its width axis at `angle` radians
/// from the x axis (clockwise on screen, since y points down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotatedRect {
    pub center: Point,
    pub width: f32,
    pub height: f32,
    pub angle: f32,
}

impl RotatedRect {
    /// Unit vector along the width axis.
    pub fn axis_u(&self) -> Point {
        Point::new(self.angle.cos(), self.angle.sin())
    }

    /// Unit vector along the height axis (the width axis turned 90° clockwise on screen).
    pub fn axis_v(&self) -> Point {
        Point::new(-self.angle.sin(), self.angle.cos())
    }

    /// Corners: top-left, top-right, bottom-right, bottom-left in the rectangle's own frame.
    pub fn corners(&self) -> [Point; 4] {
        let (u, v) = (self.axis_u(), self.axis_v());
        let (hw, hh) = (self.width / 2.0, self.height / 2.0);
        let at = |a: f32, b: f32| {
            Point::new(
                self.center.x + u.x * a + v.x * b,
                self.center.y + u.y * a + v.y * b,
            )
        };
        [at(-hw, -hh), at(hw, -hh), at(hw, hh), at(-hw, hh)]
    }

    /// Grown by `dw` on the left and right and by `dh` on the top and bottom.
    pub fn expanded(&self, dw: f32, dh: f32) -> RotatedRect {
        RotatedRect {
            width: (self.width + 2.0 * dw).max(0.0),
            height: (self.height + 2.0 * dh).max(0.0),
            ..*self
        }
    }

    /// The same rectangle described with `width >= height` and the angle in (-90°, 90°], so the
    /// width axis points rightwards: text lines read along it.
    pub fn canonical(&self) -> RotatedRect {
        let mut r = *self;
        if r.height > r.width {
            std::mem::swap(&mut r.width, &mut r.height);
            r.angle += std::f32::consts::FRAC_PI_2;
        }
        r.angle = normalise_half_turn(r.angle);
        r
    }

    /// Width over height (0 for an empty rectangle).
    pub fn aspect(&self) -> f32 {
        if self.height > 0.0 {
            self.width / self.height
        } else {
            0.0
        }
    }
}

/// An angle folded into (-90°, 90°]: a line's direction without its sense.
pub fn normalise_half_turn(angle: f32) -> f32 {
    use std::f32::consts::PI;
    let mut a = angle.rem_euclid(PI);
    if a > PI / 2.0 {
        a -= PI;
    }
    a
}

fn cross(o: Point, a: Point, b: Point) -> f32 {
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
}

/// Convex hull (Andrew's monotone chain), counter-clockwise, without repeated points.
pub fn convex_hull(points: &[Point]) -> Vec<Point> {
    let mut pts: Vec<Point> = points
        .iter()
        .copied()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .collect();
    pts.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let mut hull: Vec<Point> = Vec::with_capacity(pts.len() * 2);
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &Point>> = if pass == 0 {
            Box::new(pts.iter())
        } else {
            Box::new(pts.iter().rev())
        };
        for &p in iter {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        // The last point of each chain is the first of the other.
        hull.pop();
    }
    hull
}

/// The smallest-area rectangle containing `points` (rotating calipers over the hull's edges).
/// `None` for no finite point; a single point or a segment gives a zero-height rectangle.
pub fn min_area_rect(points: &[Point]) -> Option<RotatedRect> {
    let hull = convex_hull(points);
    let first = *hull.first()?;
    if hull.len() == 1 {
        return Some(RotatedRect {
            center: first,
            width: 0.0,
            height: 0.0,
            angle: 0.0,
        });
    }
    let mut best: Option<(f32, RotatedRect)> = None;
    for i in 0..hull.len() {
        let a = hull[i];
        let b = hull[(i + 1) % hull.len()];
        let len = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
        if len <= f32::EPSILON {
            continue;
        }
        let u = Point::new((b.x - a.x) / len, (b.y - a.y) / len);
        let v = Point::new(-u.y, u.x);
        let (mut u0, mut u1, mut v0, mut v1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in &hull {
            let (pu, pv) = (p.dot(u), p.dot(v));
            u0 = u0.min(pu);
            u1 = u1.max(pu);
            v0 = v0.min(pv);
            v1 = v1.max(pv);
        }
        let area = (u1 - u0) * (v1 - v0);
        if best.as_ref().is_none_or(|(a, _)| area < *a) {
            let (cu, cv) = ((u0 + u1) / 2.0, (v0 + v1) / 2.0);
            let rect = RotatedRect {
                center: Point::new(u.x * cu + v.x * cv, u.y * cu + v.y * cv),
                width: u1 - u0,
                height: v1 - v0,
                angle: u.y.atan2(u.x),
            };
            best = Some((area, rect));
        }
    }
    best.map(|(_, r)| r.canonical())
}

/// Sample `img` at a sub-pixel position (pixel centres at integer + 0.5), edges replicated.
fn sample(img: &RgbImage, x: f32, y: f32) -> Rgb<u8> {
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return Rgb([255, 255, 255]);
    }
    let fx = (x - 0.5).clamp(0.0, (w - 1) as f32);
    let fy = (y - 0.5).clamp(0.0, (h - 1) as f32);
    // Both are ≥ 0 (or NaN, which casts to 0): truncation is their floor, without the libm
    // call `floor` compiles to (this runs for every pixel of every crop).
    let (x0, y0) = (fx as u32, fy as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (ax, ay) = (fx - x0 as f32, fy - y0 as f32);
    let raw = img.as_raw();
    let at = |xx: u32, yy: u32| (yy as usize * w as usize + xx as usize) * 3;
    let (i00, i10, i01, i11) = (at(x0, y0), at(x1, y0), at(x0, y1), at(x1, y1));
    let mut out = [0u8; 3];
    for c in 0..3 {
        let top = raw[i00 + c] as f32 * (1.0 - ax) + raw[i10 + c] as f32 * ax;
        let bottom = raw[i01 + c] as f32 * (1.0 - ax) + raw[i11 + c] as f32 * ax;
        out[c] = round_to_u8(top * (1.0 - ay) + bottom * ay);
    }
    Rgb(out)
}

/// `v.round().clamp(0.0, 255.0) as u8` for a non-negative `v` (or NaN → 0), without the libm
/// call `round` compiles to: `v - trunc(v)` is exact there, so halves round up as `round` does.
fn round_to_u8(v: f32) -> u8 {
    let whole = v as u32;
    let up = u32::from(v - whole as f32 >= 0.5);
    (whole + up).min(255) as u8
}

/// Largest side of a crop, so a bogus rectangle cannot allocate gigabytes.
const MAX_CROP_SIDE: f32 = 8192.0;

/// Cut `rect` out of `img` as an upright image (its width axis becomes the x axis), scaled by
/// `scale`, with bilinear sampling. Returns `None` for an empty or non-finite rectangle.
pub fn crop_rotated(img: &RgbImage, rect: &RotatedRect, scale: f32) -> Option<RgbImage> {
    let out_w = (rect.width * scale).round();
    let out_h = (rect.height * scale).round();
    let usable = |v: f32| (1.0..=MAX_CROP_SIDE).contains(&v);
    if !usable(out_w) || !usable(out_h) || !rect.center.x.is_finite() || !rect.center.y.is_finite()
    {
        return None;
    }
    let (u, v) = (rect.axis_u(), rect.axis_v());
    let tl = rect.corners()[0];
    let step = 1.0 / scale;
    let out = RgbImage::from_fn(out_w as u32, out_h as u32, |i, j| {
        let a = (i as f32 + 0.5) * step;
        let b = (j as f32 + 0.5) * step;
        sample(img, tl.x + u.x * a + v.x * b, tl.y + u.y * a + v.y * b)
    });
    Some(out)
}

/// `line` (nearly along x) grown along its own axis to cover at least `x0..x1`.
pub fn cover_span(line: &RotatedRect, (x0, x1): (f32, f32)) -> RotatedRect {
    let u = line.axis_u();
    if u.x.abs() < 0.5 || x1 <= x0 {
        return *line;
    }
    // Where the points (x0, centre y) and (x1, centre y) fall along the line's axis.
    let along = |x: f32| (x - line.center.x) / u.x;
    let (a, b) = (along(x0), along(x1));
    let lo = (-line.width / 2.0).min(a.min(b));
    let hi = (line.width / 2.0).max(a.max(b));
    let shift = (lo + hi) / 2.0;
    RotatedRect {
        center: Point::new(line.center.x + u.x * shift, line.center.y + u.y * shift),
        width: hi - lo,
        ..*line
    }
}

/// `rect` found in `image` turned by `quarter_turns`, in `image`'s pixels (only its centre,
/// size and a line direction matter for comparing places).
pub fn unturned(rect: &RotatedRect, quarter_turns: u8, image: &RgbImage) -> RotatedRect {
    let (w, h) = (image.width() as f32, image.height() as f32);
    let p = rect.center;
    let center = match quarter_turns % 4 {
        1 => Point::new(p.y, h - p.x),
        2 => Point::new(w - p.x, h - p.y),
        3 => Point::new(w - p.y, p.x),
        _ => p,
    };
    RotatedRect { center, ..*rect }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_to_u8_matches_round_and_clamp() {
        let mut v = 0.0f32;
        while v < 256.5 {
            for x in [
                v,
                f32::from_bits(v.to_bits() + 1),
                f32::from_bits(v.to_bits().max(1) - 1),
            ] {
                assert_eq!(round_to_u8(x), x.round().clamp(0.0, 255.0) as u8, "{x}");
            }
            v += 0.125;
        }
        assert_eq!(round_to_u8(f32::NAN), 0);
    }

    fn close(a: f32, b: f32, tol: f32) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn hull_drops_inner_points() {
        let pts = [
            Point::new(0.0, 0.0),
            Point::new(4.0, 0.0),
            Point::new(4.0, 4.0),
            Point::new(0.0, 4.0),
            Point::new(2.0, 2.0),
            Point::new(2.0, 0.0),
        ];
        assert_eq!(convex_hull(&pts).len(), 4);
    }

    #[test]
    fn min_rect_of_a_rotated_rectangle() {
        let truth = RotatedRect {
            center: Point::new(50.0, 40.0),
            width: 60.0,
            height: 10.0,
            angle: 0.3,
        };
        let rect = min_area_rect(&truth.corners()).expect("rect");
        assert!(close(rect.width, 60.0, 1e-3), "{rect:?}");
        assert!(close(rect.height, 10.0, 1e-3), "{rect:?}");
        assert!(close(rect.angle, 0.3, 1e-4), "{rect:?}");
        assert!(close(rect.center.x, 50.0, 1e-3) && close(rect.center.y, 40.0, 1e-3));
    }

    #[test]
    fn canonical_rect_reads_rightwards() {
        let tall = RotatedRect {
            center: Point::new(0.0, 0.0),
            width: 5.0,
            height: 50.0,
            angle: 0.0,
        };
        let c = tall.canonical();
        assert_eq!((c.width, c.height), (50.0, 5.0));
        assert!(close(c.angle.abs(), std::f32::consts::FRAC_PI_2, 1e-5));
        assert!(close(
            normalise_half_turn(3.0),
            3.0 - std::f32::consts::PI,
            1e-5
        ));
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        assert!(min_area_rect(&[]).is_none());
        assert!(min_area_rect(&[Point::new(f32::NAN, 1.0)]).is_none());
        let seg = min_area_rect(&[Point::new(0.0, 0.0), Point::new(3.0, 0.0)]).expect("segment");
        assert!(close(seg.width, 3.0, 1e-5) && close(seg.height, 0.0, 1e-5));
        let img = RgbImage::new(4, 4);
        assert!(crop_rotated(&img, &seg, 1.0).is_none());
        assert!(crop_rotated(&RgbImage::new(0, 0), &seg.expanded(1.0, 1.0), 1.0).is_some());
    }

    #[test]
    fn crop_straightens_a_rotated_box() {
        // A dark bar on white, drawn along a 90° turned box: the crop must be a dark horizontal bar.
        let img = RgbImage::from_fn(40, 40, |x, y| {
            if (18..22).contains(&x) && (5..35).contains(&y) {
                Rgb([0, 0, 0])
            } else {
                Rgb([255, 255, 255])
            }
        });
        let rect = RotatedRect {
            center: Point::new(20.0, 20.0),
            width: 30.0,
            height: 2.0,
            angle: std::f32::consts::FRAC_PI_2,
        };
        let crop = crop_rotated(&img, &rect, 2.0).expect("crop");
        assert_eq!(crop.dimensions(), (60, 4));
        let dark = crop.pixels().filter(|p| p.0[0] < 64).count();
        assert!(dark as f32 > 0.95 * 60.0 * 4.0, "{dark}");
    }
}

//! Boxes, detected faces and 2-D similarity transforms.

use serde::{Deserialize, Serialize};

/// Axis-aligned box in image pixels: `(x1, y1)` top-left, `(x2, y2)` bottom-right.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
}

impl BBox {
    pub fn width(&self) -> f32 {
        (self.x2 - self.x1).max(0.0)
    }

    pub fn height(&self) -> f32 {
        (self.y2 - self.y1).max(0.0)
    }

    pub fn area(&self) -> f32 {
        self.width() * self.height()
    }

    /// Intersection over union; 0 when either box is empty.
    pub fn iou(&self, other: &BBox) -> f32 {
        let iw = (self.x2.min(other.x2) - self.x1.max(other.x1)).max(0.0);
        let ih = (self.y2.min(other.y2) - self.y1.max(other.y1)).max(0.0);
        let inter = iw * ih;
        let union = self.area() + other.area() - inter;
        if union > 0.0 {
            inter / union
        } else {
            0.0
        }
    }
}

/// Index of each point in [`Face::landmarks`] (the subject's left eye is on the image right).
pub mod landmark {
    /// Eye on the image left (the subject's right eye).
    pub const EYE_IMAGE_LEFT: usize = 0;
    pub const EYE_IMAGE_RIGHT: usize = 1;
    pub const NOSE: usize = 2;
    pub const MOUTH_IMAGE_LEFT: usize = 3;
    pub const MOUTH_IMAGE_RIGHT: usize = 4;
}

/// One detected face in image pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Face {
    pub bbox: BBox,
    /// `[x, y]` of eye centres, nose tip and mouth corners, in [`landmark`] order.
    pub landmarks: [[f32; 2]; 5],
    /// Detector confidence, 0..1.
    pub score: f32,
}

/// `p' = [[a, -b], [b, a]] p + t`: rotation, uniform scale and translation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    pub a: f64,
    pub b: f64,
    pub tx: f64,
    pub ty: f64,
}

impl Similarity {
    pub fn apply(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        [
            self.a * x - self.b * y + self.tx,
            self.b * x + self.a * y + self.ty,
        ]
    }

    /// Uniform scale factor.
    pub fn scale(&self) -> f64 {
        self.a.hypot(self.b)
    }

    /// The inverse map; `None` for a degenerate (zero-scale) transform.
    pub fn inverse(&self) -> Option<Similarity> {
        let det = self.a * self.a + self.b * self.b;
        if det <= f64::EPSILON || !det.is_finite() {
            return None;
        }
        let (a, b) = (self.a / det, -self.b / det);
        Some(Similarity {
            a,
            b,
            tx: -(a * self.tx - b * self.ty),
            ty: -(b * self.tx + a * self.ty),
        })
    }

    /// Least-squares similarity mapping `src[i]` onto `dst[i]` (Umeyama's method without
    /// reflection; in 2-D it has this closed form). `None` when the points are degenerate.
    pub fn fit(src: &[[f64; 2]], dst: &[[f64; 2]]) -> Option<Similarity> {
        if src.len() != dst.len() || src.len() < 2 {
            return None;
        }
        let n = src.len() as f64;
        let mean = |pts: &[[f64; 2]]| {
            let (sx, sy) = pts
                .iter()
                .fold((0.0, 0.0), |(x, y), p| (x + p[0], y + p[1]));
            [sx / n, sy / n]
        };
        let (ms, md) = (mean(src), mean(dst));
        let (mut dot, mut cross, mut var) = (0.0, 0.0, 0.0);
        for (s, d) in src.iter().zip(dst) {
            let (sx, sy) = (s[0] - ms[0], s[1] - ms[1]);
            let (dx, dy) = (d[0] - md[0], d[1] - md[1]);
            dot += sx * dx + sy * dy;
            cross += sx * dy - sy * dx;
            var += sx * sx + sy * sy;
        }
        if var <= f64::EPSILON || !var.is_finite() {
            return None;
        }
        let (a, b) = (dot / var, cross / var);
        Some(Similarity {
            a,
            b,
            tx: md[0] - (a * ms[0] - b * ms[1]),
            ty: md[1] - (b * ms[0] + a * ms[1]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: [f64; 2], b: [f64; 2]) -> bool {
        (a[0] - b[0]).abs() < 1e-9 && (a[1] - b[1]).abs() < 1e-9
    }

    #[test]
    fn iou_of_known_boxes() {
        let a = BBox {
            x1: 0.0,
            y1: 0.0,
            x2: 10.0,
            y2: 10.0,
        };
        let b = BBox {
            x1: 5.0,
            y1: 0.0,
            x2: 15.0,
            y2: 10.0,
        };
        assert!((a.iou(&b) - 50.0 / 150.0).abs() < 1e-6);
        assert_eq!(a.iou(&a), 1.0);
        let empty = BBox {
            x1: 3.0,
            y1: 3.0,
            x2: 3.0,
            y2: 3.0,
        };
        assert_eq!(empty.iou(&empty), 0.0);
    }

    #[test]
    fn fit_recovers_an_exact_similarity_and_inverts() {
        let truth = Similarity {
            a: 0.8 * 0.3f64.cos(),
            b: 0.8 * 0.3f64.sin(),
            tx: 12.0,
            ty: -7.0,
        };
        let src = [
            [1.0, 2.0],
            [40.0, 5.0],
            [20.0, 30.0],
            [5.0, 50.0],
            [45.0, 48.0],
        ];
        let dst: Vec<[f64; 2]> = src.iter().map(|&p| truth.apply(p)).collect();
        let fit = Similarity::fit(&src, &dst).expect("fit");
        assert!((fit.a - truth.a).abs() < 1e-9 && (fit.b - truth.b).abs() < 1e-9);
        assert!((fit.scale() - 0.8).abs() < 1e-9);
        let inv = fit.inverse().expect("invertible");
        for &p in &src {
            assert!(close(inv.apply(fit.apply(p)), p));
        }
    }

    #[test]
    fn fit_is_least_squares_and_rejects_degenerate_input() {
        // Only the x axis is squeezed; the centre stays put.
        let src = [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]];
        let dst = [[0.5, 0.0], [9.5, 0.0], [0.5, 10.0], [9.5, 10.0]];
        let fit = Similarity::fit(&src, &dst).expect("fit");
        // x squeezed by 0.9, y unchanged: the best uniform scale is their mean.
        assert!(fit.b.abs() < 1e-12 && (fit.a - 0.95).abs() < 1e-12);
        assert!(close(fit.apply([5.0, 5.0]), [5.0, 5.0]));
        assert!(Similarity::fit(&[[1.0, 1.0], [1.0, 1.0]], &[[0.0, 0.0], [1.0, 1.0]]).is_none());
        assert!(Similarity::fit(&src, &dst[..3]).is_none());
        let zero = Similarity {
            a: 0.0,
            b: 0.0,
            tx: 1.0,
            ty: 1.0,
        };
        assert!(zero.inverse().is_none());
    }
}

//! A 468-point face mesh in image pixels and the liveness signals read off it: eye and mouth
//! opening, head pose.

use serde::{Deserialize, Serialize};

use crate::error::FaceError;
use crate::geometry::BBox;
use crate::head_pose::{head_pose, HeadPose};

/// Points in a MediaPipe face mesh.
pub const MESH_POINTS: usize = 468;

/// The usual 6 eye points `[p1..p6]` (corner, 2 upper lid, corner, 2 lower lid; p2/p6 and p3/p5
/// face each other) of the eye on the image's left (the subject's right eye).
pub const EYE_IMAGE_LEFT: [usize; 6] = [33, 160, 158, 133, 153, 144];
/// The same for the eye on the image's right.
pub const EYE_IMAGE_RIGHT: [usize; 6] = [362, 385, 387, 263, 373, 380];
/// Inner lip corners (left, right in the image).
pub const MOUTH_CORNERS: [usize; 2] = [78, 308];
/// Facing points of the inner upper and lower lip: (upper, lower), left to right.
pub const MOUTH_GAPS: [(usize, usize); 3] = [(82, 87), (13, 14), (312, 317)];

/// Eye aspect ratios (lid gap over eye width; ~0.25-0.35 open, near 0 closed).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EyeAspect {
    pub image_left: f32,
    pub image_right: f32,
    pub mean: f32,
}

/// Dense landmarks of one face in image pixels, with the model's face-presence score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mesh {
    points: Vec<[f32; 3]>,
    face_presence: f32,
}

impl Mesh {
    /// `points`: [`MESH_POINTS`] `[x, y, z]` (x, y image pixels; z depth on the same scale,
    /// smaller = nearer the camera). Rejects other counts and non-finite values.
    pub fn new(points: Vec<[f32; 3]>, face_presence: f32) -> Result<Mesh, FaceError> {
        if points.len() != MESH_POINTS {
            return Err(FaceError::BadInput(format!(
                "a face mesh has {MESH_POINTS} points, got {}",
                points.len()
            )));
        }
        if !face_presence.is_finite() || points.iter().flatten().any(|v| !v.is_finite()) {
            return Err(FaceError::BadInput("face mesh is not finite".into()));
        }
        Ok(Mesh {
            points,
            face_presence,
        })
    }

    /// All [`MESH_POINTS`] points, in MediaPipe's index order.
    pub fn points(&self) -> &[[f32; 3]] {
        &self.points
    }

    /// The model's probability (0..1) that its crop showed a face.
    pub fn face_presence(&self) -> f32 {
        self.face_presence
    }

    /// Eye aspect ratio `(|p2-p6| + |p3-p5|) / (2 |p1-p4|)` of each eye, in the image plane.
    pub fn eye_aspect_ratio(&self) -> EyeAspect {
        let image_left = self.eye_ratio(&EYE_IMAGE_LEFT);
        let image_right = self.eye_ratio(&EYE_IMAGE_RIGHT);
        EyeAspect {
            image_left,
            image_right,
            mean: (image_left + image_right) / 2.0,
        }
    }

    /// Inner-lip opening over inner-lip width (0 closed, ~0.5 and more wide open).
    pub fn mouth_aspect_ratio(&self) -> f32 {
        let [left, right] = MOUTH_CORNERS;
        let gaps: f32 = MOUTH_GAPS.iter().map(|&(u, l)| self.dist(u, l)).sum();
        ratio(gaps, MOUTH_GAPS.len() as f32 * self.dist(left, right))
    }

    /// Yaw, pitch and roll against a generic face; `None` for a degenerate mesh.
    pub fn head_pose(&self) -> Option<HeadPose> {
        head_pose(&self.points)
    }

    /// Tight box around all points (x, y).
    pub fn bbox(&self) -> BBox {
        let mut b = BBox {
            x1: f32::MAX,
            y1: f32::MAX,
            x2: f32::MIN,
            y2: f32::MIN,
        };
        for p in &self.points {
            b.x1 = b.x1.min(p[0]);
            b.y1 = b.y1.min(p[1]);
            b.x2 = b.x2.max(p[0]);
            b.y2 = b.y2.max(p[1]);
        }
        b
    }

    /// Move point `index` in the image plane (refinement; indices below MESH_POINTS only).
    pub(crate) fn set_xy(&mut self, index: usize, [x, y]: [f32; 2]) {
        if let Some(p) = self.points.get_mut(index) {
            p[0] = x;
            p[1] = y;
        }
    }

    fn eye_ratio(&self, [p1, p2, p3, p4, p5, p6]: &[usize; 6]) -> f32 {
        let lids = self.dist(*p2, *p6) + self.dist(*p3, *p5);
        ratio(lids, 2.0 * self.dist(*p1, *p4))
    }

    /// Image-plane distance between two points (indices are constants below MESH_POINTS,
    /// which `new` guarantees).
    fn dist(&self, i: usize, j: usize) -> f32 {
        let (a, b) = (self.points[i], self.points[j]);
        (a[0] - b[0]).hypot(a[1] - b[1])
    }
}

/// `num / den`, 0 when the denominator vanishes (a collapsed eye or mouth).
fn ratio(num: f32, den: f32) -> f32 {
    if den > f32::EPSILON {
        num / den
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mesh with one eye `w` wide and `h` open at (cx, cy) per eye, and a mouth.
    fn face(eye_h: [f32; 2], mouth_h: f32) -> Mesh {
        let mut pts = vec![[0.0f32; 3]; MESH_POINTS];
        for (eye, cx, h) in [
            (EYE_IMAGE_LEFT, 100.0, eye_h[0]),
            (EYE_IMAGE_RIGHT, 200.0, eye_h[1]),
        ] {
            let [p1, p2, p3, p4, p5, p6] = eye;
            pts[p1] = [cx - 20.0, 100.0, 0.0];
            pts[p4] = [cx + 20.0, 100.0, 0.0];
            pts[p2] = [cx - 7.0, 100.0 - h / 2.0, 0.0];
            pts[p6] = [cx - 7.0, 100.0 + h / 2.0, 0.0];
            pts[p3] = [cx + 7.0, 100.0 - h / 2.0, 0.0];
            pts[p5] = [cx + 7.0, 100.0 + h / 2.0, 0.0];
        }
        pts[MOUTH_CORNERS[0]] = [120.0, 250.0, 0.0];
        pts[MOUTH_CORNERS[1]] = [180.0, 250.0, 0.0];
        for (k, &(u, l)) in MOUTH_GAPS.iter().enumerate() {
            let x = 135.0 + 15.0 * k as f32;
            pts[u] = [x, 250.0 - mouth_h / 2.0, 0.0];
            pts[l] = [x, 250.0 + mouth_h / 2.0, 0.0];
        }
        Mesh::new(pts, 0.9).expect("valid mesh")
    }

    #[test]
    fn eye_and_mouth_ratios() {
        let open = face([12.0, 8.0], 30.0);
        let ear = open.eye_aspect_ratio();
        assert!((ear.image_left - 0.3).abs() < 1e-6, "{ear:?}");
        assert!((ear.image_right - 0.2).abs() < 1e-6, "{ear:?}");
        assert!((ear.mean - 0.25).abs() < 1e-6);
        assert!((open.mouth_aspect_ratio() - 0.5).abs() < 1e-6);
        let closed = face([0.0, 0.0], 0.0);
        assert_eq!(closed.eye_aspect_ratio().mean, 0.0);
        assert_eq!(closed.mouth_aspect_ratio(), 0.0);
        assert_eq!(closed.face_presence(), 0.9);
    }

    #[test]
    fn degenerate_and_invalid_meshes() {
        let flat = Mesh::new(vec![[5.0; 3]; MESH_POINTS], 0.5).expect("valid");
        assert_eq!(flat.eye_aspect_ratio().mean, 0.0);
        assert_eq!(flat.mouth_aspect_ratio(), 0.0);
        assert!(flat.head_pose().is_none());
        assert!(Mesh::new(vec![[0.0; 3]; 10], 0.5).is_err());
        let mut nan = vec![[0.0; 3]; MESH_POINTS];
        nan[7][2] = f32::NAN;
        assert!(Mesh::new(nan, 0.5).is_err());
        assert!(Mesh::new(vec![[0.0; 3]; MESH_POINTS], f32::INFINITY).is_err());
    }

    #[test]
    fn bbox_spans_the_points() {
        let m = face([10.0, 10.0], 10.0);
        let b = m.bbox();
        assert_eq!((b.x1, b.y1, b.x2, b.y2), (0.0, 0.0, 220.0, 255.0));
    }
}

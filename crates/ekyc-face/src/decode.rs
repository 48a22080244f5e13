//! CenterFace output decoding: heatmap peaks -> boxes + 5 landmarks, then IoU NMS.

use ekyc_infer::ndarray::{Array3, ArrayD, Axis, Ix4};

use crate::geometry::{BBox, Face};

/// Output stride of CenterFace: one heatmap cell per 4x4 input pixels.
const STRIDE: f32 = 4.0;

/// The four CenterFace output maps for one image, each `[channels, h, w]`.
#[derive(Debug, Clone)]
pub(crate) struct Maps {
    /// 1 channel: face-centre probability (already through a sigmoid).
    pub heat: Array3<f32>,
    /// 2 channels: log(height / 4), log(width / 4).
    pub scale: Array3<f32>,
    /// 2 channels: sub-cell centre offset (y, x).
    pub offset: Array3<f32>,
    /// 10 channels: (y, x) of each landmark relative to the box, in box sizes.
    pub landmarks: Array3<f32>,
}

impl Maps {
    /// Check shapes (batch 1, channel counts, equal spatial size) and drop the batch axis.
    pub fn from_outputs(
        heat: ArrayD<f32>,
        scale: ArrayD<f32>,
        offset: ArrayD<f32>,
        landmarks: ArrayD<f32>,
    ) -> Result<Maps, String> {
        let take = |what: &str, a: ArrayD<f32>, channels: usize| -> Result<Array3<f32>, String> {
            let shape = a.shape().to_vec();
            let a = a
                .into_dimensionality::<Ix4>()
                .map_err(|_| format!("{what}: expected 4-D output, got {shape:?}"))?;
            if a.shape()[0] != 1 || a.shape()[1] != channels {
                return Err(format!(
                    "{what}: expected [1, {channels}, h, w], got {shape:?}"
                ));
            }
            Ok(a.index_axis_move(Axis(0), 0))
        };
        let maps = Maps {
            heat: take("heatmap", heat, 1)?,
            scale: take("scale", scale, 2)?,
            offset: take("offset", offset, 2)?,
            landmarks: take("landmarks", landmarks, 10)?,
        };
        let hw = &maps.heat.shape()[1..];
        for (what, m) in [
            ("scale", &maps.scale),
            ("offset", &maps.offset),
            ("landmarks", &maps.landmarks),
        ] {
            if &m.shape()[1..] != hw {
                return Err(format!(
                    "{what} map is {:?} but the heatmap is {hw:?}",
                    &m.shape()[1..]
                ));
            }
        }
        Ok(maps)
    }
}

/// How to turn maps into faces in original image pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecodeParams {
    pub threshold: f32,
    pub nms_iou: f32,
    /// Input pixels per original image pixel.
    pub scale: f32,
    /// Original image size, for clamping boxes.
    pub width: f32,
    pub height: f32,
}

/// Faces from heatmap local maxima above the threshold, NMS-filtered, best first.
pub(crate) fn decode(maps: &Maps, p: &DecodeParams) -> Vec<Face> {
    let heat = maps.heat.index_axis(Axis(0), 0);
    let (rows, cols) = heat.dim();
    let mut faces = Vec::new();
    for y in 0..rows {
        for x in 0..cols {
            let v = heat[[y, x]];
            if v.is_nan() || v <= p.threshold || !is_local_max(&heat, y, x) {
                continue;
            }
            if let Some(face) = face_at(maps, (y, x), v, p) {
                faces.push(face);
            }
        }
    }
    nms(faces, p.nms_iou)
}

/// 3x3 max-pool NMS: keep a cell only when no neighbour is higher.
fn is_local_max(heat: &ekyc_infer::ndarray::ArrayView2<f32>, y: usize, x: usize) -> bool {
    let (rows, cols) = heat.dim();
    let v = heat[[y, x]];
    for ny in y.saturating_sub(1)..(y + 2).min(rows) {
        for nx in x.saturating_sub(1)..(x + 2).min(cols) {
            let n = heat[[ny, nx]];
            // Ties go to the first cell in scan order so a plateau yields one face.
            if n > v || (n == v && (ny, nx) < (y, x)) {
                return false;
            }
        }
    }
    true
}

fn face_at(maps: &Maps, (y, x): (usize, usize), score: f32, p: &DecodeParams) -> Option<Face> {
    let bh = maps.scale[[0, y, x]].exp() * STRIDE;
    let bw = maps.scale[[1, y, x]].exp() * STRIDE;
    let cx = (x as f32 + maps.offset[[1, y, x]] + 0.5) * STRIDE;
    let cy = (y as f32 + maps.offset[[0, y, x]] + 0.5) * STRIDE;
    let (x1, y1) = (cx - bw / 2.0, cy - bh / 2.0);
    let mut landmarks = [[0.0f32; 2]; 5];
    for (j, point) in landmarks.iter_mut().enumerate() {
        // Relative to the unclamped box: clamping first would drag the points of faces that
        // touch the image border.
        let lx = maps.landmarks[[2 * j + 1, y, x]] * bw + x1;
        let ly = maps.landmarks[[2 * j, y, x]] * bh + y1;
        *point = [lx / p.scale, ly / p.scale];
    }
    let bbox = BBox {
        x1: (x1 / p.scale).clamp(0.0, p.width),
        y1: (y1 / p.scale).clamp(0.0, p.height),
        x2: ((x1 + bw) / p.scale).clamp(0.0, p.width),
        y2: ((y1 + bh) / p.scale).clamp(0.0, p.height),
    };
    let finite = landmarks.iter().flatten().all(|v| v.is_finite());
    (finite && bbox.area() > 0.0).then_some(Face {
        bbox,
        landmarks,
        score,
    })
}

/// Greedy IoU non-maximum suppression; returns the kept faces, highest score first.
pub(crate) fn nms(mut faces: Vec<Face>, iou: f32) -> Vec<Face> {
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Face> = Vec::with_capacity(faces.len());
    for face in faces {
        if kept.iter().all(|k| k.bbox.iou(&face.bbox) <= iou) {
            kept.push(face);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Maps of `rows x cols` with nothing in them.
    fn empty(rows: usize, cols: usize) -> Maps {
        Maps {
            heat: Array3::zeros((1, rows, cols)),
            scale: Array3::zeros((2, rows, cols)),
            offset: Array3::zeros((2, rows, cols)),
            landmarks: Array3::zeros((10, rows, cols)),
        }
    }

    /// A face peak at cell (y, x) with a box of `size` input pixels and landmarks at fixed
    /// fractions of the box.
    fn put_face(m: &mut Maps, (y, x): (usize, usize), score: f32, size: f32) {
        m.heat[[0, y, x]] = score;
        m.scale[[0, y, x]] = (size / STRIDE).ln();
        m.scale[[1, y, x]] = (size / STRIDE).ln();
        let rel = [
            [0.3, 0.35],
            [0.7, 0.35],
            [0.5, 0.55],
            [0.35, 0.75],
            [0.65, 0.75],
        ];
        for (j, [rx, ry]) in rel.iter().enumerate() {
            m.landmarks[[2 * j, y, x]] = *ry;
            m.landmarks[[2 * j + 1, y, x]] = *rx;
        }
    }

    fn params(scale: f32) -> DecodeParams {
        DecodeParams {
            threshold: 0.5,
            nms_iou: 0.3,
            scale,
            width: 1000.0,
            height: 1000.0,
        }
    }

    #[test]
    fn decodes_box_and_landmarks_in_image_pixels() {
        let mut m = empty(40, 40);
        put_face(&mut m, (10, 20), 0.9, 40.0);
        m.offset[[1, 10, 20]] = 0.25;
        // Weaker neighbour of the same face: suppressed by the 3x3 max-pool.
        m.heat[[0, 10, 21]] = 0.8;
        let faces = decode(&m, &params(0.5));
        assert_eq!(faces.len(), 1, "{faces:?}");
        let f = faces[0];
        // Centre in input pixels: x = (20 + 0.25 + 0.5) * 4 = 83, y = 42; box 40 wide.
        // Divided by the 0.5 input scale: centre (166, 84), size 80.
        assert!((f.bbox.x1 - 126.0).abs() < 1e-3, "{f:?}");
        assert!((f.bbox.y1 - 44.0).abs() < 1e-3, "{f:?}");
        assert!((f.bbox.width() - 80.0).abs() < 1e-3, "{f:?}");
        assert!((f.landmarks[0][0] - (126.0 + 0.3 * 80.0)).abs() < 1e-3);
        assert!((f.landmarks[4][1] - (44.0 + 0.75 * 80.0)).abs() < 1e-3);
        assert_eq!(f.score, 0.9);
    }

    #[test]
    fn threshold_nms_and_order() {
        let mut m = empty(60, 60);
        put_face(&mut m, (10, 10), 0.6, 24.0);
        put_face(&mut m, (40, 40), 0.95, 40.0);
        // Overlaps the strong face heavily but is not its 3x3 neighbour: IoU NMS removes it.
        put_face(&mut m, (40, 42), 0.7, 40.0);
        // Below the threshold.
        put_face(&mut m, (10, 50), 0.4, 24.0);
        let faces = decode(&m, &params(1.0));
        let scores: Vec<f32> = faces.iter().map(|f| f.score).collect();
        assert_eq!(scores, vec![0.95, 0.6]);
    }

    #[test]
    fn boxes_are_clamped_but_landmarks_are_not() {
        let mut m = empty(20, 20);
        put_face(&mut m, (1, 1), 0.9, 40.0);
        let faces = decode(&m, &params(1.0));
        let f = faces[0];
        assert_eq!((f.bbox.x1, f.bbox.y1), (0.0, 0.0));
        // Box x1 is 6 - 20 = -14; the eye sits at -14 + 0.3 * 40 = -2 (outside, unclamped).
        assert!((f.landmarks[0][0] + 2.0).abs() < 1e-3, "{f:?}");
    }

    #[test]
    fn rejects_bad_shapes() {
        let ok = |c: usize| ArrayD::<f32>::zeros(vec![1, c, 4, 4]);
        assert!(Maps::from_outputs(ok(1), ok(2), ok(2), ok(10)).is_ok());
        assert!(Maps::from_outputs(ok(2), ok(2), ok(2), ok(10)).is_err());
        let small = ArrayD::<f32>::zeros(vec![1, 10, 2, 4]);
        assert!(Maps::from_outputs(ok(1), ok(2), ok(2), small).is_err());
        let flat = ArrayD::<f32>::zeros(vec![16]);
        assert!(Maps::from_outputs(flat, ok(2), ok(2), ok(10)).is_err());
    }
}

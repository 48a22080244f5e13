//! Unit tests of [`super::EyeRefiner`] with a fake iris net.

use super::*;
use crate::mesh_metrics::MESH_POINTS;
use ekyc_infer::ndarray::Array3;
use ekyc_infer::InferError;
use image::Rgb;

/// Contour point 0 on the reddest input pixel, every other point at the crop centre.
/// `points` lets a test return a wrong size.
struct FakeIris {
    points: usize,
}

impl Model for FakeIris {
    fn name(&self) -> &str {
        "fake-iris"
    }

    fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
        let input = inputs
            .iter()
            .find(|t| t.name == "image")
            .ok_or(InferError::BadTensor {
                model: "fake-iris".into(),
                message: "no input `image`".into(),
            })?;
        let batch = input.data.shape()[0];
        let mut out = Array3::<f32>::from_elem((batch, self.points, 3), 32.0);
        for n in 0..batch {
            let mut best = (0, 0, f32::MIN);
            for r in 0..64 {
                for c in 0..64 {
                    let red = input.data[[n, 0, r, c]] - input.data[[n, 1, r, c]];
                    if red > best.2 {
                        best = (c, r, red);
                    }
                }
            }
            out[[n, 0, 0]] = best.0 as f32 + 0.5;
            out[[n, 0, 1]] = best.1 as f32 + 0.5;
        }
        Ok(vec![NamedTensor::new("eye_contour", out.into_dyn())])
    }
}

/// A mesh with level eyes: image-left eye corners (60, 100)-(100, 100), image-right eye
/// corners (160, 100)-(200, 100); all other points at (130, 150).
fn mesh() -> Mesh {
    let mut points = vec![[130.0f32, 150.0, 1.0]; MESH_POINTS];
    points[EYELID_IMAGE_LEFT[0]] = [60.0, 100.0, 2.0];
    points[EYELID_IMAGE_LEFT[8]] = [100.0, 100.0, 2.0];
    points[EYELID_IMAGE_RIGHT[8]] = [160.0, 100.0, 2.0];
    points[EYELID_IMAGE_RIGHT[0]] = [200.0, 100.0, 2.0];
    Mesh::new(points, 1.0).expect("valid mesh")
}

fn image_with_markers(markers: &[(u32, u32)]) -> RgbImage {
    let mut img = RgbImage::from_pixel(300, 200, Rgb([120, 120, 120]));
    for &(x, y) in markers {
        for dy in 0..2 {
            for dx in 0..2 {
                img.put_pixel(x + dx, y + dy, Rgb([255, 0, 0]));
            }
        }
    }
    img
}

fn near(p: [f32; 3], x: f32, y: f32, tol: f32) -> bool {
    (p[0] - x).abs() < tol && (p[1] - y).abs() < tol
}

#[test]
fn eyelids_move_to_the_net_points_and_mirroring_round_trips() {
    // Markers near each eye's outer corner: the net's point 0 is the outer corner in both
    // eyes, so the mirrored right-eye crop must be un-mirrored on the way back.
    let img = image_with_markers(&[(66, 95), (193, 105)]);
    let refiner = EyeRefiner::new(Arc::new(FakeIris { points: 71 }));
    let mut m = mesh();
    refiner.refine(&img, &mut m).expect("refine");
    let p = m.points();
    assert!(near(p[33], 67.0, 96.0, 1.5), "{:?}", p[33]);
    assert!(near(p[263], 194.0, 106.0, 1.5), "{:?}", p[263]);
    // Crop centres land between the corners; depth is kept.
    assert!(near(p[EYELID_IMAGE_LEFT[11]], 80.0, 100.0, 1e-3));
    assert!(near(p[EYELID_IMAGE_RIGHT[11]], 180.0, 100.0, 1e-3));
    assert_eq!(p[33][2], 2.0);
    // Points outside the eyelids are untouched.
    assert_eq!(p[1], [130.0, 150.0, 1.0]);
}

#[test]
fn rejects_wrong_output_and_collapsed_eyes() {
    let img = image_with_markers(&[]);
    let bad = EyeRefiner::new(Arc::new(FakeIris { points: 70 }));
    let err = bad.refine(&img, &mut mesh()).expect_err("wrong size");
    assert!(matches!(err, FaceError::BadOutput { .. }), "{err}");
    let refiner = EyeRefiner::new(Arc::new(FakeIris { points: 71 }));
    let mut flat = Mesh::new(vec![[5.0; 3]; MESH_POINTS], 1.0).expect("valid");
    let err = refiner.refine(&img, &mut flat).expect_err("collapsed");
    assert!(matches!(err, FaceError::BadInput(_)), "{err}");
}

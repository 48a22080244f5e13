//! Unit tests of [`super::FaceMesh`] with a fake model.

use super::*;
use crate::geometry::BBox;
use ekyc_infer::ndarray::{Array2, Array3};
use ekyc_infer::InferError;
use image::Rgb;

/// What the fake returns.
#[derive(Clone, Copy)]
enum Reply {
    /// Point 0 at the crop centre, point 1 48 px right of it (depth 10), point 2 on the
    /// brightest red pixel of the input; presence 0.8.
    Probe,
    WrongCount,
    NoPresence,
    NotFinite,
}

struct FakeMesh(Reply);

impl Model for FakeMesh {
    fn name(&self) -> &str {
        "fake-mesh"
    }

    fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
        let bad = |message: &str| InferError::BadTensor {
            model: "fake-mesh".into(),
            message: message.into(),
        };
        let input = inputs
            .iter()
            .find(|t| t.name == "image")
            .ok_or_else(|| bad("no input `image`"))?;
        if input.data.shape() != [1, 3, 192, 192] {
            return Err(bad("wrong input shape"));
        }
        let mut reddest = (0usize, 0usize, f32::MIN);
        for r in 0..192 {
            for c in 0..192 {
                let red = input.data[[0, 0, r, c]] - input.data[[0, 1, r, c]];
                if red > reddest.2 {
                    reddest = (c, r, red);
                }
            }
        }
        let points = if matches!(self.0, Reply::WrongCount) {
            MESH_POINTS - 1
        } else {
            MESH_POINTS
        };
        let mut landmarks = Array3::<f32>::zeros((1, points, 3));
        landmarks[[0, 0, 0]] = 96.0;
        landmarks[[0, 0, 1]] = 96.0;
        landmarks[[0, 1, 0]] = 144.0;
        landmarks[[0, 1, 1]] = 96.0;
        landmarks[[0, 1, 2]] = 10.0;
        landmarks[[0, 2, 0]] = reddest.0 as f32 + 0.5;
        landmarks[[0, 2, 1]] = reddest.1 as f32 + 0.5;
        if matches!(self.0, Reply::NotFinite) {
            landmarks[[0, 3, 0]] = f32::NAN;
        }
        let mut out = vec![NamedTensor::new("landmarks", landmarks.into_dyn())];
        if !matches!(self.0, Reply::NoPresence) {
            out.push(NamedTensor::new(
                "presence",
                Array2::from_elem((1, 1), 0.8f32).into_dyn(),
            ));
        }
        Ok(out)
    }
}

/// A grey image with one red 3x3 marker centred on `marker`.
fn image_with_marker(marker: (u32, u32)) -> RgbImage {
    let mut img = RgbImage::from_pixel(480, 360, Rgb([90, 90, 90]));
    for dy in 0..3 {
        for dx in 0..3 {
            img.put_pixel(marker.0 + dx - 1, marker.1 + dy - 1, Rgb([255, 0, 0]));
        }
    }
    img
}

fn face(eyes: [[f32; 2]; 2]) -> Face {
    Face {
        bbox: BBox {
            x1: 200.0,
            y1: 100.0,
            x2: 300.0,
            y2: 220.0,
        },
        landmarks: [
            eyes[0],
            eyes[1],
            [250.0, 160.0],
            [230.0, 190.0],
            [270.0, 190.0],
        ],
        score: 0.9,
    }
}

fn near(p: [f32; 3], x: f32, y: f32, tol: f32) -> bool {
    (p[0] - x).abs() < tol && (p[1] - y).abs() < tol
}

#[test]
fn maps_points_back_through_an_upright_crop() {
    let mesh = FaceMesh::new(Arc::new(FakeMesh(Reply::Probe)));
    let img = image_with_marker((230, 150));
    let out = mesh
        .landmarks(&img, &face([[230.0, 140.0], [270.0, 140.0]]))
        .expect("mesh");
    let p = out.points();
    // Crop side 1.5 * 120 = 180 px over 192 crop pixels.
    let s = 180.0 / 192.0;
    assert!(near(p[0], 250.0, 160.0, 1e-3), "{:?}", p[0]);
    assert!(near(p[1], 250.0 + 48.0 * s, 160.0, 1e-3), "{:?}", p[1]);
    assert!((p[1][2] - 10.0 * s).abs() < 1e-4);
    assert!(near(p[2], 230.0, 150.0, 1.0), "marker at {:?}", p[2]);
    assert_eq!(out.face_presence(), 0.8);
}

#[test]
fn crop_follows_the_eye_line() {
    let mesh = FaceMesh::new(Arc::new(FakeMesh(Reply::Probe)));
    let img = image_with_marker((262, 140));
    let eyes = [[220.0, 140.0], [280.0, 170.0]];
    let out = mesh.landmarks(&img, &face(eyes)).expect("mesh");
    let p = out.points();
    let angle = (30.0f32).atan2(60.0);
    let d = 48.0 * 180.0 / 192.0;
    assert!(near(p[0], 250.0, 160.0, 1e-3), "{:?}", p[0]);
    let (x, y) = (250.0 + d * angle.cos(), 160.0 + d * angle.sin());
    assert!(near(p[1], x, y, 1e-3), "{:?} vs ({x}, {y})", p[1]);
    assert!(near(p[2], 262.0, 140.0, 1.0), "marker at {:?}", p[2]);
}

#[test]
fn rejects_bad_input_and_bad_output() {
    let f = face([[230.0, 140.0], [270.0, 140.0]]);
    let img = image_with_marker((10, 10));
    let good = FaceMesh::new(Arc::new(FakeMesh(Reply::Probe)));
    let err = good.landmarks(&RgbImage::new(0, 0), &f).expect_err("empty");
    assert!(matches!(err, FaceError::BadInput(_)), "{err}");
    let mut flat = f;
    flat.bbox.x2 = flat.bbox.x1;
    flat.bbox.y2 = flat.bbox.y1;
    assert!(matches!(
        good.landmarks(&img, &flat),
        Err(FaceError::BadInput(_))
    ));
    for reply in [Reply::WrongCount, Reply::NoPresence, Reply::NotFinite] {
        let mesh = FaceMesh::new(Arc::new(FakeMesh(reply)));
        let err = mesh.landmarks(&img, &f).expect_err("bad output");
        assert!(matches!(err, FaceError::BadOutput { .. }), "{err}");
    }
}

#[test]
fn crop_transform_is_square_and_centred() {
    let f = face([[230.0, 140.0], [270.0, 140.0]]);
    let t = crop_transform(&f, 2.0).expect("transform");
    assert!((t.scale() - 240.0 / 192.0).abs() < 1e-9);
    let c = t.apply([95.5, 95.5]);
    assert!((c[0] - 250.0).abs() < 1e-9 && (c[1] - 160.0).abs() < 1e-9);
    // Coincident eyes give no angle rather than NaN.
    let t = crop_transform(&face([[250.0, 140.0], [250.0, 140.0]]), 1.5).expect("transform");
    assert!(t.b.abs() < 1e-12);
    assert!(crop_transform(&f, f32::NAN).is_err());
}

//! Face detection with CenterFace: resize, run, decode.

use std::sync::Arc;

use ekyc_infer::ndarray::Array4;
use ekyc_infer::{Model, NamedTensor};
use image::RgbImage;

use crate::decode::{decode, DecodeParams, Maps};
use crate::error::FaceError;
use crate::geometry::{BBox, Face, Similarity};
use crate::warp::{warp, Quality};

/// CenterFace needs input sides that are multiples of 32.
const SIDE_MULTIPLE: u32 = 32;

/// Detector settings; the defaults suit the pinned `centerface` model.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectorConfig {
    /// [`FaceDetector::detect`] scales the image so its longer side is this many pixels
    /// (a face of ~10 input pixels is still found; cost grows with the area).
    pub max_side: u32,
    /// [`FaceDetector::detect_largest`] first tries this cheaper size (the subject of a selfie
    /// or a portrait is big) and falls back to `max_side` when it finds nothing.
    pub coarse_side: u32,
    /// Side of the second, close-up pass around the chosen face that places its landmarks
    /// (0 = no refinement). The crop is [`REFINE_CONTEXT`] times the face box.
    pub refine_side: u32,
    /// Minimum heatmap peak for a face.
    pub score_threshold: f32,
    /// Boxes overlapping a better one by more than this IoU are dropped.
    pub nms_iou: f32,
    pub input_name: String,
    /// Output names: heatmap, box scale, centre offset, landmarks.
    pub output_names: [String; 4],
}

/// Crop side of the refinement pass, in face-box sides (keeps the context CenterFace saw in
/// training; the face then spans about half the crop).
pub const REFINE_CONTEXT: f32 = 2.0;

impl Default for DetectorConfig {
    fn default() -> Self {
        DetectorConfig {
            max_side: 640,
            coarse_side: 256,
            refine_side: 160,
            score_threshold: 0.5,
            nms_iou: 0.3,
            input_name: "input.1".into(),
            output_names: ["537", "538", "539", "540"].map(String::from),
        }
    }
}

/// Finds faces with 5 landmarks in RGB images of any size.
#[derive(Clone)]
pub struct FaceDetector {
    model: Arc<dyn Model>,
    config: DetectorConfig,
}

impl FaceDetector {
    /// A detector over the `centerface` model with default settings.
    pub fn new(model: Arc<dyn Model>) -> FaceDetector {
        FaceDetector::with_config(model, DetectorConfig::default())
    }

    pub fn with_config(model: Arc<dyn Model>, config: DetectorConfig) -> FaceDetector {
        FaceDetector { model, config }
    }

    pub fn config(&self) -> &DetectorConfig {
        &self.config
    }

    /// All faces in `image`, best score first, in image pixel coordinates (one pass at
    /// `max_side`).
    pub fn detect(&self, image: &RgbImage) -> Result<Vec<Face>, FaceError> {
        self.detect_at(image, self.config.max_side)
    }

    /// The face with the largest box (the subject of a selfie or document portrait), found
    /// cheaply: a pass at `coarse_side`, else at `max_side`; then a close-up pass around it
    /// places the landmarks precisely.
    pub fn detect_largest(&self, image: &RgbImage) -> Result<Option<Face>, FaceError> {
        let coarse = self.config.coarse_side;
        let mut faces = Vec::new();
        if coarse > 0 && coarse < self.config.max_side {
            faces = self.detect_at(image, coarse)?;
        }
        if faces.is_empty() {
            faces = self.detect(image)?;
        }
        let Some(face) = largest(&faces) else {
            return Ok(None);
        };
        if self.config.refine_side == 0 {
            return Ok(Some(face));
        }
        Ok(Some(self.refine(image, &face)?.unwrap_or(face)))
    }

    /// One pass with the image scaled so its longer side is `side`.
    fn detect_at(&self, image: &RgbImage, side: u32) -> Result<Vec<Face>, FaceError> {
        let (w, h) = image.dimensions();
        if w == 0 || h == 0 {
            return Err(FaceError::BadInput("empty image".into()));
        }
        let scale = f64::from(side.max(SIDE_MULTIPLE)) / f64::from(w.max(h));
        let view_w = ((f64::from(w) * scale).round() as u32).max(1);
        let view_h = ((f64::from(h) * scale).round() as u32).max(1);
        // View pixel centres map onto the image's: x = (c + 0.5) / scale - 0.5.
        let to_image = Similarity {
            a: 1.0 / scale,
            b: 0.0,
            tx: 0.5 / scale - 0.5,
            ty: 0.5 / scale - 0.5,
        };
        let faces = if (view_w, view_h) == (w, h) {
            self.run(to_input(image))?
        } else {
            self.run(to_input(&warp(
                image,
                &to_image,
                (view_w, view_h),
                Quality::Fast,
            )))?
        };
        Ok(faces
            .iter()
            .map(|f| map_face(f, &to_image, (w as f32, h as f32)))
            .collect())
    }

    /// Re-detect `face` in a square crop around it scaled to `refine_side`; `None` when the
    /// close-up pass does not find it again.
    fn refine(&self, image: &RgbImage, face: &Face) -> Result<Option<Face>, FaceError> {
        let side = self
            .config
            .refine_side
            .max(SIDE_MULTIPLE)
            .div_ceil(SIDE_MULTIPLE)
            * SIDE_MULTIPLE;
        let extent = REFINE_CONTEXT * face.bbox.width().max(face.bbox.height());
        let per_px = f64::from(extent) / f64::from(side);
        let cx = f64::from(face.bbox.x1 + face.bbox.x2) / 2.0;
        let cy = f64::from(face.bbox.y1 + face.bbox.y2) / 2.0;
        // View pixel (c, r) shows image point (cx, cy) + per_px * ((c, r) - centre of view).
        let half = (f64::from(side) - 1.0) / 2.0;
        let to_image = Similarity {
            a: per_px,
            b: 0.0,
            tx: cx - per_px * half,
            ty: cy - per_px * half,
        };
        let view = warp(image, &to_image, (side, side), Quality::Fast);
        let found = self.run(to_input(&view))?;
        let size = (image.width() as f32, image.height() as f32);
        let best = found
            .iter()
            .map(|f| map_face(f, &to_image, size))
            .map(|f| (f.bbox.iou(&face.bbox), f))
            .filter(|(iou, _)| *iou > 0.3)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        Ok(best.map(|(_, f)| f))
    }

    /// Run the model on a prepared input; faces in input pixels.
    fn run(&self, input: Array4<f32>) -> Result<Vec<Face>, FaceError> {
        let (height, width) = (input.shape()[2] as f32, input.shape()[3] as f32);
        let mut outputs = self.model.run(&[NamedTensor::new(
            self.config.input_name.as_str(),
            input.into_dyn(),
        )])?;
        let model = self.model.name().to_string();
        // Outputs are found by name, not position.
        let mut take = |name: &str| {
            let i = outputs
                .iter()
                .position(|t| t.name == name)
                .ok_or_else(|| FaceError::output(&model, format!("no output `{name}`")))?;
            Ok::<_, FaceError>(outputs.swap_remove(i).data)
        };
        let [n_heat, n_scale, n_offset, n_landmarks] = &self.config.output_names;
        let heat = take(n_heat)?;
        let box_scale = take(n_scale)?;
        let offset = take(n_offset)?;
        let landmarks = take(n_landmarks)?;
        let maps = Maps::from_outputs(heat, box_scale, offset, landmarks)
            .map_err(|m| FaceError::output(&model, m))?;
        let params = DecodeParams {
            threshold: self.config.score_threshold,
            nms_iou: self.config.nms_iou,
            scale: 1.0,
            width,
            height,
        };
        Ok(decode(&maps, &params))
    }
}

/// `face` from view pixels to image pixels (`to_image` has no rotation, so the box stays
/// axis-aligned), box clamped to the image `size`.
fn map_face(face: &Face, to_image: &Similarity, (w, h): (f32, f32)) -> Face {
    let map = |[x, y]: [f32; 2]| {
        let [u, v] = to_image.apply([f64::from(x), f64::from(y)]);
        [u as f32, v as f32]
    };
    let [x1, y1] = map([face.bbox.x1, face.bbox.y1]);
    let [x2, y2] = map([face.bbox.x2, face.bbox.y2]);
    Face {
        bbox: BBox {
            x1: x1.clamp(0.0, w),
            y1: y1.clamp(0.0, h),
            x2: x2.clamp(0.0, w),
            y2: y2.clamp(0.0, h),
        },
        landmarks: face.landmarks.map(map),
        score: face.score,
    }
}

/// The face with the largest box area.
pub fn largest(faces: &[Face]) -> Option<Face> {
    faces
        .iter()
        .copied()
        .max_by(|a, b| a.bbox.area().total_cmp(&b.bbox.area()))
}

/// `image` placed top-left in a zero tensor whose sides are multiples of 32:
/// `1 x 3 x H x W`, RGB 0..255 (what CenterFace was trained on).
fn to_input(image: &RgbImage) -> Array4<f32> {
    let (w, h) = image.dimensions();
    let pad = |v: u32| v.div_ceil(SIDE_MULTIPLE) * SIDE_MULTIPLE;
    let mut input = Array4::<f32>::zeros((1, 3, pad(h) as usize, pad(w) as usize));
    for (x, y, px) in image.enumerate_pixels() {
        for c in 0..3 {
            input[[0, c, y as usize, x as usize]] = f32::from(px[c]);
        }
    }
    input
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekyc_infer::ndarray::ArrayD;
    use ekyc_infer::InferError;
    use std::sync::Mutex;

    /// Fake CenterFace: records the input shape and answers with one face peak in the
    /// middle of the heatmap whose box is a quarter of the input width.
    struct FakeCenterFace {
        seen: Mutex<Vec<Vec<usize>>>,
        names: [&'static str; 4],
    }

    impl FakeCenterFace {
        fn new() -> Self {
            FakeCenterFace {
                seen: Mutex::new(Vec::new()),
                names: ["537", "538", "539", "540"],
            }
        }
    }

    impl Model for FakeCenterFace {
        fn name(&self) -> &str {
            "fake-centerface"
        }

        fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
            let input = inputs.first().ok_or(InferError::BadTensor {
                model: "fake".into(),
                message: "no input".into(),
            })?;
            let shape = input.data.shape().to_vec();
            if let Ok(mut seen) = self.seen.lock() {
                seen.push(shape.clone());
            }
            let (h, w) = (shape[2] / 4, shape[3] / 4);
            let mut heat = ArrayD::<f32>::zeros(vec![1, 1, h, w]);
            let mut scale = ArrayD::<f32>::zeros(vec![1, 2, h, w]);
            let offset = ArrayD::<f32>::zeros(vec![1, 2, h, w]);
            let mut lm = ArrayD::<f32>::zeros(vec![1, 10, h, w]);
            let (cy, cx) = (h / 2, w / 2);
            heat[[0, 0, cy, cx]] = 0.9;
            let side = (shape[3] as f32 / 4.0 / 4.0).ln();
            scale[[0, 0, cy, cx]] = side;
            scale[[0, 1, cy, cx]] = side;
            for j in 0..5 {
                lm[[0, 2 * j, cy, cx]] = 0.5;
                lm[[0, 2 * j + 1, cy, cx]] = 0.5;
            }
            let outs = [heat, scale, offset, lm];
            // Reverse order: the detector must find outputs by name, not position.
            Ok(self
                .names
                .iter()
                .zip(outs)
                .rev()
                .map(|(n, d)| NamedTensor::new(*n, d))
                .collect())
        }
    }

    #[test]
    fn resizes_to_multiples_of_32_and_maps_back() {
        let fake = Arc::new(FakeCenterFace::new());
        let detector = FaceDetector::new(fake.clone());
        let image = RgbImage::new(1280, 720);
        let faces = detector.detect(&image).expect("detect");
        let seen = fake.seen.lock().map(|s| s.clone()).unwrap_or_default();
        // 1280x720 at max side 640 -> 640x360 -> padded to 640x384.
        assert_eq!(seen, vec![vec![1, 3, 384, 640]]);
        assert_eq!(faces.len(), 1);
        let f = faces[0];
        // Box 160 input px wide = 320 image px; peak cell (48, 80) -> centre (322, 194) input
        // px, i.e. (644.5, 388.5) image px (pixel centres map onto pixel centres).
        assert!((f.bbox.width() - 320.0).abs() < 1e-2, "{f:?}");
        assert!((f.landmarks[2][0] - 644.5).abs() < 1e-2, "{f:?}");
        assert!((f.landmarks[2][1] - 388.5).abs() < 1e-2, "{f:?}");
        assert_eq!(largest(&faces), Some(f));
    }

    #[test]
    fn small_images_are_scaled_up_and_empty_ones_rejected() {
        let fake = Arc::new(FakeCenterFace::new());
        let detector = FaceDetector::new(fake.clone());
        detector.detect(&RgbImage::new(100, 200)).expect("detect");
        let seen = fake.seen.lock().map(|s| s.clone()).unwrap_or_default();
        assert_eq!(seen, vec![vec![1, 3, 640, 320]]);
        assert!(matches!(
            detector.detect(&RgbImage::new(0, 10)),
            Err(FaceError::BadInput(_))
        ));
    }

    #[test]
    fn missing_output_is_an_error() {
        let mut fake = FakeCenterFace::new();
        fake.names[3] = "other";
        let detector = FaceDetector::new(Arc::new(fake));
        let err = detector
            .detect(&RgbImage::new(64, 64))
            .expect_err("must fail");
        assert!(err.to_string().contains("no output `540`"), "{err}");
    }

    /// Fake CenterFace that "detects" the bounding box of bright pixels when it is at least
    /// 8 input pixels wide (like a real detector's size limit); records input shapes.
    #[derive(Default)]
    struct BrightSquare {
        seen: Mutex<Vec<Vec<usize>>>,
    }

    impl Model for BrightSquare {
        fn name(&self) -> &str {
            "bright-square"
        }

        fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
            let data = &inputs[0].data;
            let shape = data.shape().to_vec();
            if let Ok(mut seen) = self.seen.lock() {
                seen.push(shape.clone());
            }
            let (h, w) = (shape[2] / 4, shape[3] / 4);
            let mut maps = [1, 2, 2, 10].map(|c| ArrayD::<f32>::zeros(vec![1, c, h, w]));
            let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
            for y in 0..shape[2] {
                for x in 0..shape[3] {
                    if data[[0, 0, y, x]] > 128.0 {
                        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
                    }
                }
            }
            if x0 != usize::MAX && x1 - x0 >= 8 {
                let (bw, bh) = ((x1 - x0) as f32, (y1 - y0) as f32);
                let (cx, cy) = ((x0 + x1) as f32 / 2.0, (y0 + y1) as f32 / 2.0);
                let (gx, gy) = ((cx / 4.0) as usize, (cy / 4.0) as usize);
                maps[0][[0, 0, gy, gx]] = 0.9;
                maps[1][[0, 0, gy, gx]] = (bh / 4.0).ln();
                maps[1][[0, 1, gy, gx]] = (bw / 4.0).ln();
                maps[2][[0, 0, gy, gx]] = cy / 4.0 - gy as f32 - 0.5;
                maps[2][[0, 1, gy, gx]] = cx / 4.0 - gx as f32 - 0.5;
                for j in 0..5 {
                    // Every landmark at 30 % / 40 % of the box.
                    maps[3][[0, 2 * j, gy, gx]] = 0.4;
                    maps[3][[0, 2 * j + 1, gy, gx]] = 0.3;
                }
            }
            let names = ["537", "538", "539", "540"];
            Ok(names
                .iter()
                .zip(maps)
                .map(|(n, d)| NamedTensor::new(*n, d))
                .collect())
        }
    }

    fn square_image(w: u32, h: u32, at: (u32, u32), side: u32) -> RgbImage {
        let mut image = RgbImage::new(w, h);
        for y in at.1..at.1 + side {
            for x in at.0..at.0 + side {
                image.put_pixel(x, y, image::Rgb([255, 255, 255]));
            }
        }
        image
    }

    #[test]
    fn largest_uses_coarse_pass_then_refines() {
        let fake = Arc::new(BrightSquare::default());
        let detector = FaceDetector::new(fake.clone());
        let image = square_image(1000, 800, (600, 300), 200);
        let face = detector
            .detect_largest(&image)
            .expect("detect")
            .expect("a face");
        let seen = fake.seen.lock().map(|s| s.clone()).unwrap_or_default();
        // Coarse 256x205 (padded to 256x224), then the 160x160 close-up; no 640 pass.
        assert_eq!(seen, vec![vec![1, 3, 224, 256], vec![1, 3, 160, 160]]);
        let b = face.bbox;
        for (got, want) in [(b.x1, 600.0), (b.y1, 300.0), (b.x2, 800.0), (b.y2, 500.0)] {
            assert!((got - want).abs() < 3.0, "{b:?}");
        }
        assert!((face.landmarks[0][0] - 660.0).abs() < 3.0, "{face:?}");
        assert!((face.landmarks[0][1] - 380.0).abs() < 3.0, "{face:?}");
    }

    #[test]
    fn largest_falls_back_to_full_size_for_small_faces() {
        let fake = Arc::new(BrightSquare::default());
        let detector = FaceDetector::new(fake.clone());
        // 16 px in 1280: ~3 px at the coarse size (missed), 8 px at 640 (found).
        let image = square_image(1280, 640, (900, 200), 16);
        let face = detector
            .detect_largest(&image)
            .expect("detect")
            .expect("a face");
        let seen = fake.seen.lock().map(|s| s.clone()).unwrap_or_default();
        let sides: Vec<usize> = seen.iter().map(|s| s[3]).collect();
        assert_eq!(sides, vec![256, 640, 160]);
        assert!((face.bbox.x1 - 900.0).abs() < 1.5, "{face:?}");
        assert!((face.bbox.width() - 16.0).abs() < 1.5, "{face:?}");
        let nothing = RgbImage::new(300, 200);
        assert_eq!(detector.detect_largest(&nothing).expect("detect"), None);
    }

    #[test]
    fn input_tensor_holds_rgb_values_top_left() {
        let mut image = RgbImage::new(64, 32);
        image.put_pixel(3, 5, image::Rgb([10, 20, 30]));
        let input = to_input(&image);
        assert_eq!(input.shape(), &[1, 3, 32, 64]);
        assert_eq!(
            [
                input[[0, 0, 5, 3]],
                input[[0, 1, 5, 3]],
                input[[0, 2, 5, 3]]
            ],
            [10.0, 20.0, 30.0]
        );
    }
}

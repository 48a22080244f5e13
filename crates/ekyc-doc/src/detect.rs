//! Text detection with a DB (differentiable binarisation) net such as PP-OCR's: image → text
//! probability map → binary map → connected components → rotated boxes, grown back ("unclip")
//! because the net is trained on shrunk text regions.

use std::sync::Arc;

use ekyc_infer::ndarray::{Array4, ArrayD};
use ekyc_infer::{Model, NamedTensor};
use image::imageops::{self, FilterType};
use image::RgbImage;

use crate::components::components;
use crate::error::DocError;
use crate::geometry::{min_area_rect, Point, RotatedRect};
use crate::shrink::area_shrink;

/// Tuning of [`TextDetector`]; the defaults are PP-OCR's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectorOptions {
    /// The longer image side is scaled to this (then rounded to a multiple of 32); small images
    /// are enlarged too, at most [`MAX_UPSCALE`] times, since thin strokes (MRZ fillers) vanish
    /// from the probability map at low resolution.
    pub max_side: u32,
    /// Probability above which a map pixel is text.
    pub threshold: f32,
    /// Regions whose mean probability is below this are dropped.
    pub box_threshold: f32,
    /// How much a region is grown back: offset = area × ratio / perimeter.
    pub unclip_ratio: f32,
    /// Regions with a shorter side (map pixels) are dropped.
    pub min_size: f32,
    pub max_boxes: usize,
}

impl Default for DetectorOptions {
    fn default() -> Self {
        DetectorOptions {
            max_side: 640,
            threshold: 0.3,
            box_threshold: 0.6,
            unclip_ratio: 1.5,
            min_size: 3.0,
            max_boxes: 1000,
        }
    }
}

/// A detected text region in the input image's coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBox {
    /// Canonical (width ≥ height, width axis pointing rightwards).
    pub rect: RotatedRect,
    /// Mean text probability inside the region.
    pub score: f32,
}

/// Finds text regions with a DB net behind the [`Model`] trait (input `x`, NCHW, first output
/// a N×1×H×W probability map).
pub struct TextDetector {
    model: Arc<dyn Model>,
    opts: DetectorOptions,
}

// ImageNet statistics in the B, G, R order PP-OCR feeds its nets (OpenCV images are BGR).
const MEAN_BGR: [f32; 3] = [0.485, 0.456, 0.406];
const STD_BGR: [f32; 3] = [0.229, 0.224, 0.225];

impl TextDetector {
    pub fn new(model: Arc<dyn Model>, opts: DetectorOptions) -> TextDetector {
        TextDetector { model, opts }
    }

    /// Text boxes in `image`, in no particular order.
    pub fn detect(&self, image: &RgbImage) -> Result<Vec<TextBox>, DocError> {
        self.detect_at(image, self.opts.max_side)
    }

    /// As [`TextDetector::detect`] with the longer side scaled to `max_side` instead of the
    /// configured one (a cheap first look at a page).
    pub fn detect_at(&self, image: &RgbImage, max_side: u32) -> Result<Vec<TextBox>, DocError> {
        let (w, h) = image.dimensions();
        if w < 8 || h < 8 {
            return Ok(Vec::new());
        }
        let (in_w, in_h) = input_size(w, h, max_side);
        // Shrinking by area averaging is several times faster than a filtered resize of a
        // phone photo and loses no text the net could see.
        let resized = if in_w < w && in_h < h {
            area_shrink(image, in_w, in_h)
        } else {
            imageops::resize(image, in_w, in_h, FilterType::Triangle)
        };
        let input = to_tensor(&resized);
        let outputs = self.model.run(&[NamedTensor::new("x", input)])?;
        let map = outputs
            .into_iter()
            .next()
            .ok_or_else(|| self.bad("no output".into()))?
            .data;
        let (map_h, map_w) = map_dims(&map).ok_or_else(|| {
            self.bad(format!(
                "expected a N×1×H×W map, got shape {:?}",
                map.shape()
            ))
        })?;
        let scores: Vec<f32> = map.iter().take(map_w * map_h).copied().collect();
        let scale = Point::new(w as f32 / map_w as f32, h as f32 / map_h as f32);
        Ok(self.boxes(&scores, (map_w, map_h), scale))
    }

    fn boxes(&self, scores: &[f32], (map_w, map_h): (usize, usize), scale: Point) -> Vec<TextBox> {
        let o = &self.opts;
        let regions = components(scores, map_w, map_h, o.threshold, o.max_boxes);
        let mut out = Vec::new();
        for region in regions {
            if region.mean_score < o.box_threshold {
                continue;
            }
            let Some(rect) = min_area_rect(&region.outline) else {
                continue;
            };
            if rect.height < o.min_size {
                continue;
            }
            let offset =
                rect.width * rect.height * o.unclip_ratio / (2.0 * (rect.width + rect.height));
            let grown = rect.expanded(offset, offset);
            let corners = grown
                .corners()
                .map(|p| Point::new(p.x * scale.x, p.y * scale.y));
            let Some(rect) = min_area_rect(&corners) else {
                continue;
            };
            out.push(TextBox {
                rect,
                score: region.mean_score,
            });
        }
        out
    }

    fn bad(&self, message: String) -> DocError {
        DocError::BadOutput {
            model: self.model.name().to_string(),
            message,
        }
    }
}

/// Largest enlargement of a small image before detection.
pub const MAX_UPSCALE: f32 = 3.0;

/// Net input size: longer side near `max_side`, both sides multiples of 32 (at least 32).
pub fn input_size(w: u32, h: u32, max_side: u32) -> (u32, u32) {
    let long = w.max(h).max(1) as f32;
    let ratio = (max_side as f32 / long).min(MAX_UPSCALE);
    let round32 = |v: u32| (((v as f32 * ratio) / 32.0).round() as u32).max(1) * 32;
    (round32(w), round32(h))
}

/// NCHW f32, BGR channel order, ImageNet normalisation.
fn to_tensor(image: &RgbImage) -> ArrayD<f32> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let plane = w * h;
    let mut data = vec![0f32; 3 * plane];
    for (i, p) in image.pixels().enumerate() {
        for c in 0..3 {
            let v = p.0[2 - c] as f32 / 255.0;
            data[c * plane + i] = (v - MEAN_BGR[c]) / STD_BGR[c];
        }
    }
    // The length matches the shape by construction; an empty tensor is the impossible fallback.
    Array4::from_shape_vec((1, 3, h, w), data)
        .map(|a| a.into_dyn())
        .unwrap_or_else(|_| ArrayD::zeros(vec![1, 3, 0, 0]))
}

/// (H, W) of a probability map shaped N×1×H×W, 1×H×W or H×W.
fn map_dims(map: &ArrayD<f32>) -> Option<(usize, usize)> {
    let s = map.shape();
    let (h, w) = match s.len() {
        2 => (s[0], s[1]),
        3 | 4 => (s[s.len() - 2], s[s.len() - 1]),
        _ => return None,
    };
    (h > 0 && w > 0).then_some((h, w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekyc_infer::InferError;
    use image::Rgb;

    /// Fake DB net: marks dark input pixels as text, with the same spatial size as the input.
    struct DarkIsText;

    impl Model for DarkIsText {
        fn name(&self) -> &str {
            "dark-is-text"
        }
        fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
            let x = &inputs[0].data;
            let s = x.shape().to_vec();
            let map = ArrayD::from_shape_fn(vec![1, 1, s[2], s[3]], |i| {
                // Channel 0 normalised: dark pixels are strongly negative.
                if x[[0, 0, i[2], i[3]]] < -1.0 {
                    0.95
                } else {
                    0.0
                }
            });
            Ok(vec![NamedTensor::new("map", map)])
        }
    }

    #[test]
    fn input_sizes_are_multiples_of_32() {
        assert_eq!(input_size(1920, 1080, 960), (960, 544));
        assert_eq!(input_size(100, 50, 960), (288, 160));
        assert_eq!(input_size(10, 10, 960), (32, 32));
    }

    #[test]
    fn finds_a_rotated_bar_and_scales_it_back() {
        // A 200×12 dark bar turned by ~10°, in a 640×480 image.
        let angle = 10f32.to_radians();
        let truth = RotatedRect {
            center: Point::new(320.0, 240.0),
            width: 200.0,
            height: 12.0,
            angle,
        };
        let (u, v) = (truth.axis_u(), truth.axis_v());
        let image = RgbImage::from_fn(640, 480, |x, y| {
            let (dx, dy) = (x as f32 + 0.5 - 320.0, y as f32 + 0.5 - 240.0);
            let (a, b) = (dx * u.x + dy * u.y, dx * v.x + dy * v.y);
            if a.abs() < 100.0 && b.abs() < 6.0 {
                Rgb([0, 0, 0])
            } else {
                Rgb([255, 255, 255])
            }
        });
        let det = TextDetector::new(Arc::new(DarkIsText), DetectorOptions::default());
        let boxes = det.detect(&image).expect("detect");
        assert_eq!(boxes.len(), 1, "{boxes:?}");
        let r = boxes[0].rect;
        assert!((r.angle - angle).abs() < 0.03, "{r:?}");
        // Grown by the unclip offset (≈ 8.5 px on each side) around the 200×12 bar.
        assert!(r.width > 210.0 && r.width < 225.0, "{r:?}");
        assert!(r.height > 20.0 && r.height < 35.0, "{r:?}");
        assert!((r.center.x - 320.0).abs() < 2.0 && (r.center.y - 240.0).abs() < 2.0);
    }

    #[test]
    fn tiny_images_and_bad_outputs() {
        let det = TextDetector::new(Arc::new(DarkIsText), DetectorOptions::default());
        assert!(det.detect(&RgbImage::new(3, 3)).expect("tiny").is_empty());

        struct Flat;
        impl Model for Flat {
            fn name(&self) -> &str {
                "flat"
            }
            fn run(&self, _: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
                Ok(vec![NamedTensor::new("y", ArrayD::zeros(vec![5]))])
            }
        }
        let det = TextDetector::new(Arc::new(Flat), DetectorOptions::default());
        let err = det.detect(&RgbImage::new(64, 64)).expect_err("1-D map");
        assert!(matches!(err, DocError::BadOutput { .. }), "{err}");
    }
}

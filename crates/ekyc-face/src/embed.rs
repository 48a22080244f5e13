//! Face descriptors: an aligned chip -> 128 numbers; Euclidean distance compares faces.

use std::sync::Arc;

use ekyc_infer::ndarray::{Array4, Ix2};
use ekyc_infer::{Model, NamedTensor};
use image::RgbImage;
use serde::{Deserialize, Serialize};

use crate::align::CHIP_SIZE;
use crate::error::FaceError;

/// Length of a descriptor.
pub const DESCRIPTOR_LEN: usize = 128;

/// dlib's decision threshold for this net: below it, the same person (on LFW).
pub const DLIB_SAME_PERSON_DISTANCE: f32 = 0.6;

/// A face descriptor (`DESCRIPTOR_LEN` values).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Descriptor(pub Vec<f32>);

impl Descriptor {
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }
}

/// Euclidean distance between two descriptors (smaller = more alike). Descriptors of
/// different lengths never come from the same net: the distance is then infinite.
pub fn distance(a: &Descriptor, b: &Descriptor) -> f32 {
    if a.0.len() != b.0.len() {
        return f32::INFINITY;
    }
    a.0.iter()
        .zip(&b.0)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f32>()
        .sqrt()
}

/// Names of the descriptor net's tensors (as built by the project's converter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedderConfig {
    pub input_name: String,
    pub output_name: String,
}

impl Default for EmbedderConfig {
    fn default() -> Self {
        EmbedderConfig {
            input_name: "image".into(),
            output_name: "descriptor".into(),
        }
    }
}

/// Runs the `face_recognition` model on 150x150 chips from [`crate::align`].
#[derive(Clone)]
pub struct FaceEmbedder {
    model: Arc<dyn Model>,
    config: EmbedderConfig,
}

impl FaceEmbedder {
    pub fn new(model: Arc<dyn Model>) -> FaceEmbedder {
        FaceEmbedder::with_config(model, EmbedderConfig::default())
    }

    pub fn with_config(model: Arc<dyn Model>, config: EmbedderConfig) -> FaceEmbedder {
        FaceEmbedder { model, config }
    }

    /// Descriptor of one chip.
    pub fn embed(&self, chip: &RgbImage) -> Result<Descriptor, FaceError> {
        let mut all = self.embed_batch(std::slice::from_ref(chip))?;
        all.pop()
            .ok_or_else(|| FaceError::output(self.model.name(), "no descriptor returned"))
    }

    /// Descriptors of several chips in one model run.
    pub fn embed_batch(&self, chips: &[RgbImage]) -> Result<Vec<Descriptor>, FaceError> {
        if chips.is_empty() {
            return Ok(Vec::new());
        }
        let side = CHIP_SIZE as usize;
        let mut input = Array4::<f32>::zeros((chips.len(), 3, side, side));
        for (n, chip) in chips.iter().enumerate() {
            if chip.dimensions() != (CHIP_SIZE, CHIP_SIZE) {
                return Err(FaceError::BadInput(format!(
                    "chip is {}x{}, expected {CHIP_SIZE}x{CHIP_SIZE} (use align)",
                    chip.width(),
                    chip.height()
                )));
            }
            // The graph normalises by itself: it takes RGB 0..255, NCHW.
            for (x, y, px) in chip.enumerate_pixels() {
                for c in 0..3 {
                    input[[n, c, y as usize, x as usize]] = f32::from(px[c]);
                }
            }
        }
        let name = self.model.name().to_string();
        let outputs = self.model.run(&[NamedTensor::new(
            self.config.input_name.as_str(),
            input.into_dyn(),
        )])?;
        let out = outputs
            .into_iter()
            .find(|t| t.name == self.config.output_name)
            .ok_or_else(|| {
                FaceError::output(&name, format!("no output `{}`", self.config.output_name))
            })?;
        let shape = out.data.shape().to_vec();
        let out = out
            .data
            .into_dimensionality::<Ix2>()
            .map_err(|_| FaceError::output(&name, format!("expected [N, 128], got {shape:?}")))?;
        if out.dim() != (chips.len(), DESCRIPTOR_LEN) {
            return Err(FaceError::output(
                &name,
                format!(
                    "expected [{}, {DESCRIPTOR_LEN}], got {shape:?}",
                    chips.len()
                ),
            ));
        }
        if out.iter().any(|v| !v.is_finite()) {
            return Err(FaceError::output(&name, "descriptor is not finite"));
        }
        Ok(out
            .rows()
            .into_iter()
            .map(|r| Descriptor(r.to_vec()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekyc_infer::ndarray::{Array2, Axis};
    use ekyc_infer::InferError;

    /// Fake net: descriptor[i] = mean of channel (i % 3) / 255, so chips of different colour
    /// get different descriptors. `width` lets a test return a wrong shape.
    struct FakeNet {
        width: usize,
    }

    impl Model for FakeNet {
        fn name(&self) -> &str {
            "fake-net"
        }

        fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
            let input = inputs
                .iter()
                .find(|t| t.name == "image")
                .ok_or(InferError::BadTensor {
                    model: "fake-net".into(),
                    message: "no input `image`".into(),
                })?;
            let n = input.data.shape()[0];
            let mut out = Array2::<f32>::zeros((n, self.width));
            for (b, item) in input.data.axis_iter(Axis(0)).enumerate() {
                let means: Vec<f32> = item
                    .axis_iter(Axis(0))
                    .map(|ch| ch.mean().unwrap_or(0.0) / 255.0)
                    .collect();
                for i in 0..self.width {
                    out[[b, i]] = means[i % 3];
                }
            }
            Ok(vec![NamedTensor::new("descriptor", out.into_dyn())])
        }
    }

    fn chip(rgb: [u8; 3]) -> RgbImage {
        RgbImage::from_pixel(CHIP_SIZE, CHIP_SIZE, image::Rgb(rgb))
    }

    #[test]
    fn embeds_batches_in_order_and_measures_distance() {
        let embedder = FaceEmbedder::new(Arc::new(FakeNet { width: 128 }));
        let out = embedder
            .embed_batch(&[chip([255, 0, 0]), chip([0, 0, 0])])
            .expect("embed");
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].0.len(), DESCRIPTOR_LEN);
        assert_eq!(&out[0].0[..3], &[1.0, 0.0, 0.0]);
        // 43 of the 128 entries differ by exactly 1.
        assert!((distance(&out[0], &out[1]) - 43f32.sqrt()).abs() < 1e-5);
        let single = embedder.embed(&chip([255, 0, 0])).expect("embed");
        assert_eq!(single, out[0]);
        assert_eq!(distance(&single, &single), 0.0);
        assert_eq!(distance(&single, &Descriptor(vec![0.0; 3])), f32::INFINITY);
        assert!(embedder.embed_batch(&[]).expect("empty").is_empty());
    }

    #[test]
    fn rejects_wrong_chip_size_and_wrong_output_shape() {
        let embedder = FaceEmbedder::new(Arc::new(FakeNet { width: 128 }));
        let err = embedder.embed(&RgbImage::new(100, 150)).expect_err("size");
        assert!(matches!(err, FaceError::BadInput(_)), "{err}");
        let bad = FaceEmbedder::new(Arc::new(FakeNet { width: 64 }));
        let err = bad.embed(&chip([1, 2, 3])).expect_err("shape");
        assert!(err.to_string().contains("expected [1, 128]"), "{err}");
        let renamed = FaceEmbedder::with_config(
            Arc::new(FakeNet { width: 128 }),
            EmbedderConfig {
                input_name: "image".into(),
                output_name: "other".into(),
            },
        );
        assert!(renamed.embed(&chip([1, 2, 3])).is_err());
    }
}

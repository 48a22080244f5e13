//! Detect + align + embed wired together over the models of an [`Engine`].

use ekyc_infer::Engine;
use image::RgbImage;

use crate::align::align;
use crate::detect::FaceDetector;
use crate::embed::{Descriptor, FaceEmbedder};
use crate::error::FaceError;
use crate::geometry::Face;

/// Manifest name of the detector model.
pub const DETECTOR_MODEL: &str = "centerface";
/// Manifest name of the descriptor model.
pub const EMBEDDER_MODEL: &str = "face_recognition";

/// The whole face pipeline with default settings.
#[derive(Clone)]
pub struct FacePipeline {
    pub detector: FaceDetector,
    pub embedder: FaceEmbedder,
}

impl FacePipeline {
    /// Build from an engine that loaded [`DETECTOR_MODEL`] and [`EMBEDDER_MODEL`].
    pub fn from_engine(engine: &Engine) -> Result<FacePipeline, FaceError> {
        Ok(FacePipeline {
            detector: FaceDetector::new(engine.model(DETECTOR_MODEL)?),
            embedder: FaceEmbedder::new(engine.model(EMBEDDER_MODEL)?),
        })
    }

    /// The largest face of `image` and its descriptor; `None` when no face is found.
    pub fn describe_largest(
        &self,
        image: &RgbImage,
    ) -> Result<Option<(Face, Descriptor)>, FaceError> {
        let Some(face) = self.detector.detect_largest(image)? else {
            return Ok(None);
        };
        let chip = align(image, &face)?;
        Ok(Some((face, self.embedder.embed(&chip)?)))
    }
}

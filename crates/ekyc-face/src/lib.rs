//! Faces: detection with 5 landmarks (CenterFace), alignment to a dlib-style 150x150 chip, and
//! 128-D descriptors (dlib's ResNet metric net) compared by Euclidean distance.
//!
//! Models are [`ekyc_infer::Model`] trait objects, so each stage can be tested with a fake:
//! - [`FaceDetector`]: any image size; boxes, 5 points and a score in image pixels.
//! - [`align`]: similarity transform (least squares) of the 5 points onto [`CHIP_TEMPLATE`].
//! - [`FaceEmbedder`]: chip -> [`Descriptor`]; [`distance`] compares two.
//! - [`FacePipeline`]: the three wired together over an [`ekyc_infer::Engine`].

mod align;
pub mod calibration;
pub mod compare;
mod decode;
mod detect;
mod embed;
mod error;
mod geometry;
mod pipeline;
pub mod roc;
mod warp;

pub use align::{align, chip_transform, CHIP_SIZE, CHIP_TEMPLATE};
pub use compare::{compare, CompareError, CompareOptions, Comparison, QualityFloor};
pub use detect::{largest, DetectorConfig, FaceDetector, REFINE_CONTEXT};
pub use embed::{
    distance, Descriptor, EmbedderConfig, FaceEmbedder, DESCRIPTOR_LEN, DLIB_SAME_PERSON_DISTANCE,
};
pub use error::FaceError;
pub use geometry::{landmark, BBox, Face, Similarity};
pub use pipeline::{FacePipeline, DETECTOR_MODEL, EMBEDDER_MODEL};

//! Faces: detection with 5 landmarks (CenterFace), alignment to a dlib-style 150x150 chip, and
//! 128-D descriptors (dlib's ResNet metric net) compared by Euclidean distance.
//!
//! Models are [`ekyc_infer::Model`] trait objects, so each stage can be tested with a fake:
//! - [`FaceDetector`]: any image size; boxes, 5 points and a score in image pixels.
//! - [`align`]: similarity transform (least squares) of the 5 points onto [`CHIP_TEMPLATE`].
//! - [`FaceEmbedder`]: chip -> [`Descriptor`]; [`distance`] compares two.
//! - [`FacePipeline`]: the three wired together over an [`ekyc_infer::Engine`].
//! - [`FaceMesh`]: 468 dense landmarks (MediaPipe face mesh) of a detected face, and the
//!   liveness signals read off the [`Mesh`]: eye/mouth aspect ratios and [`HeadPose`];
//!   [`EyeRefiner`] re-places the eyelids with the iris net so blinks show.

mod align;
pub mod calibration;
pub mod compare;
mod decode;
mod detect;
mod embed;
mod error;
mod eyes;
mod geometry;
mod head_pose;
mod mesh;
mod mesh_metrics;
pub mod photo_checks;
mod pipeline;
mod rigid3;
pub mod roc;
pub mod spoof;
mod warp;

pub use align::{align, chip_transform, CHIP_SIZE, CHIP_TEMPLATE};
pub use compare::{compare, CompareError, CompareOptions, Comparison, QualityFloor};
pub use detect::{largest, DetectorConfig, FaceDetector, REFINE_CONTEXT};
pub use embed::{
    distance, Descriptor, EmbedderConfig, FaceEmbedder, DESCRIPTOR_LEN, DLIB_SAME_PERSON_DISTANCE,
};
pub use error::FaceError;
pub use eyes::{
    EyeConfig, EyeRefiner, EYELID_IMAGE_LEFT, EYELID_IMAGE_RIGHT, EYE_SIDE, IRIS_MODEL,
};
pub use geometry::{landmark, BBox, Face, Similarity};
pub use head_pose::HeadPose;
pub use mesh::{crop_transform, FaceMesh, MeshConfig, MESH_MODEL, MESH_SIDE};
pub use mesh_metrics::{
    EyeAspect, Mesh, EYE_IMAGE_LEFT, EYE_IMAGE_RIGHT, MESH_POINTS, MOUTH_CORNERS, MOUTH_GAPS,
};
pub use pipeline::{FacePipeline, DETECTOR_MODEL, EMBEDDER_MODEL};

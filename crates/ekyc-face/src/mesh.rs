//! Dense landmarks with the MediaPipe face mesh: crop the detected face upright, run the
//! `face_mesh` model, map its 468 points back to the image (then, optionally, refine the
//! eyelids with [`EyeRefiner`]).

use std::sync::Arc;

use ekyc_infer::ndarray::Array4;
use ekyc_infer::{Model, NamedTensor};
use image::RgbImage;

use crate::error::FaceError;
use crate::eyes::EyeRefiner;
use crate::geometry::{landmark, Face, Similarity};
use crate::mesh_metrics::{Mesh, MESH_POINTS};
use crate::warp::{warp, Quality};

/// Manifest name of the dense-landmark model.
pub const MESH_MODEL: &str = "face_mesh";

/// Side of the mesh model's square input.
pub const MESH_SIDE: u32 = 192;

/// Settings for [`FaceMesh`]; the defaults suit the pinned `face_mesh` model.
#[derive(Debug, Clone, PartialEq)]
pub struct MeshConfig {
    /// Crop side in face-box sides (the longer one), as MediaPipe crops its detections.
    pub context: f32,
    pub input_name: String,
    pub landmarks_name: String,
    pub presence_name: String,
}

impl Default for MeshConfig {
    fn default() -> Self {
        MeshConfig {
            context: 1.5,
            input_name: "image".into(),
            landmarks_name: "landmarks".into(),
            presence_name: "presence".into(),
        }
    }
}

/// Runs the `face_mesh` model on faces found by [`crate::FaceDetector`], optionally refining
/// the eyelids with an [`EyeRefiner`] (needed to see blinks).
#[derive(Clone)]
pub struct FaceMesh {
    model: Arc<dyn Model>,
    config: MeshConfig,
    eyes: Option<EyeRefiner>,
}

impl FaceMesh {
    pub fn new(model: Arc<dyn Model>) -> FaceMesh {
        FaceMesh::with_config(model, MeshConfig::default())
    }

    pub fn with_config(model: Arc<dyn Model>, config: MeshConfig) -> FaceMesh {
        FaceMesh {
            model,
            config,
            eyes: None,
        }
    }

    /// Also refine the eyelid points with `eyes` (one more model run per face).
    pub fn with_eyes(mut self, eyes: EyeRefiner) -> FaceMesh {
        self.eyes = Some(eyes);
        self
    }

    pub fn config(&self) -> &MeshConfig {
        &self.config
    }

    /// The 468 landmarks of `face` in `image` pixels, and the model's face-presence score.
    pub fn landmarks(&self, image: &RgbImage, face: &Face) -> Result<Mesh, FaceError> {
        if image.width() == 0 || image.height() == 0 {
            return Err(FaceError::BadInput("empty image".into()));
        }
        let to_image = crop_transform(face, self.config.context)?;
        // One sample per pixel after block averaging, as MediaPipe's own bilinear crop.
        let crop = warp(image, &to_image, (MESH_SIDE, MESH_SIDE), Quality::Fast);
        let (raw, face_presence) = self.run(&crop)?;
        // The model's x, y are continuous crop coordinates (pixel c spans c..c+1); the warp
        // puts crop pixel centres at integers. Depth scales like x and y.
        let scale = to_image.scale() as f32;
        let points = raw
            .iter()
            .map(|&[x, y, z]| {
                let [ix, iy] = to_image.apply([f64::from(x) - 0.5, f64::from(y) - 0.5]);
                [ix as f32, iy as f32, z * scale]
            })
            .collect();
        let mut mesh = Mesh::new(points, face_presence)
            .map_err(|e| FaceError::output(self.model.name(), e.to_string()))?;
        if let Some(eyes) = &self.eyes {
            eyes.refine(image, &mut mesh)?;
        }
        Ok(mesh)
    }

    /// Crop points `[x, y, z]` in crop pixels, and the presence score.
    fn run(&self, crop: &RgbImage) -> Result<(Vec<[f32; 3]>, f32), FaceError> {
        let side = MESH_SIDE as usize;
        let input = Array4::from_shape_vec((1, 3, side, side), planar_rgb(crop))
            .map_err(|e| FaceError::BadInput(format!("crop: {e}")))?;
        let name = self.model.name().to_string();
        let outputs = self.model.run(&[NamedTensor::new(
            self.config.input_name.as_str(),
            input.into_dyn(),
        )])?;
        let find = |wanted: &str| {
            outputs
                .iter()
                .find(|t| t.name == wanted)
                .ok_or_else(|| FaceError::output(&name, format!("no output `{wanted}`")))
        };
        let landmarks = find(&self.config.landmarks_name)?;
        let presence = find(&self.config.presence_name)?;
        if landmarks.data.len() != MESH_POINTS * 3 {
            return Err(FaceError::output(
                &name,
                format!(
                    "expected {MESH_POINTS}x3 landmarks, got shape {:?}",
                    landmarks.data.shape()
                ),
            ));
        }
        let (1, Some(&score)) = (presence.data.len(), presence.data.iter().next()) else {
            return Err(FaceError::output(
                &name,
                format!(
                    "expected one presence score, got shape {:?}",
                    presence.data.shape()
                ),
            ));
        };
        let flat: Vec<f32> = landmarks.data.iter().copied().collect();
        let points = flat.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
        Ok((points, score))
    }
}

/// RGB 0..255 as planar (CHW) floats: what the MediaPipe graphs take (they scale by
/// themselves).
pub(crate) fn planar_rgb(image: &RgbImage) -> Vec<f32> {
    let raw = image.as_raw();
    let mut out = Vec::with_capacity(raw.len());
    for c in 0..3 {
        out.extend(raw.iter().skip(c).step_by(3).map(|&v| f32::from(v)));
    }
    out
}

/// Crop pixel -> image transform: a square `context` times the face box's longer side,
/// centred on the box, turned so the eye line is horizontal (MediaPipe's face ROI).
pub fn crop_transform(face: &Face, context: f32) -> Result<Similarity, FaceError> {
    let b = &face.bbox;
    let box_side = f64::from(b.width().max(b.height()));
    let side = box_side * f64::from(context);
    if !(side.is_finite() && side > 0.0) {
        return Err(FaceError::BadInput(format!(
            "face box {b:?} with context {context} is empty"
        )));
    }
    let [lx, ly] = face.landmarks[landmark::EYE_IMAGE_LEFT].map(f64::from);
    let [rx, ry] = face.landmarks[landmark::EYE_IMAGE_RIGHT].map(f64::from);
    let angle = if (rx - lx).is_finite() && (ry - ly).is_finite() && (rx, ry) != (lx, ly) {
        (ry - ly).atan2(rx - lx)
    } else {
        0.0
    };
    let s = side / f64::from(MESH_SIDE);
    let (a, bb) = (s * angle.cos(), s * angle.sin());
    let centre = [f64::from(b.x1 + b.x2) / 2.0, f64::from(b.y1 + b.y2) / 2.0];
    // Crop pixel centre (c, r) sits (c - half, r - half) crop pixels from the crop centre.
    let half = f64::from(MESH_SIDE) / 2.0 - 0.5;
    Ok(Similarity {
        a,
        b: bb,
        tx: centre[0] - (a * half - bb * half),
        ty: centre[1] - (bb * half + a * half),
    })
}

#[cfg(test)]
#[path = "mesh_tests.rs"]
mod tests;

//! Eyelid refinement with MediaPipe's iris landmark net: the face mesh alone hardly closes its
//! eyelids in a blink, so each eye is re-measured on a close 64x64 crop and the mesh's 16
//! eyelid points are replaced (as MediaPipe's "refined" face mesh does).

use std::sync::Arc;

use ekyc_infer::ndarray::Array4;
use ekyc_infer::{Model, NamedTensor};
use image::imageops::flip_horizontal;
use image::RgbImage;

use crate::error::FaceError;
use crate::geometry::Similarity;
use crate::mesh::planar_rgb;
use crate::mesh_metrics::Mesh;
use crate::warp::{warp, Quality};

/// Manifest name of the eye/iris model.
pub const IRIS_MODEL: &str = "iris_landmark";

/// Side of the iris net's square input.
pub const EYE_SIDE: u32 = 64;

/// Points of the net's eye contour in the output.
const CONTOUR_POINTS: usize = 71;

/// Mesh indices of the first 16 eye-contour points (lower lid corner to corner, then upper lid
/// without corners) for the eye on the image's left (the subject's right eye)...
pub const EYELID_IMAGE_LEFT: [usize; 16] = [
    33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173,
];
/// ... and on the image's right. Both start at the outer corner.
pub const EYELID_IMAGE_RIGHT: [usize; 16] = [
    263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398,
];

/// Settings for [`EyeRefiner`]; the defaults suit the pinned `iris_landmark` model.
#[derive(Debug, Clone, PartialEq)]
pub struct EyeConfig {
    /// Crop side in eye-corner distances (MediaPipe's 2.3).
    pub context: f32,
    pub input_name: String,
    pub contour_name: String,
}

impl Default for EyeConfig {
    fn default() -> Self {
        EyeConfig {
            context: 2.3,
            input_name: "image".into(),
            contour_name: "eye_contour".into(),
        }
    }
}

/// Moves a mesh's eyelid points to where the `iris_landmark` net puts them.
#[derive(Clone)]
pub struct EyeRefiner {
    model: Arc<dyn Model>,
    config: EyeConfig,
}

/// One eye crop: image -> crop transform and whether the crop was mirrored.
struct EyeCrop {
    to_image: Similarity,
    mirrored: bool,
}

impl EyeRefiner {
    pub fn new(model: Arc<dyn Model>) -> EyeRefiner {
        EyeRefiner::with_config(model, EyeConfig::default())
    }

    pub fn with_config(model: Arc<dyn Model>, config: EyeConfig) -> EyeRefiner {
        EyeRefiner { model, config }
    }

    /// Replace the x, y of both eyes' [`EYELID_IMAGE_LEFT`] / [`EYELID_IMAGE_RIGHT`] points
    /// (depth is kept: it is on the mesh's scale). Both eyes run in one batch.
    pub fn refine(&self, image: &RgbImage, mesh: &mut Mesh) -> Result<(), FaceError> {
        // The net knows the subject's left eye; the other one is shown mirrored (MediaPipe's
        // convention). Corners are given left to right in the image either way.
        let eyes = [(&EYELID_IMAGE_LEFT, false), (&EYELID_IMAGE_RIGHT, true)];
        let mut crops = Vec::with_capacity(2);
        let mut planes = Vec::with_capacity(2 * 3 * (EYE_SIDE * EYE_SIDE) as usize);
        for (lid, mirrored) in &eyes {
            let (outer, inner) = (mesh.points()[lid[0]], mesh.points()[lid[8]]);
            let (left, right) = if *mirrored {
                (inner, outer)
            } else {
                (outer, inner)
            };
            let to_image = self.eye_transform([left[0], left[1]], [right[0], right[1]])?;
            let mut crop = warp(image, &to_image, (EYE_SIDE, EYE_SIDE), Quality::Fine);
            if *mirrored {
                crop = flip_horizontal(&crop);
            }
            planes.extend(planar_rgb(&crop));
            crops.push(EyeCrop {
                to_image,
                mirrored: *mirrored,
            });
        }
        let side = EYE_SIDE as usize;
        let input = Array4::from_shape_vec((eyes.len(), 3, side, side), planes)
            .map_err(|e| FaceError::BadInput(format!("eye crops: {e}")))?;
        let contours = self.run(input)?;
        for ((lid, _), (crop, contour)) in eyes.iter().zip(crops.iter().zip(&contours)) {
            for (k, &index) in lid.iter().enumerate() {
                let [x, y] = contour[k];
                // Continuous crop coordinates (pixel c spans c..c+1) back to pixel centres.
                let x = if crop.mirrored {
                    EYE_SIDE as f32 - x
                } else {
                    x
                };
                let [ix, iy] = crop
                    .to_image
                    .apply([f64::from(x) - 0.5, f64::from(y) - 0.5]);
                mesh.set_xy(index, [ix as f32, iy as f32]);
            }
        }
        Ok(())
    }

    /// Crop pixel -> image: a square `context` times the corner distance, centred between the
    /// corners, turned so the corner line is horizontal.
    fn eye_transform(&self, left: [f32; 2], right: [f32; 2]) -> Result<Similarity, FaceError> {
        let (dx, dy) = (f64::from(right[0] - left[0]), f64::from(right[1] - left[1]));
        let side = dx.hypot(dy) * f64::from(self.config.context);
        if !(side.is_finite() && side > 0.0) {
            return Err(FaceError::BadInput("eye corners coincide".into()));
        }
        let s = side / f64::from(EYE_SIDE);
        let angle = dy.atan2(dx);
        let (a, b) = (s * angle.cos(), s * angle.sin());
        let centre = [
            f64::from(left[0] + right[0]) / 2.0,
            f64::from(left[1] + right[1]) / 2.0,
        ];
        let half = f64::from(EYE_SIDE) / 2.0 - 0.5;
        Ok(Similarity {
            a,
            b,
            tx: centre[0] - (a * half - b * half),
            ty: centre[1] - (b * half + a * half),
        })
    }

    /// The first 16 contour points `[x, y]` (crop pixels) of each batch item.
    fn run(&self, input: Array4<f32>) -> Result<Vec<Vec<[f32; 2]>>, FaceError> {
        let batch = input.shape()[0];
        let name = self.model.name().to_string();
        let outputs = self.model.run(&[NamedTensor::new(
            self.config.input_name.as_str(),
            input.into_dyn(),
        )])?;
        let contour = outputs
            .iter()
            .find(|t| t.name == self.config.contour_name)
            .ok_or_else(|| {
                FaceError::output(&name, format!("no output `{}`", self.config.contour_name))
            })?;
        if contour.data.len() != batch * CONTOUR_POINTS * 3 {
            return Err(FaceError::output(
                &name,
                format!(
                    "expected {batch}x{CONTOUR_POINTS}x3 eye contour, got shape {:?}",
                    contour.data.shape()
                ),
            ));
        }
        let flat: Vec<f32> = contour.data.iter().copied().collect();
        if flat.iter().any(|v| !v.is_finite()) {
            return Err(FaceError::output(&name, "eye contour is not finite"));
        }
        Ok(flat
            .chunks_exact(CONTOUR_POINTS * 3)
            .map(|item| {
                item.chunks_exact(3)
                    .take(EYELID_IMAGE_LEFT.len())
                    .map(|p| [p[0], p[1]])
                    .collect()
            })
            .collect())
    }
}

#[cfg(test)]
#[path = "eyes_tests.rs"]
mod tests;

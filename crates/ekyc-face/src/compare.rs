//! Photo against photo: the largest face of each, their descriptor distance, and both wire scales.
//! The server's CompareFace and the liveness actions' best-frame comparison call this.

use image::RgbImage;

use crate::calibration;
use crate::embed::distance;
use crate::error::FaceError;
use crate::geometry::Face;
use crate::pipeline::FacePipeline;

/// Minimum face quality; `QualityControl` levels 1–4 of iai map to growing values.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct QualityFloor {
    /// Shorter side of the face box, pixels.
    pub min_face_px: f32,
    /// Detector confidence.
    pub min_score: f32,
}

impl QualityFloor {
    /// iai `QualityControl`: 0 none, 1 low, 2 average, 3 high, 4 very high.
    pub fn for_level(level: i64) -> QualityFloor {
        let (min_face_px, min_score) = match level {
            i64::MIN..=0 => (0.0, 0.0),
            1 => (32.0, 0.5),
            2 => (48.0, 0.6),
            3 => (64.0, 0.7),
            _ => (96.0, 0.8),
        };
        QualityFloor {
            min_face_px,
            min_score,
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct CompareOptions {
    pub quality: QualityFloor,
    /// Also look for a face in the image turned by 90°, 180° and 270° when none is upright
    /// (iai `NeedRotateDetection`).
    pub try_rotations: bool,
}

/// Why a comparison could not be made; `which` is 0 for the first image, 1 for the second.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("no face was found in image {}", .which + 1)]
    NoFace { which: usize },
    #[error("the face in image {} is below the requested quality: {why}", .which + 1)]
    LowQuality { which: usize, why: String },
    #[error(transparent)]
    Engine(#[from] FaceError),
}

#[derive(Clone, Debug)]
pub struct Comparison {
    pub distance: f32,
    /// faceid scale (70 ≈ FAR 0.1 %).
    pub sim: f64,
    /// iai scale (40 ≈ FAR 0.1 %).
    pub iai_score: f64,
    pub faces: [Face; 2],
}

fn rotations(image: &RgbImage) -> [RgbImage; 3] {
    [
        image::imageops::rotate90(image),
        image::imageops::rotate180(image),
        image::imageops::rotate270(image),
    ]
}

/// The largest face of `image` (optionally trying rotations) and its descriptor.
fn describe(
    pipeline: &FacePipeline,
    image: &RgbImage,
    which: usize,
    opts: &CompareOptions,
) -> Result<(Face, crate::Descriptor), CompareError> {
    let mut found = pipeline.describe_largest(image)?;
    if found.is_none() && opts.try_rotations {
        for turned in rotations(image) {
            found = pipeline.describe_largest(&turned)?;
            if found.is_some() {
                break;
            }
        }
    }
    let (face, descriptor) = found.ok_or(CompareError::NoFace { which })?;
    let size = face.bbox.width().min(face.bbox.height());
    let floor = opts.quality;
    if size < floor.min_face_px {
        return Err(CompareError::LowQuality {
            which,
            why: format!(
                "face is {size:.0} px, at least {:.0} needed",
                floor.min_face_px
            ),
        });
    }
    if face.score < floor.min_score {
        return Err(CompareError::LowQuality {
            which,
            why: format!(
                "detector confidence {:.2}, at least {:.2} needed",
                face.score, floor.min_score
            ),
        });
    }
    Ok((face, descriptor))
}

pub fn compare(
    pipeline: &FacePipeline,
    a: &RgbImage,
    b: &RgbImage,
    opts: &CompareOptions,
) -> Result<Comparison, CompareError> {
    let (face_a, desc_a) = describe(pipeline, a, 0, opts)?;
    let (face_b, desc_b) = describe(pipeline, b, 1, opts)?;
    let d = distance(&desc_a, &desc_b);
    Ok(Comparison {
        distance: d,
        sim: calibration::sim(d),
        iai_score: calibration::iai_score(d),
        faces: [face_a, face_b],
    })
}

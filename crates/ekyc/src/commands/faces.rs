//! Shared by `ekyc compare`, `ekyc eval faces` and `ekyc bench faces`: load the face models and
//! describe the largest face of an image file, timing each stage.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use ekyc_face::{align, Descriptor, Face, FacePipeline, DETECTOR_MODEL, EMBEDDER_MODEL};
use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_server::Config;

/// The engine must outlive the pipeline's sessions, so both travel together.
pub struct FaceModels {
    pub pipeline: FacePipeline,
    _engine: Engine,
}

pub fn load(config: &Config) -> anyhow::Result<FaceModels> {
    let manifest = Manifest::embedded()?;
    let home = match &config.models.home {
        Some(h) => h.clone(),
        None => default_home()?,
    };
    let engine = Engine::load(
        &manifest,
        &home,
        &[DETECTOR_MODEL, EMBEDDER_MODEL],
        &SessionOptions::default(),
    )
    .with_context(|| format!("loading the face models from {}", home.display()))?;
    let pipeline = FacePipeline::from_engine(&engine)?;
    Ok(FaceModels {
        pipeline,
        _engine: engine,
    })
}

/// Milliseconds per stage for one image.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct FaceTimes {
    pub decode_ms: f64,
    pub detect_ms: f64,
    pub align_ms: f64,
    pub embed_ms: f64,
}

pub struct Described {
    /// `None`: no face found (a failure to enrol).
    pub face: Option<(Face, Descriptor)>,
    pub width: u32,
    pub height: u32,
    pub times: FaceTimes,
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// Decodes the file like the server does (EXIF applied, limits checked) and describes its largest face.
pub fn describe_file(
    models: &FaceModels,
    config: &Config,
    path: &Path,
) -> anyhow::Result<Described> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let started = Instant::now();
    let decoded = ekyc_media::decode_image(&bytes, &config.image_limits())
        .with_context(|| format!("decoding {}", path.display()))?;
    let mut times = FaceTimes {
        decode_ms: ms(started),
        ..FaceTimes::default()
    };
    let image = decoded.image;
    let started = Instant::now();
    let face = models.pipeline.detector.detect_largest(&image)?;
    times.detect_ms = ms(started);
    let face = match face {
        None => None,
        Some(face) => {
            let started = Instant::now();
            let chip = align(&image, &face)?;
            times.align_ms = ms(started);
            let started = Instant::now();
            let descriptor = models.pipeline.embedder.embed(&chip)?;
            times.embed_ms = ms(started);
            Some((face, descriptor))
        }
    };
    Ok(Described {
        face,
        width: image.width(),
        height: image.height(),
        times,
    })
}

//! Print the largest face of each image as one JSON line (for measuring the chip template
//! with `tools/models/fit_chip_template.py`).
//!
//! `cargo run -p ekyc-face --release --example dump_faces -- IMAGE... > faces.jsonl`

use ekyc_face::{FaceDetector, DETECTOR_MODEL};
use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};

type Error = Box<dyn std::error::Error>;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Error> {
    let manifest = Manifest::embedded()?;
    let engine = Engine::load(
        &manifest,
        &default_home()?,
        &[DETECTOR_MODEL],
        &SessionOptions::default(),
    )?;
    let detector = FaceDetector::new(engine.model(DETECTOR_MODEL)?);
    for path in std::env::args().skip(1) {
        let image = image::open(&path)
            .map_err(|e| format!("{path}: {e}"))?
            .to_rgb8();
        let face = detector.detect_largest(&image)?;
        let line = serde_json::json!({ "file": path, "face": face });
        println!("{line}");
    }
    Ok(())
}

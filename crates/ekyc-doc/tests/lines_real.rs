//! The general line reader with the pinned PP-OCR models on a real specimen (the ICAO example
//! passport page of the shared test data). Skips with a message when models or data are missing.

use std::path::PathBuf;

use ekyc_doc::{LineReader, DETECTOR_MODEL, RECOGNIZER_MODEL};
use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_media::{decode_image, ImageLimits};

fn specimen() -> Option<image::RgbImage> {
    let root = std::env::var_os("EKYC_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = root.join("documents/d002.png");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("SKIPPED: no specimen at {}", path.display());
        return None;
    };
    Some(
        decode_image(&bytes, &ImageLimits::default())
            .expect("decodes")
            .image,
    )
}

fn reader() -> Option<LineReader> {
    let load = || -> Result<LineReader, Box<dyn std::error::Error>> {
        let manifest = Manifest::embedded()?;
        let home = default_home()?;
        let names = [DETECTOR_MODEL, RECOGNIZER_MODEL];
        let engine = Engine::load(&manifest, &home, &names, &SessionOptions::default())?;
        Ok(LineReader::from_engine(&engine)?)
    };
    load()
        .map_err(|e| eprintln!("SKIPPED: OCR models not loadable: {e}"))
        .ok()
}

#[test]
fn reads_the_visual_zone_of_the_icao_specimen() {
    let (Some(page), Some(reader)) = (specimen(), reader()) else {
        return;
    };
    let lines = reader.read_lines(&page).expect("lines");
    for l in &lines {
        eprintln!("{:.2} {:?}", l.confidence, l.text);
    }
    let all: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    let has = |needle: &str| all.iter().any(|t| t.contains(needle));
    // Printed in the visual zone of ICAO 9303 Part 3's example page.
    assert!(has("ERIKSSON"), "{all:?}");
    assert!(has("L898902C"), "{all:?}");
    assert!(has("ANNA"), "{all:?}");
    // Reading order: the surname comes before the MRZ's last line.
    let pos = |needle: &str| all.iter().position(|t| t.contains(needle));
    assert!(pos("ERIKSSON") < pos("L898902C36"), "{all:?}");
    assert!(lines.iter().all(|l| (0.0..=1.0).contains(&l.confidence)));
}

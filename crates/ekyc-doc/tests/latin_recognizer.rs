//! The Latin-only recogniser (`ppocr_rec_latin`, the full net with its output layer cut at fetch
//! time) reads a real specimen's Latin lines and its MRZ as the full recogniser does. Skips with
//! a message when models or data are missing.

use std::path::PathBuf;

use ekyc_doc::{
    crop_rotated, LineReader, TextRecognizer, DETECTOR_MODEL, LATIN_RECOGNIZER_MODEL,
    RECOGNIZER_MODEL,
};
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

fn engine() -> Option<Engine> {
    let load = || -> Result<Engine, Box<dyn std::error::Error>> {
        let manifest = Manifest::embedded()?;
        let home = default_home()?;
        let names = [DETECTOR_MODEL, RECOGNIZER_MODEL, LATIN_RECOGNIZER_MODEL];
        Ok(Engine::load(
            &manifest,
            &home,
            &names,
            &SessionOptions::default(),
        )?)
    };
    load()
        .map_err(|e| eprintln!("SKIPPED: OCR models not loadable: {e}"))
        .ok()
}

#[test]
fn latin_recogniser_reads_like_the_full_one() {
    let (Some(page), Some(engine)) = (specimen(), engine()) else {
        return;
    };
    let full = TextRecognizer::from_engine(&engine, RECOGNIZER_MODEL).expect("full");
    let latin = TextRecognizer::latin_from_engine(&engine).expect("latin");
    let lines = LineReader::from_engine(&engine)
        .expect("line reader")
        .read_lines(&page)
        .expect("lines");
    assert!(lines.len() >= 8, "{} lines", lines.len());
    let (mut same, mut mrz_lines) = (0, 0);
    for line in &lines {
        let rect = line
            .rect
            .expanded(line.rect.height * 0.15, line.rect.height * 0.05);
        let crop = crop_rotated(&page, &rect, 1.0).expect("crop");
        let (f, l) = (
            full.recognize(&crop).expect("full"),
            latin.recognize(&crop).expect("latin"),
        );
        eprintln!("{:?} / {:?}", f.0, l.0);
        same += usize::from(f.0 == l.0);
        // Restricted to A-Z0-9<, both renormalise over the same classes: the same reading.
        if f.0.contains("<<") {
            mrz_lines += 1;
            let (fm, lm) = (
                full.recognize_mrz(&crop).expect("full"),
                latin.recognize_mrz(&crop).expect("latin"),
            );
            assert_eq!(fm.text, lm.text);
            assert!((fm.confidence - lm.confidence).abs() < 1e-3);
        }
        // Dropping classes only raises the kept ones' share.
        assert!(l.1 + 1e-4 >= f.1 || f.0 != l.0, "{f:?} {l:?}");
    }
    assert_eq!(mrz_lines, 2, "the specimen's two MRZ lines");
    assert!(same * 10 >= lines.len() * 9, "{same} of {}", lines.len());
}

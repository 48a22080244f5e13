//! End to end on small phone-like photos from `tools/documents/generate.py` (committed fixtures,
//! see `tests/fixtures/synthetic/README.md`): a TD3 page, a TD1 card turned upside down and a TD2
//! card, each read exactly with its check digits valid. Skips when the models are missing.

use std::path::PathBuf;

use ekyc_doc::{MrzReader, DETECTOR_MODEL, RECOGNIZER_MODEL};
use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_media::{decode_image, ImageLimits};

fn reader() -> Option<MrzReader> {
    let load = || -> Result<MrzReader, Box<dyn std::error::Error>> {
        let manifest = Manifest::embedded()?;
        let home = default_home()?;
        let names = [DETECTOR_MODEL, RECOGNIZER_MODEL];
        let engine = Engine::load(&manifest, &home, &names, &SessionOptions::default())?;
        Ok(MrzReader::from_engine(&engine)?)
    };
    load()
        .map_err(|e| eprintln!("SKIPPED: OCR models not loadable: {e}"))
        .ok()
}

#[test]
fn reads_generated_td1_td2_td3_photos_exactly() {
    let Some(reader) = reader() else { return };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/synthetic");
    let labels = std::fs::read_to_string(dir.join("labels.csv")).expect("labels.csv");
    let mut formats = Vec::new();
    for line in labels.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (file, doc_type) = (cells[0], cells[1]);
        let want: Vec<&str> = cells[2].split('|').collect();
        let bytes = std::fs::read(dir.join(file)).expect("fixture readable");
        let image = decode_image(&bytes, &ImageLimits::default())
            .expect("fixture decodes")
            .image;
        let reading = reader.read(&image).expect(file);
        assert_eq!(reading.lines, want, "{file}");
        assert_eq!(reading.format.as_str(), doc_type, "{file}");
        assert!(reading.check_digits_valid, "{file}");
        formats.push(doc_type.to_string());
    }
    formats.sort();
    assert_eq!(formats, ["TD1", "TD2", "TD3"]);
}

/// Photos the page-size looks missed: a band sloping unlike the page's text, and a small MRZ
/// found only by the closer last look (`ReaderOptions::fine_side`).
#[test]
fn reads_tilted_and_small_mrz_photos_exactly() {
    let Some(reader) = reader() else { return };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/synthetic_hard");
    let labels = std::fs::read_to_string(dir.join("labels.csv")).expect("labels.csv");
    for line in labels.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let want: Vec<&str> = cells[2].split('|').collect();
        let bytes = std::fs::read(dir.join(cells[0])).expect("fixture readable");
        let image = decode_image(&bytes, &ImageLimits::default())
            .expect("fixture decodes")
            .image;
        let reading = reader.read(&image).expect(cells[0]);
        assert_eq!(reading.lines, want, "{}", cells[0]);
        assert!(reading.check_digits_valid, "{}", cells[0]);
    }
}

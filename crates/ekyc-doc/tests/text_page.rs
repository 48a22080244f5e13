//! A page of running text (shared test data d019, no MRZ) is given up on after a few bands:
//! its lines do not read as `A-Z0-9<`, so the reader skips its costly fallbacks (wider looks at
//! its bands, other turns, the tilted look) and only takes the closer look at the upright page.
//! Skips with a message when the model cache (`ekyc models fetch`) or the data is missing.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ekyc_doc::{
    DetectorOptions, DocError, MrzReader, ReaderOptions, TextDetector, TextRecognizer,
    DETECTOR_MODEL,
};
use ekyc_infer::{default_home, Engine, InferError, Manifest, Model, NamedTensor, SessionOptions};
use ekyc_media::{decode_image, ImageLimits};

/// Counts the calls of the model it wraps.
struct Counted {
    inner: Arc<dyn Model>,
    calls: AtomicUsize,
}

impl Model for Counted {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.inner.run(inputs)
    }
}

#[test]
fn a_text_page_is_given_up_on_after_three_bands_and_the_closer_look() {
    let root = std::env::var_os("EKYC_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = root.join("documents").join("d019.jpg");
    if !path.is_file() {
        eprintln!("SKIPPED: no test document at {}", path.display());
        return;
    }
    let rec = ekyc_doc::LATIN_RECOGNIZER_MODEL;
    let load = || -> Result<Engine, Box<dyn std::error::Error>> {
        let names = [DETECTOR_MODEL, rec];
        let (manifest, home) = (Manifest::embedded()?, default_home()?);
        Ok(Engine::load(
            &manifest,
            &home,
            &names,
            &SessionOptions::default(),
        )?)
    };
    let engine = match load() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("SKIPPED: OCR models not loadable: {e}");
            return;
        }
    };
    let detector = Arc::new(Counted {
        inner: engine.model(DETECTOR_MODEL).expect("detector"),
        calls: AtomicUsize::new(0),
    });
    let session = engine.session(rec).expect("recogniser");
    let recognizer =
        TextRecognizer::with_onnx_dictionary(session.clone(), session.path()).expect("dictionary");
    let reader = MrzReader::new(
        TextDetector::new(detector.clone(), DetectorOptions::default()),
        recognizer,
        ReaderOptions::default(),
    );
    let bytes = std::fs::read(&path).expect("d019 readable");
    let page = decode_image(&bytes, &ImageLimits::default())
        .expect("d019 decodes")
        .image;
    let err = reader.read(&page).expect_err("no MRZ on d019");
    assert!(matches!(err, DocError::NoMrz { .. }), "{err}");
    // The coarse first look and one closer look per band it reads (two at most), the upright
    // look at 640 px and its third band (no wider looks: its lines are not MRZ-like), then the
    // closer look at the whole page and its two bands; no other turn, no tilted look (before
    // the text-page rule: 11 detector calls).
    let calls = detector.calls.load(Ordering::Relaxed);
    assert_eq!(calls, 8, "detector calls on a text page");
}

//! The recognition pipelines the server was started with, built once from the loaded models.

use std::sync::Arc;

use ekyc_doc::MrzReader;
use ekyc_face::FacePipeline;
use ekyc_idcard::{CardReader, VizReader};
use ekyc_infer::Engine;
use ekyc_liveness::{FaceTracker, TrackConfig};
use ekyc_speech::{SpeechConfig, SpeechRecognizer};

#[derive(Clone, Default)]
pub struct Pipelines {
    pub face: Option<Arc<FacePipeline>>,
    pub mrz: Option<Arc<MrzReader>>,
    /// HKID and MyKad fronts from general text lines.
    pub cards: Option<Arc<CardReader>>,
    /// Passport visual zones, read after the MRZ.
    pub viz: Option<Arc<VizReader>>,
    /// Face tracker of the video liveness checks.
    pub tracker: Option<Arc<FaceTracker>>,
    /// Voice and digit recognition of LIP liveness.
    pub speech: Option<Arc<SpeechRecognizer>>,
    /// Keeps the ONNX sessions alive as long as the pipelines use them.
    engine: Option<Arc<Engine>>,
}

impl Pipelines {
    /// No pipelines: every recognition action answers `UnsupportedOperation` (tests of the HTTP layer).
    pub fn none() -> Pipelines {
        Pipelines::default()
    }

    /// Every pipeline whose models the engine loaded.
    pub fn from_engine(engine: Engine) -> anyhow::Result<Pipelines> {
        let face = FacePipeline::from_engine(&engine)?;
        let mrz = MrzReader::from_engine(&engine)?;
        let cards = CardReader::from_engine(&engine)?;
        let viz = VizReader::from_engine(&engine)?;
        let tracker = FaceTracker::from_engine(&engine, TrackConfig::default())?;
        let speech = SpeechRecognizer::from_engine(&engine, SpeechConfig::default())?;
        Ok(Pipelines {
            face: Some(Arc::new(face)),
            mrz: Some(Arc::new(mrz)),
            cards: Some(Arc::new(cards)),
            viz: Some(Arc::new(viz)),
            tracker: Some(Arc::new(tracker)),
            speech: Some(Arc::new(speech)),
            engine: Some(Arc::new(engine)),
        })
    }

    /// Only a face pipeline (tests inject fakes behind the `Model` trait this way).
    pub fn with_face(face: FacePipeline) -> Pipelines {
        Pipelines {
            face: Some(Arc::new(face)),
            mrz: None,
            cards: None,
            viz: None,
            tracker: None,
            speech: None,
            engine: None,
        }
    }

    /// Names of the loaded models, for `/healthz`.
    pub fn model_names(&self) -> Vec<String> {
        self.engine
            .as_ref()
            .map(|e| e.names().iter().map(|n| n.to_string()).collect())
            .unwrap_or_default()
    }
}

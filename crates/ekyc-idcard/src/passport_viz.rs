//! The visual zone (VIZ) of a passport data page, read with the MRZ as the anchor: the page
//! region above the MRZ band (whose corners are in reading order, so the page comes out upright
//! whatever the photo's orientation) is cut out deskewed, its text boxes are detected and the
//! needed ones read (`passport_viz_lines.rs`), and [`extract_viz`] picks the fields out.
//!
//! [`passport_infos`] builds the contract's `PassportRecognizeInfos`: visual-zone values where
//! they were read; where the visual zone could not be read, the MRZ's values for the fields the
//! MRZ carries (names, number, birth and expiry dates, country, sex). The date of issue is not
//! in the MRZ and stays "" when it was not seen.

use std::time::Instant;

use chrono::NaiveDate;
use std::sync::Arc;

use ekyc_doc::{
    crop_rotated, DetectorOptions, DocError, LocatedMrz, MrzReader, Point, RotatedRect, TextBox,
    TextDetector, TextLine, TextRecognizer, DETECTOR_MODEL, LATIN_RECOGNIZER_MODEL,
    RECOGNIZER_MODEL,
};
use ekyc_infer::{Engine, ModelSession, SessionOptions};
use ekyc_types::wire::ocr::PassportRecognizeInfos;
use image::RgbImage;

use crate::passport_viz_dates::dmy_slashes;
pub use crate::passport_viz_extract::extract_viz;
use crate::passport_viz_lines::VizNets;
pub use crate::passport_viz_lines::VizStats;

/// The MRZ values the visual zone is checked against (from `ekyc_mrz::MrzFields`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MrzAnchor {
    pub document_code: String,
    pub issuing_state: String,
    pub surname: String,
    pub given_names: String,
    pub document_number: String,
    pub nationality: String,
    pub sex: String,
    /// `YYMMDD` as printed, and `YYYYMMDD` (or "").
    pub birth_raw: String,
    pub birth_date: String,
    pub expiry_raw: String,
    pub expiry_date: String,
    pub check_digits_valid: bool,
    /// The MRZ's name field is full (no filler at its end): the name may have been cut.
    pub name_cut: bool,
}

impl MrzAnchor {
    pub fn of(mrz: &ekyc_doc::LocatedMrz) -> MrzAnchor {
        let f = &mrz.reading.fields;
        MrzAnchor {
            document_code: f.document_code.clone(),
            issuing_state: f.issuing_state.clone(),
            surname: f.surname.clone(),
            given_names: f.given_names.clone(),
            document_number: f.document_number.clone(),
            nationality: f.nationality.clone(),
            sex: f.sex.clone(),
            birth_raw: f.birth_date_raw.clone(),
            birth_date: f.birth_date.clone(),
            expiry_raw: f.expiry_date_raw.clone(),
            expiry_date: f.expiry_date.clone(),
            check_digits_valid: mrz.reading.check_digits_valid,
            name_cut: name_field_full(&mrz.reading.lines),
        }
    }
}

/// The name ends the first line of TD2/TD3 MRZs and is the third line of TD1 MRZs: a last
/// character other than the filler means the name filled the field.
fn name_field_full(lines: &[String]) -> bool {
    let name_line = if lines.len() == 3 {
        lines.get(2)
    } else {
        lines.first()
    };
    name_line
        .and_then(|l| l.chars().last())
        .is_some_and(|c| c != '<')
}

/// Values read in the visual zone; "" (or `None`) for what was not seen there.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VizFields {
    pub surname: String,
    pub given_names: String,
    pub passport_id: String,
    /// `DD/MM/YYYY`.
    pub date_of_birth: String,
    pub date_of_issuance: String,
    pub date_of_expiration: String,
    pub birth_place: Option<String>,
    pub issue_place: Option<String>,
}

/// A field whose print clearly disagrees with a check-digit-valid MRZ.
#[derive(Debug, Clone, PartialEq)]
pub struct VizMismatch {
    /// The contract's field name (`Surname`, `GivenNames`, `DateOfBirth`,
    /// `DateOfExpiration`, `PassportID`).
    pub field: &'static str,
    pub mrz: String,
    pub viz: String,
}

/// What the visual zone gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VizReading {
    pub fields: VizFields,
    /// Empty when consistent (or when the MRZ's check digits fail: nothing to hold it against).
    pub mismatches: Vec<VizMismatch>,
    /// The text lines read in the region (upright region coordinates; labels may be cut).
    pub lines: Vec<TextLine>,
    pub ms: f64,
    /// Boxes found and read, columns fed to the recogniser, time per step.
    pub stats: VizStats,
}

/// The region above the MRZ, in MRZ band widths: a TD3 page is 88 mm high for a 112 mm MRZ,
/// whose top lies about 76 mm below the page's top; the page's first millimetres (a title)
/// and the facing page of a booklet are left out.
const REGION_HEIGHT: f32 = 0.65;
/// Margin left and right of the band, in band widths (the page is 125 mm for the MRZ's 112).
const REGION_MARGIN: f32 = 0.06;
/// The region is cut at most this wide (px): 8 px/mm, enough for 1.5 mm labels; cutting it
/// wider (1400 px) read no field better on the seed-21 set and cost 10–30 ms more per page.
const MAX_REGION_WIDTH: f32 = 1024.0;

/// Reads passport visual zones.
pub struct VizReader {
    nets: VizNets,
}

/// The small recogniser the labels are read with (PP-OCRv6 tiny, Latin output layer).
pub const LABEL_RECOGNIZER_MODEL: &str = "ppocr_rec_tiny_latin";

/// Detector input size (longer side) for the page region.
const DETECTOR_SIDE: u32 = 640;

/// Recognition threads (and recogniser sessions) per visual-zone read: its calls are
/// independent, and one single-threaded session per core reads them for less CPU than one
/// session with two intra-op threads (`ekyc bench ocr`).
const WORKERS: usize = 2;

impl VizReader {
    /// Recognition on one thread.
    pub fn new(detector: TextDetector, recognizer: TextRecognizer) -> VizReader {
        VizReader::with_workers(detector, recognizer, 1)
    }

    /// Recognition calls spread over `workers` threads; `recognizer` should hold that many
    /// sessions (see `ekyc_infer::ModelSession::pooled`), else the calls wait for each other.
    pub fn with_workers(
        detector: TextDetector,
        recognizer: TextRecognizer,
        workers: usize,
    ) -> VizReader {
        VizReader {
            nets: VizNets {
                detector,
                recognizer,
                label_recognizer: None,
                workers: workers.max(1),
            },
        }
    }

    /// Read the labels with `small` (see `VizNets::label_recognizer`); it should hold as
    /// many sessions as the reader has workers.
    pub fn with_label_recognizer(mut self, small: TextRecognizer) -> VizReader {
        self.nets.label_recognizer = Some(small);
        self
    }

    /// How many recognition workers a reader uses on this machine.
    pub fn default_workers() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(WORKERS))
    }

    /// The Latin recogniser of `engine` (the full one when the Latin one is not loaded) as a
    /// pool of `workers` single-threaded sessions (its dictionary is in the file at `path()`).
    pub fn recognizer_pool(engine: &Engine, workers: usize) -> Result<Arc<ModelSession>, DocError> {
        let name = match engine.names().contains(&LATIN_RECOGNIZER_MODEL) {
            true => LATIN_RECOGNIZER_MODEL,
            false => RECOGNIZER_MODEL,
        };
        VizReader::pool_of(engine, name, workers)
    }

    /// `name`'s pool of `workers` single-threaded sessions.
    fn pool_of(engine: &Engine, name: &str, workers: usize) -> Result<Arc<ModelSession>, DocError> {
        let pool = engine
            .session(name)?
            .pooled(workers, &SessionOptions { intra_threads: 1 })?;
        Ok(Arc::new(pool))
    }

    /// The label recogniser ([`LABEL_RECOGNIZER_MODEL`]) as a pool of `workers`
    /// single-threaded sessions, when the engine loaded it.
    pub fn label_pool(
        engine: &Engine,
        workers: usize,
    ) -> Result<Option<Arc<ModelSession>>, DocError> {
        if !engine.names().contains(&LABEL_RECOGNIZER_MODEL) {
            return Ok(None);
        }
        VizReader::pool_of(engine, LABEL_RECOGNIZER_MODEL, workers).map(Some)
    }

    /// The PP-OCR models of the manifest, the detector sized for a page region on its own
    /// single-threaded session (it runs beside the MRZ reader's line reads: see
    /// [`VizReader::read_mrz`]).
    pub fn from_engine(engine: &Engine) -> Result<VizReader, DocError> {
        let detector = VizReader::pool_of(engine, DETECTOR_MODEL, 1)?;
        let detector = TextDetector::new(detector, VizReader::detector_options());
        let workers = VizReader::default_workers();
        let pool = VizReader::recognizer_pool(engine, workers)?;
        let recognizer = TextRecognizer::with_onnx_dictionary(pool.clone(), pool.path())?;
        let reader = VizReader::with_workers(detector, recognizer, workers);
        Ok(match VizReader::label_pool(engine, workers)? {
            Some(small) => reader.with_label_recognizer(TextRecognizer::with_onnx_dictionary(
                small.clone(),
                small.path(),
            )?),
            None => reader,
        })
    }

    /// The detector settings for a page region.
    pub fn detector_options() -> DetectorOptions {
        DetectorOptions {
            max_side: DETECTOR_SIDE,
            ..DetectorOptions::default()
        }
    }

    /// The page region above the MRZ, cut out upright at the reading scale.
    pub fn region_crop(page: &RgbImage, corners: &[Point; 4]) -> Option<RgbImage> {
        let region = viz_region(corners)?;
        let scale = (MAX_REGION_WIDTH / region.width).min(1.0);
        crop_rotated(page, &region, scale)
    }

    /// The visual zone of the page whose MRZ is `mrz`.
    pub fn read(&self, page: &RgbImage, mrz: &LocatedMrz) -> Result<VizReading, DocError> {
        self.read_started(page, mrz, None)
    }

    /// The region above a band at `corners` cut out and its text detected: the first steps of
    /// [`VizReader::read`], which need only where the MRZ band lies.
    pub fn start(&self, page: &RgbImage, corners: [Point; 4]) -> VizStart {
        let region = VizReader::region_crop(page, &corners);
        let detected = region.as_ref().map(|r| self.nets.detect(r));
        VizStart {
            corners,
            region,
            detected,
        }
    }

    /// The MRZ of `page` read by `reader`, with the visual zone's start
    /// ([`VizReader::start`]) run on another thread while the first band's lines are read
    /// (its place is known once the band is found): `None` when no band was read.
    pub fn read_mrz(
        &self,
        reader: &MrzReader,
        page: &RgbImage,
    ) -> Result<(LocatedMrz, Option<VizStart>), DocError> {
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::channel::<[Point; 4]>();
            let early = scope.spawn(move || rx.recv().ok().map(|c| self.start(page, c)));
            let located = reader.read_located_with(page, &|corners| {
                // The receiver only goes away when this scope ends.
                let _ = tx.send(corners);
            });
            drop(tx);
            let started = early
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            located.map(|l| (l, started))
        })
    }

    /// As [`VizReader::read`], from `started` when it was started at `mrz`'s band (else it
    /// is done again).
    pub fn read_started(
        &self,
        page: &RgbImage,
        mrz: &LocatedMrz,
        started: Option<VizStart>,
    ) -> Result<VizReading, DocError> {
        let clock = Instant::now();
        let anchor = MrzAnchor::of(mrz);
        let same_band = |s: &VizStart| {
            s.corners
                .iter()
                .zip(&mrz.corners)
                .all(|(a, b)| (a.x - b.x).abs() < 0.01 && (a.y - b.y).abs() < 0.01)
        };
        let started = match started.filter(same_band) {
            Some(s) => s,
            None => self.start(page, mrz.corners),
        };
        let (Some(crop), Some(detected)) = (started.region, started.detected) else {
            return Ok(VizReading::default());
        };
        let (lines, stats) = self.nets.read_lines(&crop, detected?, &anchor)?;
        let mut reading = extract_viz(&lines, &anchor);
        reading.stats = stats;
        reading.ms = clock.elapsed().as_secs_f64() * 1000.0;
        Ok(reading)
    }
}

/// The first steps of a visual-zone read (see [`VizReader::start`]).
pub struct VizStart {
    /// The MRZ band's corners it was started at.
    corners: [Point; 4],
    /// The region cut out (`None` when the band gave no region).
    region: Option<RgbImage>,
    /// Its text boxes and the detection's wall ms.
    detected: Option<Result<(Vec<TextBox>, f64), DocError>>,
}

/// The page region above the MRZ band, upright (its width axis along the MRZ lines).
pub fn viz_region(corners: &[Point; 4]) -> Option<RotatedRect> {
    let [tl, tr, _, bl] = *corners;
    let (ux, uy) = (tr.x - tl.x, tr.y - tl.y);
    let width = (ux * ux + uy * uy).sqrt();
    let band_h = ((bl.x - tl.x).powi(2) + (bl.y - tl.y).powi(2)).sqrt();
    if !(width.is_finite() && width >= 20.0) {
        return None;
    }
    let angle = uy.atan2(ux);
    // Across the text, pointing down the page.
    let (nx, ny) = (-uy / width, ux / width);
    let height = REGION_HEIGHT * width;
    // Bottom edge a little above the band's top, so no MRZ line is read as page text.
    let lift = height / 2.0 + 0.15 * band_h;
    let center = Point::new(
        (tl.x + tr.x) / 2.0 - nx * lift,
        (tl.y + tr.y) / 2.0 - ny * lift,
    );
    Some(RotatedRect {
        center,
        width: width * (1.0 + 2.0 * REGION_MARGIN),
        height,
        angle,
    })
}

/// `PassportRecognizeInfos`: visual-zone values where read, the MRZ's for the fields it carries
/// where not (type, country, nationality and sex always come from the MRZ); the issue date and
/// places only from the visual zone.
pub fn passport_infos(mrz: &MrzAnchor, viz: Option<&VizReading>) -> PassportRecognizeInfos {
    let seen = viz.map(|v| v.fields.clone()).unwrap_or_default();
    let or = |viz: String, mrz: &str| if viz.is_empty() { mrz.to_string() } else { viz };
    let dmy = |yyyymmdd: &str| {
        NaiveDate::parse_from_str(yyyymmdd, "%Y%m%d")
            .map(dmy_slashes)
            .unwrap_or_default()
    };
    let surname = or(seen.surname, &mrz.surname);
    let given_name = or(seen.given_names, &mrz.given_names);
    PassportRecognizeInfos {
        r#type: mrz.document_code.clone(),
        issuing_country: mrz.issuing_state.clone(),
        passport_id: or(seen.passport_id, &mrz.document_number),
        name: format!("{surname} {given_name}").trim().to_string(),
        surname,
        given_name,
        nationality: mrz.nationality.clone(),
        date_of_birth: or(seen.date_of_birth, &dmy(&mrz.birth_date)),
        sex: mrz.sex.clone(),
        date_of_issuance: seen.date_of_issuance,
        date_of_expiration: or(seen.date_of_expiration, &dmy(&mrz.expiry_date)),
        issue_place: seen.issue_place,
        birth_place: seen.birth_place,
    }
}

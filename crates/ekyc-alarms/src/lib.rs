//! Document fraud alarms from hand-made image features: one small detector per alarm of the
//! OCR contract, each returning a score and the numbers it used.
//!
//! | alarm | code | detector |
//! |---|---|---|
//! | covered | -9101 | [`covered`]: finger or non-paper object over the card's edge (card outline from the MRZ and from edge lines); card or MRZ out of frame (its print or surface running on to the photo's edge between its sides) |
//! | photocopy | -9102 | [`photocopy`]: chromaticity spread and coloured-ink share (cast-invariant colourfulness) |
//! | screen recapture | -9103 | [`screen`]: isolated spectral peaks of the sub-pixel grid / moiré |
//! | tampered | -9104 | [`tampered`]: a block of the card with edges much sharper than the MRZ's (never went through the optics); corners of grid-straight one-pixel cuts (a paste's border) on a card tilted in the photo; a visual-zone word typed along the pixel rows among lines that follow the card's tilt; a visual-zone field contradicting the MRZ ([`CrossChecks`]); a region lacking the first JPEG save's quantisation trace ([`tampered_jpeg`]) |
//! | reflective | -9107 | [`glare`]: clipped near-white blobs with a core (a lobe, not a strip of paper), the print under them and in their core washed out |
//! | blurry | -9108 | [`blur`]: re-blur measure on the MRZ at its own character pitch, worst of four directions against sharp print plus their spread; the card's strongest edges along the same four directions without an MRZ |
//!
//! [`check`] runs them all on the card region (from [`CardHints`]) and raises those whose score
//! reaches the threshold of the configured [`Level`] (or an override). [`check_with`] also
//! takes the outcome of checks made outside the image ([`CrossChecks`]: the visual zone read
//! against the MRZ), which tampered counts.

pub mod blur;
mod blurry_edges;
mod blurry_mrz;
mod config;
pub mod covered;
mod covered_border;
mod covered_frame;
mod covered_mrz;
mod detection;
mod fft;
pub mod glare;
mod occluder;
mod outline;
pub mod photocopy;
mod plane;
pub mod screen;
pub mod tampered;
mod tampered_baseline;
mod tampered_ink;
pub mod tampered_jpeg;
mod tampered_seams;
mod tampered_sharp;
mod view;

use std::time::Instant;

use ekyc_types::CardAlarm;
use image::RgbImage;
use serde::Serialize;

pub use config::{AlarmConfig, Level, Overrides, Thresholds};
pub use detection::{Detection, Evidence};
pub use tampered::CrossChecks;
pub use tampered_jpeg::JpegTrace;
pub use view::{card_quad_from_mrz, outside_share, CardHints, MrzHint, View, WORK_MAX_SIDE};

/// The alarms a document raises, with every detector's score and evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlarmReport {
    #[serde(serialize_with = "alarm_codes")]
    pub raised: Vec<CardAlarm>,
    pub detections: Vec<Detection>,
    /// Where the card region came from: "card", "mrz" or "image".
    pub region: &'static str,
    pub ms: f64,
}

fn alarm_codes<S: serde::Serializer>(a: &[CardAlarm], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(a.iter().map(|a| a.wire()))
}

impl AlarmReport {
    /// The codes for `WarnCardInfos`.
    pub fn wire_codes(&self) -> Vec<i64> {
        self.raised.iter().map(|a| a.wire()).collect()
    }

    pub fn detection(&self, alarm: CardAlarm) -> Option<&Detection> {
        self.detections.iter().find(|d| d.alarm == alarm)
    }
}

/// Every detector on `image` (working copy at most [`WORK_MAX_SIDE`] px).
pub fn detect_all(image: &RgbImage, hints: &CardHints) -> (Vec<Detection>, &'static str) {
    detect_all_with(image, hints, &CrossChecks::default())
}

/// [`detect_all`], tampered also counting the outcome of checks made outside the image.
pub fn detect_all_with(
    image: &RgbImage,
    hints: &CardHints,
    cross: &CrossChecks,
) -> (Vec<Detection>, &'static str) {
    // The compression-history cue reads the full-resolution photo only: it runs beside the
    // other detectors (a second core), not after them.
    std::thread::scope(|scope| {
        let jpeg = scope.spawn(|| tampered::jpeg_outcome(image, cross.jpeg.as_ref()));
        let (detections, region) = image_detections(image, hints);
        // A panic in the cue is no evidence, not a failed stage.
        let jpeg = jpeg.join().unwrap_or(None);
        let detections = detections
            .into_iter()
            .map(|d| match d.alarm {
                CardAlarm::Tampered => {
                    tampered::with_cross_checks(tampered::with_jpeg_trace(d, jpeg), cross)
                }
                _ => d,
            })
            .collect();
        (detections, region)
    })
}

/// The image detectors on the working view.
fn image_detections(image: &RgbImage, hints: &CardHints) -> (Vec<Detection>, &'static str) {
    let view = View::new(image, hints);
    let detectors: [fn(&View) -> Detection; 6] = [
        covered::detect,
        photocopy::detect,
        screen::detect,
        tampered::detect,
        glare::detect,
        blur::detect,
    ];
    let detections = detectors
        .iter()
        .map(|detect| {
            let start = Instant::now();
            let d = detect(&view);
            d.with("ms", start.elapsed().as_secs_f32() * 1000.0)
        })
        .collect();
    (detections, view.region_source)
}

/// Run the alarm stage. With `config.enabled == false` nothing runs and the report raises
/// [`CardAlarm::ServiceDisabled`] alone.
pub fn check(image: &RgbImage, hints: &CardHints, config: &AlarmConfig) -> AlarmReport {
    check_with(image, hints, &CrossChecks::default(), config)
}

/// [`check`] with the outcome of checks made outside the image (see [`CrossChecks`]).
pub fn check_with(
    image: &RgbImage,
    hints: &CardHints,
    cross: &CrossChecks,
    config: &AlarmConfig,
) -> AlarmReport {
    let start = Instant::now();
    if !config.enabled {
        return AlarmReport {
            raised: vec![CardAlarm::ServiceDisabled],
            detections: Vec::new(),
            region: "none",
            ms: 0.0,
        };
    }
    if image.width() < 16 || image.height() < 16 {
        // Too small to judge: no evidence either way.
        return AlarmReport {
            raised: Vec::new(),
            detections: Vec::new(),
            region: "none",
            ms: start.elapsed().as_secs_f64() * 1000.0,
        };
    }
    let (detections, region) = detect_all_with(image, hints, cross);
    let raised = raised_by(&detections, config);
    AlarmReport {
        raised,
        detections,
        region,
        ms: start.elapsed().as_secs_f64() * 1000.0,
    }
}

/// The alarms whose score reaches their threshold, in contract order.
pub fn raised_by(detections: &[Detection], config: &AlarmConfig) -> Vec<CardAlarm> {
    let mut raised: Vec<CardAlarm> = detections
        .iter()
        .filter(|d| config.threshold(d.alarm).is_some_and(|t| d.score >= t))
        .map(|d| d.alarm)
        .collect();
    raised.sort_by_key(|a| -a.wire());
    raised
}

//! HKIDCardOCR and MLIDCardOCR: the card front read from its text lines (`ekyc-idcard`), the
//! holder's portrait when asked, and the document alarms over the region the text spans.

use chrono::NaiveDate;
use image::RgbImage;

use ekyc_alarms::{AlarmConfig, CardHints, CrossChecks, JpegTrace};
use ekyc_face::FacePipeline;
use ekyc_idcard::{hkid_response, mykad_response, CardError, CardReader};
use ekyc_types::wire::ocr::{HkidCardOcrResponse, MlidCardOcrResponse};
use ekyc_types::{EkycError, ErrorCode};

use super::passport::portrait_jpeg_base64;

/// What a card reader needs besides the image.
pub struct CardJob<'a> {
    pub reader: &'a CardReader,
    pub face: Option<&'a FacePipeline>,
    pub alarms: &'a AlarmConfig,
    /// The card file's JPEG table, for the tampered alarm.
    pub jpeg: Option<JpegTrace>,
    pub portrait: bool,
}

impl CardJob<'_> {
    fn portrait_of(&self, image: &RgbImage) -> Result<Option<String>, EkycError> {
        match (self.portrait, self.face) {
            (true, Some(face)) => portrait_jpeg_base64(face, image).map(Some),
            _ => Ok(None),
        }
    }

    /// The raised alarm codes, the card taken as the box around its text grown by a margin
    /// (the portrait and the card edges lie outside the text).
    fn alarms_of(&self, image: &RgbImage, text_box: [f32; 4]) -> Vec<i64> {
        let [x0, y0, x1, y1] = text_box;
        let (mx, my) = ((x1 - x0) * 0.06, (y1 - y0) * 0.1);
        let (w, h) = (image.width() as f32, image.height() as f32);
        let hints = CardHints {
            mrz: None,
            card: Some([
                (x0 - mx).max(0.0),
                (y0 - my).max(0.0),
                (x1 + mx).min(w),
                (y1 + my).min(h),
            ]),
        };
        let cross = CrossChecks {
            jpeg: self.jpeg,
            ..CrossChecks::default()
        };
        let report = ekyc_alarms::check_with(image, &hints, &cross, self.alarms);
        tracing::debug!(raised = ?report.wire_codes(), ms = report.ms, "card alarms");
        report.wire_codes()
    }
}

fn engine_error(e: CardError, not_this: ErrorCode) -> EkycError {
    match e {
        CardError::NotThisCard(reason) => EkycError::new(not_this, reason),
        CardError::Engine(other) => {
            tracing::error!(error = %other, "card engine failed");
            EkycError::new(
                ErrorCode::OcrFailed,
                format!("the document engine failed: {other}"),
            )
        }
    }
}

/// Reads a Hong Kong identity card front; runs on the pool.
pub fn read_hkid_card(
    job: &CardJob<'_>,
    image: &RgbImage,
) -> Result<HkidCardOcrResponse, EkycError> {
    let reading = job
        .reader
        .read_hkid(image)
        .map_err(|e| engine_error(e, ErrorCode::NoHKIDCard))?;
    if !reading.card.id_valid {
        tracing::warn!(id = %reading.card.id_num, "HKID check digit does not hold (reported as printed)");
    }
    let alarms = job.alarms_of(image, reading.text_box);
    let head = job.portrait_of(image)?;
    Ok(hkid_response(&reading.card, head, alarms))
}

/// Reads a Malaysian identity card front; runs on the pool.
pub fn read_mykad_card(
    job: &CardJob<'_>,
    image: &RgbImage,
    today: NaiveDate,
) -> Result<MlidCardOcrResponse, EkycError> {
    let reading = job
        .reader
        .read_mykad(image, today)
        .map_err(|e| engine_error(e, ErrorCode::NoMASIDCard))?;
    let alarms = job.alarms_of(image, reading.text_box);
    let portrait = job.portrait_of(image)?.unwrap_or_default();
    Ok(mykad_response(&reading.card, portrait, alarms))
}

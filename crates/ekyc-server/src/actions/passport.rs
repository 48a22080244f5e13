//! MLIDPassportOCR from the machine-readable zone: fields, check digits, the holder's portrait
//! and the card alarms; `PassportRecognizeInfos` from the visual zone read above the MRZ band
//! (`ekyc_idcard::VizReader`), with the MRZ's values for what the visual zone did not give. A
//! visual zone that clearly disagrees with a check-digit-valid MRZ (surname, number, birth date)
//! is `FailedOperation.InconsistencyBetweenMRZAndVRZ`. The alarm stage runs after the MRZ read
//! on the page region the MRZ band implies; `WarnCardInfos` lists the raised codes (`[]` when
//! clean, `[-9109]` when the stage is switched off by config).

use std::io::Cursor;

use base64::Engine as _;
use image::RgbImage;

use ekyc_alarms::{AlarmConfig, CardHints, CrossChecks, JpegTrace, MrzHint};
use ekyc_doc::{DocError, LocatedMrz, MrzReader};
use ekyc_face::FacePipeline;
use ekyc_idcard::{passport_infos, MrzAnchor, VizReader, VizReading, VizStart};
use ekyc_mrz::MrzReading;
use ekyc_types::wire::ocr::{MlidPassportOcrResponse, PassportRecognizeInfos};
use ekyc_types::{EkycError, ErrorCode};

/// What the passport reader needs besides the page.
pub struct PassportJob<'a> {
    pub reader: &'a MrzReader,
    /// The visual-zone reader; without it `PassportRecognizeInfos` carries the MRZ's values.
    pub viz: Option<&'a VizReader>,
    pub face: Option<&'a FacePipeline>,
    pub alarms: &'a AlarmConfig,
    /// The page file's JPEG table, for the tampered alarm (see `decode_documents`).
    pub jpeg: Option<JpegTrace>,
    pub ret_image: bool,
}

/// Reads the passport's MRZ, runs the alarm stage (and crops the portrait when asked); runs on
/// the pool.
pub fn read_passport(
    job: &PassportJob<'_>,
    page: &RgbImage,
) -> Result<MlidPassportOcrResponse, EkycError> {
    // With a visual-zone reader, its region cut and detection run beside the MRZ line reads.
    let read = match job.viz {
        Some(viz) => viz.read_mrz(job.reader, page),
        None => job.reader.read_located(page).map(|l| (l, None)),
    };
    let (located, started) = read.map_err(|e| match e {
        DocError::NoMrz { reason } => EkycError::new(
            ErrorCode::NoPassport,
            format!("no passport machine-readable zone was found ({reason})"),
        ),
        other => {
            tracing::error!(error = %other, "document engine failed");
            EkycError::new(
                ErrorCode::OcrFailed,
                format!("the document engine failed: {other}"),
            )
        }
    })?;
    let reading = &located.reading;
    let code = reading.fields.document_code.clone();
    if !code.starts_with('P') {
        return Err(EkycError::new(
            ErrorCode::NoPassport,
            format!(
                "the document is a {} with document code {code:?}, not a passport",
                reading.format.as_str()
            ),
        ));
    }
    let viz = read_viz(job.viz, page, &located, started)?;
    let cross = CrossChecks {
        jpeg: job.jpeg,
        ..CrossChecks::default()
    };
    let report = ekyc_alarms::check_with(page, &hints_of(&located), &cross, job.alarms);
    tracing::debug!(
        raised = ?report.wire_codes(),
        ms = report.ms,
        detections = %serde_json::to_string(&report.detections).unwrap_or_default(),
        "document alarms"
    );
    let image = match (job.ret_image, job.face) {
        (true, Some(face)) => portrait_jpeg_base64(face, page)?,
        _ => String::new(),
    };
    let infos = passport_infos(&MrzAnchor::of(&located), viz.as_ref());
    let mut out = response(reading, image, report.wire_codes());
    out.passport_recognize_infos = infos;
    Ok(out)
}

/// The visual zone, or `None` when there is no reader or its engine failed (the MRZ's values
/// are then reported; the MRZ read already succeeded). A clear disagreement with the MRZ is
/// the contract's error.
fn read_viz(
    reader: Option<&VizReader>,
    page: &RgbImage,
    located: &LocatedMrz,
    started: Option<VizStart>,
) -> Result<Option<VizReading>, EkycError> {
    let Some(reader) = reader else {
        return Ok(None);
    };
    let viz = match reader.read_started(page, located, started) {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(error = %e, "visual zone not read; MRZ values reported");
            return Ok(None);
        }
    };
    tracing::debug!(
        ms = viz.ms,
        lines = viz.lines.len(),
        boxes_detected = viz.stats.boxes_detected,
        boxes_read = viz.stats.boxes_read,
        net_columns = viz.stats.net_columns,
        "visual zone"
    );
    if let Some(m) = viz.mismatches.first() {
        return Err(EkycError::new(
            ErrorCode::InconsistencyBetweenMRZAndVRZ,
            format!(
                "the visual zone disagrees with the machine-readable zone: {} is {:?} in the MRZ but {:?} on the page",
                m.field, m.mrz, m.viz
            ),
        ));
    }
    Ok(Some(viz))
}

/// The MRZ band as the alarm stage's card-region hint.
fn hints_of(located: &LocatedMrz) -> CardHints {
    CardHints {
        mrz: Some(MrzHint {
            corners: located.corners.map(|p| (p.x, p.y)),
            lines: located.reading.lines.len(),
            chars: located
                .reading
                .lines
                .first()
                .map_or(0, |l| l.chars().count()),
        }),
        card: None,
    }
}

fn response(reading: &MrzReading, image: String, alarms: Vec<i64>) -> MlidPassportOcrResponse {
    let f = &reading.fields;
    let name = format!("{} {}", f.surname, f.given_names)
        .trim()
        .to_string();
    let line = |i: usize| reading.lines.get(i).cloned().unwrap_or_default();
    MlidPassportOcrResponse {
        id: f.document_number.clone(),
        name,
        date_of_birth: f.birth_date.clone(),
        sex: f.sex.clone(),
        date_of_expiration: f.expiry_date.clone(),
        issuing_country: f.issuing_state.clone(),
        nationality: f.nationality.clone(),
        warn: Vec::new(),
        image,
        advanced_info: "1".into(),
        code_set: line(0),
        code_crc: line(1),
        surname: Some(f.surname.clone()),
        given_name: Some(f.given_names.clone()),
        r#type: f.document_code.clone(),
        // Filled by the caller from the visual zone.
        passport_recognize_infos: PassportRecognizeInfos::default(),
        warn_card_infos: alarms,
        card_count: 1,
        // Printed check digits that do not add up are reported, never "fixed".
        is_complete: reading.check_digits_valid,
    }
}

/// The holder's photo: the largest face with room for hair and shoulders, as JPEG Base64.
pub(super) fn portrait_jpeg_base64(
    face: &FacePipeline,
    page: &RgbImage,
) -> Result<String, EkycError> {
    let found = face.detector.detect_largest(page).map_err(|e| {
        EkycError::new(
            ErrorCode::OcrFailed,
            format!("portrait detection failed: {e}"),
        )
    })?;
    let Some(found) = found else {
        return Ok(String::new());
    };
    let b = found.bbox;
    let (w, h) = (b.width() * 1.7, b.height() * 2.1);
    let (cx, cy) = ((b.x1 + b.x2) / 2.0, (b.y1 + b.y2) / 2.0 - b.height() * 0.1);
    let x0 = (cx - w / 2.0).max(0.0) as u32;
    let y0 = (cy - h / 2.0).max(0.0) as u32;
    let x1 = ((cx + w / 2.0) as u32).min(page.width());
    let y1 = ((cy + h / 2.0) as u32).min(page.height());
    if x1 <= x0 || y1 <= y0 {
        return Ok(String::new());
    }
    let crop = image::imageops::crop_imm(page, x0, y0, x1 - x0, y1 - y0).to_image();
    let mut jpeg = Vec::new();
    crop.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .map_err(|e| EkycError::internal(format!("portrait encoding failed: {e}")))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(jpeg))
}

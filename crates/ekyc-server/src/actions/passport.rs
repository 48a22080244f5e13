//! MLIDPassportOCR from the machine-readable zone: fields, check digits, and the holder's
//! portrait. The visual zone is not read yet (its fields stay empty) and the card alarms do not
//! run yet, so `WarnCardInfos` carries -9109 ("alarm service not enabled"), as the contract says.

use std::io::Cursor;

use base64::Engine as _;
use image::RgbImage;

use ekyc_doc::{DocError, MrzReader};
use ekyc_face::FacePipeline;
use ekyc_mrz::MrzReading;
use ekyc_types::wire::ocr::{MlidPassportOcrResponse, PassportRecognizeInfos};
use ekyc_types::{CardAlarm, EkycError, ErrorCode};

/// Reads the passport's MRZ (and crops the portrait when asked); runs on the pool.
pub fn read_passport(
    reader: &MrzReader,
    face: Option<&FacePipeline>,
    page: &RgbImage,
    ret_image: bool,
) -> Result<MlidPassportOcrResponse, EkycError> {
    let reading = reader.read(page).map_err(|e| match e {
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
    let image = match (ret_image, face) {
        (true, Some(face)) => portrait_jpeg_base64(face, page)?,
        _ => String::new(),
    };
    Ok(response(&reading, image))
}

fn response(reading: &MrzReading, image: String) -> MlidPassportOcrResponse {
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
        // The visual zone is not read yet: its fields stay empty rather than copied from the MRZ.
        passport_recognize_infos: PassportRecognizeInfos::default(),
        warn_card_infos: vec![CardAlarm::ServiceDisabled.wire()],
        card_count: 1,
        // Printed check digits that do not add up are reported, never "fixed".
        is_complete: reading.check_digits_valid,
    }
}

/// The holder's photo: the largest face with room for hair and shoulders, as JPEG Base64.
fn portrait_jpeg_base64(face: &FacePipeline, page: &RgbImage) -> Result<String, EkycError> {
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

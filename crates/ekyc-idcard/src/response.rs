//! The cards as the OCR API answers them (`HKIDCardOCR`, `MLIDCardOCR`).

use ekyc_types::wire::ocr::{HkidCardOcrResponse, MlidCardOcrResponse};

use crate::hkid::HkidCard;
use crate::mykad::MykadCard;

/// `head_image`: the portrait as Base64 JPEG when asked for.
pub fn hkid_response(
    card: &HkidCard,
    head_image: Option<String>,
    alarms: Vec<i64>,
) -> HkidCardOcrResponse {
    HkidCardOcrResponse {
        cn_name: card.cn_name.clone(),
        en_name: card.en_name.clone(),
        telex_code: card.telex_code.clone(),
        sex: card.sex.clone(),
        birthday: card.birthday.clone(),
        permanent: card.permanent,
        id_num: card.id_num.clone(),
        symbol: card.symbol.clone(),
        first_issue_date: card.first_issue_date.clone(),
        current_issue_date: card.current_issue_date.clone(),
        // Deprecated by Tencent; 0 = unknown.
        fake_detect_result: Some(0),
        head_image,
        warning_code: Vec::new(),
        warn_card_infos: alarms,
        // The layouts are not told apart yet.
        hkid_version: None,
    }
}

/// `image`: the portrait as Base64 JPEG, empty when not asked for.
pub fn mykad_response(card: &MykadCard, image: String, alarms: Vec<i64>) -> MlidCardOcrResponse {
    MlidCardOcrResponse {
        id: card.id.clone(),
        name: card.name.clone(),
        address: card.address.clone(),
        sex: card.sex.clone(),
        warn: Vec::new(),
        image,
        advanced_info: "1".into(),
        r#type: card.r#type.clone(),
        birthday: card.birthday.clone(),
        warn_card_infos: alarms,
    }
}

//! ocr 2018-11-19: passports, Hong Kong and Malaysian identity cards.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MlidPassportOcrRequest {
    pub image_base64: Option<String>,
    #[serde(default, deserialize_with = "super::lenient::opt_bool")]
    pub ret_image: Option<bool>,
    pub image_url: Option<String>,
}

/// Visual-zone fields of a passport; dates as `DD/MM/YYYY`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct PassportRecognizeInfos {
    pub r#type: String,
    pub issuing_country: String,
    #[serde(rename = "PassportID")]
    pub passport_id: String,
    pub surname: String,
    pub given_name: String,
    pub name: String,
    pub nationality: String,
    pub date_of_birth: String,
    pub sex: String,
    pub date_of_issuance: String,
    pub date_of_expiration: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_place: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct MlidPassportOcrResponse {
    #[serde(rename = "ID")]
    pub id: String,
    pub name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub date_of_expiration: String,
    pub issuing_country: String,
    pub nationality: String,
    pub warn: Vec<i64>,
    pub image: String,
    pub advanced_info: String,
    pub code_set: String,
    pub code_crc: String,
    pub surname: Option<String>,
    pub given_name: Option<String>,
    pub r#type: String,
    pub passport_recognize_infos: PassportRecognizeInfos,
    pub warn_card_infos: Vec<i64>,
    pub card_count: i64,
    pub is_complete: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HkidCardOcrRequest {
    #[serde(default, deserialize_with = "super::lenient::opt_bool")]
    pub return_head_image: Option<bool>,
    #[serde(default, deserialize_with = "super::lenient::opt_bool")]
    pub detect_fake: Option<bool>,
    pub image_base64: Option<String>,
    pub image_url: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct HkidCardOcrResponse {
    pub cn_name: String,
    pub en_name: String,
    pub telex_code: String,
    pub sex: String,
    /// `DD-MM-YYYY`.
    pub birthday: String,
    /// 0 no, 1 yes, -1 unknown.
    pub permanent: i64,
    pub id_num: String,
    pub symbol: String,
    pub first_issue_date: String,
    pub current_issue_date: String,
    pub fake_detect_result: Option<i64>,
    pub head_image: Option<String>,
    pub warning_code: Vec<i64>,
    pub warn_card_infos: Vec<i64>,
    #[serde(rename = "HKIDVersion")]
    pub hkid_version: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MlidCardOcrRequest {
    pub image_base64: Option<String>,
    pub back_image_base64: Option<String>,
    pub image_url: Option<String>,
    pub back_image_url: Option<String>,
    #[serde(default, deserialize_with = "super::lenient::opt_bool")]
    pub ret_image: Option<bool>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct MlidCardOcrResponse {
    #[serde(rename = "ID")]
    pub id: String,
    pub name: String,
    pub address: String,
    pub sex: String,
    pub warn: Vec<i64>,
    pub image: String,
    pub advanced_info: String,
    pub r#type: String,
    pub birthday: String,
    pub warn_card_infos: Vec<i64>,
}

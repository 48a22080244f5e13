//! iai 2020-03-03 `CompareFace`: photo against photo.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompareFaceRequest {
    pub image_a: Option<String>,
    pub image_b: Option<String>,
    pub url_a: Option<String>,
    pub url_b: Option<String>,
    pub face_model_version: Option<String>,
    #[serde(default, deserialize_with = "super::lenient::opt_i64")]
    pub quality_control: Option<i64>,
    #[serde(default, deserialize_with = "super::lenient::opt_i64")]
    pub need_rotate_detection: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct CompareFaceResponse {
    /// 0–100 on iai's own scale (40 ≈ FAR 0.1 %, 50 ≈ 0.01 %).
    pub score: f64,
    pub face_model_version: String,
}

//! faceid 2018-03-01: the liveness + compare actions.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LivenessCompareRequest {
    pub liveness_type: Option<String>,
    pub image_base64: Option<String>,
    pub image_url: Option<String>,
    pub validate_data: Option<String>,
    pub optional: Option<String>,
    pub video_base64: Option<String>,
    pub video_url: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct LivenessCompareResponse {
    pub best_frame_base64: Option<String>,
    pub sim: f64,
    pub result: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best_frame_list: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompareFaceLivenessRequest {
    pub image_base64: Option<String>,
    pub video_base64: Option<String>,
    pub liveness_type: Option<String>,
    pub validate_data: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct CompareFaceLivenessResponse {
    pub result: String,
    pub description: String,
    pub sim: f64,
    pub best_frame_base64: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VideoLivenessCompareRequest {
    pub image_url: Option<String>,
    pub image_md5: Option<String>,
    pub video_url: Option<String>,
    pub video_md5: Option<String>,
    pub liveness_type: Option<String>,
    pub validate_data: Option<String>,
}

/// `FileInfo` of VideoLivenessCompare's best frame.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FileInfo {
    #[serde(rename = "Url")]
    pub url: String,
    #[serde(rename = "MD5")]
    pub md5: String,
    #[serde(rename = "Size")]
    pub size: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct VideoLivenessCompareResponse {
    pub sim: f64,
    pub result: String,
    pub description: String,
    pub best_frame: Option<FileInfo>,
}

//! Request and response bodies of the Tencent-compatible actions, field names exactly as on the
//! wire (see `shared/contract/tencent-api.md` §4–§5). Requests ignore unknown fields; a field of
//! the wrong JSON type fails deserialisation, which the server answers with `InvalidParameter`.

pub mod faceid;
pub mod iai;
pub mod ocr;

use serde::de::DeserializeOwned;

use crate::error::EkycError;

pub mod lenient;

/// Turns the request's JSON parameters into an action's request struct.
pub fn parse_request<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, EkycError> {
    if !value.is_object() {
        return Err(EkycError::invalid_parameter(
            "request body must be a JSON object",
        ));
    }
    serde_json::from_value(value).map_err(|e| EkycError::invalid_parameter(e.to_string()))
}

/// A required field: absent → `InvalidParameter` naming it.
pub fn required<'a>(field: &str, value: &'a Option<String>) -> Result<&'a str, EkycError> {
    match value.as_deref() {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(EkycError::invalid_parameter(format!(
            "the required parameter {field} is missing"
        ))),
    }
}

/// Non-empty value of an optional string field.
pub fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

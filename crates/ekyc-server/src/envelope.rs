//! The two response envelopes (contract §3): always HTTP 200 and `Content-Type: application/json`
//! exactly — the Python SDK ignores `Response.Error` under any other content type.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use ekyc_types::EkycError;

/// `{"Response": {<fields>, "RequestId": id}}`.
pub fn success(fields: Map<String, Value>, request_id: &str) -> Response {
    let mut body = fields;
    body.insert("RequestId".into(), Value::String(request_id.to_string()));
    json_200(&json!({ "Response": body }))
}

/// `{"Response": {"Error": {"Code", "Message"}, "RequestId": id}}`.
pub fn error(err: &EkycError, request_id: &str) -> Response {
    json_200(&json!({
        "Response": {
            "Error": { "Code": err.code.as_str(), "Message": err.message },
            "RequestId": request_id,
        }
    }))
}

fn json_200(value: &Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Serialises an action's response struct into envelope fields.
pub fn fields_of<T: serde::Serialize>(value: &T) -> Result<Map<String, Value>, EkycError> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(EkycError::internal("response is not a JSON object")),
        Err(e) => Err(EkycError::internal(format!(
            "response serialisation failed: {e}"
        ))),
    }
}

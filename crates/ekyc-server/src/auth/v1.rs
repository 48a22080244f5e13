//! Legacy signature v1 (`HmacSHA256` / `HmacSHA1`, form-encoded), the Node intl SDK's default
//! (contract §2.5): Base64(HMAC(SecretKey, "POST" + host + "/?" + sorted k=v joined by '&')).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

use ekyc_types::{EkycError, ErrorCode};

/// Parameters every v1 request carries beside the action's own.
pub const COMMON_PARAMS: &[&str] = &[
    "Action",
    "Version",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Region",
    "Language",
    "SignatureMethod",
    "Signature",
    "RequestClient",
    "Token",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum V1Method {
    HmacSha256,
    HmacSha1,
}

impl V1Method {
    /// `SignatureMethod`; absent means HmacSHA1, as in Tencent's v1 API.
    pub fn parse(value: Option<&str>) -> Result<Self, EkycError> {
        match value {
            Some("HmacSHA256") => Ok(V1Method::HmacSha256),
            Some("HmacSHA1") | None => Ok(V1Method::HmacSha1),
            Some(other) => Err(EkycError::new(
                ErrorCode::InvalidAuthorization,
                format!("SignatureMethod must be HmacSHA256 or HmacSHA1, got {other:?}"),
            )),
        }
    }
}

/// The text the SDKs sign: parameters sorted by key, values not URL-encoded.
pub fn string_to_sign(method: &str, host: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> =
        params.iter().filter(|(k, _)| k != "Signature").collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let joined: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{method}{host}/?{}", joined.join("&"))
}

pub fn signature(method: V1Method, secret_key: &str, text: &str) -> String {
    let raw = match method {
        V1Method::HmacSha256 => {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).expect("any key length");
            mac.update(text.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        V1Method::HmacSha1 => {
            let mut mac =
                Hmac::<Sha1>::new_from_slice(secret_key.as_bytes()).expect("any key length");
            mac.update(text.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
    };
    base64::engine::general_purpose::STANDARD.encode(raw)
}

/// Turns flattened form keys (`A.B`, `List.0`) back into JSON, values as strings.
pub fn unflatten(params: &[(String, String)]) -> serde_json::Value {
    let mut root = serde_json::Map::new();
    for (key, value) in params {
        if COMMON_PARAMS.contains(&key.as_str()) {
            continue;
        }
        insert_path(&mut root, key, value);
    }
    lists_from_index_maps(serde_json::Value::Object(root))
}

fn insert_path(root: &mut serde_json::Map<String, serde_json::Value>, key: &str, value: &str) {
    let mut parts = key.split('.').peekable();
    let mut node = root;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            node.insert(
                part.to_string(),
                serde_json::Value::String(value.to_string()),
            );
            return;
        }
        let entry = node
            .entry(part.to_string())
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if !entry.is_object() {
            *entry = serde_json::Value::Object(Default::default());
        }
        match entry.as_object_mut() {
            Some(next) => node = next,
            None => return,
        }
    }
}

/// `{"0": a, "1": b}` → `[a, b]` wherever every key is a dense index.
fn lists_from_index_maps(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let n = map.len();
            let dense = n > 0 && (0..n).all(|i| map.contains_key(&i.to_string()));
            if dense {
                let mut map = map;
                let items = (0..n)
                    .filter_map(|i| map.remove(&i.to_string()))
                    .map(lists_from_index_maps)
                    .collect();
                serde_json::Value::Array(items)
            } else {
                serde_json::Value::Object(
                    map.into_iter()
                        .map(|(k, v)| (k, lists_from_index_maps(v)))
                        .collect(),
                )
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn sorts_and_skips_signature() {
        let params = vec![p("Nonce", "1"), p("Action", "X"), p("Signature", "zzz")];
        assert_eq!(
            string_to_sign("POST", "h:1", &params),
            "POSTh:1/?Action=X&Nonce=1"
        );
    }

    #[test]
    fn hmac_lengths() {
        let s256 = signature(V1Method::HmacSha256, "k", "t");
        let s1 = signature(V1Method::HmacSha1, "k", "t");
        assert_eq!(s256.len(), 44);
        assert_eq!(s1.len(), 28);
        assert_ne!(signature(V1Method::HmacSha256, "k2", "t"), s256);
    }

    #[test]
    fn unflattens_nested_and_lists() {
        let params = vec![
            p("Action", "X"),
            p("ImageBase64", "abc"),
            p("L.0", "a"),
            p("L.1", "b"),
            p("O.K", "v"),
        ];
        let json = unflatten(&params);
        assert_eq!(
            json,
            serde_json::json!({"ImageBase64": "abc", "L": ["a", "b"], "O": {"K": "v"}})
        );
    }
}

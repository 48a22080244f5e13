use super::*;
use axum::http::HeaderValue;

const SID: &str = "AKIDtest0000000000000000000000000000";
const SKEY: &str = "secretkey000000000000000000000000";
const NOW: i64 = 1_764_072_000; // 2025-11-25T12:00:00Z

/// Signs like the Python SDK: host as given (with port), service from the client.
fn tc3_headers(ts: i64, host: &str, signed_host: &str, service: &str, body: &[u8]) -> HeaderMap {
    let date = chrono::DateTime::from_timestamp(ts, 0)
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    let creq = tc3::canonical_request(&tc3::CanonicalInput {
        method: "POST",
        query: "",
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("host".into(), signed_host.into()),
        ],
        payload_hash: tc3::sha256_hex(body),
    });
    let scope = format!("{date}/{service}/tc3_request");
    let sts = tc3::string_to_sign(&ts.to_string(), &scope, &creq);
    let sig = tc3::signature(SKEY, &date, service, &sts);
    let mut h = HeaderMap::new();
    h.insert("host", HeaderValue::from_str(host).unwrap());
    h.insert("content-type", HeaderValue::from_static("application/json"));
    h.insert("x-tc-action", HeaderValue::from_static("CompareFace"));
    h.insert(
        "x-tc-timestamp",
        HeaderValue::from_str(&ts.to_string()).unwrap(),
    );
    let auth = format!(
        "TC3-HMAC-SHA256 Credential={SID}/{scope}, SignedHeaders=content-type;host, Signature={sig}"
    );
    h.insert("authorization", HeaderValue::from_str(&auth).unwrap());
    h
}

fn run(
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
    key: Option<&str>,
) -> Result<Authenticated, EkycError> {
    let req = SignedRequest {
        method: "POST",
        headers,
        body,
        now,
        window_s: 300,
    };
    prepare(&req)?.verify(key)
}

#[test]
fn tc3_accepts_python_and_node_styles() {
    let body = br#"{"ImageA":"x"}"#;
    let python = tc3_headers(NOW, "127.0.0.1:8080", "127.0.0.1:8080", "iai", body);
    let ok = run(&python, body, NOW, Some(SKEY)).unwrap();
    assert_eq!(ok.secret_id, SID);
    assert_eq!(ok.action.as_deref(), Some("CompareFace"));
    let node = tc3_headers(NOW, "127.0.0.1:8080", "127.0.0.1", "127", body);
    assert!(run(&node, body, NOW, Some(SKEY)).is_ok());
}

#[test]
fn tc3_failures_have_the_right_codes() {
    let body = br#"{}"#;
    let h = tc3_headers(NOW, "localhost:9", "localhost:9", "faceid", body);
    let code = |r: Result<Authenticated, EkycError>| r.unwrap_err().code;
    assert_eq!(
        code(run(&h, body, NOW, Some("wrong"))),
        ErrorCode::SignatureFailure
    );
    assert_eq!(code(run(&h, body, NOW, None)), ErrorCode::SecretIdNotFound);
    assert_eq!(
        code(run(&h, b"{\"a\":1}", NOW, Some(SKEY))),
        ErrorCode::SignatureFailure
    );
    assert_eq!(
        code(run(&h, body, NOW + 301, Some(SKEY))),
        ErrorCode::SignatureExpire
    );
    assert_eq!(
        code(run(&h, body, NOW - 301, Some(SKEY))),
        ErrorCode::SignatureExpire
    );
    assert!(run(&h, body, NOW + 300, Some(SKEY)).is_ok());

    let mut other_host = h.clone();
    other_host.insert("host", HeaderValue::from_static("evil:9"));
    assert_eq!(
        code(run(&other_host, body, NOW, Some(SKEY))),
        ErrorCode::SignatureFailure
    );

    let mut garbled = h.clone();
    garbled.insert(
        "authorization",
        HeaderValue::from_static("TC3-HMAC-SHA256 garbage"),
    );
    assert_eq!(
        code(run(&garbled, body, NOW, Some(SKEY))),
        ErrorCode::InvalidAuthorization
    );

    let mut none = h.clone();
    none.remove("authorization");
    assert_eq!(
        code(run(&none, body, NOW, Some(SKEY))),
        ErrorCode::InvalidAuthorization
    );

    let mut bad_ts = h.clone();
    bad_ts.insert("x-tc-timestamp", HeaderValue::from_static("soon"));
    assert_eq!(
        code(run(&bad_ts, body, NOW, Some(SKEY))),
        ErrorCode::InvalidAuthorization
    );
}

#[test]
fn scope_date_must_be_the_timestamp_date() {
    // Signed at 23:59:59 UTC with the next day's date in the scope.
    let ts = 1_764_115_199; // 2025-11-25T23:59:59Z
    let body = b"{}";
    let mut h = tc3_headers(ts, "h", "h", "ocr", body);
    let auth = h
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap()
        .replace("2025-11-25", "2025-11-26");
    h.insert("authorization", HeaderValue::from_str(&auth).unwrap());
    assert_eq!(
        run(&h, body, ts, Some(SKEY)).unwrap_err().code,
        ErrorCode::SignatureFailure
    );
}

#[test]
fn unsigned_payload_mode() {
    let date = "2025-11-25";
    let creq = tc3::canonical_request(&tc3::CanonicalInput {
        method: "POST",
        query: "",
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("host".into(), "h".into()),
        ],
        payload_hash: tc3::sha256_hex(b"UNSIGNED-PAYLOAD"),
    });
    let scope = format!("{date}/faceid/tc3_request");
    let sts = tc3::string_to_sign(&NOW.to_string(), &scope, &creq);
    let sig = tc3::signature(SKEY, date, "faceid", &sts);
    let mut h = tc3_headers(NOW, "h", "h", "faceid", b"");
    let auth = format!("TC3-HMAC-SHA256 Credential={SID}/{scope}, SignedHeaders=content-type;host, Signature={sig}");
    h.insert("authorization", HeaderValue::from_str(&auth).unwrap());
    h.insert(
        "x-tc-content-sha256",
        HeaderValue::from_static("UNSIGNED-PAYLOAD"),
    );
    assert!(run(&h, b"{\"any\":\"body\"}", NOW, Some(SKEY)).is_ok());
}

fn v1_request(host: &str, method: v1::V1Method, ts: i64, key: &str) -> (HeaderMap, Vec<u8>) {
    let mut params: Vec<(String, String)> = vec![
        ("Action".into(), "HKIDCardOCR".into()),
        ("Version".into(), "2018-11-19".into()),
        ("Timestamp".into(), ts.to_string()),
        ("Nonce".into(), "12345".into()),
        ("SecretId".into(), SID.into()),
        ("ImageBase64".into(), "ab+c/=".into()),
        ("List.0".into(), "x".into()),
    ];
    params.push((
        "SignatureMethod".into(),
        match method {
            v1::V1Method::HmacSha256 => "HmacSHA256",
            v1::V1Method::HmacSha1 => "HmacSHA1",
        }
        .into(),
    ));
    let text = v1::string_to_sign("POST", host, &params);
    params.push(("Signature".into(), v1::signature(method, key, &text)));
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    let mut h = HeaderMap::new();
    h.insert("host", HeaderValue::from_str(host).unwrap());
    h.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    (h, body.into_bytes())
}

#[test]
fn v1_signatures() {
    for method in [v1::V1Method::HmacSha256, v1::V1Method::HmacSha1] {
        let (h, body) = v1_request("127.0.0.1:8080", method, NOW, SKEY);
        let ok = run(&h, &body, NOW, Some(SKEY)).unwrap();
        assert_eq!(ok.scheme, Scheme::V1);
        assert_eq!(ok.action.as_deref(), Some("HKIDCardOCR"));
        assert_eq!(ok.version.as_deref(), Some("2018-11-19"));
        let params = ok.form_params.unwrap();
        assert_eq!(params["ImageBase64"], "ab+c/=");
        assert_eq!(params["List"][0], "x");
        assert!(params.get("Signature").is_none());

        let (h, body) = v1_request("127.0.0.1:8080", method, NOW, "other");
        assert_eq!(
            run(&h, &body, NOW, Some(SKEY)).unwrap_err().code,
            ErrorCode::SignatureFailure
        );
        let (h, body) = v1_request("127.0.0.1:8080", method, NOW - 1000, SKEY);
        assert_eq!(
            run(&h, &body, NOW, Some(SKEY)).unwrap_err().code,
            ErrorCode::SignatureExpire
        );
    }
}

#[test]
fn strip_port_forms() {
    assert_eq!(strip_port("127.0.0.1:8080"), "127.0.0.1");
    assert_eq!(strip_port("example.com"), "example.com");
    assert_eq!(strip_port("[::1]:8080"), "[::1]");
}

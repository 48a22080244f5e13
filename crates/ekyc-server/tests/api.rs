//! The server end to end over HTTP: auth codes, parameter codes, media intake codes, limits,
//! records, health and metrics.

mod common;

use common::{b64, envelope, error_code, jpeg, media_server, spawn};
use serde_json::json;

const FACEID: &str = "2018-03-01";
const OCR: &str = "2018-11-19";
const IAI: &str = "2020-03-03";

#[tokio::test]
async fn auth_failures_have_the_contract_codes() {
    let srv = spawn(|_| {}).await;
    let body = json!({"ImageA": "x"}).to_string();

    let mut s = srv.signing("iai");
    s.secret_key = "not-the-key".into();
    let r = envelope(srv.call_signed("CompareFace", IAI, &body, &s).await).await;
    assert_eq!(error_code(&r), "AuthFailure.SignatureFailure");

    let mut s = srv.signing("iai");
    s.secret_id = "AKIDunknown0000000000000000000000000".into();
    let r = envelope(srv.call_signed("CompareFace", IAI, &body, &s).await).await;
    assert_eq!(error_code(&r), "AuthFailure.SecretIdNotFound");

    let mut s = srv.signing("iai");
    s.timestamp -= 600;
    let r = envelope(srv.call_signed("CompareFace", IAI, &body, &s).await).await;
    assert_eq!(error_code(&r), "AuthFailure.SignatureExpire");

    let url = format!("http://{}/", srv.host());
    let r = envelope(
        srv.http
            .post(&url)
            .header("Content-Type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(error_code(&r), "AuthFailure.InvalidAuthorization");
    let r = envelope(
        srv.http
            .post(&url)
            .header("Content-Type", "application/json")
            .header("Authorization", "TC3-HMAC-SHA256 nonsense")
            .header("X-TC-Timestamp", chrono::Utc::now().timestamp().to_string())
            .body("{}")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(error_code(&r), "AuthFailure.InvalidAuthorization");

    let r = envelope(
        srv.call_signed("NoSuchAction", IAI, &body, &srv.signing("iai"))
            .await,
    )
    .await;
    assert_eq!(error_code(&r), "InvalidAction");
    let r = envelope(
        srv.call_signed("CompareFace", "2017-01-01", &body, &srv.signing("iai"))
            .await,
    )
    .await;
    assert_eq!(error_code(&r), "NoSuchVersion");

    assert!(srv.app.store.revoke_key(&srv.key.secret_id).unwrap());
    let r = envelope(
        srv.call_signed("CompareFace", IAI, &body, &srv.signing("iai"))
            .await,
    )
    .await;
    assert_eq!(error_code(&r), "AuthFailure.SecretIdNotFound");
    // Every request above left exactly one record.
    assert_eq!(srv.record_count(), 8);
}

#[tokio::test]
async fn parameter_errors() {
    let srv = spawn(|_| {}).await;
    let s = srv.signing("faceid");
    let r = envelope(
        srv.call_signed("LivenessCompare", FACEID, "{not json", &s)
            .await,
    )
    .await;
    assert_eq!(error_code(&r), "InvalidParameter");
    let r = envelope(
        srv.call_signed("LivenessCompare", FACEID, "[1,2]", &s)
            .await,
    )
    .await;
    assert_eq!(error_code(&r), "InvalidParameter");

    let photo = b64(&jpeg(64, 64));
    let cases = [
        (
            json!({"ImageBase64": photo, "VideoBase64": "AAAA"}),
            "InvalidParameter",
        ), // LivenessType missing
        (
            json!({"LivenessType": 5, "ImageBase64": photo, "VideoBase64": "AAAA"}),
            "InvalidParameter",
        ),
        (
            json!({"LivenessType": "FOO", "ImageBase64": photo, "VideoBase64": "AAAA"}),
            "InvalidParameterValue",
        ),
        (
            json!({"LivenessType": "SILENT", "VideoBase64": "AAAA"}),
            "InvalidParameter",
        ), // no image
        (
            json!({"LivenessType": "LIP", "ValidateData": "12", "ImageBase64": photo, "VideoBase64": "AAAA"}),
            "InvalidParameterValue",
        ),
        (
            json!({"LivenessType": "ACTION", "ValidateData": "9", "ImageBase64": photo, "VideoBase64": "AAAA"}),
            "InvalidParameterValue",
        ),
        (
            json!({"LivenessType": "SILENT", "Optional": "{\"BestFrameNum\":50}", "ImageBase64": photo, "VideoBase64": "AAAA"}),
            "InvalidParameterValue",
        ),
        (
            json!({"LivenessType": "SILENT", "ImageBase64": "@@not base64@@", "VideoBase64": "AAAA"}),
            "InvalidParameterValue",
        ),
        (
            json!({"LivenessType": "SILENT", "ImageBase64": format!("data:image/jpeg;base64,{photo}"), "VideoBase64": "AAAA"}),
            "InvalidParameterValue",
        ),
    ];
    for (body, code) in &cases {
        let r = srv.call("LivenessCompare", FACEID, body).await;
        assert_eq!(error_code(&r), *code, "{body}");
    }
    let r = srv
        .call(
            "CompareFaceLiveness",
            FACEID,
            &json!({"LivenessType": "LIP", "ImageBase64": photo, "VideoBase64": "AAAA"}),
        )
        .await;
    assert_eq!(error_code(&r), "UnsupportedOperation");
    let r = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": photo, "ImageB": photo, "QualityControl": 9}),
        )
        .await;
    assert_eq!(error_code(&r), "InvalidParameterValue");
    let r = srv
        .call(
            "MLIDPassportOCR",
            OCR,
            &json!({"RetImage": "perhaps", "ImageBase64": photo}),
        )
        .await;
    assert_eq!(error_code(&r), "InvalidParameter");
    let r = srv.call("VideoLivenessCompare", FACEID, &json!({"LivenessType": "SILENT", "ImageUrl": "http://x/a", "ImageMd5": "12", "VideoUrl": "http://x/b", "VideoMd5": "d41d8cd98f00b204e9800998ecf8427e"})).await;
    assert_eq!(error_code(&r), "InvalidParameterValue");
    assert_eq!(srv.record_count(), 2 + cases.len() as u64 + 4);
}

/// A PNG header claiming 20000×20000 pixels with almost no data: must be refused from the header.
fn png_bomb() -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&20000u32.to_be_bytes());
    ihdr.extend_from_slice(&20000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

#[tokio::test]
async fn image_intake_errors() {
    let srv = spawn(|_| {}).await;
    let video = b64(b"not a video at all");
    let liveness = |photo: String| json!({"LivenessType": "SILENT", "ImageBase64": photo, "VideoBase64": video});

    let oversize = "A".repeat(3 * 1024 * 1024 + 4);
    let r = srv
        .call("LivenessCompare", FACEID, &liveness(oversize))
        .await;
    assert_eq!(error_code(&r), "FailedOperation.LifePhotoSizeError");

    let r = srv
        .call(
            "LivenessCompare",
            FACEID,
            &liveness(b64(b"this is plain text, not an image")),
        )
        .await;
    assert_eq!(error_code(&r), "FailedOperation.ImageDecodeFailed");

    let full = jpeg(256, 256);
    let r = srv
        .call(
            "LivenessCompare",
            FACEID,
            &liveness(b64(&full[..full.len() / 2])),
        )
        .await;
    assert_eq!(error_code(&r), "FailedOperation.ImageDecodeFailed");

    let r = srv
        .call("LivenessCompare", FACEID, &liveness(b64(&png_bomb())))
        .await;
    assert_eq!(error_code(&r), "FailedOperation.LifePhotoSizeError");

    let r = srv
        .call("LivenessCompare", FACEID, &liveness(b64(&jpeg(8, 8))))
        .await;
    assert_eq!(error_code(&r), "FailedOperation.LifePhotoSizeError");

    // A good photo gets past intake; the junk video is then refused.
    let r = srv
        .call("LivenessCompare", FACEID, &liveness(b64(&jpeg(128, 128))))
        .await;
    assert_eq!(error_code(&r), "FailedOperation.LipVideoInvalid");

    // Document role: oversize is ImageSizeTooLarge, a bomb too.
    let r = srv
        .call(
            "HKIDCardOCR",
            OCR,
            &json!({"ImageBase64": b64(&png_bomb())}),
        )
        .await;
    assert_eq!(error_code(&r), "FailedOperation.ImageSizeTooLarge");
    let r = srv.call("HKIDCardOCR", OCR, &json!({})).await;
    assert_eq!(error_code(&r), "InvalidParameter");
    assert_eq!(srv.record_count(), 8);
}

#[tokio::test]
async fn valid_inputs_reach_the_missing_pipeline() {
    let srv = spawn(|_| {}).await;
    let photo = b64(&jpeg(320, 240));
    for (action, version, body) in [
        (
            "CompareFace",
            IAI,
            json!({"ImageA": photo, "ImageB": photo}),
        ),
        (
            "MLIDPassportOCR",
            OCR,
            json!({"ImageBase64": photo, "RetImage": true}),
        ),
        ("HKIDCardOCR", OCR, json!({"ImageBase64": photo})),
        (
            "MLIDCardOCR",
            OCR,
            json!({"ImageBase64": photo, "BackImageBase64": photo}),
        ),
    ] {
        let r = srv.call(action, version, &body).await;
        assert_eq!(error_code(&r), "UnsupportedOperation", "{action}");
        let msg = r["Error"]["Message"].as_str().unwrap();
        assert!(msg.contains("320×240"), "{action}: {msg}");
    }
}

#[tokio::test]
async fn url_intake_guard_timeout_and_404() {
    let media = media_server().await;
    let strict = spawn(|_| {}).await;
    let r = strict.call("CompareFace", IAI, &json!({"UrlA": format!("http://{media}/ok.jpg"), "UrlB": format!("http://{media}/ok.jpg")})).await;
    assert_eq!(error_code(&r), "InvalidParameterValue");
    assert!(r["Error"]["Message"]
        .as_str()
        .unwrap()
        .contains("127.0.0.1"));

    let open = spawn(|c| {
        c.server.allow_private_urls = true;
        c.download.total_timeout_ms = 500;
    })
    .await;
    let r = open.call("CompareFace", IAI, &json!({"UrlA": format!("http://{media}/ok.jpg"), "UrlB": format!("http://{media}/ok.jpg")})).await;
    assert_eq!(error_code(&r), "UnsupportedOperation"); // downloaded and decoded; no face pipeline yet
    let started = std::time::Instant::now();
    let r = open
        .call(
            "CompareFace",
            IAI,
            &json!({"UrlA": format!("http://{media}/stall"), "ImageB": "x"}),
        )
        .await;
    assert_eq!(error_code(&r), "FailedOperation.DownLoadTimeoutError");
    assert!(started.elapsed().as_secs() < 10);
    let r = open
        .call(
            "CompareFace",
            IAI,
            &json!({"UrlA": format!("http://{media}/missing.jpg"), "ImageB": "x"}),
        )
        .await;
    assert_eq!(error_code(&r), "FailedOperation.DownLoadError");
    let r = open.call("LivenessCompare", FACEID, &json!({"LivenessType": "SILENT", "ImageBase64": b64(&jpeg(64, 64)), "VideoUrl": format!("http://{media}/missing.mp4")})).await;
    assert_eq!(error_code(&r), "FailedOperation.LipNetFailed");
    assert_eq!(open.record_count(), 4);
}

#[tokio::test]
async fn full_pool_answers_request_limit_exceeded_at_once() {
    let srv = spawn(|c| {
        c.pool.workers = 1;
        c.pool.queue = Some(0);
    })
    .await;
    let held = srv.app.pool.admit().expect("the only place");
    let photo = b64(&jpeg(64, 64));
    let r = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": photo, "ImageB": photo}),
        )
        .await;
    assert_eq!(error_code(&r), "RequestLimitExceeded");
    drop(held);
    let r = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": photo, "ImageB": photo}),
        )
        .await;
    assert_eq!(error_code(&r), "UnsupportedOperation");
}

#[tokio::test]
async fn body_cap_and_non_api_paths() {
    let srv = spawn(|c| c.limits.body_max_bytes = 1000).await;
    let r = srv
        .call("CompareFace", IAI, &json!({"ImageA": "A".repeat(2000)}))
        .await;
    assert_eq!(error_code(&r), "RequestSizeLimitExceeded");
    assert_eq!(srv.record_count(), 1);

    let health = srv
        .http
        .get(format!("http://{}/healthz", srv.host()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let health: serde_json::Value = health.json().await.unwrap();
    assert_eq!(health["status"], "ready");

    let metrics = srv
        .http
        .get(format!("http://{}/metrics", srv.host()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            r#"ekyc_requests_total{action="CompareFace",code="RequestSizeLimitExceeded"} 1"#
        ),
        "{metrics}"
    );
    assert!(metrics.contains("ekyc_stage_seconds_bucket"));
    assert!(metrics.contains("ekyc_pool_in_flight 0"));

    let other = srv
        .http
        .get(format!("http://{}/nope", srv.host()))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
}

#[tokio::test]
async fn records_keep_digests_not_media() {
    let srv = spawn(|_| {}).await;
    let photo = jpeg(100, 100);
    let r = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": b64(&photo), "ImageB": b64(&photo)}),
        )
        .await;
    let id = r["RequestId"].as_str().unwrap().to_string();
    let rec = srv.app.store.get_record(&id).unwrap().expect("record");
    assert_eq!(rec.action, "CompareFace");
    assert_eq!(rec.version.as_deref(), Some(IAI));
    assert_eq!(rec.secret_id.as_deref(), Some(srv.key.secret_id.as_str()));
    assert_eq!(rec.result_code, "UnsupportedOperation");
    assert_eq!(rec.inputs.len(), 2);
    assert_eq!(rec.inputs[0].size, photo.len() as u64);
    assert!(rec.stages.iter().any(|s| s.name == "auth"));
    assert!(rec.stages.iter().any(|s| s.name == "decode"));
}

#[tokio::test]
async fn get_live_code_gives_four_digits() {
    let srv = spawn(|_| {}).await;
    let r = srv.call("GetLiveCode", FACEID, &json!({})).await;
    let code = r["LiveCode"].as_str().expect("LiveCode");
    assert_eq!(code.len(), 4);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(r.as_object().unwrap().len(), 2, "{r}");
}

//! The liveness actions end to end with the real models on the shared clips: verdict codes,
//! Sim against a photo of the same and of another person, best frames (Base64, list, URL).

mod common;

use std::net::SocketAddr;

use base64::Engine as _;
use common::{b64, data_file, error_code};
use md5::{Digest, Md5};
use serde_json::{json, Value};

const FACEID: &str = "2018-03-01";

fn clip(name: &str) -> Option<Vec<u8>> {
    data_file(&format!("liveness/{name}"))
}

/// A JPEG of the clip's frame at `seconds`: the same person as in the clip, another moment.
fn still_of(video: &[u8], seconds: f32) -> Vec<u8> {
    let decoded =
        ekyc_media::decode_video(video, &ekyc_media::VideoOptions::default()).expect("decode");
    let i = decoded
        .frame_times_s
        .iter()
        .position(|&t| t >= seconds)
        .unwrap_or(0);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&decoded.frames[i])
        .expect("jpeg");
    out
}

fn decode_b64_jpeg(v: &Value) -> image::RgbImage {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(v.as_str().expect("string"))
        .expect("base64");
    image::load_from_memory(&bytes).expect("jpeg").to_rgb8()
}

#[tokio::test]
async fn silent_live_clip_matches_a_photo_of_the_same_person() {
    let Some(pipelines) = common::real_pipelines() else {
        return;
    };
    let Some(video) = clip("live_d18.mp4") else {
        return;
    };
    let photo = still_of(&video, 1.0);
    let srv = common::spawn_with(|_| {}, pipelines).await;
    let body = json!({"LivenessType": "SILENT", "ImageBase64": b64(&photo), "VideoBase64": b64(&video),
        "Optional": "{\"BestFrameNum\":3}"});
    let r = srv.call("LivenessCompare", FACEID, &body).await;
    assert_eq!(r["Result"], "Success", "{r}");
    assert!(r["Sim"].as_f64().unwrap() >= 70.0, "{}", r["Sim"]);
    let best = decode_b64_jpeg(&r["BestFrameBase64"]);
    assert!(
        best.width() >= 200,
        "best frame {}x{}",
        best.width(),
        best.height()
    );
    let list = r["BestFrameList"].as_array().expect("BestFrameList");
    assert!((2..=3).contains(&list.len()), "{} frames", list.len());
    // CompareFaceLiveness runs the same flow with its own field order.
    let body = json!({"LivenessType": "ACTION", "ValidateData": "2", "ImageBase64": b64(&photo), "VideoBase64": b64(&video)});
    let r = srv.call("CompareFaceLiveness", FACEID, &body).await;
    assert_eq!(r["Result"], "Success", "{r}");
    assert!(r["BestFrameBase64"].is_string());
}

#[tokio::test]
async fn attacks_and_bad_clips_get_their_codes() {
    let Some(pipelines) = common::real_pipelines() else {
        return;
    };
    let Some(live) = clip("live_d18.mp4") else {
        return;
    };
    let photo = still_of(&live, 1.0);
    let srv = common::spawn_with(|_| {}, pipelines).await;
    let cases = [
        (
            "attack_print_face_recognition__obama.mp4",
            "SILENT",
            "",
            &[
                "FailedOperation.SilentPictureLiveFail",
                "FailedOperation.LivessDetectFake",
            ][..],
        ),
        (
            "attack_replay_d18.mp4",
            "SILENT",
            "",
            &[
                "FailedOperation.LivessDetectFake",
                "FailedOperation.SilentPictureLiveFail",
            ][..],
        ),
        (
            "attack_multiface_d18_d19.mp4",
            "SILENT",
            "",
            &["FailedOperation.SilentMultiFaceFail"][..],
        ),
        (
            "attack_mask_d20.mp4",
            "SILENT",
            "",
            &["FailedOperation.SilentFaceWithMaskFail"][..],
        ),
        (
            "bad_no_face_s18.mp4",
            "ACTION",
            "2",
            &["FailedOperation.ActionNodetectFace"][..],
        ),
        (
            "bad_dark.mp4",
            "ACTION",
            "1",
            &["FailedOperation.ActionLightDark"][..],
        ),
        (
            "live_d19_still_mouth.mp4",
            "ACTION",
            "1",
            &["FailedOperation.ActionOpenMouth"][..],
        ),
        (
            "live_d18.mp4",
            "ACTION",
            "3",
            &["FailedOperation.ActionFirstAction"][..],
        ),
    ];
    for (file, kind, validate, expected) in cases {
        let Some(video) = clip(file) else { return };
        let body = json!({"LivenessType": kind, "ValidateData": validate, "ImageBase64": b64(&photo), "VideoBase64": b64(&video)});
        let r = srv.call("LivenessCompare", FACEID, &body).await;
        let got = r["Result"].as_str().unwrap_or_default().to_string();
        assert!(
            expected.contains(&got.as_str()),
            "{file} {kind} {validate}: {r}"
        );
        assert_eq!(r["Sim"], 0.0);
        assert!(r["BestFrameBase64"].is_null());
    }
}

/// Serves fixed bodies at fixed paths (loopback; the server runs with private URLs allowed).
async fn serve_files(files: Vec<(&'static str, Vec<u8>)>) -> SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let files = files.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let reply = match files.iter().find(|(p, _)| *p == path) {
                    Some((_, body)) => {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        r.extend_from_slice(body);
                        r
                    }
                    None => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = sock.write_all(&reply).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn video_liveness_compare_serves_the_best_frame_by_url() {
    let Some(pipelines) = common::real_pipelines() else {
        return;
    };
    let Some(video) = clip("live_d18.mp4") else {
        return;
    };
    let photo = still_of(&video, 1.0);
    let md5 = |b: &[u8]| hex::encode(Md5::digest(b));
    let media = serve_files(vec![("/p.jpg", photo.clone()), ("/v.mp4", video.clone())]).await;
    let srv = common::spawn_with(|c| c.server.allow_private_urls = true, pipelines).await;
    let body = json!({"LivenessType": "SILENT", "ImageUrl": format!("http://{media}/p.jpg"), "ImageMd5": md5(&photo),
        "VideoUrl": format!("http://{media}/v.mp4"), "VideoMd5": md5(&video)});
    let r = srv.call("VideoLivenessCompare", FACEID, &body).await;
    assert_eq!(r["Result"], "Success", "{r}");
    let info = &r["BestFrame"];
    let url = info["Url"].as_str().expect("Url");
    let bytes = reqwest::get(url)
        .await
        .expect("GET")
        .bytes()
        .await
        .expect("body")
        .to_vec();
    assert_eq!(bytes.len() as u64, info["Size"].as_u64().unwrap());
    assert_eq!(md5(&bytes), info["MD5"].as_str().unwrap());
    image::load_from_memory(&bytes).expect("a JPEG");
    // A wrong VideoMd5 is refused before any analysis.
    let mut wrong = body.clone();
    wrong["VideoMd5"] = json!(md5(b"other"));
    let r = srv.call("VideoLivenessCompare", FACEID, &wrong).await;
    assert_eq!(error_code(&r), "InvalidParameterValue", "{r}");
}

#[tokio::test]
async fn lip_clips_get_their_codes() {
    let Some(pipelines) = common::real_pipelines() else {
        return;
    };
    let Some(talk) = clip("live_d20_talk.mp4") else {
        return;
    };
    let photo = still_of(&talk, 1.0);
    let srv = common::spawn_with(|_| {}, pipelines).await;
    let cases = [
        ("lip_d20_george_0578.mp4", "0578", "Success"),
        (
            "lip_d20_george_0578.mp4",
            "3801",
            "FailedOperation.LipVoiceRecognize",
        ),
        (
            "lip_d20_lowvoice_3554.mp4",
            "3554",
            "FailedOperation.LipVoiceLow",
        ),
        (
            "lip_d20_silent_audio.mp4",
            "9767",
            "FailedOperation.LipVoiceDetect",
        ),
        (
            "lip_d20_no_audio_stream.mp4",
            "1723",
            "FailedOperation.LipVoiceDetect",
        ),
        (
            "lip_d19_mouth_closed_6739.mp4",
            "6739",
            "FailedOperation.LipMoveSmall",
        ),
        ("bad_short_0.5s.mp4", "7790", "FailedOperation.LipSizeError"),
        ("bad_64x48.mp4", "1234", "FailedOperation.LipVideoQuaility"),
    ];
    for (file, code, expected) in cases {
        let Some(video) = clip(file) else { return };
        let body = json!({"LivenessType": "LIP", "ValidateData": code, "ImageBase64": b64(&photo), "VideoBase64": b64(&video)});
        let r = srv.call("LivenessCompare", FACEID, &body).await;
        assert_eq!(r["Result"], expected, "{file} {code}: {r}");
        if expected == "Success" {
            assert!(r["Sim"].as_f64().unwrap() >= 70.0, "{r}");
        }
    }
}

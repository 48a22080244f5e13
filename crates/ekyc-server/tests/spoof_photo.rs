//! `FailedOperation.LifePhotoDetectFake` from a real input: a face photo shown on a display and
//! photographed (tests/data/spoof_screen.jpg, made by `tools/faces/gen_spoofs.py --fixture`)
//! is refused by iai CompareFace and as the liveness actions' reference photo; the original
//! photo of the same person is not. Skips (loudly) without models or data.

mod common;

use common::{b64, data_file, error_code};
use serde_json::json;

const FACEID: &str = "2018-03-01";
const IAI: &str = "2020-03-03";

const SPOOF: &[u8] = include_bytes!("data/spoof_screen.jpg");

#[tokio::test]
async fn screen_recapture_is_life_photo_detect_fake() {
    let Some(pipelines) = common::real_pipelines() else {
        return;
    };
    let (Some(original), Some(other), Some(video)) = (
        data_file("faces/images/faceapijs__sheldon_sheldon1.jpg"),
        data_file("faces/images/faceapijs__sheldon_sheldon2.jpg"),
        data_file("liveness/live_d18.mp4"),
    ) else {
        return;
    };
    let srv = common::spawn_with(|_| {}, pipelines).await;

    let r = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": b64(&other), "ImageB": b64(SPOOF)}),
        )
        .await;
    assert_eq!(error_code(&r), "FailedOperation.LifePhotoDetectFake", "{r}");
    // The photo that was shown on the screen passes, and matches its person.
    let r = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": b64(&other), "ImageB": b64(&original)}),
        )
        .await;
    assert!(r["Score"].as_f64().is_some_and(|s| s >= 40.0), "{r}");

    let body =
        json!({"LivenessType": "SILENT", "ImageBase64": b64(SPOOF), "VideoBase64": b64(&video)});
    let r = srv.call("LivenessCompare", FACEID, &body).await;
    assert_eq!(r["Result"], "FailedOperation.LifePhotoDetectFake", "{r}");
    assert_eq!(r["Sim"], 0.0);
    assert!(r["Description"]
        .as_str()
        .is_some_and(|d| d.contains("screen")));
}

/// With the check switched off in config the same photo is compared like any other.
#[tokio::test]
async fn the_check_can_be_switched_off() {
    let Some(pipelines) = common::real_pipelines() else {
        return;
    };
    let Some(other) = data_file("faces/images/faceapijs__sheldon_sheldon2.jpg") else {
        return;
    };
    let srv = common::spawn_with(|c| c.photo_checks.screen_check = false, pipelines).await;
    let r = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": b64(&other), "ImageB": b64(SPOOF)}),
        )
        .await;
    assert!(r["Score"].as_f64().is_some(), "{r}");
}

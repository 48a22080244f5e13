//! The real pipelines behind the API (models from the cache, media from the shared data):
//! CompareFace, the liveness actions' reference-photo verdicts, MLIDPassportOCR, and an engine
//! failure injected behind the `Model` trait. Each test skips (loudly) without models or data.

mod common;

use common::{b64, data_dir, data_file, error_code, jpeg};
use serde_json::json;

const FACEID: &str = "2018-03-01";
const OCR: &str = "2018-11-19";
const IAI: &str = "2020-03-03";

fn face_file(name: &str) -> Option<Vec<u8>> {
    data_file(&format!("faces/images/{name}"))
}

/// CompareFace end to end with the real models on real photos.
#[tokio::test]
async fn compare_face_with_real_models() {
    let Some(pipelines) = common::real_pipelines() else {
        return;
    };
    let (Some(obama), Some(obama2), Some(biden)) = (
        face_file("face_recognition__obama.jpg"),
        face_file("face_recognition__obama2.jpg"),
        face_file("face_recognition__biden.jpg"),
    ) else {
        return;
    };
    let srv = common::spawn_with(|_| {}, pipelines).await;
    let score = |r: &serde_json::Value| r["Score"].as_f64().unwrap_or_else(|| panic!("{r}"));

    let same = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": b64(&obama), "ImageB": b64(&obama2)}),
        )
        .await;
    assert_eq!(same["FaceModelVersion"], "3.0");
    assert!(score(&same) >= 40.0, "same person scored {same}");
    let other = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": b64(&obama), "ImageB": b64(&biden)}),
        )
        .await;
    assert!(score(&other) < 40.0, "different people scored {other}");

    // A photo without a face, and a face below the requested quality.
    let r = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": b64(&obama), "ImageB": b64(&jpeg(320, 240))}),
        )
        .await;
    assert_eq!(error_code(&r), "InvalidParameterValue.NoFaceInPhoto");
    let small = {
        let img = image::load_from_memory(&obama).unwrap().resize(
            120,
            120,
            image::imageops::FilterType::Triangle,
        );
        let mut out = Vec::new();
        img.to_rgb8()
            .write_to(
                &mut std::io::Cursor::new(&mut out),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        out
    };
    let r = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": b64(&small), "ImageB": b64(&obama2), "QualityControl": 4}),
        )
        .await;
    assert_eq!(error_code(&r), "FailedOperation.FaceQualityNotQualified");

    // Rotated photo: found only with NeedRotateDetection.
    let turned = {
        let img = image::load_from_memory(&obama2).unwrap().rotate90();
        let mut out = Vec::new();
        img.to_rgb8()
            .write_to(
                &mut std::io::Cursor::new(&mut out),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        out
    };
    let r = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": b64(&obama), "ImageB": b64(&turned), "NeedRotateDetection": 1}),
        )
        .await;
    assert!(score(&r) >= 40.0, "{r}");
    let rec = srv
        .app
        .store
        .get_record(same["RequestId"].as_str().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(rec.result_code, "Success");
    assert!(rec.sim.is_some());
}

fn jpeg_of(img: &image::RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut out),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    out
}

/// The reference photo's checks decide a liveness verdict (success envelope with `Result`).
#[tokio::test]
async fn liveness_reference_photo_verdicts() {
    let Some(pipelines) = common::real_pipelines() else {
        return;
    };
    let (Some(obama), Some(video)) = (
        face_file("face_recognition__obama.jpg"),
        data_file("liveness/live_d18.mp4"),
    ) else {
        return;
    };
    let srv = common::spawn_with(|_| {}, pipelines).await;
    let face = image::load_from_memory(&obama).unwrap().to_rgb8();
    let mut two = image::RgbImage::new(face.width() * 2, face.height());
    image::imageops::replace(&mut two, &face, 0, 0);
    image::imageops::replace(&mut two, &face, face.width() as i64, 0);
    let dark = image::imageops::colorops::brighten(&face, -200);
    let cases = [
        (jpeg(320, 240), "FailedOperation.LifePhotoDetectNoFaces"),
        (jpeg_of(&two), "FailedOperation.LifePhotoDetectFaces"),
        (jpeg_of(&dark), "FailedOperation.LifePhotoPoorQuality"),
    ];
    for (photo, code) in &cases {
        let body = json!({"LivenessType": "SILENT", "ImageBase64": b64(photo), "VideoBase64": b64(&video)});
        let r = srv.call("LivenessCompare", FACEID, &body).await;
        assert_eq!(r["Result"], *code, "{r}");
        assert_eq!(r["Sim"], 0.0);
        assert!(r["BestFrameBase64"].is_null());
        assert!(r["Description"]
            .as_str()
            .unwrap()
            .starts_with("reference photo"));
        let r = srv.call("CompareFaceLiveness", FACEID, &body).await;
        assert_eq!(r["Result"], *code, "{r}");
    }
    // A good photo of someone else passes its checks, the clip is live, the faces differ.
    let body =
        json!({"LivenessType": "SILENT", "ImageBase64": b64(&obama), "VideoBase64": b64(&video)});
    let r = srv.call("LivenessCompare", FACEID, &body).await;
    assert_eq!(r["Result"], "FailedOperation.CompareLowSimilarity", "{r}");
    assert!(r["Sim"].as_f64().unwrap() < 70.0, "{r}");
}

/// A failing model behind the trait gives CompareSystemError, not a panic or a wrong verdict.
#[tokio::test]
async fn engine_failure_is_compare_system_error() {
    use ekyc_infer::{InferError, Model, NamedTensor};
    struct Broken;
    impl Model for Broken {
        fn name(&self) -> &str {
            "broken"
        }
        fn run(&self, _: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
            Err(InferError::UnknownModel {
                name: "broken".into(),
                known: String::new(),
            })
        }
    }
    let model: std::sync::Arc<dyn Model> = std::sync::Arc::new(Broken);
    let face = ekyc_face::FacePipeline {
        detector: ekyc_face::FaceDetector::new(model.clone()),
        embedder: ekyc_face::FaceEmbedder::new(model),
    };
    let srv = common::spawn_with(|_| {}, ekyc_server::Pipelines::with_face(face)).await;
    let photo = b64(&jpeg(200, 200));
    let r = srv
        .call(
            "CompareFace",
            IAI,
            &json!({"ImageA": photo, "ImageB": photo}),
        )
        .await;
    assert_eq!(error_code(&r), "FailedOperation.CompareSystemError");
}

/// MLIDPassportOCR reads the MRZ and crops the portrait; other documents are NoPassport.
#[tokio::test]
async fn passport_ocr_with_real_models() {
    let Some(pipelines) = common::real_pipelines() else {
        return;
    };
    let dir = data_dir();
    let (Ok(passport), Ok(card), Some(face)) = (
        std::fs::read(dir.join("documents/d025.jpg")),
        std::fs::read(dir.join("documents/d001.jpg")),
        face_file("face_recognition__obama.jpg"),
    ) else {
        eprintln!("SKIP: documents not found (set EKYC_TEST_DATA)");
        return;
    };
    let labels = std::fs::read_to_string(dir.join("documents/labels.csv")).unwrap();
    let mrz = labels
        .lines()
        .find(|l| l.starts_with("d025.jpg,"))
        .unwrap()
        .split(',')
        .nth(2)
        .unwrap()
        .to_string();
    let srv = common::spawn_with(|_| {}, pipelines).await;
    let r = srv
        .call(
            "MLIDPassportOCR",
            OCR,
            &json!({"ImageBase64": b64(&passport), "RetImage": true}),
        )
        .await;
    assert_eq!(
        format!(
            "{}|{}",
            r["CodeSet"].as_str().unwrap(),
            r["CodeCrc"].as_str().unwrap()
        ),
        mrz,
        "{r}"
    );
    assert_eq!(r["Type"].as_str().unwrap().chars().next(), Some('P'));
    assert_eq!(r["IsComplete"], true);
    // The alarm stage runs: only alarm codes, never "service disabled".
    let warn = r["WarnCardInfos"].as_array().expect("WarnCardInfos");
    assert!(
        warn.iter()
            .all(|c| (-9108..=-9101).contains(&c.as_i64().unwrap())),
        "{r}"
    );
    assert_eq!(r["DateOfBirth"].as_str().unwrap().len(), 8);
    let portrait = r["Image"].as_str().unwrap();
    assert!(!portrait.is_empty(), "RetImage must give the portrait");
    assert!(image::load_from_memory(
        &base64::Engine::decode(&base64::engine::general_purpose::STANDARD, portrait).unwrap()
    )
    .is_ok());
    for other in [card, face] {
        let r = srv
            .call("MLIDPassportOCR", OCR, &json!({"ImageBase64": b64(&other)}))
            .await;
        assert_eq!(error_code(&r), "FailedOperation.NoPassport", "{r}");
    }
}

/// The document alarms reach `WarnCardInfos`: a photocopy (greyscale reproduction) of a real
/// passport specimen raises -9102; with `[alarms] enabled = false` the field is `[-9109]`.
#[tokio::test]
async fn passport_alarms_with_real_models() {
    let Some(pipelines) = common::real_pipelines() else {
        return;
    };
    let Ok(passport) = std::fs::read(data_dir().join("documents/d025.jpg")) else {
        eprintln!("SKIP: documents not found (set EKYC_TEST_DATA)");
        return;
    };
    let page = image::load_from_memory(&passport).unwrap().to_rgb8();
    // The generated attack: a toner copy keeps luminance only, on slightly warm paper.
    let mut copy = page.clone();
    for p in copy.pixels_mut() {
        let l = (0.299 * p.0[0] as f32 + 0.587 * p.0[1] as f32 + 0.114 * p.0[2] as f32) as u8;
        *p = image::Rgb([l.saturating_add(4), l.saturating_add(2), l]);
    }
    let mut copy_jpeg = Vec::new();
    copy.write_to(
        &mut std::io::Cursor::new(&mut copy_jpeg),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    let srv = common::spawn_with(|_| {}, pipelines).await;
    let r = srv
        .call(
            "MLIDPassportOCR",
            OCR,
            &json!({"ImageBase64": b64(&copy_jpeg)}),
        )
        .await;
    let warn: Vec<i64> = r["WarnCardInfos"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|c| c.as_i64().unwrap())
        .collect();
    assert!(warn.contains(&-9102), "photocopy not raised: {r}");

    let Some(pipelines) = common::real_pipelines() else {
        return;
    };
    let off = common::spawn_with(|c| c.alarms.enabled = false, pipelines).await;
    let r = off
        .call(
            "MLIDPassportOCR",
            OCR,
            &json!({"ImageBase64": b64(&copy_jpeg)}),
        )
        .await;
    assert_eq!(r["WarnCardInfos"], json!([-9109]), "{r}");
}

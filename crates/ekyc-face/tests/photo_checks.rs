//! Photo checks on real photos: every shared face photo passes, and degraded copies fail the
//! named check.

mod common;

use common::{data_dir, pipeline};
use ekyc_face::photo_checks::{check_photo, PhotoCheckConfig, PhotoProblem};
use image::RgbImage;

fn images() -> Vec<(String, RgbImage)> {
    let dir = data_dir().join("faces/images");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("SKIP: {} not found (set EKYC_TEST_DATA)", dir.display());
        return Vec::new();
    };
    let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    // Every third photo keeps the debug-build test short; `ekyc eval faces` covers them all.
    files.sort();
    let keep = |(i, p): (usize, &std::path::PathBuf)| {
        i % 3 == 0 || p.ends_with("face_recognition__obama.jpg")
    };
    let files: Vec<_> = files
        .iter()
        .enumerate()
        .filter(|x| keep(*x))
        .map(|(_, p)| p.clone())
        .collect();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jpg" || e == "png"))
        .map(|p| {
            let img = image::open(&p).expect("decode").to_rgb8();
            (p.file_name().unwrap().to_string_lossy().to_string(), img)
        })
        .collect()
}

#[test]
fn real_photos_pass_and_degraded_ones_fail_by_name() {
    let Some(p) = pipeline() else { return };
    let cfg = PhotoCheckConfig::default();
    let imgs = images();
    for (name, img) in &imgs {
        let verdict = check_photo(&p, img, &cfg).unwrap();
        assert!(
            verdict.is_ok(),
            "{name}: {:?}",
            verdict.err().map(|e| e.describe())
        );
    }
    let Some((_, img)) = imgs
        .iter()
        .find(|(n, _)| n == "face_recognition__obama.jpg")
    else {
        return;
    };
    let grey = RgbImage::from_pixel(300, 200, image::Rgb([128, 128, 128]));
    assert_eq!(
        check_photo(&p, &grey, &cfg).unwrap().unwrap_err(),
        PhotoProblem::NoFace
    );

    let mut two = RgbImage::new(img.width() * 2, img.height());
    image::imageops::replace(&mut two, img, 0, 0);
    image::imageops::replace(&mut two, img, img.width() as i64, 0);
    assert!(matches!(
        check_photo(&p, &two, &cfg).unwrap(),
        Err(PhotoProblem::SeveralFaces { count: 2 })
    ));

    let dark = image::imageops::colorops::brighten(img, -200);
    let tiny = image::imageops::resize(
        img,
        img.width() / 8,
        img.height() / 8,
        image::imageops::FilterType::Triangle,
    );
    let bright = image::imageops::colorops::brighten(img, 150);
    let face_side = p
        .detector
        .detect_largest(img)
        .unwrap()
        .map_or(100.0, |f| f.bbox.width());
    let small = image::imageops::resize(
        img,
        img.width() / 2,
        img.height() / 2,
        image::imageops::FilterType::Triangle,
    );
    let soft = image::imageops::blur(&small, 0.06 * face_side);
    let cases = [
        ("dark", dark, "brightness_min"),
        ("tiny", tiny, "face_size_px"),
        ("bright", bright, "brightness_max"),
        ("blurred", soft, "sharpness"),
    ];
    for (what, bad, check) in cases {
        match check_photo(&p, &bad, &cfg).unwrap() {
            Err(PhotoProblem::PoorQuality(c)) => assert_eq!(c.name, check, "{what}"),
            Err(PhotoProblem::NoFace) => {} // also a correct refusal of an unusable photo
            other => panic!("{what}: {other:?}"),
        }
    }
}

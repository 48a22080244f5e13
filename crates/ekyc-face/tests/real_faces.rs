//! The real models on real photos: the same person is closer than different people, and the
//! chip looks like a face chip. Skips (loudly) without the model cache or the test data.

use std::path::Path;

use ekyc_face::{align, distance, Descriptor, FacePipeline};
use image::RgbImage;

mod common;

use common::{data_dir, pipeline};

fn load(dir: &Path, file: &str) -> RgbImage {
    let path = dir.join("images").join(file);
    image::open(&path)
        .unwrap_or_else(|e| panic!("decode {}: {e}", path.display()))
        .to_rgb8()
}

fn describe(p: &FacePipeline, dir: &Path, file: &str) -> Descriptor {
    let img = load(dir, file);
    let (face, descriptor) = p
        .describe_largest(&img)
        .expect("pipeline runs")
        .unwrap_or_else(|| panic!("{file}: no face"));
    eprintln!("{file}: {face:?}");
    descriptor
}

#[test]
fn same_person_is_closer_than_different_people() {
    let dir = data_dir().join("faces");
    if !dir.is_dir() {
        eprintln!(
            "SKIP: test data not found at {} (set EKYC_TEST_DATA)",
            dir.display()
        );
        return;
    }
    let Some(p) = pipeline() else { return };
    let obama = describe(&p, &dir, "face_recognition__obama.jpg");
    let obama2 = describe(&p, &dir, "face_recognition__obama2.jpg");
    let biden = describe(&p, &dir, "face_recognition__biden.jpg");
    let amy1 = describe(&p, &dir, "faceapijs__amy_amy1.jpg");
    let amy2 = describe(&p, &dir, "faceapijs__amy_amy2.jpg");
    let sheldon = describe(&p, &dir, "faceapijs__sheldon_sheldon3.jpg");
    let same = [distance(&obama, &obama2), distance(&amy1, &amy2)];
    let different = [
        distance(&obama, &biden),
        distance(&obama2, &biden),
        distance(&amy1, &sheldon),
        distance(&amy2, &sheldon),
        distance(&obama, &amy1),
    ];
    eprintln!("same {same:?}, different {different:?}");
    let worst_same = same.iter().copied().fold(f32::MIN, f32::max);
    let best_different = different.iter().copied().fold(f32::MAX, f32::min);
    assert!(
        worst_same < 0.55 && best_different > 0.65,
        "same {same:?} different {different:?}"
    );
}

#[test]
fn chip_is_centred_on_the_face() {
    let dir = data_dir().join("faces");
    if !dir.is_dir() {
        eprintln!(
            "SKIP: test data not found at {} (set EKYC_TEST_DATA)",
            dir.display()
        );
        return;
    }
    let Some(p) = pipeline() else { return };
    let img = load(&dir, "face_recognition__obama.jpg");
    let faces = p.detector.detect(&img).expect("detect");
    assert_eq!(faces.len(), 1, "{faces:?}");
    let chip = align(&img, &faces[0]).expect("align");
    // The face fills the chip: its centre is skin, not the dark suit or background, and the
    // chip is brighter in the middle than in the bottom corners.
    let mean = |x0: u32, y0: u32| {
        let mut sum = 0u32;
        for y in y0..y0 + 20 {
            for x in x0..x0 + 20 {
                let px = chip.get_pixel(x, y);
                sum += u32::from(px[0]) + u32::from(px[1]) + u32::from(px[2]);
            }
        }
        sum / 1200
    };
    let (centre, corner) = (mean(65, 70), mean(0, 130).min(mean(130, 130)));
    eprintln!("chip brightness: centre {centre}, darker bottom corner {corner}");
    assert!(
        centre > 90 && centre > corner + 20,
        "centre {centre} corner {corner}"
    );
}

#[test]
fn document_portraits_are_found_and_card_backs_have_none() {
    let dir = data_dir().join("documents");
    if !dir.is_dir() {
        eprintln!(
            "SKIP: test data not found at {} (set EKYC_TEST_DATA)",
            dir.display()
        );
        return;
    }
    let Some(p) = pipeline() else { return };
    let open = |file: &str| {
        let path = dir.join(file);
        image::open(&path)
            .unwrap_or_else(|e| panic!("decode {}: {e}", path.display()))
            .to_rgb8()
    };
    // Two ID cards with small portraits (one a 320 px scan of both sides), and a passport.
    for file in ["d001.jpg", "d013.png", "d025.jpg"] {
        let img = open(file);
        let face = p.detector.detect_largest(&img).expect("detect");
        eprintln!("{file} {}x{}: {face:?}", img.width(), img.height());
        let face = face.unwrap_or_else(|| panic!("{file}: portrait not found"));
        assert!(face.score > 0.6, "{file}: {face:?}");
        let [le, re, _, lm, rm] = face.landmarks;
        assert!(
            le[0] < re[0] && le[1].max(re[1]) < lm[1].min(rm[1]),
            "{file}: {face:?}"
        );
    }
    // The back of a card: text, a seal and a barcode, no face.
    let back = p
        .detector
        .detect_largest(&open("d020.png"))
        .expect("detect");
    assert_eq!(back, None);
}

//! The screen-recapture check on a real input: a shared face photo shown on a display and
//! photographed (the server tests' fixture, made by `tools/faces/gen_spoofs.py --fixture`) is
//! refused as `PhotoProblem::Fake`; the photo that was on the screen passes (the other real
//! photos are covered by tests/photo_checks.rs, which runs every check).

mod common;

use common::{data_dir, pipeline};
use ekyc_face::photo_checks::{check_photo, PhotoCheckConfig, PhotoProblem};
use ekyc_face::spoof::screen_measure;

const FIXTURE: &[u8] = include_bytes!("../../ekyc-server/tests/data/spoof_screen.jpg");

#[test]
fn a_screen_recapture_is_refused_and_its_original_is_not() {
    let Some(p) = pipeline() else { return };
    let original = data_dir().join("faces/images/faceapijs__sheldon_sheldon1.jpg");
    let Ok(original) = image::open(&original) else {
        eprintln!(
            "SKIP: {} not found (set EKYC_TEST_DATA)",
            original.display()
        );
        return;
    };
    let cfg = PhotoCheckConfig::default();
    let spoof = image::load_from_memory(FIXTURE).unwrap().to_rgb8();
    match check_photo(&p, &spoof, &cfg).unwrap() {
        Err(PhotoProblem::Fake(c)) => {
            assert_eq!(c.name, "screen_recapture");
            assert!(c.value >= cfg.max_screen_score, "{c:?}");
        }
        other => panic!("recapture not refused: {:?}", other.map(|p| p.checks)),
    }
    let original = original.to_rgb8();
    let face = p.detector.detect_largest(&original).unwrap().unwrap();
    let m = screen_measure(&original, &face).expect("face large enough to judge");
    assert!(m.score < cfg.max_screen_score, "{m:?}");
    assert!(check_photo(&p, &original, &cfg).unwrap().is_ok());

    let off = PhotoCheckConfig {
        screen_check: false,
        ..cfg
    };
    assert!(check_photo(&p, &spoof, &off).unwrap().is_ok());
}

//! SILENT mode: passive checks on the signals — a face, only one, uncovered and usable, that
//! moves like a living face (not a flat picture) and is not shown on a screen.

use ekyc_types::ErrorCode;

use crate::config::{FramingConfig, SilentConfig};
use crate::signals::{FaceSignals, SignalTable};
use crate::stats;
use crate::verdict::{Evidence, Failure};

/// Share of detection frames that hold a second sizeable face.
pub fn multi_face_share(table: &SignalTable, cfg: &SilentConfig) -> f32 {
    stats::share(
        table
            .frames
            .iter()
            .filter(|f| f.detected)
            .map(|f| f.faces > 1 && f.second_face_ratio >= cfg.second_face_ratio),
    )
}

/// Faces darker or brighter than this (or partly blown out) are flat everywhere: no evidence
/// of a mask (same limits as the lighting checks).
const MASK_MIN_LUMA: f32 = 45.0;
const MASK_MAX_LUMA: f32 = 225.0;

/// Share of face frames whose lower face looks covered.
pub fn mask_share(table: &SignalTable, cfg: &SilentConfig) -> f32 {
    stats::share(
        table
            .with_face()
            // A dark face is flat everywhere: no evidence of a mask.
            .filter(|(_, s)| {
                (MASK_MIN_LUMA..=MASK_MAX_LUMA).contains(&s.face_luma) && s.face_blown < 0.1
            })
            .map(|(_, s)| s.lower_nonskin > cfg.mask_nonskin || s.lower_flat > cfg.mask_flat),
    )
}

fn faces(table: &SignalTable) -> Vec<&FaceSignals> {
    table.with_face().map(|(_, s)| s).collect()
}

/// Quality problem of the face (too small, blurred, too dark or blown out), described.
pub fn quality_problem(
    ev: &Evidence,
    silent: &SilentConfig,
    framing: &FramingConfig,
) -> Option<String> {
    if ev.median_face_px < silent.min_face_px {
        return Some(format!(
            "the face is too small ({:.0} px wide, at least {:.0})",
            ev.median_face_px, silent.min_face_px
        ));
    }
    if ev.median_face_luma < framing.min_face_luma {
        return Some(format!(
            "the face is too dark (luma {:.0}, at least {:.0})",
            ev.median_face_luma, framing.min_face_luma
        ));
    }
    if ev.median_face_luma > framing.max_face_luma || ev.median_blown > framing.max_blown {
        return Some(format!(
            "the face is overexposed (luma {:.0}, {:.0} % blown out)",
            ev.median_face_luma,
            ev.median_blown * 100.0
        ));
    }
    if ev.median_sharpness < silent.min_sharpness {
        return Some(format!(
            "the face is blurred (sharpness {:.1}, at least {:.1})",
            ev.median_sharpness, silent.min_sharpness
        ));
    }
    None
}

/// Medians of the per-face measurements.
pub fn face_medians(table: &SignalTable, ev: &mut Evidence) {
    let faces = faces(table);
    let med = |f: &dyn Fn(&FaceSignals) -> f32| {
        stats::median(&faces.iter().map(|s| f(s)).collect::<Vec<_>>()).unwrap_or(0.0)
    };
    ev.median_face_px = med(&|s| s.face.bbox.width());
    ev.median_face_luma = med(&|s| s.face_luma);
    ev.median_blown = med(&|s| s.face_blown);
    ev.median_sharpness = med(&|s| s.sharpness);
    ev.eye_motion = stats::spread(&faces.iter().map(|s| s.ear).collect::<Vec<_>>());
    ev.mouth_motion = stats::spread(&faces.iter().map(|s| s.mar).collect::<Vec<_>>());
}

/// Liveness score 0..100 of a clip that passed every check: 50 at the thresholds, rising to 100
/// with the margin of the weakest cue (non-rigid motion, screen cues, eye/mouth motion).
pub fn score(ev: &Evidence, cfg: &SilentConfig) -> f32 {
    let margin = |value: f32, threshold: f32| ((value / threshold.max(1e-6)) - 1.0).clamp(0.0, 1.0);
    let rigid = margin(
        ev.deformation,
        ev.deformation_needed.max(cfg.min_deformation),
    );
    let screen = margin(cfg.max_screen_score, ev.screen)
        .min(margin(cfg.max_grid_score, ev.grid))
        .min(margin(cfg.max_border_score, ev.border));
    let motion = margin(ev.eye_motion, cfg.min_eye_motion)
        .max(margin(ev.mouth_motion, cfg.min_mouth_motion));
    50.0 + 50.0 * rigid.min(screen).min(motion)
}

/// The SILENT checks in contract order; `None` when the clip passes them all.
pub fn check(ev: &Evidence, silent: &SilentConfig, framing: &FramingConfig) -> Option<Failure> {
    if ev.face_share < framing.min_face_share {
        return Some(Failure::new(
            ErrorCode::SilentFaceDetectFail,
            format!(
                "a face was seen in {:.0} % of the frames (at least {:.0} % needed)",
                ev.face_share * 100.0,
                framing.min_face_share * 100.0
            ),
        ));
    }
    if ev.multi_face_share >= silent.multi_face_share {
        return Some(Failure::new(
            ErrorCode::SilentMultiFaceFail,
            format!(
                "a second face is in {:.0} % of the frames",
                ev.multi_face_share * 100.0
            ),
        ));
    }
    if ev.mask_share >= 0.5 {
        return Some(Failure::new(
            ErrorCode::SilentFaceWithMaskFail,
            format!(
                "the lower face is covered in {:.0} % of the frames",
                ev.mask_share * 100.0
            ),
        ));
    }
    if let Some(why) = quality_problem(ev, silent, framing) {
        return Some(Failure::new(ErrorCode::SilentFaceQualityFail, why));
    }
    if let Some(why) = ev.screen_problem(silent) {
        return Some(Failure::new(ErrorCode::LivessDetectFake, why));
    }
    if ev.deformation < ev.deformation_needed {
        return Some(Failure::new(
            ErrorCode::SilentPictureLiveFail,
            format!(
                "the face moves like a flat picture (non-rigid motion {:.3}, at least {:.3} for a {:.0} px face)",
                ev.deformation, ev.deformation_needed, ev.median_face_px
            ),
        ));
    }
    let still = ev.deformation < silent.still_deformation
        && ev.eye_motion < silent.still_eye_motion
        && ev.mouth_motion < silent.still_mouth_motion;
    if still {
        return Some(Failure::new(
            ErrorCode::SilentPictureLiveFail,
            format!(
                "the face neither blinks nor speaks and barely deforms, like a held picture (non-rigid {:.3}, eyes {:.3}, mouth {:.3})",
                ev.deformation, ev.eye_motion, ev.mouth_motion
            ),
        ));
    }
    if ev.eye_motion < silent.min_eye_motion {
        return Some(Failure::new(
            ErrorCode::SilentEyeLiveFail,
            format!(
                "the eyes do not move (eye-opening spread {:.3}, at least {:.3})",
                ev.eye_motion, silent.min_eye_motion
            ),
        ));
    }
    if ev.mouth_motion < silent.min_mouth_motion {
        return Some(Failure::new(
            ErrorCode::SilentMouthLiveFail,
            format!(
                "the mouth does not move (mouth-opening spread {:.3}, at least {:.3})",
                ev.mouth_motion, silent.min_mouth_motion
            ),
        ));
    }
    let s = score(ev, silent);
    if s < silent.pass_score {
        return Some(Failure::new(
            ErrorCode::SilentThreshold,
            format!(
                "liveness score {s:.1} is below the pass level {:.1}",
                silent.pass_score
            ),
        ));
    }
    None
}

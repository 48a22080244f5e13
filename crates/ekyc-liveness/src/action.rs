//! ACTION mode: the face must stay in the capture box in usable light, and perform the asked
//! gestures (open mouth, blink, nod, shake head) in order.

use ekyc_types::params::Gesture;
use ekyc_types::ErrorCode;

use crate::config::{ActionConfig, FramingConfig};
use crate::events::{find_events, smooth3, Event, EventRule};
use crate::signals::SignalTable;
use crate::stats;
use crate::verdict::Failure;

/// A framing or lighting problem seen in most face frames, as the ACTION code to answer.
pub fn framing_problem(table: &SignalTable, cfg: &FramingConfig) -> Option<Failure> {
    let share = table.face_share();
    if share < cfg.min_face_share {
        return Some(Failure::new(
            ErrorCode::ActionNodetectFace,
            format!(
                "a full face was seen in {:.0} % of the frames (at least {:.0} % needed)",
                share * 100.0,
                cfg.min_face_share * 100.0
            ),
        ));
    }
    let (w, h) = (table.width as f32, table.height as f32);
    let short = w.min(h).max(1.0);
    let faces: Vec<_> = table.with_face().map(|(_, s)| s).collect();
    let most = |test: &dyn Fn(&crate::FaceSignals) -> bool| {
        stats::share(faces.iter().map(|s| test(s))) >= cfg.problem_share
    };
    let luma = stats::median(&faces.iter().map(|s| s.face_luma).collect::<Vec<_>>()).unwrap_or(0.0);
    if most(&|s| s.face_luma < cfg.min_face_luma) {
        return Some(Failure::new(
            ErrorCode::ActionLightDark,
            format!(
                "the face is too dark (median luma {luma:.0}, at least {:.0} needed)",
                cfg.min_face_luma
            ),
        ));
    }
    if most(&|s| s.face_luma > cfg.max_face_luma || s.face_blown > cfg.max_blown) {
        return Some(Failure::new(
            ErrorCode::ActionLightStrong,
            format!("the face is overexposed (median luma {luma:.0})"),
        ));
    }
    // The mesh box follows the face even past the frame edges, where the detector's box is cut.
    let ratio = |s: &crate::FaceSignals| s.mesh_box.width() / short;
    let ratios: Vec<f32> = faces.iter().map(|s| ratio(s)).collect();
    let median_ratio = stats::median(&ratios).unwrap_or(0.0);
    let beyond = |s: &crate::FaceSignals| {
        let b = s.mesh_box;
        let (mx, my) = (0.05 * b.width(), 0.05 * b.height());
        [b.x1 < -mx, b.x2 > w + mx, b.y1 < -my, b.y2 > h + my]
    };
    // Cut on opposite sides at once: the face is larger than the frame.
    let cut_both = |s: &crate::FaceSignals| {
        let [l, r, t, btm] = beyond(s);
        (l && r) || (t && btm) || ((l || r) && (t || btm) && ratio(s) > 0.6 * cfg.max_face_ratio)
    };
    let one_side = |s: &crate::FaceSignals| {
        let [l, r, _, _] = beyond(s);
        (l != r).then_some(if l { -1.0f32 } else { 1.0 })
    };
    if most(&|s| one_side(s) == Some(-1.0)) {
        return Some(Failure::new(
            ErrorCode::ActionFaceLeft,
            "the face is cut by the left edge of the image".to_string(),
        ));
    }
    if most(&|s| one_side(s) == Some(1.0)) {
        return Some(Failure::new(
            ErrorCode::ActionFaceRight,
            "the face is cut by the right edge of the image".to_string(),
        ));
    }
    if most(&|s| ratio(s) > cfg.max_face_ratio || cut_both(s)) {
        return Some(Failure::new(
            ErrorCode::ActionFaceClose,
            format!(
                "the face is too close (width {:.0} % of the frame)",
                median_ratio * 100.0
            ),
        ));
    }
    if most(&|s| ratio(s) < cfg.min_face_ratio) {
        return Some(Failure::new(
            ErrorCode::ActionFaceFar,
            format!(
                "the face is too far (width {:.0} % of the frame, at least {:.0} % needed)",
                median_ratio * 100.0,
                cfg.min_face_ratio * 100.0
            ),
        ));
    }
    // Offset of the face centre from the frame centre; a face cut by a side edge counts as off
    // to that side. Sides are the image's (a mirrored selfie preview shows them swapped).
    let offset = |s: &crate::FaceSignals| {
        let b = s.mesh_box;
        ((b.x1 + b.x2) / 2.0 - w / 2.0) / w
    };
    if most(&|s| offset(s) < -cfg.max_centre_offset) {
        return Some(Failure::new(
            ErrorCode::ActionFaceLeft,
            "the face is too far to the left of the image (or cut by its left edge)".to_string(),
        ));
    }
    if most(&|s| offset(s) > cfg.max_centre_offset) {
        return Some(Failure::new(
            ErrorCode::ActionFaceRight,
            "the face is too far to the right of the image (or cut by its right edge)".to_string(),
        ));
    }
    None
}

/// `(time, value)` of one face signal.
fn series(
    table: &SignalTable,
    pick: impl Fn(&crate::FaceSignals) -> Option<f32>,
) -> Vec<(f32, f32)> {
    table
        .with_face()
        .filter_map(|(f, s)| pick(s).map(|v| (f.t, v)))
        .collect()
}

/// Events of each gesture found in the clip.
pub fn gesture_events(table: &SignalTable, gesture: Gesture, cfg: &ActionConfig) -> Vec<Event> {
    let values = |s: &[(f32, f32)]| s.iter().map(|v| v.1).collect::<Vec<_>>();
    match gesture {
        Gesture::Blink => {
            let ear = series(table, |s| Some(s.ear));
            let Some(open) = stats::quantile(&values(&ear), 0.75) else {
                return vec![];
            };
            let rule = EventRule {
                enter: open * cfg.blink_ratio,
                exit: open * 0.85,
                rising: false,
                min_frames: 1,
            };
            find_events(&ear, &rule)
        }
        Gesture::OpenMouth => {
            let mar = smooth3(&series(table, |s| Some(s.mar)));
            let Some(closed) = stats::quantile(&values(&mar), 0.2) else {
                return vec![];
            };
            let rule = EventRule {
                enter: closed + cfg.mouth_rise,
                exit: closed + cfg.mouth_rise * 0.5,
                rising: true,
                min_frames: 2,
            };
            find_events(&mar, &rule)
        }
        Gesture::Nod => swings(&smooth3(&series(table, |s| s.pitch)), cfg.nod_degrees),
        Gesture::ShakeHead => swings(&smooth3(&series(table, |s| s.yaw)), cfg.shake_degrees),
    }
}

/// Head turns: the angle leaves the clip's resting value (median) by `degrees` either way.
fn swings(angle: &[(f32, f32)], degrees: f32) -> Vec<Event> {
    let Some(rest) = stats::median(&angle.iter().map(|v| v.1).collect::<Vec<_>>()) else {
        return vec![];
    };
    let away: Vec<(f32, f32)> = angle.iter().map(|&(t, v)| (t, (v - rest).abs())).collect();
    let rule = EventRule {
        enter: degrees,
        exit: degrees * 0.5,
        rising: true,
        min_frames: 2,
    };
    find_events(&away, &rule)
}

pub fn gesture_name(g: Gesture) -> &'static str {
    match g {
        Gesture::OpenMouth => "open mouth",
        Gesture::Blink => "blink",
        Gesture::Nod => "nod",
        Gesture::ShakeHead => "shake head",
    }
}

/// The asked gestures, in order. The evidence's non-rigid motion matters: a nod or shake
/// of a face that does not deform is a picture being tilted.
pub fn check_gestures(
    table: &SignalTable,
    asked: &[Gesture],
    evidence: &crate::Evidence,
    cfg: &ActionConfig,
) -> Option<Failure> {
    let deformation = evidence.deformation;
    let needed = evidence.deformation_needed.max(cfg.min_deformation);
    let mut previous_start = f32::NEG_INFINITY;
    for (i, &g) in asked.iter().enumerate() {
        let events = gesture_events(table, g, cfg);
        if events.is_empty() {
            let name = gesture_name(g);
            let code = match g {
                Gesture::Blink => ErrorCode::ActionCloseEye,
                Gesture::OpenMouth => ErrorCode::ActionOpenMouth,
                _ if i == 0 => ErrorCode::ActionFirstAction,
                _ => ErrorCode::LivessDetectFail,
            };
            return Some(Failure::new(
                code,
                format!("no {name} seen (action {} of {})", i + 1, asked.len()),
            ));
        }
        let head_turn = matches!(g, Gesture::Nod | Gesture::ShakeHead);
        if head_turn && deformation < needed {
            return Some(Failure::new(
                ErrorCode::LivessDetectFail,
                format!(
                    "the {} moved the face rigidly, like a picture (non-rigid motion {deformation:.3}, at least {:.3} needed)",
                    gesture_name(g),
                    needed
                ),
            ));
        }
        let Some(event) = events.iter().find(|e| e.start_s >= previous_start) else {
            return Some(Failure::new(
                ErrorCode::LivessDetectFail,
                format!(
                    "the {} came before the previous action: the asked order was not followed",
                    gesture_name(g)
                ),
            ));
        };
        previous_start = event.start_s;
    }
    None
}

//! The frames to compare with the reference photo: sharp, frontal, eyes open, mouth closed.

use crate::signals::{FaceSignals, SignalTable};
use crate::stats;

/// Frames picked for `BestFrameList` are at least this far apart in time.
const MIN_GAP_S: f32 = 0.4;
/// Head turned further than this (degrees from the clip's resting pose) is not frontal.
const MAX_TURN_DEGREES: f32 = 15.0;

/// Indices (into the decoded frames) of up to `count` usable frames, best first. Empty when no
/// frame shows a usable face (`LivessBestFrameError`).
pub fn best_frames(table: &SignalTable, count: usize, min_face_px: f32) -> Vec<usize> {
    let faces: Vec<_> = table.with_face().collect();
    let col = |f: &dyn Fn(&FaceSignals) -> Option<f32>| {
        faces.iter().filter_map(|(_, s)| f(s)).collect::<Vec<_>>()
    };
    let open_eye = stats::quantile(&col(&|s| Some(s.ear)), 0.75).unwrap_or(0.0);
    let closed_mouth = stats::quantile(&col(&|s| Some(s.mar)), 0.2).unwrap_or(0.0);
    let rest_yaw = stats::median(&col(&|s| s.yaw)).unwrap_or(0.0);
    let rest_pitch = stats::median(&col(&|s| s.pitch)).unwrap_or(0.0);
    let mut ranked: Vec<(f32, f32, usize)> = faces
        .iter()
        .filter(|(_, s)| {
            s.face.bbox.width() >= min_face_px
                && s.ear >= 0.8 * open_eye
                && s.mar <= closed_mouth + 0.15
        })
        .filter_map(|(f, s)| {
            let turn = (s.yaw? - rest_yaw).abs().max((s.pitch? - rest_pitch).abs());
            (turn <= MAX_TURN_DEGREES).then(|| {
                let frontal = 1.0 - turn / (2.0 * MAX_TURN_DEGREES);
                (s.sharpness * frontal * s.presence, f.t, f.index)
            })
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut picked: Vec<(f32, usize)> = Vec::new();
    for (_, t, index) in ranked {
        if picked.len() >= count {
            break;
        }
        if picked.iter().all(|&(pt, _)| (pt - t).abs() >= MIN_GAP_S) {
            picked.push((t, index));
        }
    }
    picked.into_iter().map(|(_, i)| i).collect()
}

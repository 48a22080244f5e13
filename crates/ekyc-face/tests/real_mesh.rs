//! The real detector + face mesh + iris nets on a real clip (live_d18.mp4: blinks at ~3.2 s and
//! ~6.2 s, mouth wide open 2.5-3.0 s and 4.5-5.0 s, head still): the eye aspect ratio dips at
//! the blinks only, the mouth ratio peaks when the mouth is open, the pose stays put.
//! Skips (loudly) without the model cache, the test data or ffmpeg.

use std::path::{Path, PathBuf};

use ekyc_face::{EyeRefiner, Face, FaceDetector, FaceMesh, DETECTOR_MODEL, IRIS_MODEL, MESH_MODEL};
use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_media::{decode_video, VideoOptions};

/// Detection runs on every n-th frame and its box is reused in between (the subject hardly
/// moves; it keeps the debug-build test fast).
const DETECT_EVERY: usize = 6;

/// Every frame in these windows (blinks, mouth opening and closing) is measured; every second
/// one elsewhere, which is enough for the medians.
const FOCUS_S: [(f32, f32); 2] = [(2.4, 3.8), (5.9, 6.5)];

fn data_dir() -> PathBuf {
    match std::env::var_os("EKYC_TEST_DATA") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// Detector and mesh, or `None` after printing why the test is skipped.
fn models() -> Option<(FaceDetector, FaceMesh)> {
    let manifest = Manifest::embedded().expect("embedded manifest");
    let Ok(home) = default_home() else {
        eprintln!("SKIP: no cache dir (set EKYC_HOME); run `ekyc models fetch`");
        return None;
    };
    // Engine::load checks each file's sha256 itself; a missing or stale model means "skip".
    let engine = match Engine::load(
        &manifest,
        &home,
        &[DETECTOR_MODEL, MESH_MODEL, IRIS_MODEL],
        &SessionOptions::default(),
    ) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!(
                "SKIP: models not ready in {} ({e}): run `ekyc models fetch`",
                home.display()
            );
            return None;
        }
    };
    let detector = FaceDetector::new(engine.model(DETECTOR_MODEL).expect("detector"));
    let mesh = FaceMesh::new(engine.model(MESH_MODEL).expect("mesh"))
        .with_eyes(EyeRefiner::new(engine.model(IRIS_MODEL).expect("iris")));
    Some((detector, mesh))
}

/// Per frame: time, mean EAR, MAR, (yaw, pitch, roll).
struct Sample {
    t: f32,
    ear: f32,
    mar: f32,
    pose: (f32, f32, f32),
}

fn median(mut v: Vec<f32>) -> f32 {
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

fn min_in(samples: &[Sample], from: f32, to: f32, f: impl Fn(&Sample) -> f32) -> f32 {
    samples
        .iter()
        .filter(|s| s.t >= from && s.t <= to)
        .map(f)
        .fold(f32::INFINITY, f32::min)
}

fn spread(samples: &[Sample], f: impl Fn(&Sample) -> f32) -> f32 {
    let (lo, hi) = samples
        .iter()
        .map(f)
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    hi - lo
}

#[test]
fn blinks_and_open_mouth_show_in_the_signals() {
    let path = data_dir().join("liveness/live_d18.mp4");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("SKIP: {} not found (set EKYC_TEST_DATA)", path.display());
        return;
    };
    let Some((detector, mesher)) = models() else {
        return;
    };
    let options = VideoOptions {
        want_audio: false,
        ..VideoOptions::default()
    };
    let video = match decode_video(&bytes, &options) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("SKIP: cannot decode the clip (ffmpeg missing?): {e}");
            return;
        }
    };
    let mut samples = Vec::new();
    let mut face: Option<Face> = None;
    for (i, (frame, &t)) in video.frames.iter().zip(&video.frame_times_s).enumerate() {
        let focus = FOCUS_S.iter().any(|&(a, b)| (a..=b).contains(&t));
        if i % 2 == 1 && !focus {
            continue;
        }
        if i % DETECT_EVERY == 0 || face.is_none() {
            face = detector.detect_largest(frame).expect("detector runs");
        }
        let f = face.unwrap_or_else(|| panic!("no face at {t:.1} s"));
        let mesh = mesher.landmarks(frame, &f).expect("mesh runs");
        assert!(mesh.face_presence() > 0.9, "presence at {t:.1} s");
        let pose = mesh.head_pose().expect("pose");
        samples.push(Sample {
            t,
            ear: mesh.eye_aspect_ratio().mean,
            mar: mesh.mouth_aspect_ratio(),
            pose: (pose.yaw, pose.pitch, pose.roll),
        });
    }
    assert!(samples.len() >= 45, "{} frames", samples.len());

    let ear_median = median(samples.iter().map(|s| s.ear).collect());
    let mar_median = median(samples.iter().map(|s| s.mar).collect());
    let blink1 = min_in(&samples, 3.0, 3.4, |s| s.ear);
    let blink2 = min_in(&samples, 6.0, 6.4, |s| s.ear);
    let in_blink = |t: f32| (3.0..=3.4).contains(&t) || (6.0..=6.4).contains(&t);
    let open_eyes: Vec<&Sample> = samples.iter().filter(|s| !in_blink(s.t)).collect();
    let open_min = open_eyes
        .iter()
        .map(|s| s.ear)
        .fold(f32::INFINITY, f32::min);
    let mouth_open = min_in(&samples, 2.5, 3.0, |s| s.mar);
    let mouth_shut = samples
        .iter()
        .filter(|s| (3.3..=3.7).contains(&s.t))
        .map(|s| s.mar)
        .fold(0.0, f32::max);
    eprintln!(
        "{} frames; EAR median {ear_median:.3}, blink minima {blink1:.3} (3.0-3.4 s) and \
         {blink2:.3} (6.0-6.4 s), lowest elsewhere {open_min:.3}; MAR median {mar_median:.3}, \
         lowest in 2.5-3.0 s {mouth_open:.3}, highest in 3.3-3.7 s {mouth_shut:.3}; pose spread \
         yaw {:.1} pitch {:.1} roll {:.1} deg",
        samples.len(),
        spread(&samples, |s| s.pose.0),
        spread(&samples, |s| s.pose.1),
        spread(&samples, |s| s.pose.2),
    );
    for s in &samples {
        eprintln!("  t {:.1}  ear {:.3}  mar {:.3}", s.t, s.ear, s.mar);
    }

    assert!(blink1 < 0.7 * ear_median, "no blink at ~3.2 s");
    assert!(blink2 < 0.7 * ear_median, "no blink at ~6.2 s");
    assert!(open_min > 0.75 * ear_median, "a dip outside the blinks");
    assert!(
        mouth_open > 0.3 && mouth_open > 3.0 * mar_median,
        "mouth not open"
    );
    assert!(mouth_shut < 0.1, "mouth not closed after 3.3 s");
    // "Head still the whole clip": no turn, nod or tilt beyond a few degrees.
    assert!(spread(&samples, |s| s.pose.0) < 10.0);
    assert!(spread(&samples, |s| s.pose.1) < 15.0);
    assert!(spread(&samples, |s| s.pose.2) < 10.0);
}

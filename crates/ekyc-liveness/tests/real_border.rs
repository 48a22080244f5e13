//! The tracker (detections on a second thread) and the border cue on real clips: the live
//! people (live_d18.mp4; live_d20_talk.mp4, outdoors in front of foliage, the real clip with
//! the most border-like texture) have no straight border on both sides of the face; the d18
//! clip replayed on a phone and filmed by hand (attack_replay_d18.mp4) has. Skips (loudly)
//! without the model cache or the test data.

use std::path::{Path, PathBuf};

use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_liveness::{border, FaceTracker, SilentConfig, TrackConfig, TRACKER_MODELS};
use ekyc_media::{decode_video, VideoOptions};

/// Frames tracked per clip (3 s at 10 fps): enough for the cue, quick in a debug build.
const FRAMES: usize = 30;

fn data_dir() -> PathBuf {
    match std::env::var_os("EKYC_TEST_DATA") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

fn tracker() -> Option<FaceTracker> {
    let Ok(home) = default_home() else {
        eprintln!("SKIP: no cache dir (set EKYC_HOME); run `ekyc models fetch`");
        return None;
    };
    let manifest = Manifest::embedded().expect("embedded manifest");
    match Engine::load(
        &manifest,
        &home,
        &TRACKER_MODELS,
        &SessionOptions::default(),
    ) {
        Ok(engine) => {
            Some(FaceTracker::from_engine(&engine, TrackConfig::default()).expect("tracker"))
        }
        Err(e) => {
            eprintln!(
                "SKIP: models not ready in {} ({e}): run `ekyc models fetch`",
                home.display()
            );
            None
        }
    }
}

/// Border cue of the first [`FRAMES`] frames of a clip, after checking the track.
fn border_of(tracker: &FaceTracker, name: &str) -> Option<f32> {
    let path = data_dir().join("liveness").join(name);
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("SKIP: no clip at {}", path.display());
        return None;
    };
    let opts = VideoOptions {
        want_audio: false,
        ..VideoOptions::default()
    };
    let video = decode_video(&bytes, &opts).expect("decodes");
    let n = video.frames.len().min(FRAMES);
    let (frames, times) = (&video.frames[..n], &video.frame_times_s[..n]);
    let table = tracker.track(frames, times).expect("tracks");
    assert_eq!(table.frames.len(), n);
    assert!(
        table.face_share() > 0.9,
        "{name}: face in {:.2} of frames",
        table.face_share()
    );
    // detections every 10th frame arrive from the detection thread in order
    let detected: Vec<usize> = table
        .frames
        .iter()
        .filter(|f| f.detected)
        .map(|f| f.index)
        .collect();
    assert_eq!(detected[..3], [0, 10, 20], "{name}: {detected:?}");
    Some(border::border_cues(frames, &table))
}

#[test]
fn border_cue_on_real_live_and_replayed_clips() {
    let Some(tracker) = tracker() else { return };
    let limit = SilentConfig::default().max_border_score;
    for name in ["live_d18.mp4", "live_d20_talk.mp4"] {
        let Some(live) = border_of(&tracker, name) else {
            return;
        };
        assert!(live < limit, "live person {name}: border {live}");
    }
    let Some(replay) = border_of(&tracker, "attack_replay_d18.mp4") else {
        return;
    };
    assert!(replay > limit, "phone replay: border {replay}");
}

//! `cargo run -p ekyc-liveness --release --example dump -- VIDEO > signals.csv`
use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_liveness::{FaceTracker, TrackConfig, TRACKER_MODELS};
use ekyc_media::{decode_video, VideoOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: dump VIDEO")?;
    let bytes = std::fs::read(&path)?;
    let engine = Engine::load(
        &Manifest::embedded()?,
        &default_home()?,
        &TRACKER_MODELS,
        &SessionOptions::default(),
    )?;
    let tracker = FaceTracker::from_engine(&engine, TrackConfig::default())?;
    let t0 = std::time::Instant::now();
    let video = decode_video(
        &bytes,
        &VideoOptions {
            want_audio: false,
            ..VideoOptions::default()
        },
    )?;
    let t1 = std::time::Instant::now();
    let table = tracker.track(&video.frames, &video.frame_times_s)?;
    eprintln!(
        "decode {:.0} ms, track {:.0} ms for {} frames ({:?})",
        (t1 - t0).as_secs_f64() * 1e3,
        t1.elapsed().as_secs_f64() * 1e3,
        table.frames.len(),
        table.timings
    );
    eprintln!(
        "deformation {:.4} moire {:.3} grid {:.3} border {:.3}",
        ekyc_liveness::rigidity::deformation(&table),
        ekyc_liveness::screen::screen_cues(&video.frames, &table),
        ekyc_liveness::screen::grid_cues(&video.frames, &table),
        ekyc_liveness::border::border_cues(&video.frames, &table)
    );
    for (f, s) in table.with_face() {
        if let Some(b) = video
            .frames
            .get(f.index)
            .and_then(|img| ekyc_liveness::border::border_finding(img, &s.face.bbox))
        {
            eprintln!("frame {} border {b:?}", f.index);
        }
    }
    // FRAMES_DIR=dir also writes the decoded frames (PNG, by index) for offline study.
    if let Ok(dir) = std::env::var("FRAMES_DIR") {
        for (i, img) in video.frames.iter().enumerate() {
            img.save(format!("{dir}/{i:04}.png"))?;
        }
    }
    print!("{}", table.to_csv());
    Ok(())
}

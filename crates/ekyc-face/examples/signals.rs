//! Per-frame liveness signals of a video as CSV on stdout: time, face box, eye and mouth aspect
//! ratios, head pose, mesh face presence and the time spent on the frame.
//!
//! `cargo run -p ekyc-face --release --example signals -- VIDEO.mp4 > signals.csv`
//! (needs `ekyc models fetch` for centerface, face_mesh and iris_landmark, and ffmpeg).

use std::time::Instant;

use ekyc_face::{EyeRefiner, FaceDetector, FaceMesh, DETECTOR_MODEL, IRIS_MODEL, MESH_MODEL};
use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_media::{decode_video, VideoOptions};

type Error = Box<dyn std::error::Error>;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Error> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: signals VIDEO (prints CSV)")?;
    let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
    let manifest = Manifest::embedded()?;
    let engine = Engine::load(
        &manifest,
        &default_home()?,
        &[DETECTOR_MODEL, MESH_MODEL, IRIS_MODEL],
        &SessionOptions::default(),
    )?;
    let detector = FaceDetector::new(engine.model(DETECTOR_MODEL)?);
    let mesher = FaceMesh::new(engine.model(MESH_MODEL)?)
        .with_eyes(EyeRefiner::new(engine.model(IRIS_MODEL)?));
    let options = VideoOptions {
        want_audio: false,
        ..VideoOptions::default()
    };
    let video = decode_video(&bytes, &options)?;
    println!("t,x1,y1,x2,y2,ear_left,ear_right,ear,mar,yaw,pitch,roll,presence,ms");
    for (frame, t) in video.frames.iter().zip(&video.frame_times_s) {
        let start = Instant::now();
        let Some(face) = detector.detect_largest(frame)? else {
            let ms = start.elapsed().as_secs_f64() * 1e3;
            println!("{t:.2},,,,,,,,,,,,,{ms:.1}");
            continue;
        };
        let mesh = mesher.landmarks(frame, &face)?;
        let (ear, mar) = (mesh.eye_aspect_ratio(), mesh.mouth_aspect_ratio());
        let pose = mesh
            .head_pose()
            .map(|p| format!("{:.1},{:.1},{:.1}", p.yaw, p.pitch, p.roll))
            .unwrap_or_else(|| ",,".into());
        let ms = start.elapsed().as_secs_f64() * 1e3;
        let b = face.bbox;
        println!(
            "{t:.2},{:.0},{:.0},{:.0},{:.0},{:.3},{:.3},{:.3},{mar:.3},{pose},{:.3},{ms:.1}",
            b.x1,
            b.y1,
            b.x2,
            b.y2,
            ear.image_left,
            ear.image_right,
            ear.mean,
            mesh.face_presence()
        );
    }
    Ok(())
}

//! One pass over the frames: detect (every few frames) or follow the face, run the mesh, and
//! measure everything the checks need.

use ekyc_face::{
    landmark, BBox, DetectorConfig, EyeRefiner, Face, FaceDetector, FaceMesh, Mesh, DETECTOR_MODEL,
    EYE_IMAGE_LEFT, EYE_IMAGE_RIGHT, IRIS_MODEL, MESH_MODEL,
};
use ekyc_infer::Engine;
use image::RgbImage;
use std::time::Instant;

use crate::config::TrackConfig;
use crate::error::LivenessError;
use crate::face_stats;
use crate::signals::{FaceSignals, FrameSignals, SignalTable, KEY_POINTS};

/// A scheduled detection's faces and its time in milliseconds.
type DetectionResult = (Result<Vec<Face>, LivenessError>, f64);

fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

/// Models the tracker loads from the engine.
pub const TRACKER_MODELS: [&str; 3] = [DETECTOR_MODEL, MESH_MODEL, IRIS_MODEL];

/// Face detector + mesh (with iris-refined eyelids, needed to see blinks).
#[derive(Clone)]
pub struct FaceTracker {
    detector: FaceDetector,
    mesh: FaceMesh,
    config: TrackConfig,
}

/// Where the detector's box sits relative to the mesh's tight box, in mesh-box units; used to
/// turn a mesh into a detector-like box on frames without detection.
#[derive(Debug, Clone, Copy)]
struct BoxAnchor {
    dx1: f32,
    dy1: f32,
    dx2: f32,
    dy2: f32,
}

impl BoxAnchor {
    fn between(detected: &BBox, mesh: &BBox) -> BoxAnchor {
        let (w, h) = (mesh.width().max(1.0), mesh.height().max(1.0));
        BoxAnchor {
            dx1: (detected.x1 - mesh.x1) / w,
            dy1: (detected.y1 - mesh.y1) / h,
            dx2: (detected.x2 - mesh.x2) / w,
            dy2: (detected.y2 - mesh.y2) / h,
        }
    }

    fn apply(&self, mesh: &BBox) -> BBox {
        let (w, h) = (mesh.width(), mesh.height());
        BBox {
            x1: mesh.x1 + self.dx1 * w,
            y1: mesh.y1 + self.dy1 * h,
            x2: mesh.x2 + self.dx2 * w,
            y2: mesh.y2 + self.dy2 * h,
        }
    }
}

/// The face the next frame starts from.
struct Track {
    face: Face,
    anchor: BoxAnchor,
}

impl FaceTracker {
    pub fn new(detector: FaceDetector, mesh: FaceMesh, config: TrackConfig) -> FaceTracker {
        FaceTracker {
            detector,
            mesh,
            config,
        }
    }

    /// Detector, mesh and iris models from a loaded engine.
    pub fn from_engine(engine: &Engine, config: TrackConfig) -> Result<FaceTracker, LivenessError> {
        let model = |name: &str| {
            engine
                .model(name)
                .map_err(|e| LivenessError::Engine(ekyc_face::FaceError::Infer(e)))
        };
        let detector = FaceDetector::with_config(
            model(DETECTOR_MODEL)?,
            DetectorConfig {
                max_side: config.detect_side,
                ..DetectorConfig::default()
            },
        );
        let mesh = FaceMesh::new(model(MESH_MODEL)?).with_eyes(EyeRefiner::new(model(IRIS_MODEL)?));
        Ok(FaceTracker::new(detector, mesh, config))
    }

    pub fn detector(&self) -> &FaceDetector {
        &self.detector
    }

    /// Signals of every frame (`times[i]` is frame i's time in seconds). The scheduled
    /// detections (every `detect_every` frames) run on a second thread while this one follows
    /// the face with the mesh: each model session is single-threaded, so a 2-core box overlaps
    /// them.
    pub fn track(&self, frames: &[RgbImage], times: &[f32]) -> Result<SignalTable, LivenessError> {
        let every = self.config.detect_every.max(1);
        std::thread::scope(|scope| {
            let (sender, scheduled) = std::sync::mpsc::channel();
            scope.spawn(move || {
                for frame in frames.iter().step_by(every) {
                    let started = Instant::now();
                    let found = self.detect(frame);
                    if sender.send((found, ms_since(started))).is_err() {
                        break; // tracking stopped early
                    }
                }
            });
            self.follow(frames, times, &scheduled)
        })
    }

    /// Faces in one frame; on a padded canvas when none is found in the frame itself.
    fn detect(&self, frame: &RgbImage) -> Result<Vec<Face>, LivenessError> {
        let found = self.detector.detect(frame)?;
        if found.is_empty() {
            return self.detect_padded(frame);
        }
        Ok(found)
    }

    /// The tracking pass; scheduled detections arrive in frame order on `scheduled`.
    fn follow(
        &self,
        frames: &[RgbImage],
        times: &[f32],
        scheduled: &std::sync::mpsc::Receiver<DetectionResult>,
    ) -> Result<SignalTable, LivenessError> {
        let first = frames.first().ok_or(LivenessError::NoFrames)?;
        let mut table = SignalTable {
            width: first.width(),
            height: first.height(),
            // The last frame covers one frame interval too.
            duration_s: match times {
                [.., a, b] => b + (b - a),
                [t] => *t + 0.1,
                [] => 0.0,
            },
            frames: Vec::with_capacity(frames.len()),
            timings: Default::default(),
        };
        let every = self.config.detect_every.max(1);
        let mut track: Option<Track> = None;
        let (mut faces, mut second_ratio) = (0usize, 0.0f32);
        for (index, frame) in frames.iter().enumerate() {
            let on_schedule = index % every == 0;
            let detect_now = on_schedule || track.is_none();
            let mut candidate = track.as_ref().map(|t| t.face);
            let carried_anchor = track.as_ref().map(|t| t.anchor);
            if detect_now {
                let (found, ms) = if on_schedule {
                    scheduled
                        .recv()
                        .map_err(|_| LivenessError::DetectionStopped)?
                } else {
                    let started = Instant::now();
                    (self.detect(frame), ms_since(started))
                };
                let found = found?;
                table.timings.detect_ms += ms;
                faces = found.len();
                second_ratio = second_face_ratio(&found);
                candidate = pick_subject(&found, candidate.as_ref());
            }
            let t = times.get(index).copied().unwrap_or(index as f32 * 0.1);
            let mut signals = FrameSignals {
                index,
                t,
                frame_luma: face_stats::frame_luma(frame),
                detected: detect_now,
                faces,
                second_face_ratio: second_ratio,
                face: None,
            };
            track = None;
            if let Some(face) = candidate {
                let started = Instant::now();
                let mesh = self.mesh.landmarks(frame, &face)?;
                table.timings.mesh_ms += ms_since(started);
                if mesh.face_presence() >= self.config.min_presence {
                    let mesh_box = mesh.bbox();
                    // Re-measured on detection frames, carried in between.
                    let anchor = match carried_anchor {
                        Some(a) if !detect_now => a,
                        _ => BoxAnchor::between(&face.bbox, &mesh_box),
                    };
                    let started = Instant::now();
                    let face_signals = measure(frame, face, &mesh);
                    table.timings.measure_ms += ms_since(started);
                    track = Some(Track {
                        face: face_from_mesh(&mesh, &anchor, face.score),
                        anchor,
                    });
                    signals.face = Some(face_signals);
                }
            }
            if signals.face.is_none() && !detect_now {
                // Lost between detections: the next frame detects again.
                signals.faces = 0;
            }
            table.frames.push(signals);
        }
        Ok(table)
    }
}

impl FaceTracker {
    /// A face larger than the frame (too close) is cut at the edges and the detector misses
    /// it; on a canvas twice the size it looks like a face again. Boxes come back in frame
    /// pixels (partly outside the frame).
    fn detect_padded(&self, frame: &RgbImage) -> Result<Vec<Face>, LivenessError> {
        let (w, h) = frame.dimensions();
        let (ox, oy) = (w / 2, h / 2);
        let mut canvas = RgbImage::from_pixel(w * 2, h * 2, image::Rgb([128, 128, 128]));
        image::imageops::replace(&mut canvas, frame, i64::from(ox), i64::from(oy));
        let (dx, dy) = (ox as f32, oy as f32);
        Ok(self
            .detector
            .detect(&canvas)?
            .into_iter()
            .map(|mut f| {
                f.bbox.x1 -= dx;
                f.bbox.x2 -= dx;
                f.bbox.y1 -= dy;
                f.bbox.y2 -= dy;
                for p in &mut f.landmarks {
                    p[0] -= dx;
                    p[1] -= dy;
                }
                f
            })
            .collect())
    }
}

/// Area of the second-largest face over the largest.
fn second_face_ratio(faces: &[Face]) -> f32 {
    let mut areas: Vec<f32> = faces.iter().map(|f| f.bbox.area()).collect();
    areas.sort_by(|a, b| b.total_cmp(a));
    match (areas.first(), areas.get(1)) {
        (Some(&a), Some(&b)) if a > 0.0 => b / a,
        _ => 0.0,
    }
}

/// The subject: the face overlapping the tracked one most, else the largest.
fn pick_subject(found: &[Face], previous: Option<&Face>) -> Option<Face> {
    if let Some(prev) = previous {
        let best = found
            .iter()
            .map(|f| (f.bbox.iou(&prev.bbox), f))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((iou, face)) = best {
            if iou > 0.3 {
                return Some(*face);
            }
        }
    }
    ekyc_face::largest(found)
}

fn centre(mesh: &Mesh, idx: &[usize]) -> [f32; 2] {
    let n = idx.len() as f32;
    let (sx, sy) = idx.iter().fold((0.0, 0.0), |(sx, sy), &i| {
        let p = mesh.points()[i];
        (sx + p[0], sy + p[1])
    });
    [sx / n, sy / n]
}

/// A detector-like face (box + 5 points) from a mesh, to crop the next frame.
fn face_from_mesh(mesh: &Mesh, anchor: &BoxAnchor, score: f32) -> Face {
    let mut landmarks = [[0.0f32; 2]; 5];
    landmarks[landmark::EYE_IMAGE_LEFT] = centre(mesh, &EYE_IMAGE_LEFT);
    landmarks[landmark::EYE_IMAGE_RIGHT] = centre(mesh, &EYE_IMAGE_RIGHT);
    landmarks[landmark::NOSE] = centre(mesh, &[1]);
    landmarks[landmark::MOUTH_IMAGE_LEFT] = centre(mesh, &[61]);
    landmarks[landmark::MOUTH_IMAGE_RIGHT] = centre(mesh, &[291]);
    Face {
        bbox: anchor.apply(&mesh.bbox()),
        landmarks,
        score,
    }
}

fn measure(frame: &RgbImage, face: Face, mesh: &Mesh) -> FaceSignals {
    let ear = mesh.eye_aspect_ratio();
    let pose = mesh.head_pose();
    let (face_luma, face_blown) = face_stats::box_light(frame, &face.bbox);
    let (lower_flat, lower_nonskin) = face_stats::lower_face_cues(frame, mesh);
    FaceSignals {
        face,
        mesh_box: mesh.bbox(),
        presence: mesh.face_presence(),
        ear: ear.mean,
        ear_image_left: ear.image_left,
        ear_image_right: ear.image_right,
        mar: mesh.mouth_aspect_ratio(),
        yaw: pose.map(|p| p.yaw),
        pitch: pose.map(|p| p.pitch),
        roll: pose.map(|p| p.roll),
        face_luma,
        face_blown,
        sharpness: face_stats::box_sharpness(frame, &face.bbox),
        lower_flat,
        lower_nonskin,
        key_points: KEY_POINTS
            .iter()
            .map(|&i| {
                let p = mesh.points()[i];
                [p[0], p[1]]
            })
            .collect(),
    }
}

//! The per-frame signal table every check reads, and its CSV form for debugging.

use std::fmt::Write as _;

use ekyc_face::{BBox, Face};
use serde::Serialize;

/// Mesh points kept per frame for motion analysis: eye corners and lids, brows, nose, lips,
/// cheeks, chin and forehead — spread over the face so 3-D rotation and expressions show.
pub const KEY_POINTS: [usize; 28] = [
    33, 133, 362, 263, 159, 145, 386, 374, 70, 105, 336, 300, 1, 4, 195, 98, 327, 61, 291, 13, 14,
    0, 17, 234, 454, 152, 10, 172,
];

/// What the tracker saw of the subject's face in one frame.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaceSignals {
    /// Detector-style box (from the detector, or carried from the mesh on tracked frames).
    pub face: Face,
    /// Tight box of the mesh points.
    pub mesh_box: BBox,
    /// The mesh model's face-presence score (0..1).
    pub presence: f32,
    /// Eye aspect ratio (mean of both eyes), and each eye.
    pub ear: f32,
    pub ear_image_left: f32,
    pub ear_image_right: f32,
    /// Mouth aspect ratio (inner lip gap over mouth width).
    pub mar: f32,
    /// Head pose in degrees; `None` for a degenerate mesh.
    pub yaw: Option<f32>,
    pub pitch: Option<f32>,
    pub roll: Option<f32>,
    /// Mean luma (0..255) of the face box, and share of its pixels that are blown out (≥ 250).
    pub face_luma: f32,
    pub face_blown: f32,
    /// Laplacian variance of the face at a fixed scale (focus).
    pub sharpness: f32,
    /// Share of the lower face (mouth and chin) in one flat tone: ~0.1-0.6 bare, ~0.9 under a
    /// mask or a hand.
    pub lower_flat: f32,
    /// Share of lower-face pixels whose colour is not skin (a mask, a scarf).
    pub lower_nonskin: f32,
    /// [`KEY_POINTS`] in image pixels.
    pub key_points: Vec<[f32; 2]>,
}

/// One sampled frame.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameSignals {
    /// Index into the decoded frames.
    pub index: usize,
    /// Seconds from the start of the video.
    pub t: f32,
    /// Mean luma of the whole frame.
    pub frame_luma: f32,
    /// Whether the face detector ran on this frame (else the face was tracked from the mesh).
    pub detected: bool,
    /// Faces the detector found (on detection frames; carried over on tracked frames).
    pub faces: usize,
    /// Area of the second-largest face over the largest (0 when there is one face).
    pub second_face_ratio: f32,
    pub face: Option<FaceSignals>,
}

/// All frames of one video, in time order, with the frame size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalTable {
    pub width: u32,
    pub height: u32,
    pub duration_s: f32,
    pub frames: Vec<FrameSignals>,
    /// Where the tracking time went.
    pub timings: TrackTimings,
}

/// Milliseconds spent per stage over the whole video.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TrackTimings {
    pub detect_ms: f64,
    pub mesh_ms: f64,
    pub measure_ms: f64,
}

impl SignalTable {
    /// Frames where the subject's face was seen.
    pub fn with_face(&self) -> impl Iterator<Item = (&FrameSignals, &FaceSignals)> {
        self.frames
            .iter()
            .filter_map(|f| f.face.as_ref().map(|face| (f, face)))
    }

    /// Share of frames with a face (0 when there are no frames).
    pub fn face_share(&self) -> f32 {
        if self.frames.is_empty() {
            return 0.0;
        }
        self.with_face().count() as f32 / self.frames.len() as f32
    }

    /// The table as CSV (one row per frame; empty cells where no face was seen).
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "t,faces,second_face_ratio,detected,frame_luma,x1,y1,x2,y2,score,presence,ear,ear_l,ear_r,mar,yaw,pitch,roll,face_luma,face_blown,sharpness,lower_flat,lower_nonskin\n",
        );
        for f in &self.frames {
            let _ = write!(
                out,
                "{:.3},{},{:.3},{},{:.1}",
                f.t, f.faces, f.second_face_ratio, f.detected as u8, f.frame_luma
            );
            match &f.face {
                None => out.push_str(",,,,,,,,,,,,,,,,,,\n"),
                Some(s) => {
                    let b = s.face.bbox;
                    let opt = |v: Option<f32>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
                    let _ = writeln!(
                        out,
                        ",{:.0},{:.0},{:.0},{:.0},{:.3},{:.3},{:.3},{:.3},{:.3},{:.3},{},{},{},{:.1},{:.3},{:.1},{:.3},{:.1}",
                        b.x1,
                        b.y1,
                        b.x2,
                        b.y2,
                        s.face.score,
                        s.presence,
                        s.ear,
                        s.ear_image_left,
                        s.ear_image_right,
                        s.mar,
                        opt(s.yaw),
                        opt(s.pitch),
                        opt(s.roll),
                        s.face_luma,
                        s.face_blown,
                        s.sharpness,
                        s.lower_flat,
                        s.lower_nonskin,
                    );
                }
            }
        }
        out
    }
}

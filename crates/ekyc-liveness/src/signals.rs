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
            "t,faces,second_face_ratio,detected,frame_luma,x1,y1,x2,y2,score,presence,ear,ear_l,ear_r,mar,yaw,pitch,roll,face_luma,face_blown,sharpness,lower_flat,lower_nonskin",
        );
        // The key points last, as mesh-index-named columns, for plotting motion.
        for i in KEY_POINTS {
            let _ = write!(out, ",p{i}_x,p{i}_y");
        }
        out.push('\n');
        let no_points = ",".repeat(KEY_POINTS.len() * 2);
        for f in &self.frames {
            let _ = write!(
                out,
                "{:.3},{},{:.3},{},{:.1}",
                f.t, f.faces, f.second_face_ratio, f.detected as u8, f.frame_luma
            );
            match &f.face {
                None => {
                    out.push_str(",,,,,,,,,,,,,,,,,,");
                    out.push_str(&no_points);
                    out.push('\n');
                }
                Some(s) => {
                    let b = s.face.bbox;
                    let opt = |v: Option<f32>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
                    let _ = write!(
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
                    for k in 0..KEY_POINTS.len() {
                        match s.key_points.get(k) {
                            Some(p) => {
                                let _ = write!(out, ",{:.1},{:.1}", p[0], p[1]);
                            }
                            None => out.push_str(",,"),
                        }
                    }
                    out.push('\n');
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekyc_face::{BBox, Face};

    fn frame(index: usize, face: Option<FaceSignals>) -> FrameSignals {
        FrameSignals {
            index,
            t: index as f32 / 10.0,
            frame_luma: 100.0,
            detected: true,
            faces: usize::from(face.is_some()),
            second_face_ratio: 0.0,
            face,
        }
    }

    #[test]
    fn every_csv_row_has_the_header_s_columns_with_or_without_a_face() {
        let bbox = BBox {
            x1: 10.0,
            y1: 10.0,
            x2: 110.0,
            y2: 130.0,
        };
        let face = FaceSignals {
            face: Face {
                bbox,
                landmarks: [[0.0; 2]; 5],
                score: 0.9,
            },
            mesh_box: bbox,
            presence: 1.0,
            ear: 0.3,
            ear_image_left: 0.3,
            ear_image_right: 0.3,
            mar: 0.1,
            yaw: Some(1.0),
            pitch: None,
            roll: Some(-2.0),
            face_luma: 120.0,
            face_blown: 0.0,
            sharpness: 40.0,
            lower_flat: 0.2,
            lower_nonskin: 0.1,
            key_points: (0..KEY_POINTS.len())
                .map(|k| [k as f32, 2.0 * k as f32])
                .collect(),
        };
        let table = SignalTable {
            width: 640,
            height: 480,
            duration_s: 0.2,
            frames: vec![frame(0, Some(face)), frame(1, None)],
            timings: TrackTimings::default(),
        };
        let csv = table.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        let columns = lines[0].split(',').count();
        assert_eq!(columns, 23 + 2 * KEY_POINTS.len());
        for line in &lines[1..] {
            assert_eq!(line.split(',').count(), columns, "{line}");
        }
        assert!(lines[1].ends_with(",27.0,54.0"), "{}", lines[1]);
    }
}

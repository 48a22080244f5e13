//! Thresholds of every liveness check, with the defaults we measured (see the README's liveness
//! section for the data behind them).

use serde::{Deserialize, Serialize};

/// How the face is followed through the video.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrackConfig {
    /// Run the face detector every N frames (on a second thread, ahead of the tracking) and
    /// whenever the track is lost; in between the face box follows the mesh. Detection frames
    /// also count the faces in view. 10 (1 s at 10 fps) gave the same eval verdicts as 5 on the
    /// tune set and the real clips, for ~110 ms less CPU per 6 s clip.
    pub detect_every: usize,
    /// Longer side the frame is scaled to for detection (selfie faces are large; smaller is
    /// faster).
    pub detect_side: u32,
    /// Mesh face-presence below this drops the track (no face in that frame).
    pub min_presence: f32,
}

impl Default for TrackConfig {
    fn default() -> Self {
        TrackConfig {
            detect_every: 10,
            detect_side: 320,
            min_presence: 0.5,
        }
    }
}

/// Where the face must be and how it must be lit (ACTION mode's capture box, and the quality
/// floor of SILENT mode).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FramingConfig {
    /// Face box width over the frame's shorter side: below `min` is too far, above `max` too close.
    pub min_face_ratio: f32,
    pub max_face_ratio: f32,
    /// Face centre offset from the frame centre, as a share of the frame width.
    pub max_centre_offset: f32,
    /// Mean face luma (0..255) below which the light is too dim; above `max` (or a blown-out
    /// share above `max_blown`) too strong.
    pub min_face_luma: f32,
    pub max_face_luma: f32,
    pub max_blown: f32,
    /// A framing or lighting problem must hold in this share of the face frames to fail.
    pub problem_share: f32,
    /// Share of frames that must show a face.
    pub min_face_share: f32,
    /// Videos whose shorter side is below this many pixels cannot show a usable face.
    pub min_video_side: u32,
    /// Clips shorter than this (seconds) are refused (the contract's SilentTooShort: < 2 s).
    pub min_duration_s: f32,
}

impl Default for FramingConfig {
    fn default() -> Self {
        FramingConfig {
            min_face_ratio: 0.20,
            max_face_ratio: 0.80,
            max_centre_offset: 0.30,
            min_face_luma: 45.0,
            max_face_luma: 225.0,
            max_blown: 0.30,
            problem_share: 0.5,
            min_face_share: 0.5,
            min_video_side: 96,
            min_duration_s: 2.0,
        }
    }
}

/// Event detection for ACTION mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionConfig {
    /// A blink: the eye aspect ratio falls below this share of the clip's open-eye baseline.
    pub blink_ratio: f32,
    /// Mouth opening: the mouth aspect ratio rises this much above the clip's closed baseline.
    pub mouth_rise: f32,
    /// Nod / shake: pitch / yaw swings at least this many degrees from the clip baseline.
    pub nod_degrees: f32,
    pub shake_degrees: f32,
    /// Non-rigid motion the face must show for a nod or shake to count (a moved photo has none).
    pub min_deformation: f32,
}

impl Default for ActionConfig {
    fn default() -> Self {
        ActionConfig {
            blink_ratio: 0.70,
            mouth_rise: 0.15,
            nod_degrees: 10.0,
            shake_degrees: 7.0,
            min_deformation: 0.028,
        }
    }
}

/// SILENT mode thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SilentConfig {
    /// A second face this large (area over the subject's) in this share of detection frames.
    pub second_face_ratio: f32,
    pub multi_face_share: f32,
    /// Share of flat-toned lower-face pixels above which (in most frames) it is covered.
    pub mask_flat: f32,
    /// Share of non-skin pixels on the lower face above which it is covered.
    pub mask_nonskin: f32,
    /// Smallest face width (px) and sharpness for a usable face.
    pub min_face_px: f32,
    pub min_sharpness: f32,
    /// Eye / mouth micro-motion: spread (90th − 10th percentile) of EAR / MAR over the clip.
    pub min_eye_motion: f32,
    pub min_mouth_motion: f32,
    /// Non-rigid residual (share of face size) below which the face moves like a flat picture.
    pub min_deformation: f32,
    /// Faces narrower than this (px) have noisier landmarks: the non-rigid threshold grows as
    /// `min_deformation * ref / width`.
    pub deformation_ref_px: f32,
    /// Colour moiré (colour/luma detail ratio) above which the clip is a screen replay.
    pub max_screen_score: f32,
    /// Pixel-grid periodicity (Laplacian autocorrelation at 2-6 px) above which it is a replay.
    pub max_grid_score: f32,
    /// Border score (straight edges left and right of the face along its height) above which
    /// the face is on a screen or a print.
    pub max_border_score: f32,
    /// A face with weak non-rigid motion (below `still_deformation`), no eye movement (EAR
    /// spread below `still_eye_motion`) and little mouth movement (MAR spread below
    /// `still_mouth_motion`) is a still picture even when landmark noise passes `min_deformation`.
    pub still_deformation: f32,
    pub still_eye_motion: f32,
    pub still_mouth_motion: f32,
    /// Combined liveness score (0..100) needed to pass.
    pub pass_score: f32,
}

impl Default for SilentConfig {
    fn default() -> Self {
        SilentConfig {
            second_face_ratio: 0.10,
            multi_face_share: 0.30,
            mask_flat: 0.75,
            mask_nonskin: 0.60,
            min_face_px: 60.0,
            min_sharpness: 4.0,
            min_eye_motion: 0.010,
            min_mouth_motion: 0.010,
            min_deformation: 0.028,
            deformation_ref_px: 150.0,
            max_screen_score: 2.0,
            max_grid_score: 0.40,
            max_border_score: 0.45,
            still_deformation: 0.040,
            still_eye_motion: 0.035,
            still_mouth_motion: 0.10,
            pass_score: 50.0,
        }
    }
}

/// Everything the liveness checks need.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LivenessConfig {
    pub track: TrackConfig,
    pub framing: FramingConfig,
    pub action: ActionConfig,
    pub silent: SilentConfig,
}

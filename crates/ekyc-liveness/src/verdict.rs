//! Runs the checks a request asks for and names the first failure with its contract code.

use ekyc_types::params::Gesture;
use ekyc_types::ErrorCode;
use image::RgbImage;
use serde::Serialize;

use crate::config::LivenessConfig;
use crate::signals::SignalTable;
use crate::{action, best_frame, border, rigidity, screen, silent};

/// Which liveness mode a request asked for (LIP's audio checks live elsewhere; here LIP checks
/// only that the face and mouth are usable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Action(Vec<Gesture>),
    Silent,
    Lip,
}

impl Mode {
    /// The mode of a parsed `ValidateData` challenge.
    pub fn from_challenge(challenge: &ekyc_types::params::Challenge) -> Mode {
        use ekyc_types::params::Challenge;
        match challenge {
            Challenge::Digits(_) => Mode::Lip,
            Challenge::Gestures(g) => Mode::Action(g.clone()),
            Challenge::None => Mode::Silent,
        }
    }
}

/// A failed check: the contract code and a human description of what was measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    #[serde(serialize_with = "code_name")]
    pub code: ErrorCode,
    pub description: String,
}

fn code_name<S: serde::Serializer>(code: &ErrorCode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(code.as_str())
}

impl Failure {
    pub fn new(code: ErrorCode, description: String) -> Failure {
        Failure { code, description }
    }
}

/// The clip-level numbers the checks decided on (kept in the record, printed by the CLI).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    pub frames: usize,
    pub face_share: f32,
    pub multi_face_share: f32,
    pub mask_share: f32,
    pub median_face_px: f32,
    pub median_face_luma: f32,
    pub median_blown: f32,
    pub median_sharpness: f32,
    pub eye_motion: f32,
    pub mouth_motion: f32,
    /// Non-rigid motion (planar residual of the mesh key points).
    pub deformation: f32,
    /// Non-rigid motion needed for this face size (see `SilentConfig::deformation_ref_px`).
    pub deformation_needed: f32,
    /// Screen moiré cue (colour) and pixel-grid periodicity (luma).
    pub screen: f32,
    pub grid: f32,
    /// Straight borders left and right of the face (a screen's or a print's edge), 0..1.
    pub border: f32,
    /// LIP: mouth opening against voice loudness (recorded, not a rule yet).
    pub lip_sync: Option<crate::lip_sync::LipSync>,
}

impl Evidence {
    /// Which screen cue fired, described; `None` when neither did.
    pub fn screen_problem(&self, cfg: &crate::SilentConfig) -> Option<String> {
        if self.screen > cfg.max_screen_score {
            return Some(format!(
                "the face shows colour moiré ({:.2}, at most {:.2}): a replayed recording",
                self.screen, cfg.max_screen_score
            ));
        }
        if self.border > cfg.max_border_score {
            return Some(format!(
                "the face is framed by straight borders on both sides ({:.2}, at most {:.2}): a screen or a picture held up",
                self.border, cfg.max_border_score
            ));
        }
        (self.grid > cfg.max_grid_score).then(|| {
            format!("the face shows a display's pixel grid ({:.2}, at most {:.2}): a replayed recording", self.grid, cfg.max_grid_score)
        })
    }
}

/// The outcome of [`assess`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// `None` when the clip passed.
    pub failure: Option<Failure>,
    /// Liveness score 0..100 (0 when a check failed).
    pub score: f32,
    pub evidence: Evidence,
    /// Frame indices for the comparison, best first (empty: no usable frame).
    pub best_frames: Vec<usize>,
}

/// The clip-wide measurements.
pub fn evidence(table: &SignalTable, frames: &[RgbImage], cfg: &LivenessConfig) -> Evidence {
    let mut ev = Evidence {
        frames: table.frames.len(),
        face_share: table.face_share(),
        multi_face_share: silent::multi_face_share(table, &cfg.silent),
        mask_share: silent::mask_share(table, &cfg.silent),
        deformation: rigidity::deformation(table),
        screen: screen::screen_cues(frames, table),
        grid: screen::grid_cues(frames, table),
        border: border::border_cues(frames, table),
        ..Evidence::default()
    };
    silent::face_medians(table, &mut ev);
    let size = ev.median_face_px.max(1.0);
    ev.deformation_needed =
        cfg.silent.min_deformation * (cfg.silent.deformation_ref_px / size).max(1.0);
    ev
}

/// Problems with the clip itself (too short, too small) in the mode's words.
fn clip_problem(table: &SignalTable, mode: &Mode, cfg: &LivenessConfig) -> Option<Failure> {
    let side = table.width.min(table.height);
    if side < cfg.framing.min_video_side {
        let code = match mode {
            Mode::Action(_) => ErrorCode::ActionNodetectFace,
            Mode::Silent => ErrorCode::SilentFaceDetectFail,
            Mode::Lip => ErrorCode::LipVideoQuaility,
        };
        return Some(Failure::new(
            code,
            format!("the video is {}×{} pixels: too small to show a full face (shorter side at least {})", table.width, table.height, cfg.framing.min_video_side),
        ));
    }
    if table.duration_s < cfg.framing.min_duration_s {
        let code = match mode {
            Mode::Action(_) | Mode::Silent => ErrorCode::SilentTooShort,
            Mode::Lip => ErrorCode::LipSizeError,
        };
        return Some(Failure::new(
            code,
            format!(
                "the video lasts {:.1} s; at least {:.1} s is needed",
                table.duration_s, cfg.framing.min_duration_s
            ),
        ));
    }
    None
}

/// The checks of `mode` on one clip. `best_count` frames are picked for the comparison.
pub fn assess(
    table: &SignalTable,
    frames: &[RgbImage],
    mode: &Mode,
    cfg: &LivenessConfig,
    best_count: usize,
) -> Verdict {
    let ev = evidence(table, frames, cfg);
    let failure = clip_problem(table, mode, cfg).or_else(|| match mode {
        Mode::Action(asked) => action::framing_problem(table, &cfg.framing)
            .or_else(|| spoof_problem(&ev, cfg))
            .or_else(|| action::check_gestures(table, asked, &ev, &cfg.action)),
        Mode::Silent => silent::check(&ev, &cfg.silent, &cfg.framing),
        Mode::Lip => lip_face_problem(&ev, cfg),
    });
    let best = best_frame::best_frames(table, best_count.max(1), cfg.silent.min_face_px);
    let failure = failure.or_else(|| {
        best.is_empty().then(|| {
            Failure::new(
                ErrorCode::LivessBestFrameError,
                "no frame shows a sharp, frontal, open-eyed face to compare".to_string(),
            )
        })
    });
    let score = if failure.is_some() {
        0.0
    } else {
        silent::score(&ev, &cfg.silent)
    };
    Verdict {
        failure,
        score,
        evidence: ev,
        best_frames: best,
    }
}

/// ACTION clips are also checked for a replay screen and a flat picture: a replayed person
/// blinks on cue.
fn spoof_problem(ev: &Evidence, cfg: &LivenessConfig) -> Option<Failure> {
    if ev.multi_face_share >= cfg.silent.multi_face_share {
        return Some(Failure::new(
            ErrorCode::LivessDetectFail,
            format!(
                "a second face is in {:.0} % of the frames",
                ev.multi_face_share * 100.0
            ),
        ));
    }
    ev.screen_problem(&cfg.silent)
        .map(|why| Failure::new(ErrorCode::LivessDetectFake, why))
}

/// LIP mode's video checks: the face and mouth must be visible and sharp enough.
fn lip_face_problem(ev: &Evidence, cfg: &LivenessConfig) -> Option<Failure> {
    if ev.face_share < cfg.framing.min_face_share || ev.mask_share >= 0.5 {
        return Some(Failure::new(
            ErrorCode::LipFaceIncomplete,
            format!(
                "the face and mouth are fully visible in {:.0} % of the frames",
                ev.face_share * (1.0 - ev.mask_share) * 100.0
            ),
        ));
    }
    if let Some(why) = silent::quality_problem(ev, &cfg.silent, &cfg.framing) {
        return Some(Failure::new(ErrorCode::LipVideoQuaility, why));
    }
    ev.screen_problem(&cfg.silent)
        .map(|why| Failure::new(ErrorCode::LivessDetectFake, why))
}

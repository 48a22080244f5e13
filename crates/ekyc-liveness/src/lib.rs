//! Video liveness over decoded frames.
//!
//! One pass ([`FaceTracker::track`]) turns the frames into a [`SignalTable`]: per frame the face
//! box, eye and mouth opening, head pose, brightness, sharpness, how many faces, and a few mesh
//! points for motion analysis. Every check reads that table:
//! - [`action`]: the ACTION challenge (open mouth, blink, nod, shake) with framing and lighting.
//! - [`silent`]: the SILENT checks (no face, several faces, mask, quality, eye/mouth motion,
//!   rigid picture motion, screen replay) and a combined score.
//! - [`best_frame`]: the sharpest frontal open-eyed frames for the face comparison.
//!
//! [`assess`] runs the checks a request asks for and returns a [`Verdict`] naming the contract
//! code of the first failure.

pub mod action;
pub mod best_frame;
pub mod border;
mod config;
mod error;
mod events;
mod face_stats;
pub mod lip;
pub mod lip_sync;
pub mod rigidity;
pub mod screen;
pub mod signals;
pub mod silent;
mod stats;
mod track;
mod verdict;

pub use config::{ActionConfig, FramingConfig, LivenessConfig, SilentConfig, TrackConfig};
pub use error::LivenessError;
pub use signals::{FaceSignals, FrameSignals, SignalTable};
pub use track::{FaceTracker, TRACKER_MODELS};
pub use verdict::{assess, evidence, Evidence, Failure, Mode, Verdict};

/// Tracks the face through `frames` and runs the checks of `mode` on the signals.
pub fn check_video(
    tracker: &FaceTracker,
    frames: &[image::RgbImage],
    times: &[f32],
    mode: &Mode,
    cfg: &LivenessConfig,
    best_count: usize,
) -> Result<(SignalTable, Verdict), LivenessError> {
    let table = tracker.track(frames, times)?;
    let verdict = assess(&table, frames, mode, cfg, best_count);
    Ok((table, verdict))
}

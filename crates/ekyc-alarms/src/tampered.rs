//! Tampered (-9104): a portrait or a re-typed field pasted into the saved photo. The cue is
//! the paste's border (see [`crate::tampered_seams`]): a corner of two cuts one pixel wide,
//! straight along the pixel grid, which the camera's optics cannot produce on a card's print.
//!
//! An earlier noise-σ feature (compact groups of blocks much smoother than their
//! neighbourhood) was dropped: scans' noise-free paper looks like a pasted patch and
//! grain-matched pastes are invisible to it (best tune point 4 % TPR at 2 % FPR).

use ekyc_types::CardAlarm;

use crate::detection::Detection;
use crate::tampered_seams::strongest_corner;
use crate::view::View;

pub fn detect(v: &View) -> Detection {
    let corner = strongest_corner(v);
    Detection::new(CardAlarm::Tampered, corner.score)
        .with("seam_corner", corner.score)
        .with("corner_x", corner.x as f32)
        .with("corner_y", corner.y as f32)
}

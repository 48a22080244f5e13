//! Tampered (-9104): a portrait or a re-typed field pasted into the saved photo. The cue is
//! the paste's border (see [`crate::tampered_seams`]): a corner of two cuts one pixel wide,
//! straight along the pixel grid, which the camera's optics cannot produce on a card's print.
//! That holds only when the card is tilted in the photo: on a scan or a flat digital image
//! the card's own printed boxes are grid-straight and as sharp as a paste, so the score is
//! weighed by the card's tilt (from the MRZ band): none when the card is axis-aligned or its
//! tilt is unknown, full from [`FULL_TILT_DEG`] on.
//!
//! An earlier noise-σ feature (compact groups of blocks much smoother than their
//! neighbourhood) was dropped: scans' noise-free paper looks like a pasted patch and
//! grain-matched pastes are invisible to it (best tune point 4 % TPR at 2 % FPR).

use ekyc_types::CardAlarm;

use crate::detection::Detection;
use crate::tampered_seams::strongest_corner;
use crate::view::View;

/// Tilt (degrees) from which the card's print can no longer run grid-straight over a cut run
/// (48 px at 1.5° drift 1.3 px).
pub const FULL_TILT_DEG: f32 = 1.5;

pub fn detect(v: &View) -> Detection {
    let tilt = card_tilt_deg(v);
    let weight = tilt.map_or(0.0, |t| (t / FULL_TILT_DEG).min(1.0));
    if weight <= 0.0 {
        return Detection::new(CardAlarm::Tampered, 0.0)
            .with("card_tilt_deg", tilt.unwrap_or(-1.0));
    }
    let corner = strongest_corner(v);
    Detection::new(CardAlarm::Tampered, corner.score * weight)
        .with("card_tilt_deg", tilt.unwrap_or(-1.0))
        .with("seam_corner", corner.score)
        .with("corner_x", corner.x as f32)
        .with("corner_y", corner.y as f32)
}

/// The MRZ band's angle to the nearer image axis, degrees (`None` without an MRZ hint).
fn card_tilt_deg(v: &View) -> Option<f32> {
    let [tl, tr, _, _] = v.mrz_band?;
    let a = (tr.1 - tl.1).atan2(tr.0 - tl.0).to_degrees().abs() % 90.0;
    let a = a.min(90.0 - a);
    a.is_finite().then_some(a)
}

//! Covered (-9101): part of the card hidden. Two measurements:
//! - the frame: the card predicted from the MRZ band runs out of the photo (share outside);
//! - a finger: a smooth skin-coloured blob that enters from the photo's edge and lies over the
//!   card (a portrait's face is skin too, but it never reaches the photo's edge unless the
//!   card is cut there).

use ekyc_types::CardAlarm;

use crate::detection::Detection;
use crate::plane::{components, Plane};
use crate::view::View;

/// A blob whose local variation (mean |Δ| to the right and below) stays under this is smooth.
const SMOOTH: f32 = 6.0;
/// A finger's part off the card, against its part on it: at least (it comes from outside)...
const FINGER_MIN_OFF: f32 = 0.15;
/// ... and at most (else it is a skin-toned table the predicted card region clips).
const FINGER_MAX_OFF: f32 = 12.0;
/// Share of a finger blob's pixels with skin 2 px away on all four sides.
const FINGER_MIN_SOLID: f32 = 0.55;
/// Spread (σ of luma) of a finger's skin: its sides are in shade.
const FINGER_MIN_SHADING: f32 = 6.0;
/// A blob over more of the card than this is skin-toned paper or print, not a finger.
const FINGER_MAX_SHARE: f32 = 0.35;
/// Weight of the frame term: a card 10 % out of frame scores like 10 % covered by a finger.
const FRAME_WEIGHT: f32 = 1.0;

pub fn detect(v: &View) -> Detection {
    let f = 2;
    let (r, g, b) = (v.r.downscale(f), v.g.downscale(f), v.b.downscale(f));
    let card = v.card.scaled_down(f, r.w, r.h);
    let (w, h) = (r.w, r.h);
    let mut mask = vec![false; w * h];
    for y in 0..h.saturating_sub(1) {
        for x in 0..w.saturating_sub(1) {
            let i = y * w + x;
            mask[i] = is_skin(r.data[i], g.data[i], b.data[i]) && smooth(&r, &g, x, y);
        }
    }
    let card_area = card.area().max(1) as f32;
    let mut finger = 0.0f32;
    let mut blobs = 0;
    let mut rejected = 0;
    // The largest candidate's (share, solidity, shading), for the evidence.
    let mut largest = (0.0f32, 0.0f32, 0.0f32);
    for comp in components(&mask, w, h) {
        let touches_edge = comp.iter().any(|&i| {
            let (x, y) = (i % w, i / w);
            x <= 1 || y <= 1 || x + 3 >= w || y + 3 >= h
        });
        if !touches_edge {
            continue;
        }
        let on_card = comp
            .iter()
            .filter(|&&i| {
                let (x, y) = (i % w, i / w);
                x >= card.x0
                    && x < card.x1
                    && y >= card.y0
                    && y < card.y1
                    && v.on_card((x * f).min(v.y.w - 1), (y * f).min(v.y.h - 1))
            })
            .count() as f32;
        let off_card = comp.len() as f32 - on_card;
        let share = on_card / card_area;
        if share < 0.005 {
            continue;
        }
        // A finger reaches in from outside the card and covers a part of it; a skin-toned
        // table lies mostly off the card, skin-toned paper or a portrait wholly on it.
        // A finger is solid; skin-toned paper is perforated by the print on it.
        let interior = comp
            .iter()
            .filter(|&&i| {
                let (x, y) = (i % w, i / w);
                x >= 2
                    && y >= 2
                    && x + 2 < w
                    && y + 2 < h
                    && mask[i - 2]
                    && mask[i + 2]
                    && mask[i - 2 * w]
                    && mask[i + 2 * w]
            })
            .count() as f32
            / comp.len() as f32;
        // A finger is round: shaded across its width; a printed tint is flat.
        let luma: Vec<f32> = comp
            .iter()
            .map(|&i| 0.299 * r.data[i] + 0.587 * g.data[i] + 0.114 * b.data[i])
            .collect();
        let mean = luma.iter().sum::<f32>() / luma.len() as f32;
        let sd = (luma.iter().map(|l| (l - mean).powi(2)).sum::<f32>() / luma.len() as f32).sqrt();
        if share > largest.0 {
            largest = (share, interior, sd);
        }
        let enters = interior >= FINGER_MIN_SOLID
            && sd >= FINGER_MIN_SHADING
            && off_card >= FINGER_MIN_OFF * on_card
            && off_card <= FINGER_MAX_OFF * on_card;
        if enters && share <= FINGER_MAX_SHARE {
            blobs += 1;
            finger += share;
        } else {
            rejected += 1;
        }
    }
    // The MRZ band's gap to the photo edge is evidence only: the reader's band box runs
    // past the edge on complete reads too (tune split: 2 of 50 clean photos at gap 0).
    let score = finger.max(FRAME_WEIGHT * v.outside);
    Detection::new(CardAlarm::Covered, score)
        .with("finger_share", finger)
        .with("finger_blobs", blobs as f32)
        .with("outside_share", v.outside)
        .with("skin_blobs_rejected", rejected as f32)
        .with("largest_skin_solid", largest.1)
        .with("largest_skin_shading", largest.2)
        .with("mrz_edge_gap", v.mrz_edge_gap.unwrap_or(-1.0))
}

/// Skin in YCbCr (the usual Cr 135–175, Cb 85–130 box) and red above green above blue.
fn is_skin(r: f32, g: f32, b: f32) -> bool {
    let y = 0.299 * r + 0.587 * g + 0.114 * b;
    let cb = 128.0 - 0.168_736 * r - 0.331_264 * g + 0.5 * b;
    let cr = 128.0 + 0.5 * r - 0.418_688 * g - 0.081_312 * b;
    y > 50.0 && (135.0..=175.0).contains(&cr) && (85.0..=130.0).contains(&cb) && r > g && g > b
}

fn smooth(r: &Plane, g: &Plane, x: usize, y: usize) -> bool {
    let d = (g.at(x, y) - g.at(x + 1, y)).abs()
        + (g.at(x, y) - g.at(x, y + 1)).abs()
        + (r.at(x, y) - r.at(x + 1, y)).abs();
    d / 3.0 < SMOOTH
}

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
            .count() as f32
            / card_area;
        if on_card >= 0.005 {
            blobs += 1;
            finger += on_card;
        }
    }
    let score = finger.max(FRAME_WEIGHT * v.outside);
    Detection::new(CardAlarm::Covered, score)
        .with("finger_share", finger)
        .with("finger_blobs", blobs as f32)
        .with("outside_share", v.outside)
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

//! Reflective (-9107): specular highlights — near-white, clipped blobs clearly brighter than
//! the card's own paper. A white scan whose paper is itself at 255 has no pixel above its
//! paper level, so it does not count; a hot spot on a photographed card does. Blobs touching
//! the photo's edge are white background around a scanned card, not reflections.

use ekyc_types::CardAlarm;

use crate::detection::Detection;
use crate::plane::{components, quantile};
use crate::view::View;

/// Every channel at least this bright (of 255): the sensor is clipping or nearly.
const NEAR_CLIP: f32 = 245.0;
/// A highlight stands this far above the card's median brightness.
const ABOVE_PAPER: f32 = 20.0;
/// Blobs smaller than this share of the card are specks, not reflections.
const MIN_BLOB_SHARE: f32 = 0.002;

pub fn detect(v: &View) -> Detection {
    let c = v.card;
    let (w, h) = (c.width(), c.height());
    let mut luma: Vec<f32> = Vec::with_capacity(w * h);
    for y in c.y0..c.y1 {
        for x in c.x0..c.x1 {
            if v.on_card(x, y) {
                luma.push(v.y.at(x, y));
            }
        }
    }
    // A low quantile: a large reflection must not raise the paper level it is compared with.
    let paper = quantile(&mut luma, 0.3);
    let level = (paper + ABOVE_PAPER).max(NEAR_CLIP);
    let mut mask = vec![false; w * h];
    for y in 0..h {
        for x in 0..w {
            let (px, py) = (c.x0 + x, c.y0 + y);
            let lo = v.r.at(px, py).min(v.g.at(px, py)).min(v.b.at(px, py));
            mask[y * w + x] = lo >= NEAR_CLIP && v.y.at(px, py) >= level && v.on_card(px, py);
        }
    }
    let min_blob = ((w * h) as f32 * MIN_BLOB_SHARE).max(4.0) as usize;
    let (iw, ih) = (v.y.w, v.y.h);
    let blobs: Vec<usize> = components(&mask, w, h)
        .into_iter()
        .filter(|b| {
            !b.iter().any(|&i| {
                let (x, y) = (c.x0 + i % w, c.y0 + i / w);
                x == 0 || y == 0 || x + 1 >= iw || y + 1 >= ih
            })
        })
        .map(|b| b.len())
        .filter(|&n| n >= min_blob)
        .collect();
    let area = (w * h).max(1) as f32;
    let share = blobs.iter().sum::<usize>() as f32 / area;
    let largest = blobs.iter().copied().max().unwrap_or(0) as f32 / area;
    Detection::new(CardAlarm::Reflective, share)
        .with("highlight_share", share)
        .with("largest_share", largest)
        .with("blobs", blobs.len() as f32)
        .with("paper_luma", paper)
}

//! Reflective (-9107): specular highlights — near-white, clipped blobs clearly brighter than
//! the card's own paper. A white scan whose paper is itself at 255 has no pixel above its
//! paper level, so it does not count; a hot spot on a photographed card does.

use ekyc_types::CardAlarm;

use crate::detection::Detection;
use crate::plane::{components, quantile};
use crate::view::View;

/// Every channel at least this bright (of 255): the sensor is clipping or nearly.
const NEAR_CLIP: f32 = 235.0;
/// A highlight stands this far above the card's median brightness.
const ABOVE_PAPER: f32 = 20.0;
/// Blobs smaller than this share of the card are specks, not reflections.
const MIN_BLOB_SHARE: f32 = 0.002;

pub fn detect(v: &View) -> Detection {
    let c = v.card;
    let (w, h) = (c.width(), c.height());
    let mut luma: Vec<f32> = v.y.crop(c).data;
    let paper = quantile(&mut luma.clone(), 0.5);
    let level = (paper + ABOVE_PAPER).max(NEAR_CLIP);
    let mut mask = vec![false; w * h];
    for y in 0..h {
        for x in 0..w {
            let (px, py) = (c.x0 + x, c.y0 + y);
            let lo = v.r.at(px, py).min(v.g.at(px, py)).min(v.b.at(px, py));
            mask[y * w + x] = lo >= NEAR_CLIP && v.y.at(px, py) >= level;
        }
    }
    let min_blob = ((w * h) as f32 * MIN_BLOB_SHARE).max(4.0) as usize;
    let blobs: Vec<usize> = components(&mask, w, h)
        .into_iter()
        .map(|b| b.len())
        .filter(|&n| n >= min_blob)
        .collect();
    let area = (w * h).max(1) as f32;
    let share = blobs.iter().sum::<usize>() as f32 / area;
    let largest = blobs.iter().copied().max().unwrap_or(0) as f32 / area;
    luma.clear();
    Detection::new(CardAlarm::Reflective, share)
        .with("highlight_share", share)
        .with("largest_share", largest)
        .with("blobs", blobs.len() as f32)
        .with("paper_luma", paper)
}

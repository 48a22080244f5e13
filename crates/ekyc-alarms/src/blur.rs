//! Blurry (-9108): is the photo too blurred for its text to be read? With an MRZ hint, the
//! blur is measured on the MRZ at its own character scale ([`crate::blurry_mrz`]): the
//! Crété-Roffet re-blur measure (blur the image again and see how much of its local variation
//! survives; a sharp image loses a lot, a blurry one little) on the band resampled to a fixed
//! pitch, along four directions, as a multiple of what sharp print reads. A soft card print
//! (a low-resolution specimen) does not count against the photo there unless its MRZ is soft too,
//! and the same pixel blur counts more on a small MRZ than on a large one.
//!
//! Without an MRZ the same measure is taken on the card's most textured 32-px tiles (text,
//! portrait), so plain background and flat paper do not dilute it, divided by [`TILE_SHARP`]
//! so both land on one score scale.

use ekyc_types::CardAlarm;

use crate::blurry_mrz::mrz_blur;
use crate::detection::Detection;
use crate::plane::Plane;
use crate::view::View;

const TILE: usize = 32;
/// Share of tiles (the most textured) the measure is taken on.
const TOP_SHARE: f32 = 0.3;
/// Radius of the re-blurring average (a 9-tap filter, as in the paper).
const REBLUR_RADIUS: usize = 4;
/// The tile measure's value that counts as 1 on the score scale: its own balanced threshold
/// on the tune sets before the MRZ measure was scored (0.352) over the MRZ score's (1.47), so
/// a photo without an MRZ keeps the alarm rate it had.
pub const TILE_SHARP: f32 = 0.352 / 1.47;

/// Per-tile sums of the original variation and of the variation lost by re-blurring.
struct Sums {
    /// Σ|ΔF| over the tile (horizontal + vertical).
    variation: f32,
    lost_h: (f32, f32),
    lost_v: (f32, f32),
}

pub fn detect(v: &View) -> Detection {
    let grey = v.y.crop(v.card);
    if grey.w < 2 * TILE || grey.h < 2 * TILE {
        return Detection::new(CardAlarm::Blurry, 0.0).with("too_small", 1.0);
    }
    let blur_h = grey.box_blur_h(REBLUR_RADIUS);
    let grey_t = grey.transposed();
    let blur_v = grey_t.box_blur_h(REBLUR_RADIUS).transposed();
    let (tw, th) = (grey.w / TILE, grey.h / TILE);
    let mut tiles = Vec::with_capacity(tw * th);
    for ty in 0..th {
        for tx in 0..tw {
            let (cx, cy) = (
                v.card.x0 + tx * TILE + TILE / 2,
                v.card.y0 + ty * TILE + TILE / 2,
            );
            if !v.on_card(cx.min(v.y.w - 1), cy.min(v.y.h - 1)) {
                continue;
            }
            tiles.push(tile_sums(&grey, &blur_h, &blur_v, tx * TILE, ty * TILE));
        }
    }
    if tiles.is_empty() {
        return Detection::new(CardAlarm::Blurry, 0.0).with("too_small", 1.0);
    }
    tiles.sort_by(|a, b| b.variation.total_cmp(&a.variation));
    let keep = ((tiles.len() as f32 * TOP_SHARE).ceil() as usize).max(1);
    let (mut fh, mut vh, mut fv, mut vv) = (0.0, 0.0, 0.0, 0.0);
    for t in &tiles[..keep] {
        fh += t.lost_h.0;
        vh += t.lost_h.1;
        fv += t.lost_v.0;
        vv += t.lost_v.1;
    }
    let blur_of = |f: f32, lost: f32| if f > 0.0 { (f - lost) / f } else { 1.0 };
    let (bh, bv) = (blur_of(fh, vh), blur_of(fv, vv));
    let mean_variation =
        tiles[..keep].iter().map(|t| t.variation).sum::<f32>() / (keep * TILE * TILE * 2) as f32;
    let tile_blur = bh.max(bv);
    let d = Detection::new(CardAlarm::Blurry, tile_blur / TILE_SHARP)
        .with("blur_h", bh)
        .with("blur_v", bv)
        .with("edge_strength", mean_variation)
        .with("tiles", keep as f32);
    match v.mrz.as_ref().and_then(|m| mrz_blur(v.full, m)) {
        // The MRZ decides: it is what must stay readable, at its own scale.
        Some(m) => Detection {
            score: m.relative,
            ..d
        }
        .with("mrz_blur_h", m.along[0])
        .with("mrz_blur_v", m.along[1])
        .with("mrz_blur_d1", m.along[2])
        .with("mrz_blur_d2", m.along[3])
        .with("mrz_pitch_px", m.pitch_px)
        .with("on_mrz", 1.0),
        None => d.with("on_mrz", 0.0),
    }
}

fn tile_sums(grey: &Plane, blur_h: &Plane, blur_v: &Plane, x0: usize, y0: usize) -> Sums {
    let (mut f_h, mut v_h, mut f_v, mut v_v) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    for y in y0.max(1)..y0 + TILE {
        for x in x0.max(1)..x0 + TILE {
            let dfh = (grey.at(x, y) - grey.at(x - 1, y)).abs();
            let dbh = (blur_h.at(x, y) - blur_h.at(x - 1, y)).abs();
            let dfv = (grey.at(x, y) - grey.at(x, y - 1)).abs();
            let dbv = (blur_v.at(x, y) - blur_v.at(x, y - 1)).abs();
            f_h += dfh;
            v_h += (dfh - dbh).max(0.0);
            f_v += dfv;
            v_v += (dfv - dbv).max(0.0);
        }
    }
    Sums {
        variation: f_h + f_v,
        lost_h: (f_h, v_h),
        lost_v: (f_v, v_v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blurry_mrz::tests::band;
    use crate::view::CardHints;
    use crate::Level;
    use image::imageops;

    #[test]
    fn with_an_mrz_the_mrz_decides() {
        let balanced = Level::Balanced.thresholds().blurry;
        let (sharp, hint) = band(16);
        let hints = CardHints {
            mrz: Some(hint),
            card: None,
        };
        let crisp = detect(&View::new(&sharp, &hints));
        assert_eq!(crisp.evidence("on_mrz"), Some(1.0));
        assert!(crisp.score < balanced, "{crisp:?}");
        // Defocus of a fifth of the character pitch: the MRZ is hard to read.
        let blurred = detect(&View::new(&imageops::blur(&sharp, 3.2), &hints));
        assert!(blurred.score >= balanced, "{blurred:?}");
    }

    #[test]
    fn without_an_mrz_the_tiles_decide() {
        let (sharp, _) = band(16);
        let hints = CardHints::default();
        let crisp = detect(&View::new(&sharp, &hints));
        let blurred = detect(&View::new(&imageops::blur(&sharp, 3.2), &hints));
        assert_eq!(crisp.evidence("on_mrz"), Some(0.0));
        assert!(
            blurred.score > crisp.score + 0.5,
            "{blurred:?} vs {crisp:?}"
        );
    }
}

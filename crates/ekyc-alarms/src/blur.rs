//! Blurry (-9108): the no-reference blur measure of Crété-Roffet et al. (2007) — blur the
//! image again and see how much of its local variation survives; a sharp image loses a lot,
//! a blurry one little — computed on the card's most textured tiles (text, portrait), so
//! plain background and flat paper do not dilute it.
//!
//! The MRZ's blur at its own character scale ([`crate::blurry_mrz`]) is reported alongside
//! (`mrz_blur_h`/`mrz_blur_v`, `mrz_pitch_px`), not scored: on the generated sets it does not
//! separate better than the card's tiles (specimens whose own MRZ is soft read like a light
//! blur).

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
    let d = Detection::new(CardAlarm::Blurry, bh.max(bv))
        .with("blur_h", bh)
        .with("blur_v", bv)
        .with("edge_strength", mean_variation)
        .with("tiles", keep as f32);
    match v.mrz.as_ref().and_then(|m| mrz_blur(v.full, m)) {
        Some(m) => d
            .with("mrz_blur_h", m.blur_h)
            .with("mrz_blur_v", m.blur_v)
            .with("mrz_pitch_px", m.pitch_px),
        None => d,
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

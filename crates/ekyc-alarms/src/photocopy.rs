//! Photocopy (-9102): a toner copy keeps no colour. Chromaticity (r, g) = (R, G) / (R+G+B)
//! ignores brightness and a uniform colour cast (the lamp's tint moves every pixel alike), so
//! the spread of chromaticities around their median says how much real colour the card has:
//! security print, portrait, seals. Measured on 4×4-averaged pixels, so sensor noise and JPEG
//! colour fringes do not count.

use ekyc_types::CardAlarm;

use crate::detection::Detection;
use crate::plane::quantile;
use crate::view::View;

/// A pixel this far from the median chromaticity is coloured.
const COLOURED: f32 = 0.03;
/// Share of coloured pixels at which the score reaches 0.
const FULL_COLOUR_SHARE: f32 = 0.25;

pub fn detect(v: &View) -> Detection {
    let f = 4;
    let (r, g, b) = (v.r.downscale(f), v.g.downscale(f), v.b.downscale(f));
    let c = v.card.scaled_down(f, r.w, r.h);
    // Stay clear of the card's predicted edge: a coloured table must not count as colour.
    let margin = v.card.width().min(v.card.height()) / 12;
    let mut chroma = Vec::with_capacity(c.area());
    for y in c.y0..c.y1 {
        for x in c.x0..c.x1 {
            let (wx, wy) = (
                (x * f + f / 2).min(v.y.w - 1),
                (y * f + f / 2).min(v.y.h - 1),
            );
            if !inner(v, wx, wy, margin) {
                continue;
            }
            let (pr, pg, pb) = (r.at(x, y), g.at(x, y), b.at(x, y));
            let luma = 0.299 * pr + 0.587 * pg + 0.114 * pb;
            // Near-black and clipped pixels have no reliable colour.
            if !(25.0..=245.0).contains(&luma) {
                continue;
            }
            let s = pr + pg + pb;
            chroma.push((pr / s, pg / s));
        }
    }
    if chroma.len() < 16 {
        return Detection::new(CardAlarm::Photocopy, 0.0).with("too_few_pixels", 1.0);
    }
    let mut rs: Vec<f32> = chroma.iter().map(|p| p.0).collect();
    let mut gs: Vec<f32> = chroma.iter().map(|p| p.1).collect();
    let (mr, mg) = (quantile(&mut rs, 0.5), quantile(&mut gs, 0.5));
    let mut dist: Vec<f32> = chroma
        .iter()
        .map(|p| ((p.0 - mr).powi(2) + (p.1 - mg).powi(2)).sqrt())
        .collect();
    let coloured = dist.iter().filter(|&&d| d > COLOURED).count() as f32 / dist.len() as f32;
    let share_at = |t: f32| dist.iter().filter(|&&d| d > t).count() as f32 / dist.len() as f32;
    let (s015, s05) = (share_at(0.015), share_at(0.05));
    let p90 = quantile(&mut dist, 0.90);
    let p99 = quantile(&mut dist, 0.99);
    let p95 = quantile(&mut dist, 0.95);
    let score = 1.0 - (coloured / FULL_COLOUR_SHARE).min(1.0);
    Detection::new(CardAlarm::Photocopy, score)
        .with("coloured_share", coloured)
        .with("chroma_p95", p95)
        .with("chroma_p90", p90)
        .with("chroma_p99", p99)
        .with("share_015", s015)
        .with("share_05", s05)
}

/// Whether working pixel (x, y) lies on the card at least `m` pixels from its edge.
fn inner(v: &View, x: usize, y: usize, m: usize) -> bool {
    let (w, h) = (v.y.w, v.y.h);
    if x < m || y < m || x + m >= w || y + m >= h {
        return v.region_source == "image" && v.on_card(x, y);
    }
    v.on_card(x, y)
        && v.on_card(x - m, y)
        && v.on_card(x + m, y)
        && v.on_card(x, y - m)
        && v.on_card(x, y + m)
}

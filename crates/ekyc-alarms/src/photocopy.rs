//! Photocopy (-9102): a toner copy keeps no colour. Chromaticity (r, g) = (R, G) / (R+G+B)
//! ignores brightness and a uniform colour cast (the lamp's tint moves every pixel alike), so
//! two cast-invariant measures say how much real colour the card has:
//! - the spread of chromaticities around their median (security print, portrait, seals);
//! - how much of the ink (pixels clearly darker than the paper) is printed in a hue of its own:
//!   a copy prints every mark with the same grey toner on the same paper, so its ink is the
//!   paper's colour darkened (plus at most a uniform veil of flare), while a genuine card's
//!   header bands, portrait and numbers are coloured inks.
//!
//! Measured on 4×4-averaged pixels, so sensor noise and JPEG colour fringes do not count.

use ekyc_types::CardAlarm;

use crate::detection::Detection;
use crate::plane::quantile;
use crate::view::View;

/// A pixel this far from the reference chromaticity is coloured.
const COLOURED: f32 = 0.03;
/// Chromaticity spread (90th percentile) of a typical genuine card (median of the tune split's
/// clean photos, rounded).
const TYPICAL_SPREAD: f32 = 0.04;
/// Share of coloured ink of a typical genuine card (same source).
const TYPICAL_INK_SHARE: f32 = 0.5;
/// Ink is darker than this fraction of the paper's luma.
const INK_BELOW_PAPER: f32 = 0.75;

/// One 4×4-averaged pixel of the card's inner part.
struct Sample {
    /// Chromaticity.
    r: f32,
    g: f32,
    luma: f32,
    rgb: [f32; 3],
}

pub fn detect(v: &View) -> Detection {
    let samples = card_samples(v);
    if samples.len() < 16 {
        return Detection::new(CardAlarm::Photocopy, 0.0).with("too_few_pixels", 1.0);
    }
    let (mr, mg) = median_chroma(samples.iter());
    let mut dist: Vec<f32> = samples
        .iter()
        .map(|s| chroma_distance(s, (mr, mg)))
        .collect();
    let coloured = dist.iter().filter(|&&d| d > COLOURED).count() as f32 / dist.len() as f32;
    let p90 = quantile(&mut dist, 0.90);
    let ink = coloured_ink_share(&samples);
    // 1 = as colourful as a typical genuine card (or more), 0 = no colour at all.
    let colourfulness = 0.5 * (p90 / TYPICAL_SPREAD + ink / TYPICAL_INK_SHARE);
    let score = 1.0 - colourfulness.min(1.0);
    Detection::new(CardAlarm::Photocopy, score)
        .with("chroma_p90", p90)
        .with("coloured_ink_share", ink)
        .with("coloured_share", coloured)
}

/// Card pixels (4×4 averages) at least 1/12 of the card's short side inside its predicted edge —
/// a coloured table must not count as colour — neither near-black nor clipped (no reliable
/// colour there).
fn card_samples(v: &View) -> Vec<Sample> {
    let f = 4;
    let (r, g, b) = (v.r.downscale(f), v.g.downscale(f), v.b.downscale(f));
    let c = v.card.scaled_down(f, r.w, r.h);
    let margin = v.card.width().min(v.card.height()) / 12;
    let mut out = Vec::with_capacity(c.area());
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
            if !(25.0..=245.0).contains(&luma) {
                continue;
            }
            let s = pr + pg + pb;
            out.push(Sample {
                r: pr / s,
                g: pg / s,
                luma,
                rgb: [pr, pg, pb],
            });
        }
    }
    out
}

fn median_chroma<'a>(samples: impl Iterator<Item = &'a Sample>) -> (f32, f32) {
    let (mut rs, mut gs): (Vec<f32>, Vec<f32>) = samples.map(|s| (s.r, s.g)).unzip();
    if rs.is_empty() {
        return (1.0 / 3.0, 1.0 / 3.0);
    }
    (quantile(&mut rs, 0.5), quantile(&mut gs, 0.5))
}

fn chroma_distance(s: &Sample, reference: (f32, f32)) -> f32 {
    ((s.r - reference.0).powi(2) + (s.g - reference.1).powi(2)).sqrt()
}

/// Share of ink samples (darker than [`INK_BELOW_PAPER`] × the paper's luma, the paper being
/// the brightest 30 %) printed in a hue of their own. Toner on paper only takes light away in
/// proportion, so a copy's ink is the paper's colour scaled down, plus perhaps a uniform veil
/// of flare: what the ink lacks against the paper (paper − ink) then has a chromaticity
/// between neutral grey and the paper's. Coloured ink lacks other light than that.
fn coloured_ink_share(samples: &[Sample]) -> f32 {
    let mut lumas: Vec<f32> = samples.iter().map(|s| s.luma).collect();
    let paper_luma = quantile(&mut lumas, 0.7);
    let paper_samples: Vec<&Sample> = samples.iter().filter(|s| s.luma >= paper_luma).collect();
    let paper_chroma = median_chroma(paper_samples.iter().copied());
    let paper_rgb: [f32; 3] = std::array::from_fn(|c| {
        let mut v: Vec<f32> = paper_samples.iter().map(|s| s.rgb[c]).collect();
        quantile(&mut v, 0.5)
    });
    let ink: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.luma < INK_BELOW_PAPER * paper_luma)
        .collect();
    if ink.is_empty() {
        return 0.0;
    }
    let coloured = ink
        .iter()
        .filter(|s| {
            let lack: [f32; 3] = std::array::from_fn(|c| paper_rgb[c] - s.rgb[c]);
            let total: f32 = lack.iter().sum();
            if lack.iter().any(|&l| l < -2.0) || total <= 0.0 {
                // Brighter than the paper in some channel: a coloured ink.
                return true;
            }
            let hue = (lack[0] / total, lack[1] / total);
            distance_to_segment(hue, (1.0 / 3.0, 1.0 / 3.0), paper_chroma) > COLOURED
        })
        .count();
    coloured as f32 / ink.len() as f32
}

/// Euclidean distance from `p` to the segment `a`–`b` in the chromaticity plane.
fn distance_to_segment(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((p.0 - a.0 - t * dx).powi(2) + (p.1 - a.1 - t * dy).powi(2)).sqrt()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(rgb: [f32; 3]) -> Sample {
        let s = rgb[0] + rgb[1] + rgb[2];
        Sample {
            r: rgb[0] / s,
            g: rgb[1] / s,
            luma: 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2],
            rgb,
        }
    }

    const CREAM: [f32; 3] = [210.0, 200.0, 170.0];

    /// `paper` and ink `ink(t)` at darkness levels t = 0.2..0.5.
    fn page(paper: [f32; 3], ink: impl Fn(f32) -> [f32; 3]) -> Vec<Sample> {
        let mut out: Vec<Sample> = (0..70).map(|_| sample(paper)).collect();
        out.extend((0..30).map(|i| sample(ink(0.2 + 0.01 * i as f32))));
        out
    }

    #[test]
    fn toner_under_a_tinted_veil_of_flare_is_not_coloured_ink() {
        let veil = [8.0, 5.0, 0.0];
        let lit = |t: f32| -> [f32; 3] { std::array::from_fn(|c| t * CREAM[c] + veil[c]) };
        let copy = page(lit(1.0), lit);
        assert_eq!(coloured_ink_share(&copy), 0.0);
    }

    #[test]
    fn blue_and_red_inks_on_cream_paper_are_coloured() {
        let blue = page(CREAM, |t| {
            [60.0 * t + 20.0, 70.0 * t + 30.0, 150.0 * t + 60.0]
        });
        assert_eq!(coloured_ink_share(&blue), 1.0);
        let red = page(CREAM, |t| [400.0 * t, 60.0 * t, 60.0 * t]);
        assert_eq!(coloured_ink_share(&red), 1.0);
    }
}

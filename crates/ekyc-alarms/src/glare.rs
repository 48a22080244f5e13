//! Reflective (-9107): specular highlights. A reflection adds light: its core clips the
//! sensor to near-white (every channel high, so low saturation) and washes out the print
//! under it — ink there is lifted too. White paper in a digital scan also clips, but the
//! print on it keeps its full contrast. So: cells whose white level (high quantile of the
//! smallest channel) is clipped, grouped into blobs over the whole photo (a large lobe runs
//! off the card), each blob weighed by how little full-contrast ink is left in it and in its
//! core; the score is the weighed clipped share of the card.
//!
//! A light source's image is a compact lobe with a core: a blob with no cell
//! [`CORE_DEPTH`] cells inside it is a strip of blank paper or background (the margin
//! between two card images of a scan), not a reflection. And the lobe's core washes print
//! out completely, while a white page keeps its text lines deep inside the clipped area.
//! A lobe narrower than that (a window mirrored in the laminate) still has a thinner core
//! ([`NARROW_CORE_DEPTH`]) and, being smooth, a lifted shoulder around its clipped part; it
//! counts when clear of the photo's edge (a gap between images runs to it). An edge blob is
//! background around a scanned card only while it holds little of the card.
//! With a card predicted from the MRZ the share is taken of the card's deep part (the
//! predicted page shrunk by [`crate::view::DEEP_SHRINK`]): the predicted page is often larger
//! than the card, and the white around a scanned card lies at its edge.

use ekyc_types::CardAlarm;

use crate::detection::Detection;
use crate::plane::{components, quantile};
use crate::view::View;

/// White level (of the smallest channel) at which a cell counts as clipped.
const CLIPPED: f32 = 245.0;
/// A cell whose dark level stays under this holds ink at full contrast.
const INK_DARK: f32 = 70.0;
/// Share of inked cells in a clipped blob below which it is fully washed out, and above
/// which it counts as white paper with print on it.
const INK_NONE: f32 = 0.02;
const INK_FULL: f32 = 0.08;
/// A blob reaching the photo's edge with less than this share of its cells on the card is
/// white background around a scanned card (a lamp's lobe is centred on what it lights).
const MIN_ON_CARD_AT_EDGE: f32 = 0.4;
/// An edge blob holding at least this share of the card is not background around it: the
/// light washed out the card itself (a lamp over the whole scene).
const MIN_CARD_COVER: f32 = 0.5;
/// Blobs with fewer card cells than this share of the card are specks.
const MIN_BLOB_SHARE: f32 = 0.004;
/// A core cell has every cell within this many cells (Chebyshev distance) in the blob.
const CORE_DEPTH: isize = 3;
/// The core of a lobe clear of the photo's edge may be this thin.
const NARROW_CORE_DEPTH: isize = 2;
/// A reflection is a smooth lobe: around its clipped part the card is still lifted above its
/// own paper level, where a white printed element (a blank diamond, the paper between text
/// blocks) ends sharply in the card's colours. Least lift (grey levels, white level of the
/// ring 1–2 cells around the blob against the card's median) a narrow-core blob needs; the
/// clean set's white elements reach 8, a narrow window 23.
const NARROW_MIN_LIFT: f32 = 15.0;
/// Cells of the ring around a blob whose lift is measured.
const RING: isize = 2;
/// Share of inked cells in a blob's core below which the print there is fully washed out,
/// and above which it is a printed page (text lines run through a white page's core;
/// reflections of the tune sets keep ≤ 1.4 %, the white passport page d012 4.5 %).
const CORE_INK_NONE: f32 = 0.01;
const CORE_INK_FULL: f32 = 0.03;

/// The photo in cells: white level per cell and which cells lie on the card.
struct Cells {
    w: usize,
    h: usize,
    white: Vec<f32>,
    /// Dark level (low quantile of the smallest channel): ink, unless light washed it out.
    dark: Vec<f32>,
    on_card: Vec<bool>,
    /// Cells well inside the predicted card (all false without a card quadrilateral).
    deep: Vec<bool>,
}

fn cells(v: &View) -> Cells {
    let short = v.card.width().min(v.card.height());
    let size = (short / 48).clamp(3, 16);
    let (w, h) = (v.y.w / size, v.y.h / size);
    let mut white = Vec::with_capacity(w * h);
    let mut dark = Vec::with_capacity(w * h);
    let mut on_card = Vec::with_capacity(w * h);
    let mut deep = Vec::with_capacity(w * h);
    let mut values = Vec::with_capacity(size * size);
    for cy in 0..h {
        for cx in 0..w {
            values.clear();
            for y in cy * size..(cy + 1) * size {
                for x in cx * size..(cx + 1) * size {
                    values.push(v.r.at(x, y).min(v.g.at(x, y)).min(v.b.at(x, y)));
                }
            }
            white.push(quantile(&mut values, 0.9));
            dark.push(quantile(&mut values, 0.05));
            let (x, y) = (cx * size + size / 2, cy * size + size / 2);
            on_card.push(v.on_card(x, y));
            deep.push(v.deep_on_card(x, y));
        }
    }
    Cells {
        w,
        h,
        white,
        dark,
        on_card,
        deep,
    }
}

pub fn detect(v: &View) -> Detection {
    let c = cells(v);
    let (w, h) = (c.w, c.h);
    if w < 4 || h < 4 {
        return Detection::new(CardAlarm::Reflective, 0.0).with("too_small", 1.0);
    }
    let clipped: Vec<bool> = c.white.iter().map(|&x| x >= CLIPPED).collect();
    let blobs = components(&clipped, w, h);
    let card_cells = c.on_card.iter().filter(|&&b| b).count().max(1) as f32;
    let deep_cells = c.deep.iter().filter(|&&b| b).count();
    let mut score = 0.0f32;
    let mut clipped_share = 0.0f32;
    let mut coreless_share = 0.0f32;
    let mut counted = 0;
    let mut narrow_lift = f32::NAN;
    let paper = paper_level(&c);
    let mut largest = (0.0f32, 0.0f32, -1.0f32);
    for blob in &blobs {
        let on_card_cells = blob.iter().filter(|&&i| c.on_card[i]).count() as f32;
        let on_card = on_card_cells / card_cells;
        if on_card < MIN_BLOB_SHARE {
            continue;
        }
        let at_edge = blob.iter().any(|&i| {
            let (x, y) = (i % w, i / w);
            x == 0 || y == 0 || x + 1 == w || y + 1 == h
        });
        if at_edge
            && on_card_cells < MIN_ON_CARD_AT_EDGE * blob.len() as f32
            && on_card < MIN_CARD_COVER
        {
            continue;
        }
        counted += 1;
        clipped_share += on_card;
        // A narrow lobe (a mirrored window seen edge-on) has a thinner core; a strip that
        // thin is a gap between two images of a scan only where it runs to the photo's edge.
        let core_ink = core_ink_share(&c, blob, CORE_DEPTH).or_else(|| {
            if at_edge {
                return None;
            }
            let core = core_ink_share(&c, blob, NARROW_CORE_DEPTH)?;
            let lift = shoulder_lift(&c, blob, paper);
            narrow_lift = narrow_lift.max(lift);
            (lift >= NARROW_MIN_LIFT).then_some(core)
        });
        let Some(core_ink) = core_ink else {
            coreless_share += on_card;
            continue;
        };
        // Cells of the blob still holding full-contrast ink: white paper with print on it.
        let inked = blob.iter().filter(|&&i| c.dark[i] < INK_DARK).count() as f32;
        let ink_share = inked / blob.len() as f32;
        let washed = 1.0 - ramp(ink_share, INK_NONE, INK_FULL);
        let core_washed = 1.0 - ramp(core_ink, CORE_INK_NONE, CORE_INK_FULL);
        let share = if deep_cells > 0 {
            blob.iter().filter(|&&i| c.deep[i]).count() as f32 / deep_cells as f32
        } else {
            on_card
        };
        score += share * washed * core_washed;
        if on_card > largest.0 {
            largest = (on_card, ink_share, core_ink);
        }
    }
    Detection::new(CardAlarm::Reflective, score)
        .with("clipped_share", clipped_share)
        .with("largest_ink_share", largest.1)
        .with("largest_core_ink_share", largest.2)
        .with("coreless_share", coreless_share)
        .with("blobs", counted as f32)
        .with(
            "narrow_lift",
            if narrow_lift.is_nan() {
                -1.0
            } else {
                narrow_lift
            },
        )
}

/// The card's paper level: median white level of its cells.
fn paper_level(c: &Cells) -> f32 {
    let mut white: Vec<f32> = (0..c.w * c.h)
        .filter(|&i| c.on_card[i])
        .map(|i| c.white[i])
        .collect();
    quantile(&mut white, 0.5)
}

/// How far the median white level of the ring of cells within [`RING`] of the blob (on the
/// card, outside the blob) lies above `paper`.
fn shoulder_lift(c: &Cells, blob: &[usize], paper: f32) -> f32 {
    let mut in_blob = vec![false; c.w * c.h];
    for &i in blob {
        in_blob[i] = true;
    }
    let mut ring = Vec::new();
    for i in 0..c.w * c.h {
        if in_blob[i] || !c.on_card[i] {
            continue;
        }
        let (x, y) = ((i % c.w) as isize, (i / c.w) as isize);
        let near = (-RING..=RING).any(|dy| {
            (-RING..=RING).any(|dx| {
                let (nx, ny) = (x + dx, y + dy);
                nx >= 0
                    && ny >= 0
                    && (nx as usize) < c.w
                    && (ny as usize) < c.h
                    && in_blob[ny as usize * c.w + nx as usize]
            })
        });
        if near {
            ring.push(c.white[i]);
        }
    }
    quantile(&mut ring, 0.5) - paper
}

fn ramp(x: f32, lo: f32, hi: f32) -> f32 {
    ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
}

/// Share of inked cells among the blob's core cells (those with the whole
/// (2·`depth` + 1)² neighbourhood in the blob); `None` when the blob has no core.
fn core_ink_share(c: &Cells, blob: &[usize], depth: isize) -> Option<f32> {
    let mut in_blob = vec![false; c.w * c.h];
    for &i in blob {
        in_blob[i] = true;
    }
    let (w, h) = (c.w as isize, c.h as isize);
    let is_core = |i: usize| {
        let (x, y) = ((i % c.w) as isize, (i / c.w) as isize);
        (-depth..=depth).all(|dy| {
            (-depth..=depth).all(|dx| {
                let (nx, ny) = (x + dx, y + dy);
                nx >= 0 && ny >= 0 && nx < w && ny < h && in_blob[(ny * w + nx) as usize]
            })
        })
    };
    let core: Vec<usize> = blob.iter().copied().filter(|&i| is_core(i)).collect();
    if core.is_empty() {
        return None;
    }
    let inked = core.iter().filter(|&&i| c.dark[i] < INK_DARK).count();
    Some(inked as f32 / core.len() as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::CardHints;
    use image::{Rgb, RgbImage};

    /// A `w` × `h` grid of cells, every one clipped, ink where `inked(x, y)`.
    fn clipped_cells(w: usize, h: usize, inked: impl Fn(usize, usize) -> bool) -> Cells {
        let n = w * h;
        Cells {
            w,
            h,
            white: vec![255.0; n],
            dark: (0..n)
                .map(|i| if inked(i % w, i / w) { 30.0 } else { 250.0 })
                .collect(),
            on_card: vec![true; n],
            deep: vec![false; n],
        }
    }

    #[test]
    fn a_lobe_has_a_washed_out_core_a_strip_has_none() {
        let lobe = clipped_cells(20, 20, |_, _| false);
        let all: Vec<usize> = (0..400).collect();
        assert_eq!(core_ink_share(&lobe, &all, CORE_DEPTH), Some(0.0));
        let strip = clipped_cells(20, 5, |_, _| false);
        let all: Vec<usize> = (0..100).collect();
        assert_eq!(core_ink_share(&strip, &all, CORE_DEPTH), None);
    }

    #[test]
    fn a_white_page_keeps_text_lines_in_its_core() {
        let page = clipped_cells(20, 20, |_, y| y % 5 == 0);
        let all: Vec<usize> = (0..400).collect();
        let ink = core_ink_share(&page, &all, CORE_DEPTH).unwrap();
        assert!(ink >= CORE_INK_FULL, "core ink {ink}");
    }

    /// A cream card with text strokes over the whole photo, `lift(x, y)` grey levels of light
    /// added on top (clipped at 255).
    fn photo(lift: impl Fn(u32, u32) -> f32) -> RgbImage {
        RgbImage::from_fn(640, 440, |x, y| {
            let base = if y % 22 < 10 && x % 13 < 8 {
                [30.0, 30.0, 40.0]
            } else {
                [205.0, 200.0, 185.0]
            };
            Rgb(base.map(|c: f32| (c + lift(x, y)).min(255.0) as u8))
        })
    }

    #[test]
    fn white_gap_between_two_card_images_is_not_a_reflection() {
        // A 40-px white gap down the middle (4-5 cells): blank and clipped, but no core.
        let gap = photo(|x, _| if (300..340).contains(&x) { 255.0 } else { 0.0 });
        let d = detect(&View::new(&gap, &CardHints::default()));
        assert_eq!(d.score, 0.0, "{d:?}");
        assert!(d.evidence("coreless_share").unwrap() > 0.03, "{d:?}");
        // A lamp's lobe lifts paper and print alike and clips a compact patch.
        let lobe = photo(|x, y| {
            let d2 = ((x as f32 - 320.0) / 70.0).powi(2) + ((y as f32 - 220.0) / 55.0).powi(2);
            300.0 * (-d2 / 2.0).exp()
        });
        let d = detect(&View::new(&lobe, &CardHints::default()));
        assert!(d.score > 0.05, "{d:?}");
    }

    #[test]
    fn a_lamp_over_the_whole_scene_is_a_reflection_a_scan_margin_is_not() {
        // Everything clipped: the blob runs off every edge, yet it holds the whole card.
        let blown = photo(|_, _| 300.0);
        let d = detect(&View::new(&blown, &CardHints::default()));
        assert!(d.score > 0.3, "{d:?}");
        // White paper around a scanned card: clipped at the edges, the card itself printed.
        let margin = photo(|x, y| {
            let inside = (90..550).contains(&x) && (70..370).contains(&y);
            if inside {
                0.0
            } else {
                255.0
            }
        });
        let d = detect(&View::new(&margin, &CardHints::default()));
        assert_eq!(d.score, 0.0, "{d:?}");
    }

    /// A 50-px band (5–6 cells: no 7×7 core) across the middle of the card, clipped, with
    /// `shoulder(d)` grey levels of light `d` px outside it.
    fn band(shoulder: impl Fn(f32) -> f32) -> RgbImage {
        photo(move |x, y| {
            if !(100..340).contains(&y) {
                return 0.0;
            }
            let d = if x < 300 {
                300.0 - x as f32
            } else if x >= 350 {
                x as f32 - 349.0
            } else {
                return 300.0;
            };
            shoulder(d)
        })
    }

    #[test]
    fn a_narrow_lobe_counts_a_white_printed_bar_does_not() {
        // A mirrored window: its light fades over a few cells around the clipped part.
        let window = band(|d| 55.0 * (-d / 25.0).exp());
        let d = detect(&View::new(&window, &CardHints::default()));
        assert!(d.score > 0.03, "{d:?}");
        assert!(
            d.evidence("narrow_lift").unwrap() >= NARROW_MIN_LIFT,
            "{d:?}"
        );
        // A white bar printed on the card ends sharply in the card's own colours.
        let bar = band(|_| 0.0);
        let d = detect(&View::new(&bar, &CardHints::default()));
        assert_eq!(d.score, 0.0, "{d:?}");
        assert!(
            d.evidence("narrow_lift").unwrap() < NARROW_MIN_LIFT,
            "{d:?}"
        );
    }
}

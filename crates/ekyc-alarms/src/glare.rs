//! Reflective (-9107): specular highlights. A reflection adds light: its core clips the
//! sensor to near-white (every channel high, so low saturation) and washes out the print
//! under it — ink there is lifted too. White paper in a digital scan also clips, but the
//! print on it keeps its full contrast. So: cells whose white level (high quantile of the
//! smallest channel) is clipped, grouped into blobs over the whole photo (a large lobe runs
//! off the card), each blob weighed by how little full-contrast ink is left in it; the score
//! is the weighed clipped share of the card.

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
/// Blobs with fewer card cells than this share of the card are specks.
const MIN_BLOB_SHARE: f32 = 0.004;

/// The photo in cells: white level per cell and which cells lie on the card.
struct Cells {
    w: usize,
    h: usize,
    white: Vec<f32>,
    /// Dark level (low quantile of the smallest channel): ink, unless light washed it out.
    dark: Vec<f32>,
    on_card: Vec<bool>,
}

fn cells(v: &View) -> Cells {
    let short = v.card.width().min(v.card.height());
    let size = (short / 48).clamp(3, 16);
    let (w, h) = (v.y.w / size, v.y.h / size);
    let mut white = Vec::with_capacity(w * h);
    let mut dark = Vec::with_capacity(w * h);
    let mut on_card = Vec::with_capacity(w * h);
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
            on_card.push(v.on_card(cx * size + size / 2, cy * size + size / 2));
        }
    }
    Cells {
        w,
        h,
        white,
        dark,
        on_card,
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
    let mut score = 0.0f32;
    let mut clipped_share = 0.0f32;
    let mut counted = 0;
    let mut largest = (0.0f32, 0.0f32);
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
        if at_edge && on_card_cells < MIN_ON_CARD_AT_EDGE * blob.len() as f32 {
            continue;
        }
        // Cells of the blob still holding full-contrast ink: white paper with print on it.
        let inked = blob.iter().filter(|&&i| c.dark[i] < INK_DARK).count() as f32;
        let ink_share = inked / blob.len() as f32;
        let washed = 1.0 - ((ink_share - INK_NONE) / (INK_FULL - INK_NONE)).clamp(0.0, 1.0);
        counted += 1;
        clipped_share += on_card;
        score += on_card * washed;
        if on_card > largest.0 {
            largest = (on_card, ink_share);
        }
    }
    Detection::new(CardAlarm::Reflective, score)
        .with("clipped_share", clipped_share)
        .with("largest_ink_share", largest.1)
        .with("blobs", counted as f32)
}

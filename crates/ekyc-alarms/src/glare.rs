//! Reflective (-9107): specular highlights. A reflection adds light in a smooth lobe: its core
//! clips the sensor to near-white (every channel high, so low saturation) and around the core
//! the brightness falls off gradually to the paper's level. White paper in a scan, or a white
//! scan background next to a card, clips too, but it ends in a step (print, a card edge), not
//! a ramp. So: cells whose white level (high quantile of the smallest channel) is clipped,
//! grouped into blobs over the whole photo (a large lobe runs off the card), each blob weighed
//! by how much the white level falls from just outside it to further out; the score is the
//! weighed clipped share of the card.

use std::collections::VecDeque;

use ekyc_types::CardAlarm;

use crate::detection::Detection;
use crate::plane::{components, quantile};
use crate::view::View;

/// White level (of the smallest channel) at which a cell counts as clipped.
const CLIPPED: f32 = 245.0;
/// Falloff (grey levels) below which a blob's border is a step, and at which it counts fully.
const FALLOFF_NONE: f32 = 4.0;
const FALLOFF_FULL: f32 = 16.0;
/// Share of the whole falloff that the first ring may take (a ramp spreads it).
const MAX_FIRST_STEP: f32 = 0.6;
/// A blob's near ring must be at least this bright: a halo, not dark print.
const MIN_HALO: f32 = 190.0;
/// Blobs with fewer card cells than this share of the card are specks.
const MIN_BLOB_SHARE: f32 = 0.004;

/// The photo in cells: white level per cell and which cells lie on the card.
struct Cells {
    w: usize,
    h: usize,
    white: Vec<f32>,
    on_card: Vec<bool>,
}

fn cells(v: &View) -> Cells {
    let short = v.card.width().min(v.card.height());
    let size = (short / 48).clamp(3, 16);
    let (w, h) = (v.y.w / size, v.y.h / size);
    let mut white = Vec::with_capacity(w * h);
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
            on_card.push(v.on_card(cx * size + size / 2, cy * size + size / 2));
        }
    }
    Cells {
        w,
        h,
        white,
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
    // Nearest blob and distance (8-neighbour steps) for every cell, up to MAX_RING.
    const MAX_RING: usize = 13;
    let mut owner = vec![usize::MAX; w * h];
    let mut dist = vec![usize::MAX; w * h];
    let mut queue = VecDeque::new();
    for (k, blob) in blobs.iter().enumerate() {
        for &i in blob {
            owner[i] = k;
            dist[i] = 0;
            queue.push_back(i);
        }
    }
    while let Some(i) = queue.pop_front() {
        if dist[i] >= MAX_RING {
            continue;
        }
        let (x, y) = ((i % w) as isize, (i / w) as isize);
        for (dx, dy) in [
            (-1, -1),
            (0, -1),
            (1, -1),
            (-1, 0),
            (1, 0),
            (-1, 1),
            (0, 1),
            (1, 1),
        ] {
            let (nx, ny) = (x + dx, y + dy);
            if nx < 0 || ny < 0 || nx >= w as isize || ny >= h as isize {
                continue;
            }
            let j = ny as usize * w + nx as usize;
            if dist[j] == usize::MAX {
                dist[j] = dist[i] + 1;
                owner[j] = owner[i];
                queue.push_back(j);
            }
        }
    }
    let mut score = 0.0f32;
    let mut clipped_share = 0.0f32;
    let mut best_falloff = 0.0f32;
    let mut counted = 0;
    for (k, blob) in blobs.iter().enumerate() {
        let on_card = blob.iter().filter(|&&i| c.on_card[i]).count() as f32 / card_cells;
        if on_card < MIN_BLOB_SHARE {
            continue;
        }
        // Four rings outwards, each `step` cells thick, scaled with the blob.
        let step = ((blob.len() as f32).sqrt() / 8.0).clamp(1.0, 3.0) as usize;
        let mut rings = [0.0f32; 4];
        let mut empty = false;
        for (r, level) in rings.iter_mut().enumerate() {
            let d0 = 1 + r * step;
            let mut values: Vec<f32> = (0..w * h)
                .filter(|&i| owner[i] == k && (d0..d0 + step).contains(&dist[i]))
                .map(|i| c.white[i])
                .collect();
            empty |= values.is_empty();
            *level = quantile(&mut values, 0.5);
        }
        if empty {
            continue;
        }
        let falloff = rings[0] - rings[3];
        // A ramp falls ring after ring; a step (print or a card edge next to white paper)
        // falls at once and then stays at the level of whatever is printed there.
        let monotone = rings[0] > rings[1] && rings[1] > rings[2] && rings[2] >= rings[3] - 1.0;
        let first_step = (rings[0] - rings[1]) / falloff.max(1e-3);
        let weight = if rings[0] >= MIN_HALO && monotone && first_step < MAX_FIRST_STEP {
            ((falloff - FALLOFF_NONE) / (FALLOFF_FULL - FALLOFF_NONE)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        counted += 1;
        clipped_share += on_card;
        best_falloff = best_falloff.max(falloff);
        score += on_card * weight;
    }
    Detection::new(CardAlarm::Reflective, score)
        .with("clipped_share", clipped_share)
        .with("best_falloff", best_falloff)
        .with("blobs", counted as f32)
}

//! Tampered (-9104): a pasted portrait or a re-typed field carries a different noise history
//! from the photo around it — usually much smoother (a digital patch, a downscaled picture).
//! The noise of each block is estimated from the residual of Immerkaer's 3×3 kernel on its flat
//! pixels only (low gradient after a 3×3 average, so print texture and text edges do not
//! count; median absolute value) and compared with the median of its neighbourhood; a compact
//! group of blocks far smoother than noisy surroundings is the alarm. Clipped white or black
//! blocks, and blocks with too few flat pixels, carry no estimate.

use ekyc_types::CardAlarm;

use crate::detection::Detection;
use crate::plane::{components, quantile, Plane};
use crate::view::View;

/// Neighbourhood radius, in blocks, of the reference noise level.
const REF_RADIUS: isize = 6;
/// A block this much smoother than its neighbourhood (ln σ) is suspicious (σ ÷ 2).
const SMOOTHER: f32 = 0.7;
/// Surroundings must be at least this noisy (σ, grey levels) for "smoother" to mean anything.
const MIN_REF_SIGMA: f32 = 0.8;
/// Smallest suspicious group, in blocks.
const MIN_GROUP: usize = 3;
/// A pixel is flat when the 3×3-averaged gradient (|gx| + |gy|) stays under this.
const FLAT_GRADIENT: f32 = 12.0;
/// Share of a block's pixels that must be flat for its estimate to count.
const MIN_FLAT_SHARE: f32 = 0.3;

pub fn detect(v: &View) -> Detection {
    let grey = v.y.crop(v.card);
    let smooth = grey.box_blur_h(1).transposed().box_blur_h(1).transposed();
    let block = if grey.w >= 480 { 16 } else { 8 };
    let (bw, bh) = (grey.w / block, grey.h / block);
    if bw < 4 || bh < 4 {
        return Detection::new(CardAlarm::Tampered, 0.0).with("too_small", 1.0);
    }
    let sigma = block_noise(v, &grey, &smooth, block, (bw, bh));
    let log: Vec<Option<f32>> = sigma.iter().map(|s| s.map(|s| (s + 0.3).ln())).collect();
    let mut diff = vec![0.0f32; bw * bh];
    let mut suspicious = vec![false; bw * bh];
    let mut valid = 0usize;
    let mut neigh = Vec::with_capacity(((2 * REF_RADIUS + 1) * (2 * REF_RADIUS + 1)) as usize);
    for by in 0..bh {
        for bx in 0..bw {
            let Some(l) = log[by * bw + bx] else { continue };
            valid += 1;
            neigh.clear();
            for dy in -REF_RADIUS..=REF_RADIUS {
                for dx in -REF_RADIUS..=REF_RADIUS {
                    let (x, y) = (bx as isize + dx, by as isize + dy);
                    if x < 0 || y < 0 || x >= bw as isize || y >= bh as isize {
                        continue;
                    }
                    if let Some(n) = log[y as usize * bw + x as usize] {
                        neigh.push(n);
                    }
                }
            }
            let reference = quantile(&mut neigh, 0.5);
            let d = l - reference;
            diff[by * bw + bx] = d;
            suspicious[by * bw + bx] = d < -SMOOTHER && reference.exp() - 0.3 >= MIN_REF_SIGMA;
        }
    }
    let mut best = (0.0f32, 0usize, 0.0f32);
    for comp in components(&suspicious, bw, bh) {
        if comp.len() < MIN_GROUP {
            continue;
        }
        let depth = -comp.iter().map(|&i| diff[i]).sum::<f32>() / comp.len() as f32;
        let mass = comp.len() as f32 * depth / valid.max(1) as f32 * 100.0;
        if mass > best.0 {
            best = (mass, comp.len(), depth);
        }
    }
    let mut sig: Vec<f32> = sigma.iter().flatten().copied().collect();
    Detection::new(CardAlarm::Tampered, best.0)
        .with("group_blocks", best.1 as f32)
        .with("group_depth", best.2)
        .with("median_noise", quantile(&mut sig, 0.5))
        .with("valid_blocks", valid as f32)
}

/// Noise σ per block from the median |residual|, `None` for clipped blocks.
fn block_noise(
    v: &View,
    grey: &Plane,
    smooth: &Plane,
    block: usize,
    (bw, bh): (usize, usize),
) -> Vec<Option<f32>> {
    let mut out = Vec::with_capacity(bw * bh);
    let mut res = Vec::with_capacity(block * block);
    // |N * I| has σ = 6 σ_noise for Gaussian noise; median |x| = 0.6745 σ.
    let norm = 1.0 / (6.0 * 0.6745);
    for by in 0..bh {
        for bx in 0..bw {
            res.clear();
            let mut mean = 0.0;
            for y in by * block..(by + 1) * block {
                for x in bx * block..(bx + 1) * block {
                    mean += grey.at(x, y);
                    if x == 0 || y == 0 || x + 1 >= grey.w || y + 1 >= grey.h {
                        continue;
                    }
                    let gradient = (smooth.at(x + 1, y) - smooth.at(x - 1, y)).abs()
                        + (smooth.at(x, y + 1) - smooth.at(x, y - 1)).abs();
                    if gradient >= FLAT_GRADIENT {
                        continue;
                    }
                    let p = |dx: isize, dy: isize| {
                        grey.at((x as isize + dx) as usize, (y as isize + dy) as usize)
                    };
                    let r = p(-1, -1) - 2.0 * p(0, -1) + p(1, -1) - 2.0 * p(-1, 0) + 4.0 * p(0, 0)
                        - 2.0 * p(1, 0)
                        + p(-1, 1)
                        - 2.0 * p(0, 1)
                        + p(1, 1);
                    res.push(r.abs());
                }
            }
            mean /= (block * block) as f32;
            let (cx, cy) = (
                v.card.x0 + bx * block + block / 2,
                v.card.y0 + by * block + block / 2,
            );
            if !v.on_card(cx.min(v.y.w - 1), cy.min(v.y.h - 1)) {
                out.push(None);
                continue;
            }
            let flat_enough = res.len() as f32 >= MIN_FLAT_SHARE * (block * block) as f32;
            if !(12.0..=243.0).contains(&mean) || !flat_enough {
                out.push(None);
            } else {
                out.push(Some(quantile(&mut res, 0.5) * norm));
            }
        }
    }
    out
}

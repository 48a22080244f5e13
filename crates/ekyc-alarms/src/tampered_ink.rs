//! Dark ink of a card region as glyph-sized connected components, for the baseline cue of
//! tampered (-9104, [`crate::tampered_baseline`]).
//!
//! Ink is measured against the local paper: the brightest level of each cell about a text line
//! high (a stroke never fills a cell), then the darkest of those over the 3 × 3 cells around
//! (large dark areas such as a portrait stay dark "paper", so their inside is not ink).

/// A pixel is ink when darker than this share of the local paper…
const INK_SHARE: f32 = 0.7;
/// …and at least this many grey levels below it.
const INK_DEPTH: f32 = 35.0;

/// A grey image, row-major.
pub struct Grey<'a> {
    pub px: &'a [f32],
    pub w: usize,
    pub h: usize,
}

/// One connected component of ink: its bounding box (`x1`, `y1` exclusive) and pixel count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Blob {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
    pub area: usize,
}

impl Blob {
    pub fn width(&self) -> usize {
        self.x1 - self.x0
    }
    pub fn height(&self) -> usize {
        self.y1 - self.y0
    }
    pub fn centre(&self) -> (f32, f32) {
        (
            (self.x0 + self.x1) as f32 / 2.0,
            (self.y0 + self.y1) as f32 / 2.0,
        )
    }
}

/// Ink mask of `g` against the paper estimated over cells of `cell` pixels.
pub fn ink_mask(g: &Grey, cell: usize) -> Vec<bool> {
    let cell = cell.max(2);
    let (cw, ch) = (g.w.div_ceil(cell), g.h.div_ceil(cell));
    let mut brightest = vec![0.0f32; cw * ch];
    for y in 0..g.h {
        for x in 0..g.w {
            let c = (y / cell) * cw + x / cell;
            brightest[c] = brightest[c].max(g.px[y * g.w + x]);
        }
    }
    let mut paper = vec![0.0f32; cw * ch];
    for cy in 0..ch {
        for cx in 0..cw {
            let mut m = f32::MAX;
            for ny in cy.saturating_sub(1)..(cy + 2).min(ch) {
                for nx in cx.saturating_sub(1)..(cx + 2).min(cw) {
                    m = m.min(brightest[ny * cw + nx]);
                }
            }
            paper[cy * cw + cx] = m;
        }
    }
    let mut ink = vec![false; g.w * g.h];
    for y in 0..g.h {
        for x in 0..g.w {
            let p = paper[(y / cell) * cw + x / cell];
            let v = g.px[y * g.w + x];
            ink[y * g.w + x] = v < INK_SHARE * p && p - v > INK_DEPTH;
        }
    }
    ink
}

fn root(parent: &mut [u32], mut i: u32) -> u32 {
    while parent[i as usize] != i {
        let p = parent[parent[i as usize] as usize];
        parent[i as usize] = p;
        i = p;
    }
    i
}

/// 4-connected components of `ink` (w × h).
pub fn blobs(ink: &[bool], w: usize, h: usize) -> Vec<Blob> {
    let mut parent: Vec<u32> = (0..(w * h) as u32).collect();
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if !ink[i] {
                continue;
            }
            for j in [(x > 0).then(|| i - 1), (y > 0).then(|| i - w)]
                .into_iter()
                .flatten()
            {
                if ink[j] {
                    let (a, b) = (root(&mut parent, i as u32), root(&mut parent, j as u32));
                    if a != b {
                        parent[a.max(b) as usize] = a.min(b);
                    }
                }
            }
        }
    }
    let mut index = vec![u32::MAX; w * h];
    let mut out: Vec<Blob> = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if !ink[i] {
                continue;
            }
            let r = root(&mut parent, i as u32) as usize;
            if index[r] == u32::MAX {
                index[r] = out.len() as u32;
                out.push(Blob {
                    x0: x,
                    y0: y,
                    x1: x + 1,
                    y1: y + 1,
                    area: 0,
                });
            }
            let b = &mut out[index[r] as usize];
            b.x0 = b.x0.min(x);
            b.x1 = b.x1.max(x + 1);
            b.y1 = b.y1.max(y + 1);
            b.area += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_letters_on_paper_are_two_blobs_and_a_dark_area_is_none() {
        let (w, h) = (60, 40);
        let mut px = vec![200.0f32; w * h];
        for y in 10..20 {
            px[y * w + 10] = 40.0; // a bar 10 px high
            for x in 20..24 {
                px[y * w + x] = 40.0; // a wider bar
            }
        }
        for y in 0..h {
            for x in 40..60 {
                px[y * w + x] = 60.0; // a dark photo area, wider than the cells
            }
        }
        let g = Grey { px: &px, w, h };
        let found = blobs(&ink_mask(&g, 8), w, h);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            (found[0].x0, found[0].height(), found[0].area),
            (10, 10, 10)
        );
        assert_eq!((found[1].width(), found[1].area), (4, 40));
    }
}

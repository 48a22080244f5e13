//! Single-channel f32 images and the few operations the detectors share.

/// A `w` × `h` grid of f32 values, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Plane {
    pub w: usize,
    pub h: usize,
    pub data: Vec<f32>,
}

/// An axis-aligned pixel rectangle `[x0, x1) × [y0, y1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
}

impl Rect {
    pub fn width(&self) -> usize {
        self.x1.saturating_sub(self.x0)
    }
    pub fn height(&self) -> usize {
        self.y1.saturating_sub(self.y0)
    }
    pub fn area(&self) -> usize {
        self.width() * self.height()
    }
    /// This rectangle in a grid `factor` times smaller (rounded inwards, never empty unless
    /// the grid is).
    pub fn scaled_down(&self, factor: usize, w: usize, h: usize) -> Rect {
        let f = factor.max(1);
        let x0 = (self.x0 / f).min(w.saturating_sub(1));
        let y0 = (self.y0 / f).min(h.saturating_sub(1));
        Rect {
            x0,
            y0,
            x1: (self.x1 / f).clamp(x0 + 1, w.max(x0 + 1)),
            y1: (self.y1 / f).clamp(y0 + 1, h.max(y0 + 1)),
        }
    }
}

impl Plane {
    pub fn new(w: usize, h: usize) -> Plane {
        Plane {
            w,
            h,
            data: vec![0.0; w * h],
        }
    }

    #[inline]
    pub fn at(&self, x: usize, y: usize) -> f32 {
        self.data[y * self.w + x]
    }

    /// Mean over `factor` × `factor` blocks (the last partial row/column is dropped).
    pub fn downscale(&self, factor: usize) -> Plane {
        let f = factor.max(1);
        if f == 1 {
            return self.clone();
        }
        let (w, h) = ((self.w / f).max(1), (self.h / f).max(1));
        let mut out = Plane::new(w, h);
        let norm = 1.0 / (f * f) as f32;
        for y in 0..h {
            for dy in 0..f {
                let sy = (y * f + dy).min(self.h - 1);
                let row = &self.data[sy * self.w..(sy + 1) * self.w];
                for x in 0..w {
                    let sx = x * f;
                    let end = (sx + f).min(self.w);
                    out.data[y * w + x] += row[sx.min(self.w - 1)..end].iter().sum::<f32>();
                }
            }
        }
        out.data.iter_mut().for_each(|v| *v *= norm);
        out
    }

    /// The values inside `r`.
    pub fn crop(&self, r: Rect) -> Plane {
        let (x1, y1) = (r.x1.min(self.w), r.y1.min(self.h));
        let (w, h) = (x1.saturating_sub(r.x0), y1.saturating_sub(r.y0));
        let mut out = Plane::new(w, h);
        for y in 0..h {
            let src = &self.data[(r.y0 + y) * self.w + r.x0..(r.y0 + y) * self.w + x1];
            out.data[y * w..(y + 1) * w].copy_from_slice(src);
        }
        out
    }

    /// Mean over a `(2r+1)`-wide horizontal window (edges clamped).
    pub fn box_blur_h(&self, r: usize) -> Plane {
        let mut out = Plane::new(self.w, self.h);
        let n = (2 * r + 1) as f32;
        for y in 0..self.h {
            let row = &self.data[y * self.w..(y + 1) * self.w];
            let get = |i: isize| row[i.clamp(0, self.w as isize - 1) as usize];
            let mut acc: f32 = (-(r as isize)..=r as isize).map(get).sum();
            for x in 0..self.w {
                out.data[y * self.w + x] = acc / n;
                acc += get(x as isize + r as isize + 1) - get(x as isize - r as isize);
            }
        }
        out
    }

    /// The same plane transposed (so horizontal filters can run vertically).
    pub fn transposed(&self) -> Plane {
        let mut out = Plane::new(self.h, self.w);
        for y in 0..self.h {
            for x in 0..self.w {
                out.data[x * self.h + y] = self.data[y * self.w + x];
            }
        }
        out
    }
}

/// The `q`-quantile (0..=1) of `values` (sorted in place); 0 for an empty slice.
pub fn quantile(values: &mut [f32], q: f32) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let k = ((values.len() - 1) as f32 * q.clamp(0.0, 1.0)).round() as usize;
    let (_, v, _) = values.select_nth_unstable_by(k, |a, b| a.total_cmp(b));
    *v
}

/// Connected components (4-neighbour) of the `true` cells of a `w` × `h` mask: for each, its
/// cells' indices.
pub fn components(mask: &[bool], w: usize, h: usize) -> Vec<Vec<usize>> {
    let mut seen = vec![false; mask.len()];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..mask.len() {
        if !mask[start] || seen[start] {
            continue;
        }
        let mut comp = Vec::new();
        seen[start] = true;
        stack.push(start);
        while let Some(i) = stack.pop() {
            comp.push(i);
            let (x, y) = (i % w, i / w);
            let mut visit = |j: usize| {
                if mask[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
        out.push(comp);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscale_averages_blocks() {
        let p = Plane {
            w: 4,
            h: 2,
            data: vec![0.0, 2.0, 4.0, 6.0, 2.0, 4.0, 6.0, 8.0],
        };
        let d = p.downscale(2);
        assert_eq!((d.w, d.h), (2, 1));
        assert_eq!(d.data, vec![2.0, 6.0]);
    }

    #[test]
    fn components_split_islands() {
        let m = [true, false, true, true, false, true];
        let c = components(&m, 3, 2);
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn quantile_of_values() {
        let mut v = vec![5.0, 1.0, 3.0];
        assert_eq!(quantile(&mut v, 0.5), 3.0);
        assert_eq!(quantile(&mut [], 0.5), 0.0);
    }
}

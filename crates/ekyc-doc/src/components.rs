//! Connected components of a binary map, reduced to what box fitting needs.

use crate::geometry::Point;

/// One 8-connected region: the outline points needed for its convex hull and its mean score.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// Pixel corners of the leftmost and rightmost pixel of every row (enough for the hull).
    pub outline: Vec<Point>,
    pub pixels: usize,
    /// Mean of the score map over the region's pixels.
    pub mean_score: f32,
}

/// Label the pixels of `scores` (row-major, `width` × `height`) above `threshold` into
/// 8-connected components. At most `max_components` are returned (largest first).
pub fn components(
    scores: &[f32],
    width: usize,
    height: usize,
    threshold: f32,
    max_components: usize,
) -> Vec<Component> {
    if width == 0 || scores.len() < width * height {
        return Vec::new();
    }
    let mut seen = vec![false; width * height];
    let mut found = Vec::new();
    let mut stack = Vec::new();
    // Per row of the current component: leftmost and rightmost x, and which rows it touched.
    let mut row_min = vec![usize::MAX; height];
    let mut row_max = vec![0usize; height];
    let mut rows: Vec<usize> = Vec::new();
    for start in 0..width * height {
        if seen[start] || scores[start] <= threshold {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (mut count, mut sum) = (0usize, 0f32);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % width, i / width);
            count += 1;
            sum += scores[i];
            if row_min[y] == usize::MAX {
                rows.push(y);
            }
            row_min[y] = row_min[y].min(x);
            row_max[y] = row_max[y].max(x);
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= width as i64 || ny >= height as i64 {
                        continue;
                    }
                    let j = ny as usize * width + nx as usize;
                    if !seen[j] && scores[j] > threshold {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        let mut outline = Vec::with_capacity(rows.len() * 4);
        for y in rows.drain(..) {
            let (x0, x1) = (row_min[y], row_max[y]);
            row_min[y] = usize::MAX;
            row_max[y] = 0;
            let (y0, y1) = (y as f32, y as f32 + 1.0);
            let (l, r) = (x0 as f32, x1 as f32 + 1.0);
            outline.extend([
                Point::new(l, y0),
                Point::new(l, y1),
                Point::new(r, y0),
                Point::new(r, y1),
            ]);
        }
        found.push(Component {
            outline,
            pixels: count,
            mean_score: sum / count as f32,
        });
    }
    found.sort_by_key(|c| std::cmp::Reverse(c.pixels));
    found.truncate(max_components);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_regions_and_joins_diagonals() {
        #[rustfmt::skip]
        let map = [
            1.0, 0.0, 0.0, 0.0, 0.9,
            0.0, 1.0, 0.0, 0.0, 0.9,
            0.0, 0.0, 0.0, 0.0, 0.0,
            0.5, 0.5, 0.5, 0.0, 0.0,
        ];
        let found = components(&map, 5, 4, 0.3, 10);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].pixels, 3);
        assert!((found[0].mean_score - 0.5).abs() < 1e-6);
        assert_eq!(found.iter().map(|c| c.pixels).sum::<usize>(), 7);
        assert_eq!(components(&map, 5, 4, 0.3, 1).len(), 1);
    }

    #[test]
    fn short_or_empty_maps_are_empty() {
        assert!(components(&[1.0, 1.0], 5, 4, 0.3, 10).is_empty());
        assert!(components(&[], 0, 0, 0.3, 10).is_empty());
    }
}

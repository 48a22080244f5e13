//! How far the face moves like a flat picture: fit one homography between the mesh key points
//! of two frames and measure what it cannot explain (expressions, blinks, 3-D rotation
//! parallax). A printed photo or a still picture moved in front of the camera leaves only
//! landmark noise.

use crate::signals::SignalTable;
use crate::stats;

/// Frames apart that are compared (0.5 s at 10 fps): long enough for a blink or a word.
const LAG: usize = 5;

/// Solves `a x = b` (n×n, row-major) by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<f64>, mut b: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    for col in 0..n {
        let pivot =
            (col..n).max_by(|&i, &j| a[i * n + col].abs().total_cmp(&a[j * n + col].abs()))?;
        if a[pivot * n + col].abs() < 1e-12 {
            return None;
        }
        for k in 0..n {
            a.swap(col * n + k, pivot * n + k);
        }
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row * n + col] / a[col * n + col];
            for k in col..n {
                a[row * n + k] -= f * a[col * n + k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row * n + k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row * n + row];
    }
    Some(x)
}

/// Least-squares homography (h33 = 1) taking `from` onto `to`; `None` when degenerate.
pub fn fit_homography(from: &[[f32; 2]], to: &[[f32; 2]]) -> Option<[f64; 9]> {
    if from.len() != to.len() || from.len() < 5 {
        return None;
    }
    let mut ata = vec![0.0f64; 64];
    let mut atb = vec![0.0f64; 8];
    for (p, q) in from.iter().zip(to) {
        let (x, y) = (f64::from(p[0]), f64::from(p[1]));
        let (u, v) = (f64::from(q[0]), f64::from(q[1]));
        let rows = [
            ([x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y], u),
            ([0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y], v),
        ];
        for (r, rhs) in rows {
            for i in 0..8 {
                atb[i] += r[i] * rhs;
                for j in 0..8 {
                    ata[i * 8 + j] += r[i] * r[j];
                }
            }
        }
    }
    let h = solve(ata, atb, 8)?;
    Some([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0])
}

/// Centred and scaled copy of the points (unit mean distance from the centroid) and the scale.
fn normalise(points: &[[f32; 2]]) -> (Vec<[f32; 2]>, f32) {
    let n = points.len().max(1) as f32;
    let cx = points.iter().map(|p| p[0]).sum::<f32>() / n;
    let cy = points.iter().map(|p| p[1]).sum::<f32>() / n;
    let mean = points
        .iter()
        .map(|p| ((p[0] - cx).powi(2) + (p[1] - cy).powi(2)).sqrt())
        .sum::<f32>()
        / n;
    let s = if mean > 1e-6 { 1.0 / mean } else { 1.0 };
    (
        points
            .iter()
            .map(|p| [(p[0] - cx) * s, (p[1] - cy) * s])
            .collect(),
        s,
    )
}

/// RMS distance left after the best homography, in units of the face's size (mean distance of
/// the points from their centroid in `to`).
pub fn planar_residual(from: &[[f32; 2]], to: &[[f32; 2]]) -> Option<f32> {
    let (a, _) = normalise(from);
    let (b, _) = normalise(to);
    let h = fit_homography(&a, &b)?;
    let mut sum = 0.0f64;
    for (p, q) in a.iter().zip(&b) {
        let (x, y) = (f64::from(p[0]), f64::from(p[1]));
        let w = h[6] * x + h[7] * y + h[8];
        if w.abs() < 1e-9 {
            return None;
        }
        let u = (h[0] * x + h[1] * y + h[2]) / w;
        let v = (h[3] * x + h[4] * y + h[5]) / w;
        sum += (u - f64::from(q[0])).powi(2) + (v - f64::from(q[1])).powi(2);
    }
    Some((sum / a.len() as f64).sqrt() as f32)
}

/// Non-rigid motion of the clip: the 75th percentile of the planar residual between face frames
/// [`LAG`] apart. ~0.005 for a photo moved around, 0.02+ for a live face.
pub fn deformation(table: &SignalTable) -> f32 {
    let faces: Vec<&[[f32; 2]]> = table
        .frames
        .iter()
        .map(|f| f.face.as_ref().map(|s| s.key_points.as_slice()))
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    // A 3-frame moving average of each point halves the landmark noise; expressions and head
    // turns last longer than that and stay.
    let smoothed: Vec<Vec<[f32; 2]>> = (0..faces.len())
        .map(|i| {
            let lo = i.saturating_sub(1);
            let hi = (i + 2).min(faces.len());
            let n = (hi - lo) as f32;
            (0..faces[i].len())
                .map(|k| {
                    let (sx, sy) = faces[lo..hi]
                        .iter()
                        .fold((0.0, 0.0), |(sx, sy), f| (sx + f[k][0], sy + f[k][1]));
                    [sx / n, sy / n]
                })
                .collect()
        })
        .collect();
    let residuals: Vec<f32> = smoothed
        .iter()
        .zip(smoothed.iter().skip(LAG))
        .filter_map(|(a, b)| planar_residual(a, b))
        .collect();
    stats::quantile(&residuals, 0.75).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Vec<[f32; 2]> {
        (0..30)
            .map(|i| [(i % 6) as f32 * 20.0 + 100.0, (i / 6) as f32 * 25.0 + 80.0])
            .collect()
    }

    fn project(points: &[[f32; 2]], h: [f32; 9]) -> Vec<[f32; 2]> {
        points
            .iter()
            .map(|p| {
                let w = h[6] * p[0] + h[7] * p[1] + h[8];
                [
                    (h[0] * p[0] + h[1] * p[1] + h[2]) / w,
                    (h[3] * p[0] + h[4] * p[1] + h[5]) / w,
                ]
            })
            .collect()
    }

    #[test]
    fn a_plane_seen_in_perspective_leaves_no_residual() {
        let a = grid();
        let b = project(
            &a,
            [0.9, 0.1, 30.0, -0.05, 1.1, -12.0, 0.0004, -0.0002, 1.0],
        );
        let r = planar_residual(&a, &b).unwrap();
        assert!(r < 1e-3, "{r}");
    }

    #[test]
    fn moving_some_points_leaves_a_residual() {
        let a = grid();
        let mut b = a.clone();
        for p in b.iter_mut().skip(24) {
            p[1] += 15.0; // a "mouth" opening
        }
        let r = planar_residual(&a, &b).unwrap();
        assert!(r > 0.02, "{r}");
        assert!(planar_residual(&a[..3], &b[..3]).is_none());
    }
}

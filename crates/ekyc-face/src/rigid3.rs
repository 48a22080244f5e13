//! Least-squares 3-D rotation between two point sets (Horn's quaternion form of Umeyama's
//! method): no reflections, no linear-algebra crate. Used for head pose.

/// A 3x3 rotation matrix, row major: `p' = R p`.
pub(crate) type Mat3 = [[f64; 3]; 3];

/// The rotation `R` minimising `sum |(dst_i - mean_dst) - s R (src_i - mean_src)|^2` over `R`
/// (for any scale `s`). `None` when there are fewer than 3 pairs, lengths differ, or the
/// points are degenerate (all equal or not finite).
pub(crate) fn fit_rotation(src: &[[f64; 3]], dst: &[[f64; 3]]) -> Option<Mat3> {
    if src.len() != dst.len() || src.len() < 3 {
        return None;
    }
    let (ms, md) = (mean(src), mean(dst));
    // Cross-covariance S[i][j] = sum (src_i)(dst_j) of the centred points.
    let mut s = [[0.0f64; 3]; 3];
    for (p, q) in src.iter().zip(dst) {
        for i in 0..3 {
            for j in 0..3 {
                s[i][j] += (p[i] - ms[i]) * (q[j] - md[j]);
            }
        }
    }
    let norm: f64 = s.iter().flatten().map(|v| v * v).sum();
    if !(norm.is_finite() && norm > f64::EPSILON) {
        return None;
    }
    let [[sxx, sxy, sxz], [syx, syy, syz], [szx, szy, szz]] = s;
    // Horn (1987): the best unit quaternion is the top eigenvector of this matrix.
    let n = [
        [sxx + syy + szz, syz - szy, szx - sxz, sxy - syx],
        [syz - szy, sxx - syy - szz, sxy + syx, szx + sxz],
        [szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy],
        [sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz],
    ];
    let q = top_eigenvector(n)?;
    Some(quaternion_to_matrix(q))
}

fn mean(points: &[[f64; 3]]) -> [f64; 3] {
    let n = points.len() as f64;
    let mut m = [0.0; 3];
    for p in points {
        for k in 0..3 {
            m[k] += p[k] / n;
        }
    }
    m
}

/// Eigenvector of the largest eigenvalue of a symmetric 4x4 matrix (cyclic Jacobi sweeps).
fn top_eigenvector(mut a: [[f64; 4]; 4]) -> Option<[f64; 4]> {
    let mut v = [[0.0f64; 4]; 4];
    for (i, row) in v.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    // Jacobi converges quadratically; 50 sweeps is far more than a 4x4 ever needs.
    for _ in 0..50 {
        let off: f64 = (0..4)
            .flat_map(|i| (0..4).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..3 {
            for q in p + 1..4 {
                rotate(&mut a, &mut v, p, q);
            }
        }
    }
    let best = (0..4).max_by(|&i, &j| a[i][i].total_cmp(&a[j][j]))?;
    let vec = [v[0][best], v[1][best], v[2][best], v[3][best]];
    let len = vec.iter().map(|x| x * x).sum::<f64>().sqrt();
    (len.is_finite() && len > 0.0).then(|| vec.map(|x| x / len))
}

/// One Jacobi rotation zeroing `a[p][q]`; `v` accumulates the eigenvectors (columns).
fn rotate(a: &mut [[f64; 4]; 4], v: &mut [[f64; 4]; 4], p: usize, q: usize) {
    if a[p][q].abs() < 1e-300 {
        return;
    }
    let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
    // Smaller root of t^2 + 2 theta t - 1 = 0 (signum(0.0) is 1: a 45 degree turn).
    let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
    let c = 1.0 / (t * t + 1.0).sqrt();
    let s = t * c;
    // Columns p, q of A and V, then rows p, q of A (A' = J^T A J, V' = V J).
    let turn_columns = |m: &mut [[f64; 4]; 4]| {
        for row in m.iter_mut() {
            let (mp, mq) = (row[p], row[q]);
            row[p] = c * mp - s * mq;
            row[q] = s * mp + c * mq;
        }
    };
    turn_columns(a);
    turn_columns(v);
    let (row_p, row_q) = (a[p], a[q]);
    for k in 0..4 {
        a[p][k] = c * row_p[k] - s * row_q[k];
        a[q][k] = s * row_p[k] + c * row_q[k];
    }
}

/// Rotation matrix of a unit quaternion `(w, x, y, z)`.
fn quaternion_to_matrix([w, x, y, z]: [f64; 4]) -> Mat3 {
    [
        [
            w * w + x * x - y * y - z * z,
            2.0 * (x * y - w * z),
            2.0 * (x * z + w * y),
        ],
        [
            2.0 * (x * y + w * z),
            w * w - x * x + y * y - z * z,
            2.0 * (y * z - w * x),
        ],
        [
            2.0 * (x * z - w * y),
            2.0 * (y * z + w * x),
            w * w - x * x - y * y + z * z,
        ],
    ]
}

/// `R p`.
#[cfg(test)]
pub(crate) fn apply(r: &Mat3, p: [f64; 3]) -> [f64; 3] {
    r.map(|row| row[0] * p[0] + row[1] * p[1] + row[2] * p[2])
}

/// `Rz(rz) Ry(ry) Rx(rx)` (radians).
#[cfg(test)]
pub(crate) fn from_euler(rx: f64, ry: f64, rz: f64) -> Mat3 {
    let (sx, cx) = rx.sin_cos();
    let (sy, cy) = ry.sin_cos();
    let (sz, cz) = rz.sin_cos();
    [
        [cy * cz, sx * sy * cz - cx * sz, cx * sy * cz + sx * sz],
        [cy * sz, sx * sy * sz + cx * cz, cx * sy * sz - sx * cz],
        [-sy, sx * cy, cx * cy],
    ]
}

/// Inverse of [`from_euler`]: `(rx, ry, rz)` in radians, `ry` in [-pi/2, pi/2].
pub(crate) fn to_euler(r: &Mat3) -> (f64, f64, f64) {
    let ry = (-r[2][0]).clamp(-1.0, 1.0).asin();
    let rx = r[2][1].atan2(r[2][2]);
    let rz = r[1][0].atan2(r[0][0]);
    (rx, ry, rz)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOUD: [[f64; 3]; 6] = [
        [0.0, 0.0, 0.0],
        [0.0, 330.0, 65.0],
        [-225.0, -170.0, 135.0],
        [225.0, -170.0, 135.0],
        [-150.0, 150.0, 125.0],
        [150.0, 150.0, 125.0],
    ];

    fn max_diff(a: &Mat3, b: &Mat3) -> f64 {
        a.iter()
            .flatten()
            .zip(b.iter().flatten())
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    }

    #[test]
    fn recovers_rotations_despite_scale_and_shift() {
        for &(rx, ry, rz) in &[
            (0.0, 0.0, 0.0),
            (0.3, -0.5, 0.2),
            (-0.7, 0.9, -1.2),
            (0.0, 1.4, 0.0),
            (2.5, 0.1, -2.8),
        ] {
            let truth = from_euler(rx, ry, rz);
            let dst: Vec<[f64; 3]> = CLOUD
                .iter()
                .map(|&p| apply(&truth, p).map(|v| 0.37 * v + 11.0))
                .collect();
            let fit = fit_rotation(&CLOUD, &dst).expect("fit");
            assert!(max_diff(&fit, &truth) < 1e-9, "{rx} {ry} {rz}: {fit:?}");
            let (ex, ey, ez) = to_euler(&fit);
            assert!((ex - rx).abs() < 1e-9 && (ey - ry).abs() < 1e-9 && (ez - rz).abs() < 1e-9);
        }
    }

    #[test]
    fn degenerate_input_gives_none() {
        assert!(fit_rotation(&CLOUD[..2], &CLOUD[..2]).is_none());
        assert!(fit_rotation(&CLOUD, &CLOUD[..5]).is_none());
        let same = [[1.0, 2.0, 3.0]; 4];
        assert!(fit_rotation(&same, &same).is_none());
        let mut bad = CLOUD;
        bad[0][0] = f64::NAN;
        assert!(fit_rotation(&CLOUD, &bad).is_none());
    }
}

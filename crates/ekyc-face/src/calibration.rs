//! From descriptor distance to the two wire scales, through one calibrated curve of the false
//! accept rate (FAR) against distance.
//!
//! The curve is `L(d) = −log10 FAR(d)`, piecewise linear through measured anchors (below). The
//! contract's operating points then fix both scales:
//! - faceid `Sim`: 70 at FAR 0.1 % (L = 3), 80 at 0.01 % (L = 4): `Sim = 40 + 10·L` for L ≥ 2,
//!   tapering linearly to 0 at FAR 100 % below that (`30·L`).
//! - iai `Score`: 40 at 0.1 %, 50 at 0.01 %, 60 at 0.001 %: `Score = 10 + 10·L` for L ≥ 2, `15·L` below.

/// `(distance, −log10 FAR)` anchors, increasing distance.
///
/// Measured with `ekyc eval faces shared/data/faces --pairs pairs_all.csv --json` (1442 impostor
/// pairs of 14 people, 2026-11-25): empirical FAR 50 % at d 0.841, 20 % at 0.765, 10 % at 0.734,
/// 2 % at 0.680, 1 % at 0.652 (14 impostors), 0.5 % at 0.637 (7), 0.2 % at 0.615 (3). Deeper
/// than that the data has too few impostors, so the tail continues from the 0.2 % point with the
/// slope of a log-linear fit of FAR 0.2–30 % (10.9 decades per unit distance): FAR 0.1 % at
/// 0.587, 0.01 % at 0.495, 0.001 % at 0.404. The fit is conservative in the tail (it predicts
/// more false accepts at 0.615 than were seen), which is the safe side for Sim ≥ 70.
const ANCHORS: &[(f32, f64)] = &[
    (0.404, 5.0),
    (0.495, 4.0),
    (0.587, 3.0),
    (0.615, 2.699),
    (0.637, 2.301),
    (0.652, 2.0),
    (0.680, 1.699),
    (0.734, 1.0),
    (0.765, 0.699),
    (0.841, 0.301),
    (0.950, 0.0),
];

/// `−log10` of the false accept rate expected at this distance (0 = everyone accepted).
pub fn neg_log10_far(distance: f32) -> f64 {
    let d = distance.max(0.0);
    let (first, last) = (ANCHORS[0], ANCHORS[ANCHORS.len() - 1]);
    let segment = |a: (f32, f64), b: (f32, f64)| {
        let t = (d - a.0) as f64 / (b.0 - a.0) as f64;
        a.1 + t * (b.1 - a.1)
    };
    let l = if d <= first.0 {
        segment(first, ANCHORS[1])
    } else if d >= last.0 {
        segment(ANCHORS[ANCHORS.len() - 2], last)
    } else {
        let i = ANCHORS
            .iter()
            .position(|a| a.0 > d)
            .unwrap_or(ANCHORS.len() - 1);
        segment(ANCHORS[i - 1], ANCHORS[i])
    };
    l.max(0.0)
}

/// The false accept rate expected at this distance.
pub fn far(distance: f32) -> f64 {
    10f64.powf(-neg_log10_far(distance))
}

fn scale(l: f64, offset: f64, taper: f64) -> f64 {
    let v = if l >= 2.0 {
        offset + 10.0 * l
    } else {
        taper * l
    };
    (v.clamp(0.0, 100.0) * 100.0).round() / 100.0
}

/// faceid `Sim` (0–100, two decimals): 70 ≈ FAR 0.1 %, 80 ≈ FAR 0.01 %.
pub fn sim(distance: f32) -> f64 {
    scale(neg_log10_far(distance), 40.0, 30.0)
}

/// iai `Score` (0–100, two decimals): 40 ≈ FAR 0.1 %, 50 ≈ 0.01 %, 60 ≈ 0.001 %.
pub fn iai_score(distance: f32) -> f64 {
    scale(neg_log10_far(distance), 10.0, 15.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotone_and_bounded() {
        let mut last = (f64::INFINITY, f64::INFINITY);
        for i in 0..=200 {
            let d = i as f32 / 100.0;
            let (s, score) = (sim(d), iai_score(d));
            assert!((0.0..=100.0).contains(&s) && (0.0..=100.0).contains(&score));
            assert!(s <= last.0 && score <= last.1, "not monotone at {d}");
            last = (s, score);
        }
        assert_eq!(sim(2.0), 0.0);
    }

    #[test]
    fn contract_operating_points() {
        let d_1e3 = distance_at(3.0);
        assert!((sim(d_1e3) - 70.0).abs() < 0.05, "{}", sim(d_1e3));
        assert!((iai_score(d_1e3) - 40.0).abs() < 0.05);
        let d_1e4 = distance_at(4.0);
        assert!((sim(d_1e4) - 80.0).abs() < 0.05);
        assert!((iai_score(d_1e4) - 50.0).abs() < 0.05);
        assert!((far(d_1e3) - 1e-3).abs() < 1e-5);
    }

    /// Distance where −log10 FAR reaches `l` (bisection on the monotone curve).
    fn distance_at(l: f64) -> f32 {
        let (mut lo, mut hi) = (0.0f32, 2.0f32);
        for _ in 0..60 {
            let mid = (lo + hi) / 2.0;
            if neg_log10_far(mid) > l {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        (lo + hi) / 2.0
    }
}

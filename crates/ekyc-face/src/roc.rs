//! Verification accuracy from labelled pair distances: ROC, TAR at a FAR, EER. Pure maths, no I/O.
//! Convention: a pair is accepted as "same person" when its distance is below the threshold.

/// One compared pair; `distance` is `None` when a face could not be enrolled (then the pair is
/// rejected whatever the threshold: a false reject for a genuine pair, a true reject otherwise).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoredPair {
    pub distance: Option<f32>,
    pub same: bool,
}

/// Acceptance rates at one threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RocPoint {
    pub threshold: f32,
    /// False accepts / impostor pairs.
    pub far: f64,
    /// True accepts / genuine pairs.
    pub tar: f64,
}

fn counts(pairs: &[ScoredPair]) -> (usize, usize) {
    let genuine = pairs.iter().filter(|p| p.same).count();
    (genuine, pairs.len() - genuine)
}

fn rates_at(pairs: &[ScoredPair], threshold: f32) -> RocPoint {
    let (genuine, impostor) = counts(pairs);
    let accepted = |same: bool| {
        pairs
            .iter()
            .filter(|p| p.same == same && p.distance.is_some_and(|d| d < threshold))
            .count()
    };
    RocPoint {
        threshold,
        far: accepted(false) as f64 / impostor.max(1) as f64,
        tar: accepted(true) as f64 / genuine.max(1) as f64,
    }
}

/// Rates when accepting `distance < threshold`.
pub fn at_threshold(pairs: &[ScoredPair], threshold: f32) -> RocPoint {
    rates_at(pairs, threshold)
}

/// Every distinct operating point, from strictest to most lenient.
pub fn roc(pairs: &[ScoredPair]) -> Vec<RocPoint> {
    let mut cuts: Vec<f32> = pairs.iter().filter_map(|p| p.distance).collect();
    cuts.sort_by(|a, b| a.total_cmp(b));
    cuts.dedup();
    let mut points = vec![rates_at(pairs, 0.0)];
    // Accepting `d < t` for t just above each distance.
    points.extend(cuts.iter().map(|&d| rates_at(pairs, next_up(d))));
    points
}

fn next_up(x: f32) -> f32 {
    f32::from_bits(if x >= 0.0 {
        x.to_bits() + 1
    } else {
        x.to_bits() - 1
    })
}

/// The most lenient operating point whose FAR does not exceed `max_far`.
pub fn at_far(pairs: &[ScoredPair], max_far: f64) -> RocPoint {
    roc(pairs)
        .into_iter()
        .filter(|p| p.far <= max_far)
        .max_by(|a, b| a.threshold.total_cmp(&b.threshold))
        .unwrap_or(RocPoint {
            threshold: 0.0,
            far: 0.0,
            tar: 0.0,
        })
}

/// Equal error rate: the point where FAR and FRR (1 − TAR) are closest; returns (rate, threshold).
pub fn eer(pairs: &[ScoredPair]) -> (f64, f32) {
    roc(pairs)
        .into_iter()
        .map(|p| {
            let frr = 1.0 - p.tar;
            ((p.far - frr).abs(), (p.far + frr) / 2.0, p.threshold)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or((1.0, 0.0), |(_, rate, t)| (rate, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(d: f32, same: bool) -> ScoredPair {
        ScoredPair {
            distance: Some(d),
            same,
        }
    }

    #[test]
    fn separable_pairs() {
        let pairs = [
            pair(0.3, true),
            pair(0.4, true),
            pair(0.7, false),
            pair(0.8, false),
        ];
        let p = at_far(&pairs, 0.0);
        assert_eq!(p.tar, 1.0);
        assert!(p.threshold > 0.4 && p.threshold <= 0.7);
        assert_eq!(eer(&pairs).0, 0.0);
    }

    #[test]
    fn overlap_and_failures_to_enrol() {
        let pairs = [
            pair(0.3, true),
            pair(0.6, true),
            ScoredPair {
                distance: None,
                same: true,
            },
            pair(0.5, false),
            pair(0.9, false),
            ScoredPair {
                distance: None,
                same: false,
            },
        ];
        let strict = at_far(&pairs, 0.0);
        assert!((strict.tar - 1.0 / 3.0).abs() < 1e-9);
        let lenient = at_far(&pairs, 0.34);
        assert!((lenient.far - 1.0 / 3.0).abs() < 1e-9);
        assert!((lenient.tar - 2.0 / 3.0).abs() < 1e-9, "{lenient:?}");
        let points = roc(&pairs);
        assert!(points
            .windows(2)
            .all(|w| w[0].far <= w[1].far && w[0].tar <= w[1].tar));
    }
}

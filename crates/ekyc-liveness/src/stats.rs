//! Small numeric helpers shared by the checks.

/// The `q` quantile (0..1) of `values` by nearest rank; `None` when empty or all NaN.
pub fn quantile(values: &[f32], q: f32) -> Option<f32> {
    let mut v: Vec<f32> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = (q.clamp(0.0, 1.0) * (v.len() - 1) as f32).round() as usize;
    Some(v[rank])
}

pub fn median(values: &[f32]) -> Option<f32> {
    quantile(values, 0.5)
}

/// 90th minus 10th percentile: a spread that ignores a stray frame or two.
pub fn spread(values: &[f32]) -> f32 {
    match (quantile(values, 0.9), quantile(values, 0.1)) {
        (Some(hi), Some(lo)) => hi - lo,
        _ => 0.0,
    }
}

/// Share of `flags` that are true (0 when empty).
pub fn share(flags: impl Iterator<Item = bool>) -> f32 {
    let (mut yes, mut all) = (0usize, 0usize);
    for f in flags {
        all += 1;
        yes += usize::from(f);
    }
    if all == 0 {
        0.0
    } else {
        yes as f32 / all as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_spread() {
        let v: Vec<f32> = (0..=10).map(|i| i as f32).collect();
        assert_eq!(median(&v), Some(5.0));
        assert_eq!(quantile(&v, 0.0), Some(0.0));
        assert_eq!(quantile(&v, 1.0), Some(10.0));
        assert!((spread(&v) - 8.0).abs() < 1e-6);
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f32::NAN]), None);
        assert_eq!(share([true, false, true, true].into_iter()), 0.75);
        assert_eq!(share(std::iter::empty()), 0.0);
    }
}

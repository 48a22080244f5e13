//! Loudness, measured on the samples themselves (Silero calls a -45 dBFS voice "no speech", so
//! "too quiet" is decided here, not by the VAD).

/// dBFS reported for digital silence (instead of minus infinity).
pub const SILENCE_DBFS: f32 = -120.0;

/// Samples per envelope value: 10 ms at 16 kHz.
pub const ENVELOPE_HOP: usize = 160;

/// Amplitude (1.0 = full scale) as dBFS, floored at [`SILENCE_DBFS`].
pub fn to_dbfs(amplitude: f32) -> f32 {
    if amplitude <= 0.0 || !amplitude.is_finite() {
        return SILENCE_DBFS;
    }
    (20.0 * amplitude.log10()).max(SILENCE_DBFS)
}

/// dBFS as amplitude.
pub fn from_dbfs(dbfs: f32) -> f32 {
    10f32.powf(dbfs / 20.0)
}

/// Root mean square of the samples (0 when empty). A full-scale sine is 0.707 (-3 dBFS).
pub fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples.iter().map(|&x| (x as f64) * (x as f64)).sum();
    (sum / samples.len() as f64).sqrt() as f32
}

/// Largest absolute sample (0 when empty).
pub fn peak(samples: &[f32]) -> f32 {
    samples.iter().fold(0f32, |m, &x| m.max(x.abs()))
}

/// RMS of every 10 ms block (a last partial block counts), linear amplitude: the audio
/// envelope that mouth motion is correlated with.
pub fn envelope_10ms(samples: &[f32]) -> Vec<f32> {
    samples.chunks(ENVELOPE_HOP).map(rms).collect()
}

/// Sample range of a (start, end) span in seconds, clamped to the audio.
pub fn span_samples(span: (f32, f32), len: usize, rate: usize) -> std::ops::Range<usize> {
    let at = |t: f32| ((t.max(0.0) * rate as f32).round() as usize).min(len);
    let start = at(span.0);
    start..at(span.1).max(start)
}

/// RMS in dBFS over the union of `spans` (seconds); None when they cover no samples.
pub fn spans_dbfs(samples: &[f32], spans: &[(f32, f32)], rate: usize) -> Option<f32> {
    let mut sum = 0f64;
    let mut count = 0usize;
    for &span in spans {
        for &x in &samples[span_samples(span, samples.len(), rate)] {
            sum += (x as f64) * (x as f64);
            count += 1;
        }
    }
    (count > 0).then(|| to_dbfs((sum / count as f64).sqrt() as f32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sine_levels() {
        let sine: Vec<f32> = (0..1600)
            .map(|n| (2.0 * std::f32::consts::PI * 440.0 * n as f32 / 16_000.0).sin())
            .collect();
        // A full-scale sine: RMS 1/sqrt(2) = -3.01 dBFS, peak ~0 dBFS.
        assert!((to_dbfs(rms(&sine)) + 3.01).abs() < 0.02);
        assert!(to_dbfs(peak(&sine)) > -0.01);
        let quiet: Vec<f32> = sine.iter().map(|x| x * from_dbfs(-45.0)).collect();
        assert!((to_dbfs(rms(&quiet)) + 48.01).abs() < 0.02);
    }

    #[test]
    fn silence_and_empty() {
        assert_eq!(to_dbfs(0.0), SILENCE_DBFS);
        assert_eq!(to_dbfs(f32::NAN), SILENCE_DBFS);
        assert_eq!(rms(&[]), 0.0);
        assert_eq!(peak(&[]), 0.0);
        assert!(envelope_10ms(&[]).is_empty());
        assert_eq!(spans_dbfs(&[0.5; 100], &[], 16_000), None);
    }

    #[test]
    fn envelope_blocks_and_spans() {
        let mut x = vec![0.0f32; 160];
        x.extend(vec![0.5f32; 160]);
        x.extend(vec![0.25f32; 10]);
        assert_eq!(envelope_10ms(&x), vec![0.0, 0.5, 0.25]);
        // Only the loud 10-20 ms part: -6.02 dBFS.
        let db = spans_dbfs(&x, &[(0.01, 0.02)], 16_000).unwrap_or(0.0);
        assert!((db + 6.02).abs() < 0.01, "{db}");
        // Spans past the end are clamped, inverted spans are empty.
        assert_eq!(span_samples((0.0, 99.0), 330, 16_000), 0..330);
        assert_eq!(span_samples((0.02, 0.01), 330, 16_000), 320..320);
    }
}

//! Whisper's log-mel front end: 80 mel bands, 25 ms Hann window (n_fft 400), 10 ms hop, 16 kHz.
//!
//! Same recipe as the model was trained with: centred frames (reflect padding), power
//! spectrum, Slaney-style mel filterbank (linear below 1 kHz, logarithmic above, each band
//! area-normalised), log10 with a 1e-10 floor, values clamped to 8 (= 80 dB) below the clip's
//! maximum, then (x + 4) / 4.

use std::sync::Arc;

use realfft::{RealFftPlanner, RealToComplex};

pub const SAMPLE_RATE: usize = 16_000;
pub const N_FFT: usize = 400;
pub const HOP: usize = 160;
pub const N_MELS: usize = 80;
/// FFT bins kept (0 Hz .. 8 kHz).
pub const N_BINS: usize = N_FFT / 2 + 1;

/// Hz -> mel on the Slaney scale: 3 mels per 200 Hz up to 1 kHz, then 27 mels per factor 6.4.
pub fn hz_to_mel(hz: f64) -> f64 {
    const MIN_LOG_HZ: f64 = 1000.0;
    const MIN_LOG_MEL: f64 = 15.0;
    if hz >= MIN_LOG_HZ {
        MIN_LOG_MEL + (hz / MIN_LOG_HZ).ln() / (6.4f64.ln() / 27.0)
    } else {
        hz * 3.0 / 200.0
    }
}

/// Inverse of [`hz_to_mel`].
pub fn mel_to_hz(mel: f64) -> f64 {
    if mel >= 15.0 {
        1000.0 * ((6.4f64.ln() / 27.0) * (mel - 15.0)).exp()
    } else {
        mel * 200.0 / 3.0
    }
}

/// The 80 x 201 filterbank: triangles between consecutive mel-spaced edges from 0 Hz to 8 kHz,
/// each scaled by 2 / (width in Hz) so that every band has the same area.
pub fn mel_filters() -> Vec<[f32; N_BINS]> {
    let top = hz_to_mel(SAMPLE_RATE as f64 / 2.0);
    let edges: Vec<f64> = (0..N_MELS + 2)
        .map(|i| mel_to_hz(top * i as f64 / (N_MELS + 1) as f64))
        .collect();
    let bin_hz = |k: usize| k as f64 * SAMPLE_RATE as f64 / N_FFT as f64;
    (0..N_MELS)
        .map(|m| {
            let (lo, mid, hi) = (edges[m], edges[m + 1], edges[m + 2]);
            let norm = 2.0 / (hi - lo);
            let mut row = [0f32; N_BINS];
            for (k, w) in row.iter_mut().enumerate() {
                let f = bin_hz(k);
                let rising = (f - lo) / (mid - lo);
                let falling = (hi - f) / (hi - mid);
                *w = (rising.min(falling).max(0.0) * norm) as f32;
            }
            row
        })
        .collect()
}

/// Computes log-mel spectrograms; holds the FFT plan, window and filterbank.
pub struct MelFrontEnd {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    filters: Vec<[f32; N_BINS]>,
}

impl Default for MelFrontEnd {
    fn default() -> Self {
        Self::new()
    }
}

impl MelFrontEnd {
    pub fn new() -> Self {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(N_FFT);
        // Periodic Hann window (as torch.hann_window).
        let window = (0..N_FFT)
            .map(|n| {
                let phase = 2.0 * std::f64::consts::PI * n as f64 / N_FFT as f64;
                (0.5 - 0.5 * phase.cos()) as f32
            })
            .collect();
        MelFrontEnd {
            fft,
            window,
            filters: mel_filters(),
        }
    }

    /// Frames for `n` samples: one per hop (the centred STFT's last frame is dropped).
    pub fn frame_count(n: usize) -> usize {
        n / HOP
    }

    /// Log-mel features, band-major: `out[m * frames + t]`, `frames = samples.len() / 160`.
    /// Empty for less than one hop of audio.
    pub fn log_mel(&self, samples: &[f32]) -> Vec<f32> {
        let frames = Self::frame_count(samples.len());
        if frames == 0 {
            return Vec::new();
        }
        let padded = reflect_pad(samples, N_FFT / 2);
        let mut input = self.fft.make_input_vec();
        let mut spectrum = self.fft.make_output_vec();
        let mut scratch = self.fft.make_scratch_vec();
        let mut power = [0f32; N_BINS];
        let mut out = vec![0f32; N_MELS * frames];
        for t in 0..frames {
            let start = t * HOP;
            for ((dst, &x), &w) in input
                .iter_mut()
                .zip(&padded[start..start + N_FFT])
                .zip(&self.window)
            {
                *dst = x * w;
            }
            // Lengths come from the plan itself, so this cannot fail.
            if self
                .fft
                .process_with_scratch(&mut input, &mut spectrum, &mut scratch)
                .is_err()
            {
                continue;
            }
            for (p, c) in power.iter_mut().zip(&spectrum) {
                *p = c.norm_sqr();
            }
            for (m, filter) in self.filters.iter().enumerate() {
                let energy: f32 = filter.iter().zip(&power).map(|(w, p)| w * p).sum();
                out[m * frames + t] = energy.max(1e-10).log10();
            }
        }
        let max = out.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        for v in &mut out {
            *v = (v.max(max - 8.0) + 4.0) / 4.0;
        }
        out
    }
}

/// `pad` mirrored samples on each side (without repeating the edge sample), as numpy's
/// "reflect"; clips shorter than the pad are mirrored back and forth, silence if empty.
fn reflect_pad(samples: &[f32], pad: usize) -> Vec<f32> {
    let n = samples.len() as isize;
    if n == 0 {
        return vec![0.0; 2 * pad];
    }
    let period = (2 * (n - 1)).max(1);
    (-(pad as isize)..n + pad as isize)
        .map(|i| {
            let mut j = i.rem_euclid(period);
            if j >= n {
                j = period - j;
            }
            samples[j as usize]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mel_scale_values() {
        // Linear part: 200 Hz per 3 mels; 1 kHz is mel 15; the log part's step is ln(6.4)/27.
        assert!((hz_to_mel(200.0) - 3.0).abs() < 1e-12);
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-12);
        assert!((hz_to_mel(6400.0) - 42.0).abs() < 1e-9);
        for hz in [0.0, 300.0, 999.0, 1000.0, 2500.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-6);
        }
    }

    #[test]
    fn filterbank_shape_and_areas() {
        let f = mel_filters();
        assert_eq!(f.len(), 80);
        // Band 0 spans 0 .. edge 2 (by hand: top mel = 15 + ln 8 / (ln 6.4 / 27) = 45.2456,
        // edge 1 = 45.2456 / 81 * 200 / 3 = 37.239 Hz, edge 2 = 74.478 Hz), peaking at edge 1,
        // so bin 1 (40 Hz) is on the falling side.
        let top = hz_to_mel(8000.0);
        let e1 = mel_to_hz(top / 81.0);
        assert!((e1 - 37.2392).abs() < 1e-3, "edge 1 = {e1}");
        let expected_bin1 =
            (mel_to_hz(2.0 * top / 81.0) - 40.0) / (mel_to_hz(2.0 * top / 81.0) - e1) * 2.0
                / mel_to_hz(2.0 * top / 81.0);
        assert!((f[0][1] as f64 - expected_bin1).abs() < 1e-6);
        assert_eq!(f[0][0], 0.0);
        // Every row is a single non-negative bump, and the top band reaches 8 kHz's neighbourhood.
        for row in &f {
            assert!(row.iter().all(|&w| w >= 0.0));
            assert!(row.iter().any(|&w| w > 0.0));
        }
        assert!(f[79][199] > 0.0);
    }

    #[test]
    fn reflect_padding_matches_numpy() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(
            reflect_pad(&x, 2),
            vec![3.0, 2.0, 1.0, 2.0, 3.0, 4.0, 3.0, 2.0]
        );
        assert_eq!(reflect_pad(&[], 1), vec![0.0, 0.0]);
        assert_eq!(reflect_pad(&[5.0], 2), vec![5.0; 5]);
    }

    /// Values from an independent numpy implementation of the same recipe (vectorised STFT
    /// with np.pad reflect, np.fft.rfft, the Slaney filterbank) on a two-tone fade-in.
    #[test]
    fn matches_numpy_reference() {
        let x: Vec<f32> = (0..8000)
            .map(|n| {
                let t = n as f64 / 16_000.0;
                let tones = 0.3 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()
                    + 0.1 * (2.0 * std::f64::consts::PI * 3000.0 * t).sin();
                (tones * (n as f64 / 4000.0).min(1.0)) as f32
            })
            .collect();
        let mel = MelFrontEnd::new().log_mel(&x);
        let frames = 50;
        assert_eq!(mel.len(), 80 * frames);
        let reference = [
            (0, 0, -0.672_720_6),
            (5, 10, -0.629_012_8),
            (10, 25, 1.236_752_9),
            (30, 49, -0.043_228_41),
            (9, 49, 1.054_678_3),
            (56, 23, -0.493_988_2),
            (8, 3, -0.050_531_67),
            (12, 23, 1.164_565_8),
            (54, 48, 0.964_556_8),
            (54, 1, 0.278_174_1),
        ];
        for (band, frame, want) in reference {
            let got = mel[band * frames + frame];
            assert!(
                (got - want).abs() < 2e-3,
                "mel[{band}][{frame}] = {got}, numpy {want}"
            );
        }
    }

    #[test]
    fn tone_lands_in_its_band() {
        // A 1 kHz tone: the band whose centre is nearest 1 kHz is the loudest, at the top of the
        // normalised range ((max + 4) / 4), and quiet bands are clamped 8 below the max.
        let tone: Vec<f32> = (0..16_000)
            .map(|n| 0.5 * (2.0 * std::f32::consts::PI * 1000.0 * n as f32 / 16_000.0).sin())
            .collect();
        let front = MelFrontEnd::new();
        let mel = front.log_mel(&tone);
        let frames = 100;
        assert_eq!(mel.len(), 80 * frames);
        let band_mean =
            |m: usize| mel[m * frames..(m + 1) * frames].iter().sum::<f32>() / frames as f32;
        let loudest = (0..80)
            .max_by(|&a, &b| band_mean(a).total_cmp(&band_mean(b)))
            .unwrap_or(0);
        let top = hz_to_mel(8000.0);
        let centre_hz = |m: usize| mel_to_hz(top * (m + 1) as f64 / 81.0);
        let nearest = (0..80)
            .min_by(|&a, &b| {
                (centre_hz(a) - 1000.0)
                    .abs()
                    .total_cmp(&(centre_hz(b) - 1000.0).abs())
            })
            .unwrap_or(0);
        assert!(
            loudest.abs_diff(nearest) <= 1,
            "loudest {loudest}, nearest {nearest}"
        );
        let max = mel.iter().copied().fold(f32::MIN, f32::max);
        let min = mel.iter().copied().fold(f32::MAX, f32::min);
        assert!(
            min >= max - 2.0 - 1e-5,
            "clamp at 8 log10 units = 2 after /4"
        );
        // Power of a 0.5-amplitude sine, Hann window: peak bin power = (0.5 * 400 / 4)^2 = 2500;
        // the band sums a few bins weighted ~2/width, so the max is a few log10 units: sanity only.
        assert!(max > 0.5 && max < 3.0, "max {max}");
        assert!(front.log_mel(&tone[..100]).is_empty());
    }
}

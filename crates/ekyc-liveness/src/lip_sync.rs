//! How well the mouth follows the voice: Pearson correlation of the mouth-opening signal with
//! the audio loudness envelope at the best small lag. Recorded with every LIP verdict; not a
//! rejection rule yet (the real talking clips carry dubbed digits and must pass).

use serde::Serialize;

use crate::signals::SignalTable;

const SAMPLE_RATE: f32 = 16_000.0;
/// Loudness window around each frame time (seconds).
const WINDOW_S: f32 = 0.1;
/// Lags tried, audio relative to video: −0.5 s … +0.5 s in steps of 0.1 s.
const LAG_STEPS: i32 = 5;
const LAG_STEP_S: f32 = 0.1;
/// Fewer face frames than this give no number.
const MIN_FRAMES: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LipSync {
    /// Best Pearson correlation over the lags, −1..1.
    pub correlation: f32,
    /// The lag it was found at (seconds; positive = the voice comes after the mouth).
    pub lag_s: f32,
}

/// RMS of the audio in a window centred on `t` (0 outside the audio).
fn loudness(audio: &[f32], t: f32) -> f32 {
    let half = (WINDOW_S * SAMPLE_RATE / 2.0) as i64;
    let centre = (t * SAMPLE_RATE) as i64;
    let start = (centre - half).clamp(0, audio.len() as i64) as usize;
    let end = (centre + half).clamp(0, audio.len() as i64) as usize;
    if end <= start {
        return 0.0;
    }
    let sum: f32 = audio[start..end].iter().map(|x| x * x).sum();
    (sum / (end - start) as f32).sqrt()
}

fn pearson(a: &[f32], b: &[f32]) -> Option<f32> {
    let n = a.len() as f32;
    let (ma, mb) = (a.iter().sum::<f32>() / n, b.iter().sum::<f32>() / n);
    let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        cov += (x - ma) * (y - mb);
        va += (x - ma) * (x - ma);
        vb += (y - mb) * (y - mb);
    }
    (va > 1e-12 && vb > 1e-12).then(|| cov / (va * vb).sqrt())
}

/// The best correlation of mouth opening with voice loudness; `None` without audio, without
/// enough face frames, or when either signal is flat.
pub fn lip_sync(table: &SignalTable, audio: Option<&[f32]>) -> Option<LipSync> {
    let (times, mouth): (Vec<f32>, Vec<f32>) = table.with_face().map(|(f, s)| (f.t, s.mar)).unzip();
    correlate(&times, &mouth, audio?)
}

/// `mouth[i]` is the mouth opening at `times[i]` seconds.
pub fn correlate(times: &[f32], mouth: &[f32], audio: &[f32]) -> Option<LipSync> {
    if mouth.len() < MIN_FRAMES {
        return None;
    }
    (-LAG_STEPS..=LAG_STEPS)
        .filter_map(|step| {
            let lag = step as f32 * LAG_STEP_S;
            let voice: Vec<f32> = times.iter().map(|&t| loudness(audio, t + lag)).collect();
            pearson(mouth, &voice).map(|correlation| LipSync {
                correlation,
                lag_s: lag,
            })
        })
        .max_by(|a, b| a.correlation.total_cmp(&b.correlation))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(mar: impl Fn(f32) -> f32) -> (Vec<f32>, Vec<f32>) {
        (0..60)
            .map(|i| i as f32 / 10.0)
            .map(|t| (t, mar(t)))
            .unzip()
    }

    /// Audio whose loudness follows `level(t)`.
    fn audio(level: impl Fn(f32) -> f32) -> Vec<f32> {
        (0..(6.0 * SAMPLE_RATE) as usize)
            .map(|i| {
                let t = i as f32 / SAMPLE_RATE;
                level(t) * (t * 2.0 * std::f32::consts::PI * 200.0).sin()
            })
            .collect()
    }

    fn syllables(t: f32) -> f32 {
        ((t * 3.0).sin()).max(0.0)
    }

    #[test]
    fn a_mouth_that_follows_the_voice_correlates_at_the_right_lag() {
        let late = audio(|t| syllables(t - 0.3));
        let (times, mouth) = frames(syllables);
        let sync = correlate(&times, &mouth, &late).unwrap();
        assert!(sync.correlation > 0.9, "{sync:?}");
        assert!((sync.lag_s - 0.3).abs() < 0.06, "{sync:?}");
    }

    #[test]
    fn an_unrelated_mouth_correlates_weakly_and_silence_gives_none() {
        let voice = audio(syllables);
        let (times, unrelated) = frames(|t| ((t * 7.3).cos()).max(0.0));
        let sync = correlate(&times, &unrelated, &voice).unwrap();
        assert!(sync.correlation < 0.5, "{sync:?}");
        let (times, mouth) = frames(syllables);
        assert_eq!(correlate(&times, &mouth, &vec![0.0; 96_000]), None);
    }
}

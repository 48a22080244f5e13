//! Voice activity with Silero VAD v5 (`silero_vad`): one speech probability per 32 ms window,
//! then hysteresis into voiced segments.

use ekyc_infer::ndarray::{Array2, Array3, ArrayD};
use ekyc_infer::{InferError, Model, NamedTensor};

/// New samples per window (32 ms at 16 kHz).
pub const WINDOW: usize = 512;
/// Samples of the previous window prepended to each window (the model was trained so).
pub const CONTEXT: usize = 64;
const STATE_LEN: usize = 128;

/// How window probabilities become segments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentRule {
    /// A segment starts at a window with at least this probability...
    pub start_prob: f32,
    /// ...and ends after `min_gap_s` of windows below this one.
    pub end_prob: f32,
    /// Shorter pauses are bridged (the gaps between spoken digits).
    pub min_gap_s: f32,
    /// Shorter segments are dropped (clicks).
    pub min_segment_s: f32,
}

impl Default for SegmentRule {
    fn default() -> Self {
        // Silero's own suggested start/end thresholds; 0.25 s bridges pauses between digits.
        SegmentRule {
            start_prob: 0.5,
            end_prob: 0.35,
            min_gap_s: 0.25,
            min_segment_s: 0.1,
        }
    }
}

/// Speech probability of each 512-sample window of 16 kHz audio (a partial last window is
/// zero-padded). `model` is `silero_vad`.
pub fn window_probabilities(model: &dyn Model, samples: &[f32]) -> Result<Vec<f32>, InferError> {
    let mut state = Array3::<f32>::zeros((2, 1, STATE_LEN)).into_dyn();
    let mut input = vec![0f32; CONTEXT + WINDOW];
    let mut probs = Vec::with_capacity(samples.len().div_ceil(WINDOW));
    for chunk in samples.chunks(WINDOW) {
        // Keep the last CONTEXT samples of the previous window in front.
        input.copy_within(WINDOW.., 0);
        input[CONTEXT..].fill(0.0);
        input[CONTEXT..CONTEXT + chunk.len()].copy_from_slice(chunk);
        let window = Array2::from_shape_vec((1, CONTEXT + WINDOW), input.clone())
            .map_err(|e| bad(model, e.to_string()))?
            .into_dyn();
        let outputs = model.run(&[
            NamedTensor::new("input", window),
            NamedTensor::new("state", state),
        ])?;
        let (prob, next) = split_outputs(model, outputs)?;
        probs.push(prob);
        state = next;
    }
    Ok(probs)
}

fn split_outputs(
    model: &dyn Model,
    outputs: Vec<NamedTensor>,
) -> Result<(f32, ArrayD<f32>), InferError> {
    let mut prob = None;
    let mut state = None;
    for t in outputs {
        match t.name.as_str() {
            "output" => prob = t.data.iter().next().copied(),
            "stateN" => state = Some(t.data),
            _ => {}
        }
    }
    let state = state.ok_or_else(|| bad(model, "no output `stateN`".into()))?;
    if state.len() != 2 * STATE_LEN {
        return Err(bad(model, format!("state has {} values", state.len())));
    }
    let prob = prob.ok_or_else(|| bad(model, "no output `output`".into()))?;
    Ok((prob, state))
}

fn bad(model: &dyn Model, message: String) -> InferError {
    InferError::BadTensor {
        model: model.name().to_string(),
        message,
    }
}

/// Voiced (start, end) spans in seconds from window probabilities.
pub fn segments(probs: &[f32], rule: &SegmentRule) -> Vec<(f32, f32)> {
    let window_s = WINDOW as f32 / 16_000.0;
    let mut spans: Vec<(f32, f32)> = Vec::new();
    let mut open: Option<usize> = None;
    let mut last_voiced = 0usize;
    for (i, &p) in probs.iter().enumerate() {
        match open {
            None if p >= rule.start_prob => {
                open = Some(i);
                last_voiced = i;
            }
            Some(_) if p >= rule.end_prob => last_voiced = i,
            Some(start) if (i - last_voiced) as f32 * window_s >= rule.min_gap_s => {
                spans.push((start as f32 * window_s, (last_voiced + 1) as f32 * window_s));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        spans.push((start as f32 * window_s, (last_voiced + 1) as f32 * window_s));
    }
    // Bridge short pauses, then drop clicks.
    let mut merged: Vec<(f32, f32)> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some(prev) if span.0 - prev.1 < rule.min_gap_s => prev.1 = span.1,
            _ => merged.push(span),
        }
    }
    merged.retain(|s| s.1 - s.0 >= rule.min_segment_s);
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: f32 = 0.032;

    fn close(a: &[(f32, f32)], b: &[(f32, f32)]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x.0 - y.0).abs() < 1e-4 && (x.1 - y.1).abs() < 1e-4)
    }

    #[test]
    fn hysteresis_and_bridging() {
        let rule = SegmentRule::default();
        // 0.4 (below start) does not open; 0.9 opens; 0.4 (above end) keeps it open.
        let mut probs = vec![0.1; 16];
        probs[1..6].copy_from_slice(&[0.4, 0.9, 0.4, 0.9, 0.9]);
        let got = segments(&probs, &rule);
        assert!(close(&got, &[(2.0 * W, 6.0 * W)]), "{got:?}");
        // Two bursts 3 windows (96 ms) apart are one segment; 10 windows apart are two.
        let mut p = vec![0.0; 40];
        for i in [2, 3, 4, 8, 9, 10, 21, 22, 23, 24] {
            p[i] = 0.9;
        }
        let got = segments(&p, &rule);
        assert!(
            close(&got, &[(2.0 * W, 11.0 * W), (21.0 * W, 25.0 * W)]),
            "{got:?}"
        );
    }

    #[test]
    fn clicks_dropped_and_open_end_closed() {
        let rule = SegmentRule::default();
        let mut p = vec![0.0; 20];
        p[3] = 0.99; // 32 ms: a click
        p[17] = 0.9;
        p[18] = 0.9;
        p[19] = 0.9; // runs to the end: 96 ms, also dropped
        assert!(segments(&p, &rule).is_empty());
        p[15] = 0.9;
        p[16] = 0.9;
        let got = segments(&p, &rule);
        assert!(close(&got, &[(15.0 * W, 20.0 * W)]), "{got:?}");
        assert!(segments(&[], &rule).is_empty());
    }
}

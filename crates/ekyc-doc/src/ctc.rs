//! Greedy CTC decoding. Output frames are not characters: a character is a run of frames whose
//! best class is the same non-blank class, so per-character alternatives are built from the
//! frames of that run.

use ekyc_infer::ndarray::ArrayView2;
use ekyc_mrz::CandidateLine;

use crate::dictionary::Charset;

/// A recognised line.
#[derive(Debug, Clone, PartialEq)]
pub struct RecognizedLine {
    pub text: String,
    /// Per character: the alternatives with probabilities, best first.
    pub alternatives: CandidateLine,
    /// Mean probability of the chosen characters (0 for an empty line).
    pub confidence: f32,
    /// Per character: where its frames' centre lies, as a share of the input's width (0..1);
    /// OCR-B is monospaced, so this tells how many character cells a merged filler run spans.
    pub positions: Vec<f32>,
}

/// True when the frames already are probability distributions (a softmax inside the net).
fn are_probabilities(frames: &ArrayView2<f32>) -> bool {
    let in_range = frames
        .iter()
        .all(|&v| v.is_finite() && (-1e-4..=1.0 + 1e-4).contains(&v));
    let first_sums_to_one = frames
        .rows()
        .into_iter()
        .next()
        .is_some_and(|r| (r.sum() - 1.0).abs() < 0.02);
    in_range && first_sums_to_one
}

/// Distribution over `[blank] + classes` for one frame, summing to 1.
fn restricted(row: &[f32], blank: f32, probs: bool) -> Vec<f32> {
    let mut w: Vec<f32> = std::iter::once(blank)
        .chain(row.iter().copied())
        .map(|v| if v.is_finite() { v } else { f32::MIN })
        .collect();
    if !probs {
        let max = w.iter().copied().fold(f32::MIN, f32::max);
        w.iter_mut().for_each(|v| *v = (*v - max).exp());
    }
    w.iter_mut().for_each(|v| *v = v.max(0.0));
    let sum: f32 = w.iter().sum();
    if sum > 0.0 {
        w.iter_mut().for_each(|v| *v /= sum);
    } else {
        w.iter_mut().for_each(|v| *v = 0.0);
        w[0] = 1.0;
    }
    w
}

/// How per-character alternatives are reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AltOptions {
    /// Alternatives kept per character (the chosen one included).
    pub top_k: usize,
    /// Softening of the alternatives' probabilities (`p^(1/T)`, renormalised): recognisers are
    /// overconfident between look-alikes such as 'O'/'0' or 'S'/'5', and a look-alike needs a
    /// fair score for the check-digit resolver to consider it. 1 keeps the net's numbers; the
    /// chosen characters never change.
    pub temperature: f32,
}

impl Default for AltOptions {
    fn default() -> Self {
        AltOptions {
            top_k: 3,
            temperature: 1.0,
        }
    }
}

/// Greedy decoding with only `classes` (class index, character) allowed besides the blank
/// (class 0): the net's other classes are masked out and the rest renormalised. Each emitted
/// character keeps its alternatives, averaged over the frames that produced it.
pub fn decode_restricted(
    frames: ArrayView2<f32>,
    classes: &[(usize, char)],
    alt: &AltOptions,
) -> RecognizedLine {
    let top_k = alt.top_k;
    let inv_t = if alt.temperature.is_finite() && alt.temperature > 0.0 {
        1.0 / alt.temperature
    } else {
        1.0
    };
    let probs = are_probabilities(&frames);
    let n_classes = frames.ncols();
    let usable: Vec<(usize, char)> = classes
        .iter()
        .copied()
        .filter(|&(i, _)| i > 0 && i < n_classes)
        .collect();
    let mut out = RecognizedLine {
        text: String::new(),
        alternatives: Vec::new(),
        confidence: 0.0,
        positions: Vec::new(),
    };
    let frame_count = frames.nrows().max(1) as f32;
    if n_classes == 0 || usable.is_empty() {
        return out;
    }
    // Current run: best class, summed non-blank distribution, summed best probability, frames,
    // first frame.
    let mut run: Option<(usize, Vec<f32>, f32, usize, usize)> = None;
    let mut chosen_sum = 0.0;
    let mut flush = |run: Option<(usize, Vec<f32>, f32, usize, usize)>,
                     out: &mut RecognizedLine| {
        let Some((best, sums, p, n, first)) = run else {
            return;
        };
        out.positions
            .push((first as f32 + n as f32 / 2.0) / frame_count);
        let mut alts: Vec<(char, f32)> = usable
            .iter()
            .zip(&sums)
            .map(|(&(_, c), &s)| (c, s / n as f32))
            .collect();
        alts.sort_by(|a, b| b.1.total_cmp(&a.1));
        alts.truncate(top_k.max(1));
        out.text.push(usable[best].1);
        out.alternatives.push(alts);
        chosen_sum += p / n as f32;
    };
    let mut prev: Option<usize> = None;
    for (t, row) in frames.rows().into_iter().enumerate() {
        let values: Vec<f32> = usable.iter().map(|&(i, _)| row[i]).collect();
        let dist = restricted(&values, row[0], probs);
        let (best, &p) = dist
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap_or((0, &1.0));
        if best == 0 {
            flush(run.take(), &mut out);
            prev = None;
            continue;
        }
        let class = best - 1;
        if prev != Some(class) {
            flush(run.take(), &mut out);
        }
        prev = Some(class);
        // Alternatives among characters only (the blank's share removed), softened.
        let soft: Vec<f32> = dist[1..].iter().map(|d| d.powf(inv_t)).collect();
        let total = soft.iter().sum::<f32>().max(f32::EPSILON);
        let entry = run.get_or_insert_with(|| (class, vec![0.0; usable.len()], 0.0, 0, t));
        for (s, d) in entry.1.iter_mut().zip(&soft) {
            *s += d / total;
        }
        entry.2 += p;
        entry.3 += 1;
    }
    flush(run.take(), &mut out);
    let count = out.text.chars().count();
    out.confidence = if count > 0 {
        chosen_sum / count as f32
    } else {
        0.0
    };
    out
}

/// Share of the frames holding a character (best class over every class not the blank) whose
/// best class is one of `classes`; 0 when no frame holds one.
pub fn mrz_share(frames: ArrayView2<f32>, classes: &[(usize, char)]) -> f32 {
    let (mut inside, mut chars) = (0usize, 0usize);
    for row in frames.rows() {
        let best = row
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(i, _)| i);
        if best != 0 {
            chars += 1;
            inside += usize::from(classes.iter().any(|&(i, _)| i == best));
        }
    }
    match chars {
        0 => 0.0,
        n => inside as f32 / n as f32,
    }
}

/// Plain greedy decoding over every class of `charset` (text and mean probability).
pub fn decode_greedy(frames: ArrayView2<f32>, charset: &Charset) -> (String, f32) {
    let probs = are_probabilities(&frames);
    let (mut text, mut sum, mut count) = (String::new(), 0.0, 0usize);
    let mut prev = 0usize;
    for row in frames.rows() {
        let (best, &v) = row
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap_or((0, &0.0));
        if best != 0 && best != prev {
            if let Some(c) = charset.get(best) {
                text.push(c);
                sum += if probs { v } else { 1.0 };
                count += 1;
            }
        }
        prev = best;
    }
    let conf = if count > 0 { sum / count as f32 } else { 0.0 };
    (text, conf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekyc_infer::ndarray::Array2;

    /// Frames over classes [blank, A, B, <, X] as probabilities.
    fn frames(rows: &[[f32; 5]]) -> Array2<f32> {
        Array2::from_shape_fn((rows.len(), 5), |(t, c)| rows[t][c])
    }

    const CLASSES: [(usize, char); 3] = [(1, 'A'), (2, 'B'), (3, '<')];

    fn alts(top_k: usize) -> AltOptions {
        AltOptions {
            top_k,
            temperature: 1.0,
        }
    }

    #[test]
    fn mrz_share_counts_character_frames_only() {
        // Frames: blank, A, X (not an MRZ class), <, blank.
        let f = frames(&[
            [0.9, 0.05, 0.0, 0.0, 0.05],
            [0.1, 0.8, 0.0, 0.0, 0.1],
            [0.1, 0.1, 0.0, 0.0, 0.8],
            [0.2, 0.0, 0.0, 0.7, 0.1],
            [1.0, 0.0, 0.0, 0.0, 0.0],
        ]);
        assert!((mrz_share(f.view(), &CLASSES) - 2.0 / 3.0).abs() < 1e-6);
        let blank = frames(&[[1.0, 0.0, 0.0, 0.0, 0.0]]);
        assert_eq!(mrz_share(blank.view(), &CLASSES), 0.0);
    }

    #[test]
    fn temperature_softens_alternatives_only() {
        let f = frames(&[[0.0, 0.99, 0.01, 0.0, 0.0]]);
        let soft = AltOptions {
            top_k: 3,
            temperature: 2.0,
        };
        let line = decode_restricted(f.view(), &CLASSES, &soft);
        assert_eq!(line.text, "A");
        // sqrt(0.01) / (sqrt(0.99) + sqrt(0.01)) ≈ 0.091
        assert!(
            (line.alternatives[0][1].1 - 0.0913).abs() < 1e-3,
            "{line:?}"
        );
        assert!((line.confidence - 0.99).abs() < 1e-5);
    }

    #[test]
    fn collapses_runs_and_blanks() {
        let f = frames(&[
            [0.0, 0.9, 0.1, 0.0, 0.0],
            [0.0, 0.7, 0.3, 0.0, 0.0],
            [1.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.8, 0.2, 0.0, 0.0],
            [0.0, 0.0, 0.0, 1.0, 0.0],
        ]);
        let line = decode_restricted(f.view(), &CLASSES, &alts(2));
        assert_eq!(line.text, "AA<");
        // Centres of frames 0-1, 3 and 4 of 5.
        assert_eq!(line.positions, vec![0.2, 0.7, 0.9]);
        assert_eq!(line.alternatives.len(), 3);
        let first = &line.alternatives[0];
        assert_eq!(first[0].0, 'A');
        assert!((first[0].1 - 0.8).abs() < 1e-5 && (first[1].1 - 0.2).abs() < 1e-5);
    }

    #[test]
    fn masked_classes_never_win() {
        // X (class 4) is the net's favourite but outside the alphabet: B wins after masking.
        let f = frames(&[[0.05, 0.05, 0.3, 0.0, 0.6]]);
        let line = decode_restricted(f.view(), &CLASSES, &alts(3));
        assert_eq!(line.text, "B");
        assert!(line.confidence > 0.7, "{line:?}");
    }

    #[test]
    fn logits_are_softmaxed() {
        let f = Array2::from_shape_vec(
            (2, 5),
            vec![0.0, 5.0, -2.0, 0.0, 1.0, 9.0, 0.0, 0.0, 0.0, 0.0],
        )
        .expect("shape");
        let line = decode_restricted(f.view(), &CLASSES, &alts(3));
        assert_eq!(line.text, "A");
        let sum: f32 = line.alternatives[0].iter().map(|a| a.1).sum();
        assert!((sum - 1.0).abs() < 1e-4);
    }

    #[test]
    fn empty_and_out_of_range_inputs() {
        let empty = Array2::<f32>::zeros((0, 5));
        assert_eq!(decode_restricted(empty.view(), &CLASSES, &alts(3)).text, "");
        let narrow = Array2::<f32>::ones((3, 1));
        assert_eq!(
            decode_restricted(narrow.view(), &CLASSES, &alts(3)).text,
            ""
        );
    }

    #[test]
    fn greedy_uses_the_whole_charset() {
        let cs = Charset::from_dictionary("A\nB\n<");
        let f = frames(&[
            [0.0, 0.0, 0.9, 0.1, 0.0],
            [0.0, 0.0, 0.9, 0.1, 0.0],
            [0.0, 0.0, 0.0, 0.0, 1.0],
        ]);
        // Class 4 is the trailing space of the PP-OCR layout.
        assert_eq!(decode_greedy(f.view(), &cs).0, "B ");
    }
}

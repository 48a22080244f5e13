//! Combining two readings of the same line (crops with different margins): single-character
//! slips of one crop are outvoted by the other, and a crop that lost or gained characters is
//! dropped in favour of one of a valid MRZ line length.

use crate::ctc::RecognizedLine;

/// MRZ line lengths (TD1, TD2 / MRV-B, TD3 / MRV-A).
const MRZ_LENGTHS: [usize; 3] = [30, 36, 44];

fn distance_to_mrz_length(line: &RecognizedLine) -> usize {
    let n = line.text.chars().count();
    MRZ_LENGTHS
        .iter()
        .map(|&l| n.abs_diff(l))
        .min()
        .unwrap_or(n)
}

/// One reading from two: position by position averages when both have the same length,
/// otherwise the one nearer an MRZ line length (then the more confident one).
pub fn combine(a: RecognizedLine, b: RecognizedLine) -> RecognizedLine {
    if a.alternatives.len() != b.alternatives.len() {
        let key = |l: &RecognizedLine| (distance_to_mrz_length(l), -l.confidence);
        let (ka, kb) = (key(&a), key(&b));
        return if (kb.0, kb.1) < (ka.0, ka.1) { b } else { a };
    }
    let mut text = String::with_capacity(a.text.len());
    let mut alternatives = Vec::with_capacity(a.alternatives.len());
    for (x, y) in a.alternatives.iter().zip(&b.alternatives) {
        let mut merged: Vec<(char, f32)> = Vec::with_capacity(x.len() + y.len());
        for &(c, s) in x.iter().chain(y) {
            match merged.iter_mut().find(|m| m.0 == c) {
                Some(m) => m.1 += s / 2.0,
                None => merged.push((c, s / 2.0)),
            }
        }
        merged.sort_by(|p, q| q.1.total_cmp(&p.1));
        merged.truncate(x.len().max(y.len()));
        if let Some(&(c, _)) = merged.first() {
            text.push(c);
        }
        alternatives.push(merged);
    }
    let positions = a
        .positions
        .iter()
        .zip(&b.positions)
        .map(|(p, q)| (p + q) / 2.0)
        .collect();
    RecognizedLine {
        text,
        alternatives,
        confidence: (a.confidence + b.confidence) / 2.0,
        positions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, sure: f32) -> RecognizedLine {
        RecognizedLine {
            text: text.to_string(),
            alternatives: text
                .chars()
                .map(|c| vec![(c, sure), ('<', 1.0 - sure)])
                .collect(),
            confidence: sure,
            positions: (0..text.len()).map(|i| i as f32 / 50.0).collect(),
        }
    }

    #[test]
    fn the_surer_reading_wins_each_position() {
        let a = line("ABK", 0.6);
        let mut b = line("AB<", 0.9);
        b.alternatives[2] = vec![('<', 0.9), ('K', 0.1)];
        let c = combine(a, b);
        assert_eq!(c.text, "AB<");
        assert_eq!(c.alternatives.len(), 3);
        assert!((c.alternatives[2][0].1 - 0.65).abs() < 1e-5, "{c:?}");
    }

    #[test]
    fn different_lengths_prefer_an_mrz_length() {
        let full = "A".repeat(30);
        let short = "A".repeat(28);
        assert_eq!(combine(line(&short, 0.99), line(&full, 0.8)).text, full);
        assert_eq!(combine(line(&full, 0.8), line(&short, 0.99)).text, full);
        // Equally far: the more confident one.
        let long = "B".repeat(32);
        assert_eq!(combine(line(&short, 0.7), line(&long, 0.9)).text, long);
    }
}

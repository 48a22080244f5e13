//! From recognised lines to the per-position alternatives `ekyc_mrz::resolve` takes: choose the
//! line length of the layout, let `normalise_line` fix filler runs, and carry each character's
//! alternatives over to its new position.

use ekyc_mrz::{normalise_line, CandidateLine};

use crate::ctc::RecognizedLine;

/// Line lengths of the MRZ layouts: TD1 (3 lines), TD2/MRV-B and TD3/MRV-A (2 lines).
const TD1_LEN: usize = 30;
const SHORT_LEN: usize = 36;
const LONG_LEN: usize = 44;

/// The line length these recognised lines most likely have, from their count and raw lengths.
pub fn expected_len(lines: &[RecognizedLine]) -> Option<usize> {
    match lines.len() {
        3 => Some(TD1_LEN),
        2 => {
            let mean = lines.iter().map(|l| l.text.chars().count()).sum::<usize>() as f32 / 2.0;
            let near_short = (mean - SHORT_LEN as f32).abs() <= (mean - LONG_LEN as f32).abs();
            Some(if near_short { SHORT_LEN } else { LONG_LEN })
        }
        _ => None,
    }
}

/// Alternatives for a line normalised to `want` characters. Positions whose filler was added by
/// the normalisation get a sure `<`; dropped fillers take their alternatives with them.
pub fn align(line: &RecognizedLine, want: usize) -> CandidateLine {
    let raw: Vec<char> = line.text.chars().collect();
    let fixed: Vec<char> = normalise_line(&line.text, want).chars().collect();
    let mut out = Vec::with_capacity(fixed.len());
    let (mut i, mut j) = (0, 0);
    while j < fixed.len() {
        match raw.get(i) {
            Some(&r) if r == fixed[j] => {
                out.push(
                    line.alternatives
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| vec![(r, 1.0)]),
                );
                i += 1;
                j += 1;
            }
            // A filler the normalisation removed.
            Some('<') => i += 1,
            // A filler it added (or anything else it changed): take its choice as certain.
            _ => {
                out.push(vec![(fixed[j], 1.0)]);
                if fixed[j] != '<' {
                    i += 1;
                }
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> RecognizedLine {
        RecognizedLine {
            text: text.to_string(),
            alternatives: text
                .chars()
                .map(|c| vec![(c, 0.8), (if c == '0' { 'O' } else { 'X' }, 0.2)])
                .collect(),
            confidence: 0.8,
            positions: (0..text.len()).map(|i| i as f32 / 50.0).collect(),
        }
    }

    #[test]
    fn picks_the_layout_length() {
        assert_eq!(expected_len(&[line("A"), line("B"), line("C")]), Some(30));
        let a = "A".repeat(35);
        let b = "B".repeat(37);
        assert_eq!(expected_len(&[line(&a), line(&b)]), Some(36));
        assert_eq!(
            expected_len(&[line(&"C".repeat(43)), line(&"D".repeat(44))]),
            Some(44)
        );
        assert_eq!(expected_len(&[line("A")]), None);
    }

    #[test]
    fn exact_lines_keep_their_alternatives() {
        let l = line("P<UTO0");
        let c = align(&l, 6);
        assert_eq!(c.len(), 6);
        assert_eq!(c[5], vec![('0', 0.8), ('O', 0.2)]);
    }

    #[test]
    fn grown_and_shrunk_filler_runs() {
        // Trailing fillers are padding: growing adds sure '<', shrinking drops the extra ones.
        let grown = align(&line("AB0<<<"), 8);
        assert_eq!(grown.len(), 8);
        assert_eq!(grown[2][0].0, '0');
        assert_eq!(grown[7], vec![('<', 1.0)]);
        let shrunk = align(&line("AB0<<<<<"), 6);
        assert_eq!(shrunk.len(), 6);
        assert_eq!(shrunk[2][1].0, 'O');
        let text: String = shrunk.iter().map(|a| a[0].0).collect();
        assert_eq!(text, "AB0<<<");
    }
}

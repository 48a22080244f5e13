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
        // Passports are TD3; ID cards of two lines TD2 (visas have either).
        2 if lines[0].text.starts_with('P') => Some(LONG_LEN),
        2 if lines[0].text.starts_with(['I', 'A', 'C']) => Some(SHORT_LEN),
        2 => {
            let mean = lines.iter().map(|l| l.text.chars().count()).sum::<usize>() as f32 / 2.0;
            let near_short = (mean - SHORT_LEN as f32).abs() <= (mean - LONG_LEN as f32).abs();
            Some(if near_short { SHORT_LEN } else { LONG_LEN })
        }
        _ => None,
    }
}

/// Characters a line may be read short or long of its layout and still be counted (see
/// [`slips_in_one_run`]).
const MAX_RUN_SLIP: usize = 6;

/// Characters after a line's last filler run of `want` cells: the personal number's check
/// digit (when it is a digit, not the filler an empty number may have) and the composite
/// (TD3), the composite (TD2), none or the composite (TD1's first and second lines). More is
/// text beside the card read into the line (`<<<<<<<64118`): the run is not what slipped.
fn after_run_fits(after: usize, want: usize) -> bool {
    match want {
        LONG_LEN => (1..=2).contains(&after),
        SHORT_LEN => after == 1,
        _ => after <= 1,
    }
}

/// A line read up to [`MAX_RUN_SLIP`] characters off the layout's length whose only run of
/// three or more fillers is its last run of fillers: that run lost or gained the characters
/// (CTC merges long filler runs; a page photographed at an angle squeezes the far end's), and
/// `normalise_line` fixes that very run — no guess which run it was — and the layout's check
/// digits follow it (see [`after_run_fits`]). Runs of one or two (a
/// field's end, the names' separator) stay as read; a letter or digit lost instead shifts the
/// fields after it, and their check digits fail.
pub fn slips_in_one_run(text: &str, want: usize) -> bool {
    let n = text.chars().count();
    if n == want || n.abs_diff(want) > MAX_RUN_SLIP {
        return false;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut runs = Vec::new();
    let mut start = None;
    for (i, &c) in chars.iter().chain(std::iter::once(&' ')).enumerate() {
        match (c == '<', start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push(i - s);
                start = None;
            }
            _ => {}
        }
    }
    let long = runs.iter().filter(|&&len| len >= 3).count();
    let after = chars.len() - chars.iter().rposition(|&c| c == '<').map_or(0, |i| i + 1);
    long == 1
        && runs.last().is_some_and(|&len| len >= 3)
        && after_run_fits(after, want)
        && normalise_line(text, want).chars().count() == want
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
        // The document code tells passports (TD3) from two-line ID cards (TD2).
        let short = "<".repeat(36);
        assert_eq!(
            expected_len(&[line(&format!("P{short}")), line(&short)]),
            Some(44)
        );
        let long = "<".repeat(43);
        assert_eq!(
            expected_len(&[line(&format!("I{long}")), line(&long)]),
            Some(36)
        );
        let a = "X".repeat(35);
        let b = "Y".repeat(37);
        assert_eq!(expected_len(&[line(&a), line(&b)]), Some(36));
        assert_eq!(
            expected_len(&[line(&"X".repeat(43)), line(&"D".repeat(44))]),
            Some(44)
        );
        assert_eq!(expected_len(&[line("A")]), None);
    }

    #[test]
    fn a_slip_counts_only_in_a_lone_long_last_run() {
        // TD3 second line, two fillers of the personal number lost, or one gained.
        let line2 = "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<06";
        let short = line2.replacen("<<", "", 1);
        assert!(slips_in_one_run(&short, 44));
        assert!(slips_in_one_run(&line2.replacen("<<<", "<<<<", 1), 44));
        // Exact, too far off, or two long runs (which one slipped is a guess).
        assert!(!slips_in_one_run(line2, 44));
        assert!(!slips_in_one_run(&line2.replacen("<<<<<<<<", "", 1), 44));
        assert!(!slips_in_one_run(
            "Y3CPR2<<<7D<<9610046F3008085636YOEISUP<<<64",
            44
        ));
        // An empty personal number's check digit may be the filler.
        assert!(slips_in_one_run(&line2.replacen("<<06", "<6", 1), 44));
        assert!(!slips_in_one_run(&line2.replacen("<<06", "<", 1), 44));
        // Text beside the card read after the line: the run is not what slipped.
        assert!(!slips_in_one_run(
            "29PDZRRLI9UTO5408069<3803213<<<<<<<64118",
            36
        ));
        assert!(slips_in_one_run(
            "29PDZRRLI9UTO5408069<3803213<<<<<<<<<6",
            36
        ));
        // The long run must be the last: a later short one would take the padding.
        assert!(!slips_in_one_run("I<UTOD23145890<<<<<<<<<<<<<<3<", 30));
        assert!(slips_in_one_run("I<UTOD23145890<<<<<<<<<<<<<", 30));
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

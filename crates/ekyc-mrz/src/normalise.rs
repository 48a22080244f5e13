//! Conservative clean-up of a raw OCR line before parsing.

/// Upper-case ASCII, drop whitespace, turn chevron look-alikes into '<', and fix the length by
/// growing or shrinking a run of fillers when that is unambiguous. Anything else is left as read,
/// so that [`crate::parse`] reports it instead of us guessing.
pub fn normalise_line(raw: &str, want_len: usize) -> String {
    let mut chars: Vec<char> = Vec::with_capacity(want_len);
    for c in raw.chars().filter(|c| !c.is_whitespace()) {
        match c {
            // « ≪ 《: double chevrons stand for two fillers (the name separator is often read so).
            '\u{00AB}' | '\u{226A}' | '\u{300A}' => chars.extend(['<', '<']),
            // ‹ ＜ 〈 〈 ⟨ ˂ ❮: single chevron look-alikes.
            '\u{2039}' | '\u{FF1C}' | '\u{2329}' | '\u{3008}' | '\u{27E8}' | '\u{02C2}'
            | '\u{276E}' => chars.push('<'),
            _ => chars.push(c.to_ascii_uppercase()),
        }
    }
    fit_length(&mut chars, want_len);
    chars.into_iter().collect()
}

/// Runs of '<' as (start, length).
fn filler_runs(chars: &[char]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '<' {
            let start = i;
            while i < chars.len() && chars[i] == '<' {
                i += 1;
            }
            runs.push((start, i - start));
        } else {
            i += 1;
        }
    }
    runs
}

/// Trailing fillers are pure padding; inside the line only runs of 3+ are padding (a run of 2 may
/// be the name separator), and at least 2 are kept there.
fn fit_length(chars: &mut Vec<char>, want: usize) {
    let len = chars.len();
    if len == want || len == 0 {
        return;
    }
    let runs = filler_runs(chars);
    let trailing = runs.last().copied().filter(|&(s, n)| s + n == len);
    let inner = runs
        .iter()
        .copied()
        .filter(|&(s, n)| n >= 3 && s + n < len)
        .max_by_key(|&(s, n)| (n, s));
    if len > want {
        let excess = len - want;
        if let Some((s, n)) = trailing.filter(|&(_, n)| n >= excess) {
            chars.drain(s + n - excess..s + n);
        } else if let Some((s, _)) = inner.filter(|&(_, n)| n >= excess + 2) {
            chars.drain(s..s + excess);
        }
    } else {
        let missing = want - len;
        let at = match (trailing, inner) {
            (Some(_), _) => Some(len),
            (None, Some((s, _))) => Some(s),
            (None, None) => None,
        };
        if let Some(at) = at {
            chars.splice(at..at, std::iter::repeat_n('<', missing));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_and_pads() {
        assert_eq!(
            normalise_line(" p<uto eriksson«anna‹maria<<< ", 44),
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
        );
        // One filler lost inside the personal-number run of a TD3 line 2.
        assert_eq!(
            normalise_line("L898902C36UTO7408122F1204159ZE184226B<<<<10", 44),
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
        );
    }

    #[test]
    fn trims_only_filler_runs() {
        assert_eq!(
            normalise_line("ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<", 30),
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
        );
        assert_eq!(
            normalise_line("L898902C36UTO7408122F1204159ZE184226B<<<<<<<10", 44),
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
        );
        // No filler run to absorb the difference: left alone for the parser to report.
        assert_eq!(normalise_line("ABC", 5), "ABC");
        assert_eq!(normalise_line("ABC<<DEF", 7), "ABC<<DEF");
        assert_eq!(normalise_line("", 30), "");
        assert_eq!(normalise_line("é<", 3), "é<<");
    }
}

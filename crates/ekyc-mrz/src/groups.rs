//! Check-digit groups: which positions each check digit covers in a given MRZ text, and the result
//! of checking them. Shared by the parser (to report), the formatter (to write) and the resolver
//! (to search).

use serde::{Deserialize, Serialize};

use crate::check::check_digit_chars;
use crate::layout::{MrzFormat, Pos};

/// Outcome of one check digit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    /// "document_number", "birth_date", "expiry_date", "optional_data" or "composite".
    pub field: String,
    /// The character printed where the check digit belongs.
    pub printed: char,
    /// The check digit computed from the printed field.
    pub computed: u8,
    pub ok: bool,
}

/// Positions covered by one check digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CheckGroup {
    pub field: &'static str,
    pub data: Vec<Pos>,
    pub digit: Pos,
    /// The all-filler TD3 personal number may print `<` instead of `0` as its check digit.
    pub filler_ok: bool,
    /// A date that must be known in full (the expiry): a filler among its digits is a misread
    /// digit (`<` counts as 0, so a `0` read as `<` would otherwise keep the check digit).
    pub digits_only: bool,
}

/// Where the document number, its check digit and the rest of the optional data are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DocNumber {
    pub data: Vec<Pos>,
    pub digit: Pos,
    /// First position of the optional data proper (after any overflow and its terminator).
    pub optional_start: usize,
}

/// Character at `pos`, or NUL (not an MRZ character, so it fails every check) if out of range.
pub(crate) fn at(chars: &[Vec<char>], (line, p): Pos) -> char {
    chars
        .get(line)
        .and_then(|l| l.get(p))
        .copied()
        .unwrap_or('\0')
}

/// Locate the document number. TD1/TD2 (Part 5/6 note j): a `<` in the check-digit position means
/// the number continues at the start of the optional data, followed by its check digit and a `<`.
pub(crate) fn document_number(format: MrzFormat, chars: &[Vec<char>]) -> DocNumber {
    let l = format.layout();
    let principal: Vec<Pos> = (l.document_number.start..l.document_number.end)
        .map(|p| (l.document_number.line, p))
        .collect();
    let opt = l.optional;
    let overflow = l.number_overflow
        && at(chars, l.document_number_cd) == '<'
        && at(chars, (opt.line, opt.start)) != '<';
    if !overflow {
        return DocNumber {
            data: principal,
            digit: l.document_number_cd,
            optional_start: opt.start,
        };
    }
    let run = (opt.start..opt.end)
        .take_while(|&p| at(chars, (opt.line, p)) != '<')
        .count();
    // run >= 1 because the first optional character is not a filler.
    let digit_p = opt.start + run - 1;
    let mut data = principal;
    data.extend((opt.start..digit_p).map(|p| (opt.line, p)));
    DocNumber {
        data,
        digit: (opt.line, digit_p),
        optional_start: (opt.start + run + 1).min(opt.end),
    }
}

/// Every check group of `format` for this text, composite last.
pub(crate) fn check_groups(format: MrzFormat, chars: &[Vec<char>]) -> Vec<CheckGroup> {
    let l = format.layout();
    let doc = document_number(format, chars);
    let span_positions = |s: crate::layout::Span| (s.start..s.end).map(move |p| (s.line, p));
    let mut groups = vec![
        CheckGroup {
            field: "document_number",
            data: doc.data,
            digit: doc.digit,
            filler_ok: false,
            digits_only: false,
        },
        CheckGroup {
            field: "birth_date",
            data: span_positions(l.birth).collect(),
            digit: l.birth_cd,
            filler_ok: false,
            digits_only: false,
        },
        CheckGroup {
            field: "expiry_date",
            data: span_positions(l.expiry).collect(),
            digit: l.expiry_cd,
            filler_ok: false,
            digits_only: true,
        },
    ];
    if let Some(digit) = l.optional_cd {
        groups.push(CheckGroup {
            field: "optional_data",
            data: span_positions(l.optional).collect(),
            digit,
            filler_ok: true,
            digits_only: false,
        });
    }
    if let Some((spans, digit)) = l.composite {
        groups.push(CheckGroup {
            field: "composite",
            data: spans.iter().flat_map(|&s| span_positions(s)).collect(),
            digit,
            filler_ok: false,
            digits_only: false,
        });
    }
    groups
}

/// Check one group against the text.
pub(crate) fn evaluate(group: &CheckGroup, chars: &[Vec<char>]) -> CheckResult {
    let printed = at(chars, group.digit);
    let computed = check_digit_chars(group.data.iter().map(|&p| at(chars, p)));
    let all_filler = group.data.iter().all(|&p| at(chars, p) == '<');
    let mixed = group.digits_only
        && !all_filler
        && group.data.iter().any(|&p| !at(chars, p).is_ascii_digit());
    let ok = match computed {
        Some(_) if mixed => false,
        Some(d) => {
            printed.to_digit(10) == Some(u32::from(d))
                || (group.filler_ok && printed == '<' && all_filler)
        }
        None => false,
    };
    CheckResult {
        field: group.field.to_string(),
        printed,
        // Callers validate the alphabet first, so `None` (reported as not ok) cannot reach users.
        computed: computed.unwrap_or(0),
        ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(lines: &[&str]) -> Vec<Vec<char>> {
        lines.iter().map(|l| l.chars().collect()).collect()
    }

    #[test]
    fn td1_long_document_number() {
        // Part 5 example of a 12-character number: 9 principal characters, '<', rest + check digit.
        let chars = grid(&[
            "I<UTOD23145890<7349<<<<<<<<<<<",
            "3407127M9507122UTO<<<<<<<<<<<2",
            "STEVENSON<<PETER<JOHN<<<<<<<<<",
        ]);
        let doc = document_number(MrzFormat::Td1, &chars);
        let number: String = doc.data.iter().map(|&p| at(&chars, p)).collect();
        assert_eq!(number, "D23145890734");
        assert_eq!(doc.digit, (0, 18));
        assert_eq!(doc.optional_start, 20);
        let groups = check_groups(MrzFormat::Td1, &chars);
        assert_eq!(groups.len(), 4);
        let r = evaluate(&groups[0], &chars);
        assert_eq!((r.printed, r.computed, r.ok), ('9', 9, true));
    }

    #[test]
    fn out_of_range_is_never_ok() {
        let groups = check_groups(MrzFormat::Td3, &[]);
        assert!(groups.iter().all(|g| !evaluate(g, &[]).ok));
    }
}

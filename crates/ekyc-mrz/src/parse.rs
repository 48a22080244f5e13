//! Text in, [`MrzReading`] out. The printed text is never corrected: bad check digits are reported.

use serde::{Deserialize, Serialize};

use crate::check::is_mrz_char;
use crate::dates::ParseOptions;
use crate::error::MrzError;
use crate::fields::{extract, MrzFields};
use crate::groups::{check_groups, evaluate, CheckResult};
use crate::layout::MrzFormat;

/// A parsed MRZ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MrzReading {
    pub format: MrzFormat,
    /// The lines exactly as given (after trimming whitespace); never corrected.
    pub lines: Vec<String>,
    pub fields: MrzFields,
    /// One entry per check digit of the layout.
    pub checks: Vec<CheckResult>,
    /// True when every check digit matches.
    pub check_digits_valid: bool,
}

/// Parse MRZ lines with today's date as the century reference.
pub fn parse(lines: &[&str]) -> Result<MrzReading, MrzError> {
    parse_with(lines, &ParseOptions::default())
}

/// Parse MRZ lines (surrounding whitespace of each line is trimmed).
pub fn parse_with(lines: &[&str], opts: &ParseOptions) -> Result<MrzReading, MrzError> {
    let lines: Vec<String> = lines.iter().map(|l| l.trim().to_string()).collect();
    let chars: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
    let sizes = validate(&chars)?;
    let format = detect(sizes, &chars)?;
    Ok(build(format, lines, &chars, opts))
}

/// Parse a block of text whose lines are separated by newlines or '|'; blank lines are skipped.
pub fn parse_text(text: &str) -> Result<MrzReading, MrzError> {
    parse_text_with(text, &ParseOptions::default())
}

/// [`parse_text`] with explicit options.
pub fn parse_text_with(text: &str, opts: &ParseOptions) -> Result<MrzReading, MrzError> {
    let lines: Vec<&str> = split_text(text);
    parse_with(&lines, opts)
}

/// Split on '\n' or '|', trim, drop blank lines.
pub(crate) fn split_text(text: &str) -> Vec<&str> {
    text.split(['\n', '|'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Line count and lengths, or the error describing what is wrong.
fn validate(chars: &[Vec<char>]) -> Result<(usize, usize), MrzError> {
    let n = chars.len();
    if n != 2 && n != 3 {
        return Err(MrzError::LineCount { found: n });
    }
    for (i, line) in chars.iter().enumerate() {
        if let Some((p, &ch)) = line.iter().enumerate().find(|(_, &c)| !is_mrz_char(c)) {
            return Err(MrzError::InvalidChar {
                line: i + 1,
                position: p + 1,
                ch,
            });
        }
    }
    let lengths: Vec<usize> = chars.iter().map(Vec::len).collect();
    let expected = if n == 3 {
        30
    } else {
        // Trust whichever line already has a valid two-line length.
        lengths
            .iter()
            .copied()
            .find(|l| *l == 36 || *l == 44)
            .unwrap_or(44)
    };
    if let Some((i, &found)) = lengths.iter().enumerate().find(|(_, &l)| l != expected) {
        return Err(MrzError::LineLength {
            line: i + 1,
            found,
            expected,
            lengths,
        });
    }
    Ok((n, expected))
}

/// Pick the layout. TD1 is the only 3-line one; for two lines the document code decides
/// ('V' = visa, 'P' = passport, 'A'/'C'/'I' = TD2 card), otherwise the check-digit layout that fits.
fn detect((n, len): (usize, usize), chars: &[Vec<char>]) -> Result<MrzFormat, MrzError> {
    if n == 3 {
        return Ok(MrzFormat::Td1);
    }
    let (document, visa) = if len == 36 {
        (MrzFormat::Td2, MrzFormat::MrvB)
    } else {
        (MrzFormat::Td3, MrzFormat::MrvA)
    };
    let code = chars
        .first()
        .and_then(|l| l.first())
        .copied()
        .unwrap_or('<');
    match (code, document) {
        ('V', _) => return Ok(visa),
        ('P', MrzFormat::Td3) | ('A' | 'C' | 'I', MrzFormat::Td2) => return Ok(document),
        _ => {}
    }
    let all_valid = |f: MrzFormat| check_groups(f, chars).iter().all(|g| evaluate(g, chars).ok);
    if all_valid(document) {
        Ok(document)
    } else if all_valid(visa) {
        Ok(visa)
    } else {
        Err(MrzError::UnknownLayout {
            document_code: chars
                .first()
                .map(|l| l.iter().take(2).collect())
                .unwrap_or_default(),
            lines: n,
            line_len: len,
        })
    }
}

/// Assemble the reading for validated text of a known layout.
fn build(
    format: MrzFormat,
    lines: Vec<String>,
    chars: &[Vec<char>],
    opts: &ParseOptions,
) -> MrzReading {
    let checks: Vec<CheckResult> = check_groups(format, chars)
        .iter()
        .map(|g| evaluate(g, chars))
        .collect();
    MrzReading {
        format,
        fields: extract(format, chars, opts),
        check_digits_valid: checks.iter().all(|c| c.ok),
        checks,
        lines,
    }
}

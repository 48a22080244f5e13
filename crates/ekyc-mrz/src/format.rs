//! Building an MRZ from field values, with correct check digits (for synthetic documents and tests).

use serde::{Deserialize, Serialize};

use crate::check::check_digit_chars;
use crate::error::MrzError;
use crate::groups::{at, check_groups};
use crate::layout::{MrzFormat, Span};

/// Field values to print. Text is upper-cased; spaces and hyphens become fillers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MrzInput {
    /// "P", "I", "ID", "V", ...
    pub document_code: String,
    pub issuing_state: String,
    pub surname: String,
    pub given_names: String,
    /// Up to 9 characters; TD1/TD2 accept longer numbers and print the overflow in the optional data.
    pub document_number: String,
    pub nationality: String,
    /// YYMMDD or YYYYMMDD ('<' allowed in YYMMDD for unknown parts).
    pub birth_date: String,
    /// "M", "F", "X", "<" or "" (the last three print as '<').
    pub sex: String,
    /// YYMMDD or YYYYMMDD.
    pub expiry_date: String,
    /// Personal number (TD3), optional data (TD2, visas) or line-1 optional data (TD1).
    pub optional_data: String,
    /// TD1 line-2 optional data; must be empty for other layouts.
    pub optional_data_2: String,
}

/// Format a TD1 (3 x 30) MRZ.
pub fn format_td1(input: &MrzInput) -> Result<Vec<String>, MrzError> {
    format_mrz(MrzFormat::Td1, input)
}

/// Format a TD2 (2 x 36) MRZ.
pub fn format_td2(input: &MrzInput) -> Result<Vec<String>, MrzError> {
    format_mrz(MrzFormat::Td2, input)
}

/// Format a TD3 (2 x 44) passport MRZ.
pub fn format_td3(input: &MrzInput) -> Result<Vec<String>, MrzError> {
    format_mrz(MrzFormat::Td3, input)
}

/// Format any layout; names are truncated to fit, every other field that does not fit is an error.
pub fn format_mrz(format: MrzFormat, input: &MrzInput) -> Result<Vec<String>, MrzError> {
    let l = format.layout();
    let mut grid = vec![vec!['<'; l.line_len]; l.line_count];
    let mut put = |field: &'static str, s: Span, value: &[char]| -> Result<(), MrzError> {
        if value.len() > s.end - s.start {
            return Err(invalid(field, format!("longer than {}", s.end - s.start)));
        }
        for (i, &c) in value.iter().enumerate() {
            grid[s.line][s.start + i] = c;
        }
        Ok(())
    };
    put(
        "document_code",
        l.document_code,
        &clean("document_code", &input.document_code)?,
    )?;
    put(
        "issuing_state",
        l.issuing_state,
        &clean("issuing_state", &input.issuing_state)?,
    )?;
    put(
        "nationality",
        l.nationality,
        &clean("nationality", &input.nationality)?,
    )?;
    let mut name = clean("surname", &input.surname)?;
    let given = clean("given_names", &input.given_names)?;
    if !given.is_empty() {
        name.extend(['<', '<']);
        name.extend(given);
    }
    name.truncate(l.name.end - l.name.start);
    put("surname", l.name, &name)?;
    put(
        "birth_date",
        l.birth,
        &date("birth_date", &input.birth_date)?,
    )?;
    put(
        "expiry_date",
        l.expiry,
        &date("expiry_date", &input.expiry_date)?,
    )?;
    let sex = match input.sex.to_ascii_uppercase().as_str() {
        "M" => 'M',
        "F" => 'F',
        "X" | "<" | "" => '<',
        other => return Err(invalid("sex", format!("{other:?} is not M, F or X"))),
    };
    put("sex", span_at(l.sex), &[sex])?;
    let number = clean("document_number", &input.document_number)?;
    let optional = clean("optional_data", &input.optional_data)?;
    let width = l.document_number.end - l.document_number.start;
    if number.len() <= width {
        put("document_number", l.document_number, &number)?;
        // A digit placeholder, so that optional data right after it is not taken for an overflow.
        put("document_number", span_at(l.document_number_cd), &['0'])?;
        put("optional_data", l.optional, &optional)?;
    } else {
        if !l.number_overflow {
            return Err(invalid("document_number", format!("longer than {width}")));
        }
        if number.contains(&'<') {
            return Err(invalid(
                "document_number",
                "a long number cannot hold fillers".into(),
            ));
        }
        let (principal, rest) = number.split_at(width);
        put("document_number", l.document_number, principal)?;
        // '<' in the check-digit place, then the rest, a check-digit placeholder and a terminator.
        let mut area = rest.to_vec();
        area.push('0');
        if !optional.is_empty() || area.len() < l.optional.end - l.optional.start {
            area.push('<');
        }
        area.extend(optional);
        put("optional_data", l.optional, &area)?;
    }
    match l.optional_2 {
        Some(s) => put(
            "optional_data_2",
            s,
            &clean("optional_data_2", &input.optional_data_2)?,
        )?,
        None if !input.optional_data_2.is_empty() => {
            return Err(invalid(
                "optional_data_2",
                format!("{} has none", format.as_str()),
            ))
        }
        None => {}
    }
    write_check_digits(format, &mut grid)?;
    Ok(grid.into_iter().map(|l| l.into_iter().collect()).collect())
}

/// Fill every check digit; the composite comes last because it covers the others.
fn write_check_digits(format: MrzFormat, grid: &mut [Vec<char>]) -> Result<(), MrzError> {
    for g in check_groups(format, grid) {
        let digit = check_digit_chars(g.data.iter().map(|&p| at(grid, p)))
            .ok_or_else(|| invalid(g.field, "not in the MRZ alphabet".into()))?;
        let (line, p) = g.digit;
        if let Some(c) = grid.get_mut(line).and_then(|l| l.get_mut(p)) {
            *c = char::from(b'0' + digit);
        }
    }
    Ok(())
}

fn span_at((line, p): (usize, usize)) -> Span {
    Span {
        line,
        start: p,
        end: p + 1,
    }
}

fn invalid(field: &'static str, reason: String) -> MrzError {
    MrzError::InvalidField { field, reason }
}

/// Upper-case, spaces and hyphens to fillers, anything else outside the alphabet is an error.
fn clean(field: &'static str, value: &str) -> Result<Vec<char>, MrzError> {
    value
        .trim()
        .chars()
        .map(|c| match c.to_ascii_uppercase() {
            ' ' | '-' => Ok('<'),
            u if crate::check::is_mrz_char(u) => Ok(u),
            _ => Err(invalid(
                field,
                format!("character {c:?} is not printable in an MRZ"),
            )),
        })
        .collect()
}

/// YYMMDD (digits or '<'), or YYYYMMDD reduced to YYMMDD.
fn date(field: &'static str, value: &str) -> Result<Vec<char>, MrzError> {
    let chars: Vec<char> = value.trim().chars().collect();
    let ok6 = chars.len() == 6 && chars.iter().all(|c| c.is_ascii_digit() || *c == '<');
    let ok8 = chars.len() == 8 && chars.iter().all(char::is_ascii_digit);
    match (ok6, ok8) {
        (true, _) => Ok(chars),
        (_, true) => Ok(chars[2..].to_vec()),
        _ => Err(invalid(
            field,
            format!("{value:?} is not YYMMDD or YYYYMMDD"),
        )),
    }
}

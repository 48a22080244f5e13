//! Turning MRZ positions into human-readable fields.

use serde::{Deserialize, Serialize};

use crate::dates::{expand, DateKind, ParseOptions};
use crate::groups::{at, document_number};
use crate::layout::{MrzFormat, Span};

/// The data elements of an MRZ, fillers removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct MrzFields {
    /// "P", "I", "ID", "AC", "V", ... (trailing filler removed).
    pub document_code: String,
    /// Issuing state or organisation, fillers removed ("D<<" is Germany, "D").
    pub issuing_state: String,
    /// Primary identifier: the part before the first "<<", single '<' as a space.
    pub surname: String,
    /// Secondary identifier: the rest, single '<' as a space.
    pub given_names: String,
    /// Fillers removed; includes the overflow of TD1/TD2 long document numbers.
    pub document_number: String,
    pub nationality: String,
    /// YYYYMMDD, or "" when the printed date is incomplete or not a calendar date.
    pub birth_date: String,
    /// YYMMDD as printed.
    pub birth_date_raw: String,
    /// "M", "F" or "X" (the filler '<' means unspecified, reported as "X").
    pub sex: String,
    /// YYYYMMDD, or "".
    pub expiry_date: String,
    /// YYMMDD as printed.
    pub expiry_date_raw: String,
    /// Personal number (TD3), optional data (visas, TD2) or line-1 optional data (TD1, after any
    /// document-number overflow), leading and trailing fillers trimmed.
    pub optional_data: String,
    /// TD1 line-2 optional data, fillers trimmed; "" for other layouts.
    pub optional_data_2: String,
}

/// Read every field of `format` from validated text.
pub(crate) fn extract(format: MrzFormat, chars: &[Vec<char>], opts: &ParseOptions) -> MrzFields {
    let l = format.layout();
    let raw = |s: Span| -> String { (s.start..s.end).map(|p| at(chars, (s.line, p))).collect() };
    let doc = document_number(format, chars);
    let number: String = doc
        .data
        .iter()
        .map(|&p| at(chars, p))
        .filter(|&c| c != '<')
        .collect();
    let optional = Span {
        start: doc.optional_start,
        ..l.optional
    };
    let (surname, given_names) = split_name(&raw(l.name));
    let birth_raw = raw(l.birth);
    let expiry_raw = raw(l.expiry);
    let sex = match at(chars, l.sex) {
        '<' => "X".to_string(),
        c => c.to_string(),
    };
    MrzFields {
        document_code: trim_fillers(&raw(l.document_code)),
        issuing_state: trim_fillers(&raw(l.issuing_state)),
        surname,
        given_names,
        document_number: number,
        nationality: trim_fillers(&raw(l.nationality)),
        birth_date: expand(&birth_raw, DateKind::Birth, opts.today),
        birth_date_raw: birth_raw,
        sex,
        expiry_date: expand(&expiry_raw, DateKind::Expiry, opts.today),
        expiry_date_raw: expiry_raw,
        optional_data: trim_fillers(&raw(optional)),
        optional_data_2: l
            .optional_2
            .map(|s| trim_fillers(&raw(s)))
            .unwrap_or_default(),
    }
}

/// Strip leading and trailing fillers; inner ones are kept as printed.
fn trim_fillers(s: &str) -> String {
    s.trim_matches('<').to_string()
}

/// Split the name field on the first "<<"; single fillers become spaces, runs collapse.
pub(crate) fn split_name(field: &str) -> (String, String) {
    let (primary, secondary) = field.split_once("<<").unwrap_or((field, ""));
    (words(primary), words(secondary))
}

fn words(s: &str) -> String {
    s.split('<')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let (s, g) = split_name("ERIKSSON<<ANNA<MARIA<<<<<<<<<<");
        assert_eq!((s.as_str(), g.as_str()), ("ERIKSSON", "ANNA MARIA"));
        let (s, g) = split_name("VAN<DER<BERG<<JAN<<<");
        assert_eq!((s.as_str(), g.as_str()), ("VAN DER BERG", "JAN"));
        let (s, g) = split_name("MONONYM<<<<<<<<");
        assert_eq!((s.as_str(), g.as_str()), ("MONONYM", ""));
        let (s, g) = split_name("TRUNCATEDSURNAMEWITHOUTFILLERS");
        assert_eq!(
            (s.as_str(), g.as_str()),
            ("TRUNCATEDSURNAMEWITHOUTFILLERS", "")
        );
        let (s, g) = split_name("<<<<");
        assert_eq!((s.as_str(), g.as_str()), ("", ""));
    }

    #[test]
    fn fillers() {
        assert_eq!(trim_fillers("D<<"), "D");
        assert_eq!(trim_fillers("211271<426U<<<"), "211271<426U");
        assert_eq!(trim_fillers("<<<"), "");
    }
}

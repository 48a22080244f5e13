//! Disagreements between a passport's printed fields and its check-digit-valid MRZ: what a
//! forger who edits the print (and not the MRZ with its check digits) leaves. A field is only
//! held against the MRZ when nothing on the page carries the MRZ's value, its label was read,
//! the line under the label was read confidently and it clearly differs — an OCR slip or a
//! line the recogniser half lost must not raise tampered on a genuine page.

use ekyc_doc::TextLine;

use crate::passport_viz::{MrzAnchor, VizFields, VizMismatch};
use crate::passport_viz_dates::{find_dates, letters_only_of_months, mentions_month};
use crate::passport_viz_extract::{explained_by_mrz, Found};
use crate::passport_viz_text::{
    edit_distance, name_key, name_similarity, number_key, number_tokens, Label,
};

/// A labelled name less alike than this to the MRZ's is a disagreement candidate.
const NAME_DIFFERENT: f32 = 0.5;
/// Confidence of a line trusted to disagree with the MRZ.
const CONFIDENT: f32 = 0.9;
/// A labelled date line holding no date is a disagreement from this many letters and digits.
const NO_DATE_CHARS: usize = 4;

/// Fields whose labelled print clearly disagrees with a check-digit-valid MRZ.
pub(crate) fn mismatches(found: &Found, mrz: &MrzAnchor, seen: &VizFields) -> Vec<VizMismatch> {
    let mut out = Vec::new();
    names(found, mrz, seen, &mut out);
    dates(found, mrz, seen, &mut out);
    number(found, mrz, seen, &mut out);
    out
}

/// Surname and given names: a name line (mostly letters) unlike the MRZ's.
fn names(found: &Found, mrz: &MrzAnchor, seen: &VizFields, out: &mut Vec<VizMismatch>) {
    let names = [
        ("Surname", Label::Surname, &mrz.surname, &seen.surname),
        (
            "GivenNames",
            Label::GivenNames,
            &mrz.given_names,
            &seen.given_names,
        ),
    ];
    for (field, label, mrz_name, seen_name) in names {
        if !seen_name.is_empty() || mrz_name.trim().is_empty() {
            continue;
        }
        if let Some(l) = found.labelled_directly(label).filter(|l| trusted(l, mrz)) {
            if name_like(&l.text)
                && !fragment_of(mrz_name, &l.text)
                && name_similarity(mrz_name, &l.text, mrz.name_cut) < NAME_DIFFERENT
            {
                out.push(mismatch(field, mrz_name, &l.text));
            }
        }
    }
}

/// Birth and expiry dates: another date, or a line holding no date at all.
fn dates(found: &Found, mrz: &MrzAnchor, seen: &VizFields, out: &mut Vec<VizMismatch>) {
    let dates = [
        (
            "DateOfBirth",
            Label::BirthDate,
            (&mrz.birth_raw, &mrz.birth_date),
            &mrz.expiry_raw,
            &seen.date_of_birth,
        ),
        (
            "DateOfExpiration",
            Label::ExpiryDate,
            (&mrz.expiry_raw, &mrz.expiry_date),
            &mrz.birth_raw,
            &seen.date_of_expiration,
        ),
    ];
    for (field, label, (raw, full), other_raw, seen_date) in dates {
        if !seen_date.is_empty() {
            continue;
        }
        let Some(l) = found.labelled_directly(label).filter(|l| trusted(l, mrz)) else {
            continue;
        };
        let differs = match find_dates(&l.text).first() {
            // Two digits or more apart: one misread digit is an OCR slip, not another date;
            // a year of the MRZ's century only is a four-digit year cut short (`27.05.20`).
            Some(d) => {
                let printed = format!("{:02}{:02}{:02}", d.year % 100, d.month, d.day);
                let cut_year = !d.four_digit_year && full.starts_with(&format!("{:02}", d.year));
                edit_distance(&printed, raw) >= 2 && !d.matches_yymmdd(other_raw) && !cut_year
            }
            // Clearly read text that is no date where the MRZ's date is printed nowhere, and
            // no date run together or cut short either (a month name, two of the MRZ date's
            // day, month and year, or no letters but a month's: `12AUGUSTIAGO74`,
            // `10.04.202`, `2034`).
            None => {
                let parts = [raw.get(4..6), raw.get(2..4), raw.get(..2)];
                let mrz_parts = parts
                    .iter()
                    .flatten()
                    .filter(|p| l.text.contains(*p))
                    .count();
                l.text.chars().filter(|c| c.is_alphanumeric()).count() >= NO_DATE_CHARS
                    && !mentions_month(&l.text)
                    && !letters_only_of_months(&l.text)
                    && mrz_parts < 2
            }
        };
        if differs {
            out.push(mismatch(field, full, &l.text));
        }
    }
}

/// The document number: a single token two or more characters off the MRZ's, not a piece of it.
fn number(found: &Found, mrz: &MrzAnchor, seen: &VizFields, out: &mut Vec<VizMismatch>) {
    if !seen.passport_id.is_empty() {
        return;
    }
    let key = number_key(&mrz.document_number);
    if let Some(l) = found.labelled_directly(Label::Number).filter(confident) {
        let tokens = number_tokens(&l.text);
        // The number with characters missing (`C13H40` of `C13H40NKN`, `5G95KR0` of
        // `5G95KRGD0`: a finger over some) is no other number.
        let far = |t: &String| {
            let printed = number_key(t);
            edit_distance(&printed, &key) >= 2 && !is_subsequence(&printed, &key)
        };
        if tokens.len() == 1 && far(&tokens[0]) {
            out.push(mismatch("PassportID", &mrz.document_number, &tokens[0]));
        }
    }
}

fn confident(line: &&TextLine) -> bool {
    line.confidence >= CONFIDENT
}

/// Confidently read, and not another MRZ value (the field's own print was not read and the
/// line under its label is the next field's: `NLD` under "Given names").
fn trusted(line: &&TextLine, mrz: &MrzAnchor) -> bool {
    confident(line) && !explained_by_mrz(&line.text, mrz)
}

/// Mostly letters: a name, perhaps with a stray digit (an OCR slip, or a forger's typo), and
/// not a line of numbers that sits under the label on some layouts.
fn name_like(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let digits = text.chars().filter(|c| c.is_ascii_digit()).count();
    letters >= 2 && letters > digits
}

/// The printed name is the MRZ's with letters missing (`VID` of `DAVID`): a name partly
/// hidden or cut, not another name.
fn fragment_of(mrz_name: &str, printed: &str) -> bool {
    let piece = name_key(printed, false);
    !piece.is_empty() && is_subsequence(&piece, &name_key(mrz_name, false))
}

/// Every character of `piece` appears in `whole`, in order (gaps allowed).
fn is_subsequence(piece: &str, whole: &str) -> bool {
    let mut rest = whole.chars();
    piece.chars().all(|c| rest.any(|w| w == c))
}

fn mismatch(field: &'static str, mrz: &str, viz: &str) -> VizMismatch {
    VizMismatch {
        field,
        mrz: mrz.to_string(),
        viz: viz.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_subsequences() {
        assert!(is_subsequence("5G95KR0", "5G95KRGD0") && is_subsequence("VID", "DAVID"));
        assert!(!is_subsequence("5G95KRX0", "5G95KRGD0") && !is_subsequence("DIV", "DAVID"));
    }

    #[test]
    fn names_are_mostly_letters() {
        for text in ["MOREAU", "KREEU7.0JE", "O'NEILL", "ANNA MARIA"] {
            assert!(name_like(text), "{text}");
        }
        for text in ["L898902C3", "12 08 1974", "X", "95622/0612"] {
            assert!(!name_like(text), "{text}");
        }
    }
}

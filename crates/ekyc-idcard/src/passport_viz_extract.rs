//! Fields of a passport's visual zone picked out of its text lines, with the MRZ as the anchor:
//! the printed names, number and dates are found as the lines that match the MRZ's (fuzzily:
//! accents, transliteration, OCR slips, names cut in the MRZ), the issue date as the date that
//! is neither, places by their labels. A disagreement is only raised for a field whose label
//! was read, whose value was read confidently and clearly differs from the MRZ, and when
//! nothing on the page matches the MRZ's value.

use chrono::{Datelike, Months, NaiveDate};
use ekyc_doc::TextLine;

use crate::passport_viz::{MrzAnchor, VizFields, VizReading};
use crate::passport_viz_dates::{dmy_slashes, find_dates, PrintedDate};
use crate::passport_viz_mismatch::mismatches;
use crate::passport_viz_text::{
    edit_distance, label_of, name_agrees, name_key, name_similarity, number_key, number_tokens,
    Label,
};

/// A printed name at least this alike to the MRZ's is taken as that name.
const NAME_MATCH: f32 = 0.75;
/// A value lies at most this many label heights below its label.
const VALUE_GAP: f32 = 2.5;

pub(crate) struct Found<'a> {
    lines: &'a [TextLine],
    labels: Vec<Option<Label>>,
}

impl<'a> Found<'a> {
    fn new(lines: &'a [TextLine]) -> Found<'a> {
        let labels = lines.iter().map(|l| label_of(&l.text)).collect();
        Found { lines, labels }
    }

    /// Lines that are values (not labels), with their index.
    fn values(&self) -> impl Iterator<Item = (usize, &'a TextLine)> + '_ {
        self.lines
            .iter()
            .enumerate()
            .filter(|(i, _)| self.labels[*i].is_none())
    }

    /// The value printed under (or after) the first label of `kind`: the nearest non-label
    /// line below it, left-aligned with it.
    pub(crate) fn labelled(&self, kind: Label) -> Option<&'a TextLine> {
        let li = self.labels.iter().position(|l| *l == Some(kind))?;
        let label = &self.lines[li];
        let h = label.rect.height.max(1.0);
        let (lx, bottom) = (left(label), label.rect.center.y + h / 2.0);
        self.values()
            .filter(|(_, v)| {
                let top = v.rect.center.y - v.rect.height / 2.0;
                let gap = top - bottom;
                gap > -0.5 * h && gap < VALUE_GAP * h && (left(v) - lx).abs() < 3.0 * h
            })
            .min_by(|a, b| a.1.rect.center.y.total_cmp(&b.1.rect.center.y))
            .map(|(_, v)| v)
    }
}

impl<'a> Found<'a> {
    /// The value under the first label of `kind` when no other label lies between the two: the
    /// field's own value, not the next field's where its own was not read.
    pub(crate) fn labelled_directly(&self, kind: Label) -> Option<&'a TextLine> {
        let li = self.labels.iter().position(|l| *l == Some(kind))?;
        let value = self.labelled(kind)?;
        let label = &self.lines[li];
        let below_label = label.rect.center.y + label.rect.height / 2.0;
        let above_value = value.rect.center.y - value.rect.height / 2.0;
        let reach = 3.0 * label.rect.height.max(1.0);
        let between = self.lines.iter().enumerate().any(|(i, l)| {
            i != li
                && self.labels[i].is_some()
                && l.rect.center.y > below_label
                && l.rect.center.y < above_value
                && (left(l) - left(value)).abs() < reach
        });
        (!between).then_some(value)
    }
}

fn left(line: &TextLine) -> f32 {
    line.rect.center.x - line.rect.width / 2.0
}

/// The visual-zone fields of `lines` (upright, in reading order) checked against `mrz`.
pub fn extract_viz(lines: &[TextLine], mrz: &MrzAnchor) -> VizReading {
    let found = Found::new(lines);
    let mut seen = VizFields::default();
    let surname = best_name(&found, &mrz.surname, None, mrz.name_cut);
    if let Some((i, _)) = surname {
        seen.surname = name_value(&mrz.surname, &lines[i].text, mrz.name_cut);
    }
    // "SURNAME, GIVEN NAMES" on one line serves both.
    let one_line = surname.is_some_and(|(i, _)| lines[i].text.contains(','));
    let skip = surname.map(|s| s.0).filter(|_| !one_line);
    if let Some((i, _)) = best_name(&found, &mrz.given_names, skip, mrz.name_cut) {
        seen.given_names = name_value(&mrz.given_names, &lines[i].text, mrz.name_cut);
    }
    if number_seen(&found, &mrz.document_number) {
        // Confirmed by the print; the MRZ's copy is the one with a check digit.
        seen.passport_id = mrz.document_number.clone();
    }
    let dates: Vec<PrintedDate> = lines.iter().flat_map(|l| find_dates(&l.text)).collect();
    let on_page = |raw: &str| dates.iter().any(|d| d.matches_yymmdd(raw));
    if on_page(&mrz.birth_raw) {
        seen.date_of_birth = mrz_dmy(&mrz.birth_date);
    }
    if on_page(&mrz.expiry_raw) {
        seen.date_of_expiration = mrz_dmy(&mrz.expiry_date);
    }
    seen.date_of_issuance = issue_date(&found, &dates, mrz)
        .map(dmy_slashes)
        .unwrap_or_default();
    seen.birth_place = place(&found, Label::BirthPlace);
    seen.issue_place = place(&found, Label::Authority);
    let mismatches = if mrz.check_digits_valid {
        mismatches(&found, mrz, &seen)
    } else {
        Vec::new()
    };
    VizReading {
        fields: seen,
        mismatches,
        lines: lines.to_vec(),
        ..VizReading::default()
    }
}

/// The value line most like the MRZ name, if alike enough.
fn best_name(
    found: &Found,
    mrz_name: &str,
    skip: Option<usize>,
    mrz_cut: bool,
) -> Option<(usize, f32)> {
    if mrz_name.trim().is_empty() {
        return None;
    }
    found
        .values()
        .filter(|(i, _)| Some(*i) != skip)
        .map(|(i, l)| (i, name_parts_similarity(mrz_name, &l.text, mrz_cut)))
        .filter(|(_, s)| *s >= NAME_MATCH)
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The best similarity of the MRZ name to the line or to one side of its comma
/// ("ERIKSSON, ANNA MARIA").
fn name_parts_similarity(mrz_name: &str, text: &str, mrz_cut: bool) -> f32 {
    let mut parts = vec![text];
    if let Some((a, b)) = text.split_once(',') {
        parts.extend([a, b]);
    }
    parts
        .iter()
        .map(|p| name_similarity(mrz_name, p, mrz_cut))
        .fold(0.0, f32::max)
}

/// The printed name when it spells the MRZ's with letters the MRZ cannot hold (accents) or
/// continues it where the MRZ was cut; the MRZ's own form when the letters are the same (the
/// recogniser often drops the spaces of a tightly set name, the MRZ's `<` keeps them) or when
/// the OCR slipped on the print (the MRZ's reading is restricted to `A-Z<`).
fn name_value(mrz_name: &str, printed: &str, mrz_cut: bool) -> String {
    let printed = match printed.split_once(',') {
        Some((a, b)) => {
            let sim = |p: &str| name_similarity(mrz_name, p, mrz_cut);
            if sim(a) >= sim(b) {
                a
            } else {
                b
            }
        }
        None => printed,
    }
    .trim();
    let same = name_key(printed, false) == name_key(mrz_name, false);
    let plain = printed.is_ascii();
    let longer = mrz_cut && name_agrees(mrz_name, printed);
    if (same && !plain) || (longer && !same) {
        printed.to_string()
    } else {
        mrz_name.to_string()
    }
}

/// Some line carries the MRZ's document number (one OCR slip allowed on 6+ characters).
fn number_seen(found: &Found, number: &str) -> bool {
    found.values().any(|(_, l)| carries_number(&l.text, number))
}

fn carries_number(text: &str, number: &str) -> bool {
    let key = number_key(number);
    key.len() >= 5
        && number_tokens(text).iter().any(|t| {
            let d = edit_distance(&number_key(t), &key);
            d == 0 || (d == 1 && key.len() >= 6)
        })
}

/// Which of the MRZ's values a text is (see [`explanation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Explains {
    Nothing,
    /// The surname or the given names (alike, not the same: accents may differ).
    Name,
    /// The number, the birth or expiry date, or the nationality or issuing state's code: the
    /// fields take the MRZ's value, so the print only has to be found.
    Copy,
}

/// The text is a value the MRZ already explains (a name, the number, the birth or expiry
/// date, the nationality or issuing state's code): its label need not be read.
pub fn explained_by_mrz(text: &str, mrz: &MrzAnchor) -> bool {
    explanation(text, mrz) != Explains::Nothing
}

/// Which MRZ value the text is, the MRZ-copied ones first.
pub fn explanation(text: &str, mrz: &MrzAnchor) -> Explains {
    let name = |n: &str| {
        !n.trim().is_empty() && name_parts_similarity(n, text, mrz.name_cut) >= NAME_MATCH
    };
    let code = text.trim().to_uppercase();
    if carries_number(text, &mrz.document_number)
        || find_dates(text)
            .iter()
            .any(|d| d.matches_yymmdd(&mrz.birth_raw) || d.matches_yymmdd(&mrz.expiry_raw))
        || (code.len() == 3 && (code == mrz.nationality || code == mrz.issuing_state))
    {
        Explains::Copy
    } else if name(&mrz.surname) || name(&mrz.given_names) {
        Explains::Name
    } else {
        Explains::Nothing
    }
}

/// The text holds one date, and it lies within a day of a whole 5 or 10 years before the
/// MRZ's expiry: the usual issue date (passports run 5 or 10 years, some ending the day before
/// the anniversary). A misread digit almost never lands there.
pub fn term_issue_date(text: &str, mrz: &MrzAnchor) -> bool {
    let Ok(expiry) = NaiveDate::parse_from_str(&mrz.expiry_date, "%Y%m%d") else {
        return false;
    };
    let [date] = find_dates(text)[..] else {
        return false;
    };
    let Some(date) = date.resolve(issue_century(expiry)) else {
        return false;
    };
    [5u32, 10]
        .iter()
        .filter_map(|&y| expiry.checked_sub_months(Months::new(12 * y)))
        .any(|anniversary| (anniversary - date).num_days().abs() <= 1)
}

/// The full year of an issue date's two-digit year: the century putting it at most 100 years
/// before `expiry`.
fn issue_century(expiry: NaiveDate) -> impl Fn(i32) -> i32 {
    move |yy: i32| {
        let base = expiry.year() - expiry.year() % 100 + yy;
        if base > expiry.year() {
            base - 100
        } else {
            base
        }
    }
}

/// `YYYYMMDD` (the MRZ's expanded date) → `DD/MM/YYYY`; "" when the MRZ date was not a date.
fn mrz_dmy(yyyymmdd: &str) -> String {
    NaiveDate::parse_from_str(yyyymmdd, "%Y%m%d")
        .map(dmy_slashes)
        .unwrap_or_default()
}

/// The date of issue: the labelled one if it reads as a date before the expiry, otherwise the
/// printed date that is neither the birth nor the expiry date, lies between them, and is the
/// nearest to a whole 5 or 10 years before the expiry (passports run 5 or 10 years, often
/// ending the day before the anniversary).
fn issue_date(found: &Found, dates: &[PrintedDate], mrz: &MrzAnchor) -> Option<NaiveDate> {
    let expiry = NaiveDate::parse_from_str(&mrz.expiry_date, "%Y%m%d").ok()?;
    let birth = NaiveDate::parse_from_str(&mrz.birth_date, "%Y%m%d").ok();
    // A two-digit year of an issue date: the century putting it within 20 years before expiry.
    let century = issue_century(expiry);
    let plausible = |d: &NaiveDate| {
        *d < expiry
            && expiry.years_since(*d).is_some_and(|y| y <= 20)
            && birth.is_none_or(|b| *d > b)
    };
    let labelled = found
        .labelled(Label::IssueDate)
        .and_then(|l| find_dates(&l.text).first().copied())
        .and_then(|d| d.resolve(&century))
        .filter(plausible);
    if labelled.is_some() {
        return labelled;
    }
    let term_error = |d: &NaiveDate| {
        [5u32, 10]
            .iter()
            .filter_map(|&y| expiry.checked_sub_months(Months::new(12 * y)))
            .map(|anniversary| (anniversary - *d).num_days().abs())
            .min()
            .unwrap_or(i64::MAX)
    };
    dates
        .iter()
        .filter(|d| !d.matches_yymmdd(&mrz.birth_raw) && !d.matches_yymmdd(&mrz.expiry_raw))
        .filter_map(|d| d.resolve(&century))
        .filter(plausible)
        .min_by_key(term_error)
}

/// The value under a place label: letters, not a date.
fn place(found: &Found, kind: Label) -> Option<String> {
    let line = found.labelled(kind)?;
    let text = line.text.trim();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    (letters >= 2 && find_dates(text).is_empty()).then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekyc_doc::{Point, RotatedRect};

    /// A line whose left edge is at `x`, centred at `y`, 20 px high.
    fn line(text: &str, x: f32, y: f32, confidence: f32) -> TextLine {
        let width = 12.0 * text.chars().count() as f32;
        TextLine {
            text: text.into(),
            confidence,
            rect: RotatedRect {
                center: Point::new(x + width / 2.0, y),
                width,
                height: 20.0,
                angle: 0.0,
            },
        }
    }

    fn anchor() -> MrzAnchor {
        MrzAnchor {
            document_code: "P".into(),
            issuing_state: "UTO".into(),
            surname: "ERIKSSON".into(),
            given_names: "ANNA MARIA".into(),
            document_number: "L898902C3".into(),
            nationality: "UTO".into(),
            sex: "F".into(),
            birth_raw: "740812".into(),
            birth_date: "19740812".into(),
            expiry_raw: "120415".into(),
            expiry_date: "20120415".into(),
            check_digits_valid: true,
            name_cut: false,
        }
    }

    /// An ICAO-style page: labels above values, two columns.
    fn page(surname: &str, birth: &str) -> Vec<TextLine> {
        vec![
            line("Passport No.", 400.0, 10.0, 0.95),
            line("L898902C3", 400.0, 34.0, 0.99),
            line("Surname / Nom", 100.0, 60.0, 0.95),
            line(surname, 100.0, 84.0, 0.99),
            line("Given names", 100.0, 110.0, 0.95),
            line("ANNA MARIA", 100.0, 134.0, 0.99),
            line("Date of birth", 100.0, 160.0, 0.95),
            line(birth, 100.0, 184.0, 0.99),
            line("Place of burth", 400.0, 160.0, 0.95),
            line("ZENITH", 400.0, 184.0, 0.99),
            line("Date of issue", 100.0, 210.0, 0.95),
            line("16 APR/AVR 07", 100.0, 234.0, 0.99),
            line("Authonity", 400.0, 210.0, 0.95),
            line("PASSPORT OFFICE", 400.0, 234.0, 0.99),
            line("Date of expiry", 100.0, 260.0, 0.95),
            line("15 APR/AVR 12", 100.0, 284.0, 0.99),
        ]
    }

    #[test]
    fn values_the_mrz_explains() {
        let mrz = MrzAnchor {
            nationality: "UTO".into(),
            ..anchor()
        };
        for text in [
            "ERIKSSON",
            "ANNA MARIA",
            "L898902C3",
            "12 AUG/AOUT 74",
            "15.04.2012",
            "UTO",
        ] {
            assert!(explained_by_mrz(text, &mrz), "{text}");
        }
        for text in [
            "16 APR/AVR 07",
            "ZENITH",
            "Surname / Nom",
            "UTOPIAN",
            "L898902",
        ] {
            assert!(!explained_by_mrz(text, &mrz), "{text}");
        }
    }

    #[test]
    fn copied_values_come_before_names() {
        let mrz = anchor();
        assert_eq!(explanation("L898902C3", &mrz), Explains::Copy);
        assert_eq!(explanation("15 APR/AVR 12", &mrz), Explains::Copy);
        assert_eq!(explanation("UTO", &mrz), Explains::Copy);
        assert_eq!(explanation("ERIKSSON", &mrz), Explains::Name);
        assert_eq!(explanation("ANNA MARIA", &mrz), Explains::Name);
        assert_eq!(explanation("ZENITH", &mrz), Explains::Nothing);
        assert_eq!(explanation("16 APR/AVR 07", &mrz), Explains::Nothing);
    }

    #[test]
    fn issue_dates_a_whole_term_before_expiry() {
        // Expiry 15/04/2012: 5 and 10 years before, the day after, two-digit years.
        let mrz = anchor();
        for text in ["16 APR/AVR 07", "15.04.2007", "15/04/2002", "14 APR 2002"] {
            assert!(term_issue_date(text, &mrz), "{text}");
        }
        // Other days, the birth date, two dates, no date, no expiry.
        for text in [
            "18 APR/AVR 07",
            "16 MAY/MAI 07",
            "12 AUG/AOUT 74",
            "16.04.2007 15.04.2012",
            "ZENITH",
        ] {
            assert!(!term_issue_date(text, &mrz), "{text}");
        }
        let no_expiry = MrzAnchor {
            expiry_date: String::new(),
            ..anchor()
        };
        assert!(!term_issue_date("16 APR/AVR 07", &no_expiry));
    }

    #[test]
    fn fields_of_a_consistent_page() {
        let r = extract_viz(&page("ERIKSSON", "12 AUG/AOUT 74"), &anchor());
        assert!(r.mismatches.is_empty(), "{:?}", r.mismatches);
        let f = &r.fields;
        assert_eq!(f.surname, "ERIKSSON");
        assert_eq!(f.given_names, "ANNA MARIA");
        assert_eq!(f.passport_id, "L898902C3");
        assert_eq!(f.date_of_birth, "12/08/1974");
        assert_eq!(f.date_of_issuance, "16/04/2007");
        assert_eq!(f.date_of_expiration, "15/04/2012");
        assert_eq!(f.birth_place.as_deref(), Some("ZENITH"));
        assert_eq!(f.issue_place.as_deref(), Some("PASSPORT OFFICE"));
    }

    #[test]
    fn a_clearly_different_surname_or_birth_date_disagrees() {
        let r = extract_viz(&page("MOREAU", "12 AUG/AOUT 74"), &anchor());
        assert_eq!(r.mismatches.len(), 1);
        assert_eq!(r.mismatches[0].field, "Surname");
        let r = extract_viz(&page("ERIKSSON", "03 AUG/AOUT 71"), &anchor());
        assert_eq!(r.mismatches.len(), 1);
        assert_eq!(r.mismatches[0].field, "DateOfBirth");
    }

    #[test]
    fn given_names_expiry_and_a_date_field_without_a_date_disagree() {
        let field_of = |lines: Vec<TextLine>| {
            let r = extract_viz(&lines, &anchor());
            r.mismatches.iter().map(|m| m.field).collect::<Vec<_>>()
        };
        let mut lines = page("ERIKSSON", "12 AUG/AOUT 74");
        lines[5].text = "KREEU7.0JE".into();
        assert_eq!(field_of(lines), ["GivenNames"]);
        // A stray digit in a name is still a name.
        assert_eq!(field_of(page("MOR3AU", "12 AUG/AOUT 74")), ["Surname"]);
        assert_eq!(field_of(page("ERIKSSON", "87TDN0 QX")), ["DateOfBirth"]);
        let mut lines = page("ERIKSSON", "12 AUG/AOUT 74");
        lines[15].text = "15 APR/AVR 21".into();
        assert_eq!(field_of(lines), ["DateOfExpiration"]);
        // A four-digit year cut short, and a short scrap, are no disagreement.
        assert!(field_of(page("ERIKSSON", "12.08.19")).is_empty());
        assert!(field_of(page("ERIKSSON", "12.08.197")).is_empty());
        assert!(field_of(page("ERIKSSON", "1X")).is_empty());
        // A piece of the name (a finger over the rest), and the next field's value where the
        // names were not read (another label lies between), are no disagreement.
        let mut lines = page("ERIKSSON", "12 AUG/AOUT 74");
        lines[1].text = "L89890".into();
        assert!(field_of(lines).is_empty());
        let mut lines = page("ERIKSSON", "12 AUG/AOUT 74");
        lines[5].text = "MARI".into();
        assert!(field_of(lines).is_empty());
        let mut lines = page("ERIKSSON", "12 AUG/AOUT 74");
        lines[5] = line("Nationality", 100.0, 128.0, 0.95);
        lines.insert(6, line("UTOPIAN", 100.0, 150.0, 0.99));
        assert!(field_of(lines).is_empty());
    }

    #[test]
    fn slips_and_uncertain_reads_are_not_disagreements() {
        // One misread digit, a low-confidence surname, "SURNAME, GIVEN" on one line.
        assert!(extract_viz(&page("ERIKSSON", "12 AUG/AOUT 75"), &anchor())
            .mismatches
            .is_empty());
        let mut lines = page("MOREAU", "12 AUG/AOUT 74");
        lines[3].confidence = 0.6;
        assert!(extract_viz(&lines, &anchor()).mismatches.is_empty());
        let r = extract_viz(&page("ERIKSSON, ANNA MARIA", "12 AUG/AOUT 74"), &anchor());
        assert!(r.mismatches.is_empty(), "{:?}", r.mismatches);
        assert_eq!(r.fields.surname, "ERIKSSON");
        // An MRZ whose check digits fail is nothing to hold the page against.
        let unchecked = MrzAnchor {
            check_digits_valid: false,
            ..anchor()
        };
        assert!(extract_viz(&page("MOREAU", "12 AUG/AOUT 74"), &unchecked)
            .mismatches
            .is_empty());
    }
}

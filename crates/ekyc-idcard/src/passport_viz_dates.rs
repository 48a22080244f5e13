//! Dates as printed in a passport's visual zone: `12 JAN 1980`, `12.01.1980`, `12/01/1980`,
//! `12 JANV/JAN 80`, `12JAN80`... Day first in every format handled here (the ICAO layout);
//! two-digit years are kept as such and given a century by the caller, which knows whether the
//! date is a birth, an issue or an expiry.

use chrono::{Datelike, NaiveDate};

use crate::text::as_digit;

/// A date read from text: day, month and the year as printed (two or four digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintedDate {
    pub day: u32,
    pub month: u32,
    /// Four-digit year, or the last two digits when only those were printed.
    pub year: i32,
    pub four_digit_year: bool,
}

impl PrintedDate {
    /// Same day, month and year modulo 100 as `yymmdd` (the MRZ's form).
    pub fn matches_yymmdd(&self, yymmdd: &str) -> bool {
        yymmdd == format!("{:02}{:02}{:02}", self.year % 100, self.month, self.day)
    }

    /// The calendar date, the century of a two-digit year taken from `century_of`, which maps
    /// the two digits to a full year.
    pub fn resolve(&self, century_of: impl Fn(i32) -> i32) -> Option<NaiveDate> {
        let year = if self.four_digit_year {
            self.year
        } else {
            century_of(self.year)
        };
        NaiveDate::from_ymd_opt(year, self.month, self.day)
    }
}

/// `DD/MM/YYYY`, the contract's visual-zone date form.
pub fn dmy_slashes(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// Month names and abbreviations (capitalised, accent-free): English, French, German,
/// Spanish, Italian and Portuguese forms.
const MONTH_NAMES: [&[&str]; 12] = [
    &["JAN", "JANV", "JANUARY", "JANVIER", "ENE", "GEN"],
    &["FEB", "FEV", "FEVR", "FEBRUARY", "FEVRIER"],
    &["MAR", "MARS", "MARCH", "MAER", "MRZ"],
    &["APR", "AVR", "APRIL", "AVRIL", "ABR"],
    &["MAY", "MAI", "MAG", "MAIO"],
    &["JUN", "JUIN", "JUNE", "GIU"],
    &["JUL", "JUIL", "JULY", "JUILLET", "LUG"],
    &["AUG", "AOU", "AOUT", "AUGUST", "AGO"],
    &["SEP", "SEPT", "SEPTEMBER", "SET"],
    &["OCT", "OKT", "OCTOBER", "OCTOBRE", "OTT", "OUT"],
    &["NOV", "NOVEMBER", "NOVEMBRE"],
    &["DEC", "DEZ", "DIC", "DECEMBER", "DECEMBRE"],
];

/// The month a (capitalised, accent-free) month name or abbreviation stands for.
fn month_of(name: &str) -> Option<u32> {
    MONTH_NAMES
        .iter()
        .position(|forms| forms.contains(&name))
        .map(|i| i as u32 + 1)
}

/// Some month name is spelled somewhere in `text`, even run into its neighbours
/// (`12AUGUSTIAGO74`: a date whose spaces and slash the recogniser lost).
pub fn mentions_month(text: &str) -> bool {
    let letters: String = text
        .chars()
        .map(|c| fold_accents(c.to_uppercase().next().unwrap_or(c)))
        .filter(char::is_ascii_uppercase)
        .collect();
    MONTH_NAMES
        .iter()
        .flat_map(|forms| forms.iter())
        .any(|form| letters.contains(form))
}

/// Every run of letters in `text` starts some month name (`12 AU`, `2034`, `10.04.202`: a date
/// partly hidden or cut), so it may be a piece of a date.
pub fn letters_only_of_months(text: &str) -> bool {
    let upper: String = text
        .chars()
        .map(|c| fold_accents(c.to_uppercase().next().unwrap_or(c)))
        .collect();
    upper
        .split(|c: char| !c.is_ascii_uppercase())
        .filter(|run| !run.is_empty())
        .all(|run| {
            MONTH_NAMES
                .iter()
                .flat_map(|forms| forms.iter())
                .any(|form| form.starts_with(run))
        })
}

/// Accented capitals to their base letters (month names such as `FÉVR`, `AOÛT`, `DÉC`).
pub fn fold_accents(c: char) -> char {
    match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
        'Ç' => 'C',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'Ñ' => 'N',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'O',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'Ý' => 'Y',
        c => c,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(String),
    Word(String),
    /// `/` between two month names (`JANV/JAN`) or between the date's parts.
    Slash,
}

/// Digit runs and letter runs; a run of mostly digits with look-alike letters (`1O`) counts as
/// digits.
fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut Vec<Token>| {
        if run.is_empty() {
            return;
        }
        let digits = run.chars().filter(char::is_ascii_digit).count();
        let as_num: Option<String> = run.chars().map(as_digit).collect();
        match as_num {
            Some(n) if digits > 0 && digits * 2 >= run.chars().count() => {
                out.push(Token::Number(n))
            }
            _ => out.push(Token::Word(run.clone())),
        }
        run.clear();
    };
    let mut last_digit: Option<bool> = None;
    for c in text
        .chars()
        .map(|c| fold_accents(c.to_uppercase().next().unwrap_or(c)))
    {
        if c.is_alphanumeric() {
            let digit = c.is_ascii_digit();
            // A letter run next to a digit run starts a new token (`12JAN80`), unless it is a
            // single look-alike inside a number (`1O`), decided when the run is flushed.
            if last_digit.is_some_and(|d| d != digit) && !run_is_lookalike(&run, c) {
                flush(&mut run, &mut out);
            }
            run.push(c);
            last_digit = Some(digit);
        } else {
            flush(&mut run, &mut out);
            last_digit = None;
            if c == '/' {
                out.push(Token::Slash);
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// `c` continues a digit run as a look-alike (or a digit follows one): `1O`, `O1`.
fn run_is_lookalike(run: &str, c: char) -> bool {
    let short = run.chars().count() < 2;
    let looks = |c: char| as_digit(c).is_some() && matches!(c, 'O' | 'I' | 'L' | 'S' | 'B' | 'Z');
    short && (looks(c) || run.chars().all(looks))
}

/// Every date printed in `text`, in order.
pub fn find_dates(text: &str) -> Vec<PrintedDate> {
    let toks = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match date_at(&toks[i..]) {
            Some((date, used)) => {
                out.push(date);
                i += used;
            }
            None => i += 1,
        }
    }
    out
}

/// A date starting at the first token, with the number of tokens it took.
fn date_at(toks: &[Token]) -> Option<(PrintedDate, usize)> {
    let Token::Number(day) = toks.first()? else {
        return None;
    };
    if day.len() > 2 {
        return None;
    }
    let day: u32 = day.parse().ok()?;
    let mut i = 1;
    skip_slash(toks, &mut i);
    let month = match toks.get(i)? {
        Token::Number(m) if m.len() <= 2 => m.parse().ok()?,
        Token::Word(w) => {
            let second = match (toks.get(i + 1), toks.get(i + 2)) {
                (Some(Token::Slash), Some(Token::Word(w2))) => month_of(w2),
                _ => None,
            };
            // A second-language month after a slash: `JANV/JAN`; or after a first-language
            // month the Latin recogniser cannot spell (`СЕР/AUG` read `CEP/AUG`).
            match (month_of(w), second) {
                (Some(m), Some(m2)) if m == m2 => {
                    i += 2;
                    m
                }
                (Some(m), _) => m,
                (None, Some(m2)) => {
                    i += 2;
                    m2
                }
                (None, None) => return None,
            }
        }
        _ => return None,
    };
    i += 1;
    skip_slash(toks, &mut i);
    let Token::Number(year) = toks.get(i)? else {
        return None;
    };
    let four = match year.len() {
        4 => true,
        2 => false,
        _ => return None,
    };
    let year: i32 = year.parse().ok()?;
    if four && !(1900..=2100).contains(&year) {
        return None;
    }
    // The calendar check with a leap year for two-digit years (29 FEB 80 is real).
    let probe = if four { year } else { 2000 + year };
    NaiveDate::from_ymd_opt(probe, month, day)?;
    let date = PrintedDate {
        day,
        month,
        year,
        four_digit_year: four,
    };
    Some((date, i + 1))
}

fn skip_slash(toks: &[Token], i: &mut usize) {
    if toks.get(*i) == Some(&Token::Slash) {
        *i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Option<(u32, u32, i32)> {
        let d = find_dates(text);
        (d.len() == 1).then(|| (d[0].day, d[0].month, d[0].year))
    }

    #[test]
    fn printed_formats() {
        assert_eq!(one("12 JAN 1980"), Some((12, 1, 1980)));
        assert_eq!(one("12.01.1980"), Some((12, 1, 1980)));
        assert_eq!(one("12/01/1980"), Some((12, 1, 1980)));
        assert_eq!(one("12 JANV/JAN 80"), Some((12, 1, 80)));
        assert_eq!(one("12 JAN/JANV 1980"), Some((12, 1, 1980)));
        assert_eq!(one("12JAN80"), Some((12, 1, 80)));
        assert_eq!(one("03 AOÛT/AUG 2021"), Some((3, 8, 2021)));
        assert_eq!(one("29 FEB 80"), Some((29, 2, 80)));
        assert_eq!(one("1O.O2.1999"), Some((10, 2, 1999)));
        assert_eq!(one("24CEP/AUG91"), Some((24, 8, 91)));
    }

    #[test]
    fn not_dates() {
        assert!(find_dates("31.02.1980").is_empty());
        assert!(find_dates("PASSPORT NO. 12345678").is_empty());
        assert!(find_dates("12 JANUS 1980").is_empty());
        assert!(find_dates("12.13.1980").is_empty());
        assert!(find_dates("DATE OF BIRTH / DATE DE NAISSANCE").is_empty());
        assert!(find_dates("12AUGUSTIAGO74").is_empty());
        assert!(mentions_month("12AUGUSTIAGO74") && mentions_month("3 août"));
        assert!(!mentions_month("87TDN0 QX") && !mentions_month("ZENITH"));
        assert!(letters_only_of_months("2034") && letters_only_of_months("12 AU"));
        assert!(!letters_only_of_months("87TDN0") && !letters_only_of_months("8U4 1XV.A"));
    }

    #[test]
    fn two_dates_on_a_line_and_resolution() {
        let d = find_dates("12 JAN 2015  11 JAN 25");
        assert_eq!(d.len(), 2);
        assert!(d[1].matches_yymmdd("250111"));
        let full = d[1].resolve(|yy| 2000 + yy).expect("date");
        assert_eq!(dmy_slashes(full), "11/01/2025");
    }
}

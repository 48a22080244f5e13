//! The MyKad number `YYMMDD-PB-###G`: date of birth, place-of-birth code, a serial whose last
//! digit is odd for men and even for women.
//!
//! Place-of-birth codes (Jabatan Pendaftaran Negara, as published):
//!
//! | codes | place |
//! |---|---|
//! | 01, 21–24 | Johor |
//! | 02, 25–27 | Kedah |
//! | 03, 28–29 | Kelantan |
//! | 04, 30 | Melaka |
//! | 05, 31, 59 | Negeri Sembilan |
//! | 06, 32–33 | Pahang |
//! | 07, 34–35 | Pulau Pinang |
//! | 08, 36–39 | Perak |
//! | 09, 40 | Perlis |
//! | 10, 41–44 | Selangor |
//! | 11, 45–46 | Terengganu |
//! | 12, 47–49 | Sabah |
//! | 13, 50–53 | Sarawak |
//! | 14, 54–57 | Wilayah Persekutuan Kuala Lumpur |
//! | 15, 58 | Wilayah Persekutuan Labuan |
//! | 16 | Wilayah Persekutuan Putrajaya |
//! | 82 | state unknown |
//! | 60–68, 71–72, 74–79, 83–93, 98–99 | born abroad (by region or country; 98 stateless, 99 other) |
//!
//! Codes 00, 17–20, 69–70, 73, 80–81 and 94–97 are not assigned.

use chrono::{Datelike, NaiveDate};

use crate::text::as_digit;

/// The place a place-of-birth code stands for, or `None` when the code is not assigned.
pub fn place_of_birth(code: u32) -> Option<&'static str> {
    Some(match code {
        1 | 21..=24 => "JOHOR",
        2 | 25..=27 => "KEDAH",
        3 | 28 | 29 => "KELANTAN",
        4 | 30 => "MELAKA",
        5 | 31 | 59 => "NEGERI SEMBILAN",
        6 | 32 | 33 => "PAHANG",
        7 | 34 | 35 => "PULAU PINANG",
        8 | 36..=39 => "PERAK",
        9 | 40 => "PERLIS",
        10 | 41..=44 => "SELANGOR",
        11 | 45 | 46 => "TERENGGANU",
        12 | 47..=49 => "SABAH",
        13 | 50..=53 => "SARAWAK",
        14 | 54..=57 => "WILAYAH PERSEKUTUAN KUALA LUMPUR",
        15 | 58 => "WILAYAH PERSEKUTUAN LABUAN",
        16 => "WILAYAH PERSEKUTUAN PUTRAJAYA",
        82 => "UNKNOWN STATE",
        60..=68 | 71 | 72 | 74..=79 | 83..=93 | 98 | 99 => "ABROAD",
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MykadNumber {
    /// The twelve digits.
    pub digits: String,
    /// Date of birth; the century is the latest one that does not put the birth in the future.
    pub birth: NaiveDate,
    pub place_code: u32,
    pub male: bool,
}

impl MykadNumber {
    /// Validate twelve digits (dashes and spaces ignored) against the date and the code table;
    /// `today` decides the century.
    pub fn parse(text: &str, today: NaiveDate) -> Option<MykadNumber> {
        let digits: String = text.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let num = |r: std::ops::Range<usize>| digits[r].parse::<u32>().ok();
        let (yy, mm, dd) = (num(0..2)?, num(2..4)?, num(4..6)?);
        let this_century = today.year() - today.year() % 100;
        let mut year = this_century + yy as i32;
        if year > today.year() {
            year -= 100;
        }
        let birth = NaiveDate::from_ymd_opt(year, mm, dd).filter(|d| *d <= today)?;
        let place_code = num(6..8)?;
        place_of_birth(place_code)?;
        let male = num(11..12)? % 2 == 1;
        Some(MykadNumber {
            digits,
            birth,
            place_code,
            male,
        })
    }

    /// Look for a valid number in a line of OCR text (look-alike characters read as digits).
    pub fn find(text: &str, today: NaiveDate) -> Option<MykadNumber> {
        let cleaned: Vec<char> = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| {
                if matches!(c, '–' | '—' | '一' | '~' | '_' | '.') {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        for start in 0..cleaned.len() {
            let mut digits = String::new();
            for &c in &cleaned[start..] {
                if c == '-' {
                    continue;
                }
                match as_digit(c) {
                    Some(d) => digits.push(d),
                    None => break,
                }
                if digits.len() == 12 {
                    break;
                }
            }
            if digits.len() == 12 {
                if let Some(n) = MykadNumber::parse(&digits, today) {
                    return Some(n);
                }
            }
        }
        None
    }

    /// `YYMMDD-PB-###G` as printed.
    pub fn formatted(&self) -> String {
        format!(
            "{}-{}-{}",
            &self.digits[0..6],
            &self.digits[6..8],
            &self.digits[8..12]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
    }

    #[test]
    fn validates_date_place_and_sex() {
        let n = MykadNumber::parse("920206-39-4752", today()).expect("valid");
        assert_eq!(n.birth, NaiveDate::from_ymd_opt(1992, 2, 6).expect("d"));
        assert_eq!(place_of_birth(n.place_code), Some("PERAK"));
        assert!(!n.male);
        assert_eq!(n.formatted(), "920206-39-4752");
        let n = MykadNumber::parse("100101145671", today()).expect("valid");
        assert_eq!(n.birth.year(), 2010);
        assert!(n.male);
        // Not a date, an unassigned code, a birth in the future (the century rule).
        assert!(MykadNumber::parse("920230-39-4752", today()).is_none());
        assert!(MykadNumber::parse("920206-19-4752", today()).is_none());
        assert!(MykadNumber::parse("920206-00-4752", today()).is_none());
        assert!(MykadNumber::parse("261231-10-1234", today()).is_none());
        assert!(MykadNumber::parse("92020639475", today()).is_none());
        for code in [60, 71, 74, 83, 93, 98, 99] {
            assert_eq!(place_of_birth(code), Some("ABROAD"), "{code}");
        }
        for code in [0, 17, 20, 69, 70, 73, 80, 81, 94, 97] {
            assert_eq!(place_of_birth(code), None, "{code}");
        }
    }

    #[test]
    fn found_in_ocr_text() {
        let n = MykadNumber::find("92O2O6-39-4752", today()).expect("found");
        assert_eq!(n.formatted(), "920206-39-4752");
        let n = MykadNumber::find("IC: 790325 - 11 - 6735 x", today()).expect("found");
        assert_eq!(n.formatted(), "790325-11-6735");
        assert!(MykadNumber::find("NO 130 LORONG MELATI 7", today()).is_none());
    }
}

//! Small text helpers shared by the card layouts: look-alike characters for fields whose
//! character class is known by position, dates, and label tests.

use chrono::{Datelike, NaiveDate};

/// The digit a character read in a digits-only position stands for (OCR look-alikes).
pub fn as_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        'O' | 'o' | 'D' | 'Q' | 'U' => Some('0'),
        'I' | 'l' | '|' | 'i' | 'L' | 'J' | '!' => Some('1'),
        'Z' | 'z' => Some('2'),
        'S' | 's' => Some('5'),
        'B' => Some('8'),
        'b' | 'G' => Some('6'),
        'g' | 'q' => Some('9'),
        'T' => Some('7'),
        _ => None,
    }
}

/// The capital letter a character read in a letters-only position stands for.
pub fn as_letter(c: char) -> Option<char> {
    match c {
        'A'..='Z' => Some(c),
        'a'..='z' => Some(c.to_ascii_uppercase()),
        '0' => Some('O'),
        '1' | '|' => Some('I'),
        '2' => Some('Z'),
        '5' => Some('S'),
        '8' => Some('B'),
        '6' => Some('G'),
        '4' => Some('A'),
        _ => None,
    }
}

/// Full-width forms and bracket look-alikes to their ASCII forms; whitespace removed.
pub fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' | '[' | '{' | '<' => '(',
            '）' | ']' | '}' | '>' => ')',
            '－' | '–' | '—' | '一' | '~' | '_' => '-',
            '＊' | '米' | '*' | '⁎' | '∗' | '×' => '*',
            c if ('！'..='～').contains(&c) => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// Words of a line in capitals with punctuation other than `,'/-` dropped.
pub fn upper_words(text: &str) -> String {
    text.split_whitespace()
        .map(|w| w.to_uppercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `DD-MM-YYYY` (any of `-./` as separator, digits look-alikes allowed) → the date.
pub fn parse_dmy(text: &str) -> Option<NaiveDate> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, '-' | '.' | '/' | ' '))
        .map(as_digit)
        .collect::<Option<String>>()?;
    if digits.len() != 8 {
        return None;
    }
    let day = digits[0..2].parse().ok()?;
    let month = digits[2..4].parse().ok()?;
    let year = digits[4..8].parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Candidate dates `DD-MM-YYYY` inside a longer text, as printed (normalised to `-`).
pub fn find_dmy(text: &str) -> Option<(NaiveDate, String)> {
    let chars: Vec<char> = compact(text).chars().collect();
    for start in 0..chars.len() {
        // Separators required: eight bare digits are as likely a run of telex codes.
        let Some(window) = chars.get(start..start + 10) else {
            continue;
        };
        if !(is_sep(window[2]) && is_sep(window[5])) {
            continue;
        }
        let s: String = window.iter().collect();
        if let Some(date) = parse_dmy(&s).filter(|d| (1900..=2100).contains(&d.year())) {
            return Some((date, date.format("%d-%m-%Y").to_string()));
        }
    }
    None
}

fn is_sep(c: char) -> bool {
    matches!(c, '-' | '.' | '/')
}

/// Every `MM-YY` (or `DD-MM-YY`) group of a text, with whether it was in brackets.
pub fn short_dates(text: &str) -> Vec<(String, bool)> {
    let text = compact(text);
    let mut out = Vec::new();
    let mut in_brackets = false;
    let mut token = String::new();
    let flush = |token: &mut String, bracketed: bool, out: &mut Vec<(String, bool)>| {
        if let Some(date) = short_date(token) {
            out.push((date, bracketed));
        }
        token.clear();
    };
    for c in text.chars() {
        match c {
            '(' => {
                flush(&mut token, false, &mut out);
                in_brackets = true;
            }
            ')' => {
                flush(&mut token, true, &mut out);
                in_brackets = false;
            }
            c if c.is_alphanumeric() || c == '-' || c == '.' => token.push(c),
            _ => flush(&mut token, in_brackets, &mut out),
        }
    }
    flush(&mut token, in_brackets, &mut out);
    out
}

/// `MM-YY` or `DD-MM-YY` with a real month (and day), as printed with `-`.
fn short_date(token: &str) -> Option<String> {
    let parts: Vec<&str> = token.split(['-', '.']).collect();
    let digits = |p: &str| -> Option<String> {
        let d: String = p.chars().map(as_digit).collect::<Option<String>>()?;
        (d.len() == 2).then_some(d)
    };
    let parts: Vec<String> = parts.iter().map(|p| digits(p)).collect::<Option<_>>()?;
    let num = |s: &str| s.parse::<u32>().unwrap_or(0);
    let ok = match parts.len() {
        2 => (1..=12).contains(&num(&parts[0])),
        3 => (1..=31).contains(&num(&parts[0])) && (1..=12).contains(&num(&parts[1])),
        _ => false,
    };
    ok.then(|| parts.join("-"))
}

/// True when the text holds CJK ideographs only (at least one).
pub fn is_cjk_only(text: &str) -> bool {
    let t: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    !t.is_empty() && t.iter().all(|&c| is_cjk(c))
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = parse_dmy("03-02-1999").expect("date");
        assert_eq!(d.format("%Y%m%d").to_string(), "19990203");
        assert!(parse_dmy("31-02-1999").is_none());
        assert_eq!(find_dmy("DOB 0З-02-1999").map(|d| d.1), None);
        assert_eq!(
            find_dmy("x 03-O2-1999 y").map(|d| d.1),
            Some("03-02-1999".into())
        );
        assert_eq!(
            short_dates("(10-13)   03-20"),
            vec![("10-13".into(), true), ("03-20".into(), false)]
        );
        assert_eq!(
            short_dates("（01-79） 15-09-18"),
            vec![("01-79".into(), true), ("15-09-18".into(), false)]
        );
        assert!(short_dates("13-20 ab").is_empty());
        assert_eq!(find_dmy("9094 15051190"), None);
        assert_eq!(find_dmy("03-01-0941"), None);
    }

    #[test]
    fn look_alikes_and_compaction() {
        assert_eq!(as_digit('O'), Some('0'));
        assert_eq!(as_letter('0'), Some('O'));
        assert_eq!(as_digit('x'), None);
        assert_eq!(compact("A 123456（3）"), "A123456(3)");
        assert_eq!(compact("米米米AZ"), "***AZ");
        assert!(is_cjk_only("陳大文"));
        assert!(!is_cjk_only("陳 A"));
    }
}

//! The front of a Hong Kong identity card from its text lines (in reading order). Fields are
//! found by their shape (the number, `DD-MM-YYYY`, bracketed issue dates, 4-digit telex
//! groups, `SURNAME, Given` names) and their place relative to the labels.

use ekyc_doc::TextLine;
use serde::Serialize;

use crate::hkid_number::HkidNumber;
use crate::text::{compact, find_dmy, is_cjk_only, short_dates, upper_words};

/// What was read from an HKID front; empty strings for fields not found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HkidCard {
    pub cn_name: String,
    /// `SURNAME, Given Names` as printed.
    pub en_name: String,
    /// Chinese commercial codes, 4-digit groups separated by one space.
    pub telex_code: String,
    /// `M` or `F`.
    pub sex: String,
    /// `DD-MM-YYYY`.
    pub birthday: String,
    /// 1 permanent resident, 0 not, -1 unknown.
    pub permanent: i64,
    /// `A123456(3)`.
    pub id_num: String,
    /// The printed check character matches the number.
    pub id_valid: bool,
    /// Symbols such as `***AZ`.
    pub symbol: String,
    /// `MM-YY` (in brackets on the card).
    pub first_issue_date: String,
    /// `MM-YY` or `DD-MM-YY` as printed.
    pub current_issue_date: String,
    /// The card title was seen ("HONG KONG ... IDENTITY CARD" or 香港...身份證).
    pub title_seen: bool,
}

impl HkidCard {
    /// Enough evidence that this is an HKID front: the title, or a check-valid number.
    pub fn is_hkid(&self) -> bool {
        self.title_seen || self.id_valid
    }

    /// Fields found, for choosing between orientations.
    pub fn found_fields(&self) -> usize {
        [
            &self.cn_name,
            &self.en_name,
            &self.telex_code,
            &self.sex,
            &self.birthday,
            &self.id_num,
            &self.symbol,
            &self.first_issue_date,
            &self.current_issue_date,
        ]
        .iter()
        .filter(|f| !f.is_empty())
        .count()
            + usize::from(self.id_valid)
            + usize::from(self.title_seen)
    }
}

/// Letters of the symbol line (the published set: `***` or `*`, then letters such as A, B, C,
/// H1, K2, L, N, O, R, U, W, X, Y, Z).
const SYMBOL_LETTERS: &str = "ABCHKLNORUWXYZ12";

/// Words of the card furniture, never a field value.
fn is_label(text: &str) -> bool {
    let up = upper_words(text);
    const LABELS: [&str; 8] = [
        "HONG KONG",
        "IDENTITY",
        "DATE OF",
        "SEX",
        "BIRTH",
        "ISSUE",
        "香港",
        "日期",
    ];
    LABELS.iter().any(|l| up.contains(l)) || text.contains("身份") || text.contains("性別")
}

/// Read an HKID front from `lines` (reading order).
pub fn extract_hkid(lines: &[TextLine]) -> HkidCard {
    let mut card = HkidCard {
        permanent: -1,
        ..HkidCard::default()
    };
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    let title = texts
        .iter()
        .find(|t| {
            let up = upper_words(t);
            (up.contains("HONG KONG") && up.contains("CARD"))
                || (t.contains("香港") && t.contains("身份"))
        })
        .copied();
    card.title_seen = title.is_some();
    read_number(&mut card, &texts);
    read_dates(&mut card, &texts);
    read_names(&mut card, &texts);
    read_telex(&mut card, &texts);
    read_sex_and_symbols(&mut card, lines);
    card.permanent = permanent_flag(&card.symbol, title);
    card
}

fn read_number(card: &mut HkidCard, texts: &[&str]) {
    let found: Vec<HkidNumber> = texts.iter().filter_map(|t| HkidNumber::find(t)).collect();
    let best = found.iter().find(|n| n.is_valid()).or(found.first());
    if let Some(n) = best {
        card.id_num = n.formatted();
        card.id_valid = n.is_valid();
    }
}

fn read_dates(card: &mut HkidCard, texts: &[&str]) {
    if let Some((_, printed)) = texts.iter().find_map(|t| find_dmy(t)) {
        card.birthday = printed;
    }
    // The issue row: "(MM-YY)" then the current issue date, in one line or two neighbours.
    for (i, t) in texts.iter().enumerate() {
        if find_dmy(t).is_some() {
            continue;
        }
        let dates = short_dates(t);
        let Some(first) = dates.iter().find(|d| d.1) else {
            continue;
        };
        card.first_issue_date = first.0.clone();
        let after_bracket = dates.iter().skip_while(|d| !d.1).find(|d| !d.1);
        let current = after_bracket.cloned().or_else(|| {
            texts
                .get(i + 1)
                .and_then(|next| short_dates(next).into_iter().find(|d| !d.1))
        });
        if let Some(current) = current {
            card.current_issue_date = current.0;
        }
        break;
    }
}

fn read_names(card: &mut HkidCard, texts: &[&str]) {
    // English name: capitals, a comma, then the given names.
    let en = texts.iter().position(|t| {
        let t = t.trim();
        let Some((surname, given)) = t.split_once(',') else {
            return false;
        };
        let surname = surname.trim();
        !surname.is_empty()
            && surname
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == ' ' || c == '-' || c == '\'')
            && given.chars().any(|c| c.is_alphabetic())
            && given
                .chars()
                .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '-' || c == '\'')
    });
    if let Some(i) = en {
        let (surname, given) = texts[i].split_once(',').unwrap_or((texts[i], ""));
        card.en_name = format!(
            "{}, {}",
            surname.trim(),
            given.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    // Chinese name: the nearest CJK-only line above the English name that is no label.
    let before = en.unwrap_or(texts.len());
    if let Some(t) = texts[..before].iter().rev().find(|t| {
        is_cjk_only(t) && !is_label(t) && t.chars().filter(|c| !c.is_whitespace()).count() <= 6
    }) {
        card.cn_name = t.split_whitespace().collect();
    }
}

fn read_telex(card: &mut HkidCard, texts: &[&str]) {
    for t in texts {
        let c = compact(t);
        let groups: Vec<&str> = t.split_whitespace().collect();
        let spaced = groups.len() >= 2
            && groups
                .iter()
                .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_digit()));
        let glued = !spaced
            && c.len() >= 8
            && c.len() <= 24
            && c.len().is_multiple_of(4)
            && c.chars().all(|ch| ch.is_ascii_digit());
        if spaced || glued {
            let digits: Vec<char> = c.chars().collect();
            card.telex_code = digits
                .chunks(4)
                .map(|g| g.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join(" ");
            return;
        }
    }
}

fn read_sex_and_symbols(card: &mut HkidCard, lines: &[TextLine]) {
    let sex_line = read_sex(card, lines);
    // A lone symbol letter counts only below the date-of-birth row, where symbols are printed.
    let birth_row = lines.iter().position(|l| find_dmy(&l.text).is_some());
    let mut best: Option<(bool, usize, String)> = None;
    for (i, line) in lines.iter().enumerate() {
        if Some(i) == sex_line {
            continue;
        }
        let c = compact(&line.text);
        let stars = c.chars().take_while(|&ch| ch == '*').count();
        let letters: String = c.chars().skip(stars).collect();
        let is_symbol = !letters.is_empty()
            && letters.len() <= 6
            && letters.chars().all(|ch| SYMBOL_LETTERS.contains(ch))
            && letters.chars().any(|ch| ch.is_ascii_uppercase())
            && (stars > 0 || letters.len() >= 2 || birth_row.is_some_and(|b| i > b));
        // Starred and longer candidates first: a lone letter may be a stray.
        let rank = (stars > 0, letters.len());
        if is_symbol && best.as_ref().is_none_or(|b| rank > (b.0, b.1)) {
            // Two stars are never printed (`*` or `***`): a star was lost.
            let symbol = if stars == 2 { format!("*{c}") } else { c };
            best = Some((rank.0, rank.1, symbol));
        }
    }
    card.symbol = best.map(|b| b.2).unwrap_or_default();
}

/// The sex: a one-letter line (or 男/女 with it), the nearest such line below the "Sex" label
/// when the label was read. Only M or F can be printed there, so the recogniser's usual slips
/// on a lone capital (W, N, H for M; E, P for F) are read as the letter they must be.
/// Returns the index of the line used.
fn read_sex(card: &mut HkidCard, lines: &[TextLine]) -> Option<usize> {
    let sex_of = |text: &str| -> Option<char> {
        let c: String = compact(text)
            .chars()
            .filter(|ch| !matches!(ch, '男' | '女'))
            .collect();
        let mut chars = c.chars();
        let (Some(letter), None) = (chars.next(), chars.next()) else {
            return None;
        };
        match letter {
            'M' | 'W' | 'N' | 'H' => Some('M'),
            'F' | 'E' | 'P' => Some('F'),
            _ => None,
        }
    };
    let label = lines.iter().position(|l| {
        let up = l.text.to_uppercase();
        up.contains("SEX") || l.text.contains("性別") || l.text.contains("性别")
    });
    let candidates = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| sex_of(&l.text).map(|s| (i, s)));
    let chosen = match label {
        Some(at) => {
            let anchor = lines[at].rect.center;
            let h = lines[at].rect.height.max(1.0);
            candidates
                .filter(|(i, _)| {
                    let p = lines[*i].rect.center;
                    let (dx, dy) = (p.x - anchor.x, p.y - anchor.y);
                    (dx * dx + dy * dy).sqrt() < 4.0 * h
                })
                .min_by(|a, b| {
                    let d = |i: usize| {
                        let p = lines[i].rect.center;
                        (p.x - anchor.x).hypot(p.y - anchor.y)
                    };
                    d(a.0).total_cmp(&d(b.0))
                })
        }
        // Without the label only an exact M or F counts.
        None => candidates.into_iter().find(|(i, _)| {
            let c = compact(&lines[*i].text);
            c.ends_with('M') || c.ends_with('F')
        }),
    };
    let (i, s) = chosen?;
    card.sex = s.to_string();
    Some(i)
}

/// `A` among the symbols means the right of abode (a permanent resident); without symbols the
/// card title says it (永久性 / PERMANENT); -1 when neither was read.
fn permanent_flag(symbol: &str, title: Option<&str>) -> i64 {
    let letters: String = symbol.chars().filter(|c| *c != '*').collect();
    if letters.contains('A') {
        return 1;
    }
    match title {
        Some(t) if t.to_uppercase().contains("PERMANENT") || t.contains("永久") => 1,
        Some(_) if !symbol.is_empty() => 0,
        Some(_) => 0,
        None if !symbol.is_empty() => 0,
        None => -1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekyc_doc::{Point, RotatedRect};

    fn lines(texts: &[&str]) -> Vec<TextLine> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| TextLine {
                text: t.to_string(),
                confidence: 0.9,
                rect: RotatedRect {
                    center: Point::new(100.0, 20.0 * i as f32),
                    width: 80.0,
                    height: 15.0,
                    angle: 0.0,
                },
            })
            .collect()
    }

    #[test]
    fn reads_a_permanent_card() {
        let card = extract_hkid(&lines(&[
            "香港永久性居民身份證",
            "HONG KONG PERMANENT IDENTITY CARD",
            "周成儀",
            "CHOW, Shing Yee",
            "1441 8229 9486",
            "出生日期 Date of Birth",
            "性別 Sex",
            "03-02-1999",
            "F",
            "***AZ",
            "簽發日期 Date of Issue",
            "(10-13)",
            "03-20",
            "A311831(5)",
        ]));
        assert_eq!(card.cn_name, "周成儀");
        assert_eq!(card.en_name, "CHOW, Shing Yee");
        assert_eq!(card.telex_code, "1441 8229 9486");
        assert_eq!(card.birthday, "03-02-1999");
        assert_eq!(card.sex, "F");
        assert_eq!(card.symbol, "***AZ");
        assert_eq!(card.permanent, 1);
        assert_eq!(card.first_issue_date, "10-13");
        assert_eq!(card.current_issue_date, "03-20");
        assert_eq!(card.id_num, "A311831(5)");
        assert!(card.id_valid && card.is_hkid());
    }

    #[test]
    fn non_permanent_and_glued_ocr() {
        let card = extract_hkid(&lines(&[
            "HONG KONG IDENTITY CARD",
            "楊子明",
            "YEUNG,Tsz  Ming",
            "709935741560",
            "22-05-1947",
            "M",
            "米米米CZ",
            "(06-08) 06-19",
            "Y5O1349(4)",
        ]));
        assert_eq!(card.en_name, "YEUNG, Tsz Ming");
        assert_eq!(card.telex_code, "7099 3574 1560");
        assert_eq!(card.symbol, "***CZ");
        let lone = extract_hkid(&lines(&["HONG KONG IDENTITY CARD", "C", "22-05-1947", "C"]));
        assert_eq!(lone.symbol, "C", "a lone letter below the birth date");
        let w = extract_hkid(&lines(&["性别 Sex", "22-05-1947", "W", "***AZ"]));
        assert_eq!((w.sex.as_str(), w.symbol.as_str()), ("M", "***AZ"));
        let stars = extract_hkid(&lines(&["22-05-1947", "**U"]));
        assert_eq!(stars.symbol, "***U");
        assert_eq!(card.permanent, 0);
        assert_eq!(
            (
                card.first_issue_date.as_str(),
                card.current_issue_date.as_str()
            ),
            ("06-08", "06-19")
        );
        assert_eq!(card.id_num, "Y501349(4)");
        assert!(card.id_valid);
    }

    #[test]
    fn other_documents_are_not_hkid() {
        let card = extract_hkid(&lines(&["PASSPORT", "ERIKSSON", "ANNA MARIA", "12 AUG 74"]));
        assert!(!card.is_hkid());
        assert_eq!(card.permanent, -1);
        assert!(card.id_num.is_empty());
    }
}

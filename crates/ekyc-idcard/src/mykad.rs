//! The front of a Malaysian identity card from its text lines (in reading order): the number
//! (validated as a date and a place-of-birth code), then, below it in the left column, the name
//! (one or two lines) and the address (3–4 lines down to the state); citizenship, religion and
//! sex are printed at the bottom right.

use chrono::NaiveDate;
use ekyc_doc::{dominant_direction, in_text_frame, TextLine};
use serde::Serialize;

use crate::mykad_number::MykadNumber;
use crate::text::upper_words;

/// What was read from a MyKad-family front; empty strings for fields not found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MykadCard {
    /// `YYMMDD-PB-###G`.
    pub id: String,
    pub name: String,
    /// The address lines joined by one space.
    pub address: String,
    /// `LELAKI` or `PEREMPUAN` as printed; from the number's last digit when not read.
    pub sex: String,
    /// `DD/MM/YYYY`, from the number.
    pub birthday: String,
    /// `MyKad`, `MyPR`, `MyKAS`, `MyTentera`, `MyKid`, `IKAD` or `POLIS`.
    pub r#type: String,
    pub religion: String,
    pub citizen: bool,
    /// The card's own words were seen (KAD PENGENALAN, MyKad, ...).
    pub title_seen: bool,
    /// The printed sex disagrees with the number's last digit.
    pub sex_mismatch: bool,
}

impl MykadCard {
    /// A valid number, or the card's title: enough to call it a Malaysian identity card.
    pub fn is_mykad(&self) -> bool {
        !self.id.is_empty() || self.title_seen
    }

    pub fn found_fields(&self) -> usize {
        [&self.id, &self.name, &self.address, &self.sex, &self.r#type]
            .iter()
            .filter(|f| !f.is_empty())
            .count()
            + usize::from(self.title_seen)
    }
}

/// Card types by the word printed on them (checked in this order).
const TYPES: [(&str, &str); 7] = [
    ("MYTENTERA", "MyTentera"),
    ("MYPR", "MyPR"),
    ("MYKAS", "MyKAS"),
    ("MYKID", "MyKid"),
    ("IKAD", "IKAD"),
    ("POLIS", "POLIS"),
    ("MYKAD", "MyKad"),
];

/// Lines that are card furniture or the right-hand column, never name or address.
fn is_furniture(up: &str) -> bool {
    const WORDS: [&str; 12] = [
        "KAD PENGENALAN",
        "MALAYSIA",
        "IDENTITY CARD",
        "WARGANEGARA",
        "WARGA",
        "ISLAM",
        "LELAKI",
        "PEREMPUAN",
        "PENDUDUK TETAP",
        "MYKAD",
        "MYPR",
        "MYKAS",
    ];
    WORDS
        .iter()
        .any(|w| up == *w || (w.len() > 6 && up.starts_with(w)))
}

/// First words of an address line.
fn looks_like_address(up: &str) -> bool {
    const STARTS: [&str; 12] = [
        "NO ", "NO.", "LOT ", "JALAN ", "JLN ", "LORONG ", "KAMPUNG ", "KG ", "TAMAN ", "BLOK ",
        "UNIT ", "BATU ",
    ];
    STARTS.iter().any(|s| up.starts_with(s)) || up.chars().any(|c| c.is_ascii_digit())
}

/// Read a MyKad front from `lines` (reading order); `today` decides the birth century.
pub fn extract_mykad(lines: &[TextLine], today: NaiveDate) -> MykadCard {
    let mut card = MykadCard::default();
    let ups: Vec<String> = lines.iter().map(|l| upper_words(&l.text)).collect();
    card.title_seen = ups.iter().any(|u| {
        let squeezed: String = u.chars().filter(|c| !c.is_whitespace()).collect();
        u.contains("KAD PENGENALAN") || TYPES.iter().any(|(w, _)| squeezed == *w)
    });
    card.r#type = ups
        .iter()
        .find_map(|u| {
            let squeezed: String = u.chars().filter(|c| !c.is_whitespace()).collect();
            TYPES
                .iter()
                .find(|(w, _)| squeezed == *w)
                .map(|(_, t)| t.to_string())
        })
        .unwrap_or_default();
    let number = lines
        .iter()
        .enumerate()
        .find_map(|(i, l)| MykadNumber::find(&l.text, today).map(|n| (i, n)));
    let Some((at, number)) = number else {
        return card;
    };
    card.id = number.formatted();
    card.birthday = number.birth.format("%d/%m/%Y").to_string();
    if card.r#type.is_empty() {
        // The number is a MyKad-family number; without the printed word assume MyKad.
        card.r#type = "MyKad".into();
    }
    card.citizen = ups.iter().any(|u| u.contains("WARGANEGARA"));
    card.religion = if ups.iter().any(|u| u == "ISLAM") {
        "ISLAM".into()
    } else {
        String::new()
    };
    let printed_sex = ups.iter().find(|u| *u == "LELAKI" || *u == "PEREMPUAN");
    let from_number = if number.male { "LELAKI" } else { "PEREMPUAN" };
    card.sex = printed_sex
        .cloned()
        .unwrap_or_else(|| from_number.to_string());
    card.sex_mismatch = printed_sex.is_some_and(|s| s != from_number);
    read_name_and_address(&mut card, &lines[at + 1..]);
    card
}

/// `lines`: the lines after the number. Boxes of one printed row (the detector may cut a row
/// at wide gaps) are joined first. The right-hand column holds only furniture words, so it is
/// skipped by content rather than by position (which survives tilt).
fn read_name_and_address(card: &mut MykadCard, lines: &[TextLine]) {
    let rows: Vec<String> = rows(lines)
        .into_iter()
        .map(|row| {
            row.iter()
                .map(|l| upper_words(&l.text))
                .filter(|u| !is_furniture(u) && u.chars().any(|c| c.is_alphanumeric()))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|r| !r.is_empty())
        .collect();
    let address_start = rows
        .iter()
        .position(|u| looks_like_address(u))
        .unwrap_or(rows.len());
    // The name: at most two rows right before the address, letters only.
    let name_rows: Vec<&str> = rows[..address_start]
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(String::as_str)
        .filter(|u| !u.chars().any(|c| c.is_ascii_digit()))
        .collect();
    card.name = respace_name(&name_rows.join(" "));
    // The address: down to the state row (a row without digits after the postcode row), at
    // most five rows.
    let mut address = Vec::new();
    let mut seen_postcode = false;
    for u in rows.iter().skip(address_start).take(5) {
        address.push(respace(u));
        if seen_postcode && !u.chars().any(|c| c.is_ascii_digit()) {
            break;
        }
        seen_postcode |= u.chars().take(5).filter(|c| c.is_ascii_digit()).count() == 5;
    }
    card.address = address.join(" ");
}

/// Lines grouped into printed rows (they come in reading order, so a row's boxes are
/// consecutive): a box whose centre lies within half a line height of the row's first box,
/// across the text direction, belongs to it.
fn rows(lines: &[TextLine]) -> Vec<Vec<&TextLine>> {
    let angle = dominant_direction(lines);
    let across = |l: &TextLine| in_text_frame(l.rect.center, angle).1;
    let mut out: Vec<Vec<&TextLine>> = Vec::new();
    for line in lines {
        match out.last_mut() {
            Some(row)
                if (across(line) - across(row[0])).abs()
                    < 0.5 * row[0].rect.height.min(line.rect.height) =>
            {
                row.push(line)
            }
            _ => out.push(vec![line]),
        }
    }
    out
}

/// Name particles the recogniser glues to the next or previous word (`BINTIISMAIL`,
/// `A/LMUTHU`). `BIN` is left alone: too many names start with those letters.
const PARTICLES: [&str; 3] = ["BINTI", "A/L", "A/P"];

fn respace_name(name: &str) -> String {
    let mut words = Vec::new();
    for word in name.split_whitespace() {
        let glued = PARTICLES.iter().find_map(|p| {
            if word.len() > p.len() + 1 && word.starts_with(p) {
                Some(vec![p.to_string(), word[p.len()..].to_string()])
            } else if word.len() > p.len() + 1 && word.ends_with(p) {
                Some(vec![
                    word[..word.len() - p.len()].to_string(),
                    p.to_string(),
                ])
            } else {
                None
            }
        });
        words.extend(glued.unwrap_or_else(|| vec![word.to_string()]));
    }
    words.join(" ")
}

/// Put back the spaces the recogniser tends to drop in address lines: between a word and a
/// number (`NO286` → `NO 286`, `SETIA3` → `SETIA 3`) and after a 5-digit postcode
/// (`75716KEMAMAN`). A house number with a letter (`12A`) is left alone.
fn respace(line: &str) -> String {
    let mut out = String::new();
    for word in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        let chars: Vec<char> = word.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            if i > 0 {
                let prev = chars[i - 1];
                let word_then_number = prev.is_ascii_alphabetic() && c.is_ascii_digit();
                // `30JALAN`: a number glued to a word (two letters at least, so `12A` stays).
                let number_then_word = prev.is_ascii_digit()
                    && c.is_ascii_alphabetic()
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic());
                let postcode_then_word = c.is_ascii_alphabetic()
                    && i == 5
                    && chars[..5].iter().all(|d| d.is_ascii_digit())
                    && chars.len() > 6;
                if word_then_number || number_then_word || postcode_then_word {
                    out.push(' ');
                }
            }
            out.push(c);
        }
    }
    out
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

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
    }

    #[test]
    fn reads_a_mykad() {
        let card = extract_mykad(
            &lines(&[
                "KAD PENGENALAN",
                "IDENTITY CARD",
                "MyKad",
                "MALAYSIA",
                "920206-39-4752",
                "TEH SIEW LAN",
                "NO 130 LORONG MELATI 7",
                "WARGANEGARA",
                "KAMPUNG PERMATANG",
                "72597 TAIPING",
                "PERAK",
                "PEREMPUAN",
            ]),
            today(),
        );
        assert!(card.is_mykad());
        assert_eq!(card.id, "920206-39-4752");
        assert_eq!(card.name, "TEH SIEW LAN");
        assert_eq!(
            card.address,
            "NO 130 LORONG MELATI 7 KAMPUNG PERMATANG 72597 TAIPING PERAK"
        );
        assert_eq!(card.sex, "PEREMPUAN");
        assert!(!card.sex_mismatch);
        assert_eq!(card.birthday, "06/02/1992");
        assert_eq!(card.r#type, "MyKad");
        assert!(card.citizen);
    }

    #[test]
    fn two_line_name_and_sex_from_the_number() {
        let card = extract_mykad(
            &lines(&[
                "790325-11-6735",
                "MUHAMMAD HAFIZ BIN",
                "ABDULLAH",
                "NO 286 JALAN SETIA 3",
                "75716 KEMAMAN",
                "TERENGGANU",
                "ISLAM",
            ]),
            today(),
        );
        assert_eq!(card.name, "MUHAMMAD HAFIZ BIN ABDULLAH");
        assert_eq!(
            card.address,
            "NO 286 JALAN SETIA 3 75716 KEMAMAN TERENGGANU"
        );
        assert_eq!(card.sex, "LELAKI");
        assert_eq!(card.religion, "ISLAM");
    }

    #[test]
    fn boxes_of_one_row_are_joined() {
        let mut ls = lines(&[
            "730818-36-1407",
            "ISMAIL",
            "BIN ISMAIL",
            "NO",
            "73JALAN DAHLIA 3",
            "70747IPOH",
            "PERAK",
        ]);
        // Same rows: the name's two boxes, and "NO" with the rest of its line.
        for (i, x) in [(2, 200.0), (4, 200.0)] {
            ls[i].rect.center = Point::new(x, ls[i - 1].rect.center.y + 3.0);
        }
        let card = extract_mykad(&ls, today());
        assert_eq!(card.name, "ISMAIL BIN ISMAIL");
        assert_eq!(card.address, "NO 73 JALAN DAHLIA 3 70747 IPOH PERAK");
    }

    #[test]
    fn dropped_spaces_come_back() {
        assert_eq!(respace("NO286 JALAN SETIA3"), "NO 286 JALAN SETIA 3");
        assert_eq!(respace("75716KEMAMAN"), "75716 KEMAMAN");
        assert_eq!(respace("NO 12A JALAN 5/3"), "NO 12A JALAN 5/3");
        assert_eq!(respace("NO 30JALAN DAHLIA"), "NO 30 JALAN DAHLIA");
        assert_eq!(respace_name("FARAH BINTIIBRAHIM"), "FARAH BINTI IBRAHIM");
        assert_eq!(respace_name("KUMARA/L MUTHU"), "KUMAR A/L MUTHU");
        assert_eq!(respace_name("AHMAD BIN ISMAIL"), "AHMAD BIN ISMAIL");
        assert_eq!(respace_name("BINTI"), "BINTI");
    }

    #[test]
    fn other_documents_are_not_mykad() {
        let card = extract_mykad(
            &lines(&["HONG KONG IDENTITY CARD", "A123456(3)", "03-02-1999"]),
            today(),
        );
        assert!(!card.is_mykad());
        assert!(card.id.is_empty());
    }
}

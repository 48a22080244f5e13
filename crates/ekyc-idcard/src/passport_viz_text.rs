//! Text tests of the passport visual zone: printed labels (English, French, German, Spanish),
//! names compared with their MRZ transliteration, and document numbers compared through OCR
//! look-alikes.

use crate::passport_viz_dates::fold_accents;
use crate::text::as_letter;

/// What a printed label announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Surname,
    GivenNames,
    Number,
    BirthDate,
    BirthPlace,
    IssueDate,
    Authority,
    ExpiryDate,
    /// A label of a field read from the MRZ only (type, code, nationality, sex...).
    Other,
}

/// Label phrases, letters only, matched with OCR slips allowed ("Place of burth",
/// "Authonity", "Sumame"); the closest phrase wins.
const PHRASES: [(&str, Label); 25] = [
    ("PLACEOFBIRTH", Label::BirthPlace),
    ("LIEUDENAISSANCE", Label::BirthPlace),
    ("GEBURTSORT", Label::BirthPlace),
    ("DATEOFBIRTH", Label::BirthDate),
    ("DATEDENAISSANCE", Label::BirthDate),
    ("GEBURTSTAG", Label::BirthDate),
    ("NACIMIENTO", Label::BirthDate),
    ("AUTHORITY", Label::Authority),
    ("AUTORITE", Label::Authority),
    ("PLACEOFISSUE", Label::Authority),
    ("DATEOFISSUE", Label::IssueDate),
    ("DELIVRANCE", Label::IssueDate),
    ("AUSSTELLUNG", Label::IssueDate),
    ("DATEOFEXPIRY", Label::ExpiryDate),
    ("EXPIRATION", Label::ExpiryDate),
    ("GULTIGBIS", Label::ExpiryDate),
    ("GIVENNAMES", Label::GivenNames),
    ("PRENOMS", Label::GivenNames),
    ("VORNAMEN", Label::GivenNames),
    ("SURNAME", Label::Surname),
    ("APELLIDOS", Label::Surname),
    ("NATIONALITY", Label::Other),
    ("NATIONALITE", Label::Other),
    ("SEXESEX", Label::Other),
    // The holder's signature label (no field under it): known as a label, its first look is
    // the small recogniser's only.
    ("SIGNATURE", Label::Other),
];

/// Exact words and phrases: short ones, and document-number labels, which fuzzy matching
/// would find in values such as "HM PASSPORT OFFICE".
const EXACT: [(&str, Label); 11] = [
    ("PASSPORT NO", Label::Number),
    ("PASSEPORT N", Label::Number),
    ("DOCUMENT NO", Label::Number),
    ("PASS-NR", Label::Number),
    ("PASSPORT NUMBER", Label::Number),
    ("NOM", Label::Surname),
    ("NAME", Label::Surname),
    ("NOMBRE", Label::GivenNames),
    ("TYPE", Label::Other),
    ("CODE", Label::Other),
    ("SEX", Label::Other),
];

/// The label a line is (or starts with), if any.
pub fn label_of(text: &str) -> Option<Label> {
    let upper: String = text
        .chars()
        .map(|c| fold_accents(c.to_uppercase().next().unwrap_or(c)))
        .collect();
    // "rn" and "m" are the recogniser's classic confusion: compare both with "m".
    let letters = upper
        .chars()
        .filter(char::is_ascii_uppercase)
        .collect::<String>()
        .replace("RN", "M");
    let fuzzy = PHRASES
        .iter()
        .filter_map(|&(phrase, label)| {
            let d = substring_distance(&phrase.replace("RN", "M"), &letters);
            let allowed = match phrase.len() {
                0..=6 => 0,
                7..=8 => 1,
                n => (n / 5).max(2),
            };
            (d <= allowed).then_some((d as f32 / phrase.len() as f32, label))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, label)| label);
    if fuzzy.is_some() {
        return fuzzy;
    }
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    EXACT.iter().find_map(|&(p, label)| {
        let hit = if p.contains([' ', '-']) {
            upper.contains(p)
        } else {
            words.contains(&p) || (p == "SEX" && words.contains(&"SEXE"))
        };
        hit.then_some(label)
    })
}

/// The fewest edits turning `pattern` into some substring of `text` (approximate substring
/// matching: the match may start and end anywhere in `text`).
pub fn substring_distance(pattern: &str, text: &str) -> usize {
    let t: Vec<char> = text.chars().collect();
    // row[j]: best distance of the pattern prefix so far ending at text position j.
    let mut row = vec![0usize; t.len() + 1];
    for (i, pc) in pattern.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &tc) in t.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(pc != tc)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row.into_iter().min().unwrap_or(0)
}

/// Capital letters of a name for comparison with the MRZ: accents dropped (`É` → `E`), or
/// spelled out the German way when `expand` (`Ü` → `UE`, `ß` → `SS`, `Å` → `AA`), digits read
/// as their letter look-alikes, everything else (spaces, hyphens, apostrophes, `<`) removed.
pub fn name_key(text: &str, expand: bool) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_uppercase) {
        let spelled = match c {
            'Ä' | 'Æ' if expand => Some("AE"),
            'Ö' | 'Ø' if expand => Some("OE"),
            'Ü' if expand => Some("UE"),
            'Å' if expand => Some("AA"),
            'ß' => Some("SS"),
            _ => None,
        };
        if let Some(s) = spelled {
            out.push_str(s);
        } else if let Some(l) = as_letter(fold_accents(c)) {
            out.push(l);
        }
    }
    out
}

/// How alike a printed name is to the MRZ's (1 = same letters): the better of the two
/// transliterations, and, when the MRZ's name field was full (`mrz_cut`: long names are cut
/// at the line end) and the printed name is longer, of its start.
pub fn name_similarity(mrz: &str, printed: &str, mrz_cut: bool) -> f32 {
    let m = name_key(mrz, false);
    if m.is_empty() {
        return 0.0;
    }
    [false, true]
        .iter()
        .map(|&expand| {
            let p = name_key(printed, expand);
            let full = similarity(&m, &p);
            let start: String = p.chars().take(m.chars().count()).collect();
            let cut = if mrz_cut && p.len() > m.len() {
                similarity(&m, &start)
            } else {
                0.0
            };
            full.max(cut)
        })
        .fold(0.0, f32::max)
}

/// The printed name spells the MRZ's exactly (after transliteration), or continues it where
/// the MRZ was cut.
pub fn name_agrees(mrz: &str, printed: &str) -> bool {
    let m = name_key(mrz, false);
    !m.is_empty()
        && [false, true]
            .iter()
            .any(|&e| name_key(printed, e).starts_with(&m))
}

/// 1 − edit distance / longer length.
pub fn similarity(a: &str, b: &str) -> f32 {
    let longer = a.chars().count().max(b.chars().count());
    if longer == 0 {
        return 1.0;
    }
    1.0 - edit_distance(a, b) as f32 / longer as f32
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != cb)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row[b.len()]
}

/// A document number with OCR look-alikes folded to one form (`O` and `0` alike, `I` and `1`,
/// ...), for comparing a printed number with the MRZ's.
pub fn number_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .map(|c| match c {
            'O' | 'Q' | 'D' => '0',
            'I' | 'L' => '1',
            'Z' => '2',
            'S' => '5',
            'B' => '8',
            'G' => '6',
            c => c,
        })
        .collect()
}

/// Tokens of a line that may be a document number: 5–12 letters and digits with a digit.
pub fn number_tokens(text: &str) -> Vec<String> {
    let alnum = |t: &str| -> String { t.chars().filter(char::is_ascii_alphanumeric).collect() };
    let has_digit = |t: &str| t.chars().any(|c| c.is_ascii_digit());
    let words: Vec<String> = text.split_whitespace().map(alnum).collect();
    let mut out = words.clone();
    // Numbers printed in groups (`12 34567`): the groups joined, when every group has a digit.
    if words.len() > 1 && words.iter().all(|w| has_digit(w)) {
        out.push(words.concat());
    }
    out.retain(|t| (5..=12).contains(&t.len()) && has_digit(t));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label_of("Surname / Nom"), Some(Label::Surname));
        assert_eq!(label_of("Given names / Prénoms"), Some(Label::GivenNames));
        assert_eq!(
            label_of("Date of birth / Date de naissance"),
            Some(Label::BirthDate)
        );
        assert_eq!(
            label_of("Place of birth / Lieu de naissance"),
            Some(Label::BirthPlace)
        );
        assert_eq!(
            label_of("Date of issue / Date de délivrance"),
            Some(Label::IssueDate)
        );
        assert_eq!(label_of("Authority / Autorité"), Some(Label::Authority));
        assert_eq!(label_of("Date of expiry"), Some(Label::ExpiryDate));
        assert_eq!(label_of("Passport No. / Passeport N°"), Some(Label::Number));
        assert_eq!(label_of("Nationality / Nationalité"), Some(Label::Other));
        assert_eq!(label_of("/Signature du tulaine (1 )"), Some(Label::Other));
        assert_eq!(label_of("SCHWARZENEGGER"), None);
        assert_eq!(label_of("NOMURA"), None);
        // OCR slips in labels.
        assert_eq!(label_of("Place of burth"), Some(Label::BirthPlace));
        assert_eq!(
            label_of("Pace of birth /U cie isasnce"),
            Some(Label::BirthPlace)
        );
        assert_eq!(label_of("Authonity"), Some(Label::Authority));
        assert_eq!(label_of("AuthoryAnotne (B)"), Some(Label::Authority));
        assert_eq!(label_of("Sumame"), Some(Label::Surname));
        assert_eq!(
            label_of("Dateof iasue/Dot de ceivranc"),
            Some(Label::IssueDate)
        );
        // Values that look a little like labels.
        assert_eq!(label_of("HM PASSPORT OFFICE"), None);
        assert_eq!(label_of("STADT PARIS"), None);
        assert_eq!(label_of("MINISTRY OF INTERIOR"), None);
        assert_eq!(substring_distance("ABC", "xxABCxx"), 0);
    }

    #[test]
    fn names_against_the_mrz() {
        assert!(name_agrees("MUELLER", "MÜLLER"));
        assert!(name_agrees("MULLER", "MÜLLER"));
        assert!(name_agrees("MARTINEZ DE LA CRUZ", "MARTINEZ DE LA CRUZ"));
        assert!(name_agrees("DAVID LUIS AN", "DAVID LUIS ANNA"));
        assert!(!name_agrees("MARTIN", "MORTIN"));
        assert!(name_similarity("SCHWARZENEGGER", "SCHWARZENEGGFR", false) > 0.9);
        assert!(name_similarity("MARTIN", "TANAKA", false) < 0.5);
        assert!(name_similarity("SMITH", "SMITH ANNA", false) < 0.75);
        assert_eq!(
            name_similarity("DAVID LUIS AN", "DAVID LUIS ANNA", true),
            1.0
        );
        assert_eq!(name_similarity("", "X", false), 0.0);
    }

    #[test]
    fn numbers() {
        assert_eq!(number_key("O1ZNAFBOC3"), number_key("01ZNAFB0C3"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            number_tokens("No. 12AB34567"),
            vec!["12AB34567".to_string()]
        );
        assert!(number_tokens("PASSPORT").is_empty());
    }
}

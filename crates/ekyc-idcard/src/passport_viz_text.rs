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

/// The label a line is (or starts with), if any.
pub fn label_of(text: &str) -> Option<Label> {
    let t: String = text
        .chars()
        .map(|c| fold_accents(c.to_uppercase().next().unwrap_or(c)))
        .collect();
    let words: Vec<&str> = t
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |p: &str| t.contains(p);
    let word = |w: &str| words.contains(&w);
    // Most specific first: "place of birth" before "birth", "given names/prénoms" before "nom".
    let label = if has("PLACE OF BIRTH") || has("LIEU DE NAISSANCE") || has("GEBURTSORT") {
        Label::BirthPlace
    } else if has("BIRTH") || has("NAISSANCE") || has("GEBURTSTAG") || has("NACIMIENTO") {
        Label::BirthDate
    } else if has("AUTHORITY")
        || has("AUTORIT")
        || has("BEHORDE")
        || has("BEHOERDE")
        || has("PLACE OF ISSUE")
        || has("ISSUING OFFICE")
    {
        Label::Authority
    } else if has("ISSUE") || has("DELIVRANCE") || has("AUSSTELLUNG") || has("EXPEDICION") {
        Label::IssueDate
    } else if has("EXPIR") || has("GULTIG") || has("CADUCIDAD") || has("VALID UNTIL") {
        Label::ExpiryDate
    } else if has("GIVEN") || has("PRENOM") || has("VORNAME") || word("NOMBRE") {
        Label::GivenNames
    } else if has("SURNAME") || word("NOM") || has("APELLIDO") || word("NAME") {
        Label::Surname
    } else if has("PASSPORT NO")
        || has("PASSEPORT N")
        || has("DOCUMENT NO")
        || has("PASS-NR")
        || has("PASSPORT NUMBER")
    {
        Label::Number
    } else if word("TYPE")
        || word("CODE")
        || has("NATIONALIT")
        || word("SEX")
        || word("SEXE")
        || word("TYP")
    {
        Label::Other
    } else {
        return None;
    };
    Some(label)
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
/// transliterations, and, when the printed name is longer, of its start (the MRZ cuts long
/// names at the line end).
pub fn name_similarity(mrz: &str, printed: &str) -> f32 {
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
            let cut = if p.len() > m.len() {
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
        assert_eq!(label_of("SCHWARZENEGGER"), None);
        assert_eq!(label_of("NOMURA"), None);
    }

    #[test]
    fn names_against_the_mrz() {
        assert!(name_agrees("MUELLER", "MÜLLER"));
        assert!(name_agrees("MULLER", "MÜLLER"));
        assert!(name_agrees("MARTINEZ DE LA CRUZ", "MARTINEZ DE LA CRUZ"));
        assert!(name_agrees("DAVID LUIS AN", "DAVID LUIS ANNA"));
        assert!(!name_agrees("MARTIN", "MORTIN"));
        assert!(name_similarity("SCHWARZENEGGER", "SCHWARZENEGGFR") > 0.9);
        assert!(name_similarity("MARTIN", "TANAKA") < 0.5);
        assert_eq!(name_similarity("", "X"), 0.0);
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

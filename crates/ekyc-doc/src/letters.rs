//! Letters-only fields no check digit covers (document code, issuing state, names, nationality):
//! a digit there cannot have been printed, so it becomes its look-alike letter when the
//! recogniser saw that letter at all. The net is very sure of '0' for an OCR-B 'O', more than
//! the resolver's score floor lets it trade; check digits are untouched by this.

use ekyc_mrz::{confusable, parse, CandidateLine, MrzFormat, MrzReading};

/// (line, start, end) of the letters-only spans of a layout.
fn letter_spans(format: MrzFormat) -> Vec<(usize, usize, usize)> {
    let len = format.line_len();
    match format {
        MrzFormat::Td1 => vec![(0, 0, 1), (0, 2, 5), (1, 15, 18), (2, 0, len)],
        _ => vec![(0, 0, 1), (0, 2, len), (1, 10, 13)],
    }
}

/// First letters of ICAO 9303 document codes: passports (P), visas (V), cards and other
/// official travel documents (I, A, C).
const DOCUMENT_CODE_FIRST: [char; 5] = ['P', 'V', 'I', 'A', 'C'];

/// False when a letters-only field still holds a digit: such a reading came from text that is
/// not an MRZ line, or from a misread one, whatever its check digits say.
pub fn letters_plausible(reading: &MrzReading) -> bool {
    // ICAO 9303: document code P is a TD3 passport (TD2 codes start with A, C or I). A
    // passport whose filler runs were read short parses as a TD2 with every check digit
    // holding, since fillers count 0.
    let code = reading.lines.first().and_then(|l| l.chars().next());
    let passport_as_td2 = reading.format == MrzFormat::Td2 && code == Some('P');
    // Visas (MRV-A/B, no composite check digit) carry code V; a passport or card read short
    // fits the visa layout's fewer check digits far too easily.
    let not_a_visa = reading.format.is_visa() && code != Some('V');
    // Every layout's document code starts with one of these (Parts 4-7): print joined to the
    // line's start ("BOARDING" on a sticker) reads as some other letter.
    let known_code = code.is_some_and(|c| DOCUMENT_CODE_FIRST.contains(&c));
    !passport_as_td2
        && !not_a_visa
        && known_code
        && names_plausible(reading)
        && countries_plausible(reading)
        && letter_spans(reading.format)
            .into_iter()
            .all(|(line, start, end)| {
                reading.lines.get(line).is_none_or(|l| {
                    l.chars()
                        .skip(start)
                        .take(end - start)
                        .all(|c| !c.is_ascii_digit())
                })
            })
}

/// Issuing state and nationality codes have three letters; only Germany's one-letter code pads
/// with fillers ("D<<"), and an unknown one is all fillers. A '<' anywhere else ("O<O", "ZA<")
/// is a misread letter, whatever the check digits say (they do not cover the codes).
fn countries_plausible(reading: &MrzReading) -> bool {
    let nationality = match reading.format {
        MrzFormat::Td1 => (1, 15),
        _ => (1, 10),
    };
    [(0, 2), nationality].into_iter().all(|(line, start)| {
        reading.lines.get(line).is_none_or(|l| {
            let code: Vec<char> = l.chars().skip(start).take(3).collect();
            match code.iter().filter(|&&c| c == '<').count() {
                0 => true,
                2 => code.first().is_some_and(|&c| c != '<'),
                n => n == code.len(),
            }
        })
    })
}

/// (line, start) of the name field, which runs to the end of its line.
fn name_field(format: MrzFormat) -> (usize, usize) {
    match format {
        MrzFormat::Td1 => (2, 0),
        _ => (0, 5),
    }
}

/// The name field holds at least one '<' (between the names, or padding: a name filling all
/// 30-39 places with no separator is not printed in practice), no "KKK" (fillers misread), and
/// at most one "<<" before its padding: ICAO 9303 separates the primary identifier from the
/// secondary one once, and names within each by a single '<'. A second separator is a letter
/// pair misread or merged ("NOOR" read as "N<<OR"); three fillers between names, or a name
/// field starting with one, is a letter the recogniser skipped ("ROSSI<<NOOR" read as
/// "ROSS<<<NOOR").
fn names_plausible(reading: &MrzReading) -> bool {
    let (line, start) = name_field(reading.format);
    reading.lines.get(line).is_none_or(|l| {
        let name: String = l.chars().skip(start).collect();
        let names = name.trim_end_matches('<');
        name.contains('<')
            && !name.starts_with('<')
            && !name.contains("KKK")
            && !names.contains("<<<")
            && names.matches("<<").count() <= 1
    })
}

/// (line, start, end) of the document number field.
fn number_field(format: MrzFormat) -> (usize, usize, usize) {
    match format {
        MrzFormat::Td1 => (0, 5, 14),
        _ => (1, 0, 9),
    }
}

/// A document number is padded with fillers at its end only, so a '<' between its characters is
/// a misread '0' (both count 0 for the check digit, so only '0' keeps what the check digits
/// say). Only for a reading whose check digits hold: a failing one is reported as printed.
fn fix_number_fillers(format: MrzFormat, lines: &mut [Vec<char>]) -> bool {
    let (line, start, end) = number_field(format);
    let Some(chars) = lines.get_mut(line) else {
        return false;
    };
    let end = end.min(chars.len());
    let printed = |p: &usize| chars[*p] != '<';
    let (Some(first), Some(last)) = ((start..end).find(printed), (start..end).rev().find(printed))
    else {
        return false;
    };
    let mut changed = false;
    for c in &mut chars[first..last] {
        if *c == '<' {
            *c = '0';
            changed = true;
        }
    }
    changed
}

/// Names end where a run of 3+ fillers starts: everything after it is padding, so a character
/// there that the recogniser could also have read as '<' (or that looks like one) is a filler.
fn fix_name_padding(
    format: MrzFormat,
    lines: &mut [Vec<char>],
    candidates: &[CandidateLine],
) -> bool {
    let (line, start) = name_field(format);
    let Some(chars) = lines.get_mut(line) else {
        return false;
    };
    let mut run = 0;
    let mut padding = false;
    let mut changed = false;
    for (pos, ch) in chars.iter_mut().enumerate().skip(start) {
        if *ch == '<' {
            run += 1;
            padding |= run >= 3;
            continue;
        }
        run = 0;
        if !padding {
            continue;
        }
        let seen_filler = candidates
            .get(line)
            .and_then(|l| l.get(pos))
            .is_some_and(|alts| alts.iter().any(|a| a.0 == '<'));
        if seen_filler || confusable(*ch, '<') {
            *ch = '<';
            changed = true;
        }
    }
    changed
}

/// `reading` with digits in letters-only fields replaced by a look-alike letter the recogniser
/// also proposed (`candidates` are the per-position alternatives `reading` was resolved from),
/// misread fillers in the padding after the names put back, and fillers inside the document
/// number read as the '0' they must be.
pub fn fix_letter_fields(reading: MrzReading, candidates: &[CandidateLine]) -> MrzReading {
    let mut lines: Vec<Vec<char>> = reading.lines.iter().map(|l| l.chars().collect()).collect();
    let mut changed = fix_name_padding(reading.format, &mut lines, candidates);
    let mut guessed = false;
    if reading.check_digits_valid {
        changed |= fix_number_fillers(reading.format, &mut lines);
    }
    for (line, start, end) in letter_spans(reading.format) {
        for pos in start..end {
            let Some(c) = lines.get(line).and_then(|l| l.get(pos)).copied() else {
                continue;
            };
            if !c.is_ascii_digit() {
                continue;
            }
            let alts = candidates.get(line).and_then(|l| l.get(pos));
            let letter = alts
                .into_iter()
                .flatten()
                .filter(|(a, _)| a.is_ascii_uppercase() && confusable(c, *a))
                .max_by(|x, y| x.1.total_cmp(&y.1));
            if let Some(&(a, p)) = letter {
                lines[line][pos] = a;
                changed = true;
                guessed |= look_alike_letter(c) != Some(a) && p < RARE_LOOK_ALIKE;
            }
        }
    }
    if !changed {
        return reading;
    }
    let text: Vec<String> = lines.iter().map(|l| l.iter().collect()).collect();
    let refs: Vec<&str> = text.iter().map(String::as_str).collect();
    match parse(&refs) {
        // Only spans outside every check digit changed, or '<' to '0' (same value), so
        // validity cannot differ; keep the original if it somehow does.
        Ok(mut fixed) if fixed.check_digits_valid == reading.check_digits_valid => {
            fixed.check_digits_valid &= !guessed;
            fixed
        }
        _ => reading,
    }
}

/// A letter the recogniser offered below this for a digit it read in a letters-only field,
/// other than the digit's own look-alike (`Q` for a `0` that offered no `O`), is noise picked
/// up: shown, but the reading is not reported valid (s1409_0417: `0X0` with `Q` at 0.2 %
/// became the nationality `QXO` of a valid reading; printed `OXO`).
const RARE_LOOK_ALIKE: f32 = 0.01;

/// The letter a digit stands in for in a letters-only field, where OCR-B's look-alikes meet.
fn look_alike_letter(digit: char) -> Option<char> {
    match digit {
        '0' => Some('O'),
        '1' => Some('I'),
        '2' => Some('Z'),
        '5' => Some('S'),
        '6' => Some('G'),
        '8' => Some('B'),
        _ => None,
    }
}

/// For a reading that is reported but not accepted: a digit the recogniser read in a
/// letters-only field (country codes, names) where it offered no letter at all is shown as its
/// look-alike letter (`0X0` as `OXO`): no MRZ prints a digit there, and a field the check digits
/// do not cover is not what they vouch for either way. Never makes a reading valid.
pub fn letters_for_digits(reading: MrzReading) -> MrzReading {
    let mut lines: Vec<Vec<char>> = reading.lines.iter().map(|l| l.chars().collect()).collect();
    let mut changed = false;
    for (line, start, end) in letter_spans(reading.format) {
        for c in lines
            .get_mut(line)
            .into_iter()
            .flatten()
            .take(end)
            .skip(start)
        {
            if let Some(letter) = look_alike_letter(*c) {
                *c = letter;
                changed = true;
            }
        }
    }
    if !changed {
        return reading;
    }
    let text: Vec<String> = lines.iter().map(|l| l.iter().collect()).collect();
    let refs: Vec<&str> = text.iter().map(String::as_str).collect();
    match parse(&refs) {
        Ok(mut fixed) if fixed.format == reading.format => {
            fixed.check_digits_valid = false;
            fixed
        }
        _ => reading,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TD3: [&str; 2] = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];

    fn candidates(lines: &[&str], extra: &[(usize, usize, char)]) -> Vec<CandidateLine> {
        lines
            .iter()
            .enumerate()
            .map(|(li, l)| {
                l.chars()
                    .enumerate()
                    .map(|(pos, c)| {
                        let mut alts = vec![(c, 0.99)];
                        for &(el, ep, ec) in extra {
                            if (el, ep) == (li, pos) {
                                alts.push((ec, 0.004));
                            }
                        }
                        alts
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn digits_in_letter_fields_are_shown_as_letters_but_not_valid() {
        let misread = [TD3[0], "L898902C36UT07408122F1204159ZE184226B<<<<<10"];
        let reading = parse(&misread).expect("parses");
        assert!(reading.check_digits_valid && !letters_plausible(&reading));
        let shown = letters_for_digits(reading);
        assert_eq!(shown.lines[1], TD3[1]);
        assert!(!shown.check_digits_valid);
        // Digits elsewhere (the document number) stay as read; nothing to change, nothing done.
        let read = parse(&TD3).expect("parses");
        assert_eq!(letters_for_digits(read.clone()), read);
    }

    #[test]
    fn digits_in_country_codes_become_letters() {
        let read = [
            TD3[0].replacen("UTO", "UT0", 1),
            TD3[1].replacen("UTO", "UT0", 1),
        ];
        let refs = [read[0].as_str(), read[1].as_str()];
        let reading = parse(&refs).expect("parses");
        let cands = candidates(&refs, &[(0, 4, 'O'), (1, 12, 'O')]);
        let fixed = fix_letter_fields(reading, &cands);
        assert_eq!(fixed.lines, TD3);
        assert_eq!(fixed.fields.nationality, "UTO");
        assert!(fixed.check_digits_valid);
    }

    #[test]
    fn a_rare_letter_other_than_the_look_alike_is_shown_but_not_valid() {
        let line2 = TD3[1].replacen("UTO", "0TO", 1);
        let refs = [TD3[0], line2.as_str()];
        let reading = parse(&refs).expect("parses");
        // The recogniser offered `Q` (0.4 %), not `O`, for the nationality's first `0`.
        let fixed = fix_letter_fields(reading.clone(), &candidates(&refs, &[(1, 10, 'Q')]));
        assert_eq!(fixed.fields.nationality, "QTO");
        assert!(!fixed.check_digits_valid);
        // Its own look-alike at the same share is no guess.
        let fixed = fix_letter_fields(reading, &candidates(&refs, &[(1, 10, 'O')]));
        assert_eq!(fixed.fields.nationality, "OTO");
        assert!(fixed.check_digits_valid);
    }

    #[test]
    fn a_document_code_no_layout_uses_is_implausible() {
        let reading = parse(&TD3).expect("parses");
        assert!(letters_plausible(&reading));
        // A sticker's "B" joined to the line's start.
        let read = TD3[0].replacen("P<", "B<", 1);
        let refs = [read.as_str(), TD3[1]];
        assert!(!letters_plausible(&parse(&refs).expect("parses")));
    }

    #[test]
    fn misread_fillers_after_the_names() {
        let read = TD3[0].replacen("MARIA<<<<<<", "MARIA<<<K<<", 1);
        let refs = [read.as_str(), TD3[1]];
        let fixed = fix_letter_fields(parse(&refs).expect("parses"), &candidates(&refs, &[]));
        assert_eq!(fixed.lines, TD3);
        // A one-letter name part after a single or double separator stays.
        let read = TD3[0].replacen("MARIA<<<<<<", "MARIA<<K<<<", 1);
        let refs = [read.as_str(), TD3[1]];
        let kept = fix_letter_fields(parse(&refs).expect("parses"), &candidates(&refs, &[]));
        assert_eq!(kept.lines[0], read);
    }

    #[test]
    fn fillers_inside_the_document_number_are_zeros() {
        // '<' and '0' both count 0, so the check digits hold either way.
        let read = TD3[1].replacen("L898902C3", "L8989<2C3", 1);
        let refs = [TD3[0], read.as_str()];
        let fixed = fix_letter_fields(parse(&refs).expect("parses"), &candidates(&refs, &[]));
        assert_eq!(fixed.lines[1], TD3[1]);
        // Trailing padding stays.
        let short = TD3[1].replacen("L898902C3", "L898902<<", 1);
        let refs = [TD3[0], short.as_str()];
        let kept = fix_letter_fields(parse(&refs).expect("parses"), &candidates(&refs, &[]));
        assert_eq!(kept.lines[1], short);
    }

    #[test]
    fn implausible_layouts_and_names() {
        // A passport read 36 wide fits the visa B layout's check digits.
        let visa = parse(&[
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226",
        ])
        .expect("parses");
        assert_eq!(visa.format, MrzFormat::MrvB);
        assert!(visa.check_digits_valid);
        assert!(!letters_plausible(&visa));
        let kkk = TD3[0].replace("<<<<<<<<<<<<<<<<<<<", "KKKKKKKKKKKKKKKKKKK");
        let read = parse(&[kkk.as_str(), TD3[1]]).expect("parses");
        assert!(!letters_plausible(&read));
        // A nationality read "U<O" (check digits do not cover it); "D<<" pads correctly.
        let nationality = TD3[1].replace("UTO", "U<O");
        let read = parse(&[TD3[0], nationality.as_str()]).expect("parses");
        assert!(read.check_digits_valid);
        assert!(!letters_plausible(&read));
        // Two letters and a filler: a letter read as '<'.
        let two = TD3[1].replace("UTO", "UT<");
        let read = parse(&[TD3[0], two.as_str()]).expect("parses");
        assert!(!letters_plausible(&read));
        // A second name separator before the padding: "NOOR" read "N<<OR".
        let split = TD3[0].replacen("MARIA<<", "MA<<IA<", 1);
        let read = parse(&[split.as_str(), TD3[1]]).expect("parses");
        assert!(read.check_digits_valid);
        assert!(!letters_plausible(&read));
        // A letter skipped at a name's end ("ERIKSSON<<ANNA" read "ERIKSSO<<<ANNA") or start.
        for skipped in ["ERIKSSO<<<ANNA", "<RIKSSON<<ANNA"] {
            let line = TD3[0].replacen("ERIKSSON<<ANNA", skipped, 1);
            let read = parse(&[line.as_str(), TD3[1]]).expect("parses");
            assert!(!letters_plausible(&read), "{skipped}");
        }
        let germany = TD3[1].replace("UTO", "D<<");
        let read = parse(&[TD3[0], germany.as_str()]).expect("parses");
        assert!(letters_plausible(&read));
    }

    #[test]
    fn without_a_letter_alternative_nothing_changes() {
        let read = TD3[0].replacen("ANNA", "ANN4", 1);
        let refs = [read.as_str(), TD3[1]];
        let reading = parse(&refs).expect("parses");
        // '4' has no look-alike letter; the document number's '8' is outside the letter spans.
        let cands = candidates(&refs, &[(0, 18, 'A'), (1, 1, 'B')]);
        let fixed = fix_letter_fields(reading.clone(), &cands);
        assert_eq!(fixed, reading);
        assert!(!letters_plausible(&fixed));
        assert!(letters_plausible(&parse(&TD3).expect("parses")));
    }
}

//! OCR-alternative resolution on hand-made confusions of the ICAO TD3/TD1 specimens.

use ekyc_mrz::{
    parse_with, resolve_with, Alternatives, CandidateLine, MrzFormat, ParseOptions, ResolveOptions,
};

/// (line, position, alternatives) replacing the certain reading of one position.
type Override<'a> = (usize, usize, &'a [(char, f32)]);

const TD3: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
];

fn opts() -> ResolveOptions {
    ResolveOptions {
        parse: ParseOptions {
            today: (2026, 11, 25),
        },
        ..ResolveOptions::default()
    }
}

/// Every position certain, except `(line, position, alternatives)` overrides.
fn candidates(lines: &[&str], overrides: &[Override]) -> Vec<CandidateLine> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            l.chars()
                .enumerate()
                .map(
                    |(p, c)| match overrides.iter().find(|o| (o.0, o.1) == (i, p)) {
                        Some(o) => o.2.to_vec(),
                        None => vec![(c, 0.97)],
                    },
                )
                .collect()
        })
        .collect()
}

fn lines_of(c: &[CandidateLine]) -> Option<Vec<String>> {
    resolve_with(c, &opts()).map(|r| r.lines)
}

#[test]
fn certain_input_is_parsed_as_is() {
    let r = resolve_with(&candidates(&TD3, &[]), &opts());
    assert_eq!(r, parse_with(&TD3, &opts().parse).ok());
}

#[test]
fn check_digit_picks_the_second_choice() {
    // Document number "L898902C3": the '0' read as 'O' first; both are legal there.
    let c = candidates(&TD3, &[(1, 5, &[('O', 0.6), ('0', 0.35)])]);
    assert_eq!(lines_of(&c), Some(TD3.map(String::from).to_vec()));
    // The filler read as 'K' inside the personal number.
    let c = candidates(&TD3, &[(1, 38, &[('C', 0.5), ('<', 0.4), ('K', 0.1)])]);
    assert_eq!(lines_of(&c), Some(TD3.map(String::from).to_vec()));
}

#[test]
fn field_type_rejects_impossible_top_choices() {
    // A letter in a date and a digit in a name.
    let c = candidates(
        &TD3,
        &[
            (1, 17, &[('I', 0.7), ('1', 0.2)]),
            (0, 7, &[('1', 0.8), ('I', 0.1)]),
        ],
    );
    let r = resolve_with(&c, &opts());
    assert_eq!(
        r.as_ref().map(|r| r.lines.clone()),
        Some(TD3.map(String::from).to_vec())
    );
    assert_eq!(r.map(|r| r.fields.surname), Some("ERIKSSON".to_string()));
}

#[test]
fn no_valid_combination_keeps_the_top_choice() {
    let mut wrong = TD3.map(String::from).to_vec();
    wrong[1].replace_range(5..6, "O");
    // Alternative too weak even for a rescue.
    let c = candidates(&TD3, &[(1, 5, &[('O', 0.98), ('0', 0.001)])]);
    let r = resolve_with(&c, &opts());
    assert_eq!(r.as_ref().map(|r| r.lines.clone()), Some(wrong.clone()));
    assert_eq!(r.map(|r| r.check_digits_valid), Some(false));
    // Strong alternative, but '7' does not look like '1': never swapped.
    let mut wrong7 = TD3.map(String::from).to_vec();
    wrong7[1].replace_range(17..18, "7");
    let c = candidates(&TD3, &[(1, 17, &[('7', 0.5), ('1', 0.45)])]);
    assert_eq!(lines_of(&c), Some(wrong7));
}

#[test]
fn undetectable_swap_keeps_the_top_choice() {
    // 'G' and '6' weigh the same modulo 10, so the check digit cannot choose: keep what was read,
    // and since the recogniser was nearly as sure of the other, do not call it valid.
    // Personal number "ZE184226B": its '6' read as 'G' first.
    let c = candidates(&TD3, &[(1, 35, &[('G', 0.5), ('6', 0.45)])]);
    let r = resolve_with(&c, &opts());
    let kept = "L898902C36UTO7408122F1204159ZE18422GB<<<<<10";
    assert_eq!(r.as_ref().map(|r| r.lines[1].as_str()), Some(kept));
    assert_eq!(r.map(|r| r.check_digits_valid), Some(false));
    // Read with confidence, it stands.
    let c = candidates(&TD3, &[(1, 35, &[('G', 0.9), ('6', 0.08)])]);
    assert_eq!(
        resolve_with(&c, &opts()).map(|r| r.check_digits_valid),
        Some(true)
    );
}

#[test]
fn composite_resolves_unchecked_optional_data() {
    // TD1 optional data is only covered by the composite check digit.
    let td1 = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];
    let c = candidates(&td1, &[(0, 20, &[('C', 0.55), ('<', 0.4)])]);
    let r = resolve_with(&c, &opts());
    assert_eq!(r.as_ref().map(|r| r.format), Some(MrzFormat::Td1));
    assert_eq!(r.map(|r| r.lines), Some(td1.map(String::from).to_vec()));
}

#[test]
fn many_uncertain_positions_stay_bounded() {
    // Every digit of line 2 has two look-alike alternatives; the search is per field and capped.
    let overrides: Vec<(usize, usize, Alternatives)> = TD3[1]
        .chars()
        .enumerate()
        .map(|(p, c)| (1, p, vec![(c, 0.5), ('O', 0.3), ('D', 0.2)]))
        .collect();
    let o: Vec<Override> = overrides
        .iter()
        .map(|(l, p, a)| (*l, *p, a.as_slice()))
        .collect();
    let r = resolve_with(&candidates(&TD3, &o), &opts());
    assert_eq!(r.map(|r| r.check_digits_valid), Some(true));
}

#[test]
fn not_an_mrz_shape() {
    assert_eq!(lines_of(&candidates(&[TD3[0]], &[])), None);
    assert_eq!(lines_of(&candidates(&[TD3[0], &TD3[1][..40]], &[])), None);
    assert_eq!(lines_of(&[]), None);
}

#[test]
fn a_near_tie_between_valid_readings_is_not_reported_valid() {
    // Document number "L8O8902C3": its 'O' and '0' sit at places of equal weight, so reading
    // both the other way round ("L808O02C3") keeps every check digit.
    let lines = [TD3[0], "L8O8902C31UTO7408122F1204159ZE184226B<<<<<10"];
    let unsure = candidates(
        &lines,
        &[
            (1, 2, &[('O', 0.5), ('0', 0.45)]),
            (1, 5, &[('0', 0.5), ('O', 0.45)]),
        ],
    );
    let r = resolve_with(&unsure, &opts()).expect("resolves");
    assert_eq!(r.lines[1], lines[1]);
    assert!(r.checks.iter().all(|c| c.ok));
    assert!(!r.check_digits_valid, "a coin toss is not valid");
    // The recogniser sure of each: still not valid, since the printed number mixes `O` and
    // `0` at places where swapping them keeps every check digit (no rule tells them apart).
    let sure = candidates(
        &lines,
        &[
            (1, 2, &[('O', 0.9), ('0', 0.08)]),
            (1, 5, &[('0', 0.9), ('O', 0.08)]),
        ],
    );
    let r = resolve_with(&sure, &opts()).expect("resolves");
    assert_eq!(r.lines[1], lines[1]);
    assert!(!r.check_digits_valid);
    // The same number printed with digits only: valid.
    let r = resolve_with(&candidates(&TD3, &[]), &opts()).expect("resolves");
    assert!(r.check_digits_valid);
}

#[test]
fn a_filler_inside_the_expiry_date_is_a_misread_digit() {
    // Expiry "120415": its '0' read as '<' keeps the check digit ('<' counts as 0) but a date
    // that must be known cannot hold a filler: the digit alternative is taken.
    let c = candidates(&TD3, &[(1, 23, &[('<', 0.8), ('0', 0.15)])]);
    let r = resolve_with(&c, &opts());
    assert_eq!(
        r.as_ref().map(|r| r.lines.clone()),
        Some(TD3.map(String::from).to_vec())
    );
    assert_eq!(r.map(|r| r.check_digits_valid), Some(true));
    // No digit alternative: the filler stays, and the reading is not valid.
    let c = candidates(&TD3, &[(1, 23, &[('<', 0.99)])]);
    let r = resolve_with(&c, &opts());
    assert_eq!(
        r.as_ref().map(|r| r.lines[1].chars().nth(23)),
        Some(Some('<'))
    );
    assert_eq!(r.map(|r| r.check_digits_valid), Some(false));
}

#[test]
fn a_weak_look_alike_that_makes_a_failing_check_hold_is_read_but_never_valid() {
    // Document number "L898902C3": its '0' read as 'O' with '0' at only 1 %: below the usual
    // floor, so only the rescue pass takes it — the text is recovered, not confirmed.
    let c = candidates(&TD3, &[(1, 5, &[('O', 0.98), ('0', 0.01)])]);
    let r = resolve_with(&c, &opts());
    assert_eq!(
        r.as_ref().map(|r| r.lines.clone()),
        Some(TD3.map(String::from).to_vec())
    );
    assert!(r.as_ref().is_some_and(|r| r.checks.iter().all(|c| c.ok)));
    assert_eq!(r.map(|r| r.check_digits_valid), Some(false));
}

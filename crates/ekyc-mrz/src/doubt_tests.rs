use super::*;
use crate::parse::parse;

/// Candidates that are sure of every character of `lines`, except the given places.
fn sure(lines: &[&str], unsure: &[(Pos, &[(char, f32)])]) -> Vec<CandidateLine> {
    let mut c: Vec<CandidateLine> = lines
        .iter()
        .map(|l| l.chars().map(|ch| vec![(ch, 0.99)]).collect())
        .collect();
    for &((line, p), alts) in unsure {
        c[line][p] = alts.to_vec();
    }
    c
}

// Printed `OO5053`, read `005053` (seed-97 photo s97_0318); O/0 at weights 7 and 3 (O counts
// 24: 7·24 + 3·24 = 240) keep the check digit.
const TD1_OO: [&str; 3] = [
    "IDD<<005053<<<3<<<<<<<<<<<<<<<",
    "5701265F3508231ESZ<<<<<<<<<<<8",
    "LINDQVIST<<DAVID<<<<<<<<<<<<<<",
];

#[test]
fn a_check_keeping_swap_the_recogniser_saw_is_doubt() {
    let reading = parse(&TD1_OO).unwrap();
    assert!(reading.check_digits_valid);
    let both = sure(
        &TD1_OO,
        &[
            ((0, 5), &[('0', 0.66), ('O', 0.24)]),
            ((0, 6), &[('0', 0.52), ('O', 0.42)]),
        ],
    );
    let d = doubt(&reading, &both);
    assert!((d.swap_support - 0.24).abs() < 1e-6, "{d:?}");
    assert!(d.exceeds(&DoubtLimits::default()));
    // s97_0318 itself: the recogniser gave `O` 2 % at both places, as much as it gives `O` on
    // many a printed `0`; below the limit, so that reading still counts as valid.
    let faint = sure(
        &TD1_OO,
        &[
            ((0, 5), &[('0', 0.93), ('O', 0.024)]),
            ((0, 6), &[('0', 0.93), ('O', 0.022)]),
        ],
    );
    assert!(!doubt(&reading, &faint).exceeds(&DoubtLimits::default()));
    // Only one of the two places has an `O` alternative: a single swap breaks the check digit.
    let one = sure(&TD1_OO, &[((0, 5), &[('0', 0.9), ('O', 0.09)])]);
    let d = doubt(&reading, &one);
    assert_eq!(d.swap_support, 0.0);
    assert!(!d.exceeds(&DoubtLimits::default()));
}

#[test]
fn g_and_6_always_keep_a_check_digit() {
    // ICAO specimen with a `6` put in its optional data (composite only) and the check
    // digits recomputed: `G` counts 16, 10 more than `6`.
    let td1 = crate::format::format_td1(&crate::format::MrzInput {
        document_code: "I".into(),
        issuing_state: "UTO".into(),
        surname: "ERIKSSON".into(),
        given_names: "ANNA MARIA".into(),
        document_number: "D23145890".into(),
        nationality: "UTO".into(),
        birth_date: "740812".into(),
        sex: "F".into(),
        expiry_date: "120415".into(),
        optional_data: String::new(),
        optional_data_2: "6".into(),
    })
    .unwrap();
    let lines: Vec<&str> = td1.iter().map(String::as_str).collect();
    let reading = parse(&lines).unwrap();
    assert!(reading.check_digits_valid);
    let weak = sure(&lines, &[((1, 18), &[('6', 0.99), ('G', 0.005)])]);
    assert!(!doubt(&reading, &weak).exceeds(&DoubtLimits::default()));
    let fair = sure(&lines, &[((1, 18), &[('6', 0.8), ('G', 0.15)])]);
    assert!(doubt(&reading, &fair).exceeds(&DoubtLimits::default()));
}

#[test]
fn a_name_letter_chosen_by_a_hair_is_doubt_but_padding_is_not() {
    let td3 = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];
    let reading = parse(&td3).unwrap();
    let hair = sure(&td3, &[((0, 8), &[('K', 0.17), ('<', 0.155)])]);
    let d = doubt(&reading, &hair);
    assert!(d.unchecked_margin < 0.1, "{d:?}");
    assert!(d.exceeds(&DoubtLimits::default()));
    // The same doubt in the padding after the names, or on a digit the check digits cover.
    let padding = sure(&td3, &[((0, 40), &[('<', 0.3), ('C', 0.25)])]);
    let covered = sure(&td3, &[((1, 2), &[('8', 0.5), ('B', 0.45)])]);
    for c in [padding, covered] {
        let d = doubt(&reading, &c);
        assert!(!d.exceeds(&DoubtLimits::default()), "{d:?}");
    }
    // A name character the recogniser saw as a digit only: forced by the layout.
    let forced = sure(&td3, &[((0, 5), &[('3', 0.9), ('8', 0.05)])]);
    assert_eq!(doubt(&reading, &forced).unchecked_margin, f32::INFINITY);
}

#[test]
fn padding_starts_at_three_fillers() {
    let run: Vec<char> = "ANNA<<B<<<C<<".chars().collect();
    assert_eq!(unpadded(&run), 0..7);
    let run: Vec<char> = "AB<<".chars().collect();
    assert_eq!(unpadded(&run), 0..2);
    assert_eq!(unpadded(&[]), 0..0);
}

#[test]
fn a_checked_character_with_an_unlike_runner_up_as_likely_is_doubt() {
    // Seed-7 photo s7_0207: `0` at 0.188 against `P` at 0.180 in the document number.
    let td3 = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];
    let reading = parse(&td3).unwrap();
    let guess = sure(&td3, &[((1, 5), &[('0', 0.188), ('P', 0.18)])]);
    let d = doubt(&reading, &guess);
    assert!(d.checked_margin < 0.1, "{d:?}");
    assert!(d.exceeds(&DoubtLimits::default()));
    // The same tie with a look-alike is what the check digit settles.
    let look_alike = sure(&td3, &[((1, 5), &[('0', 0.188), ('D', 0.18)])]);
    let d = doubt(&reading, &look_alike);
    assert_eq!(d.checked_margin, f32::INFINITY);
}

#[test]
fn slack_is_negative_exactly_past_the_limits() {
    let limits = DoubtLimits::default();
    let clear = Doubt {
        swap_support: 0.0,
        unchecked_margin: 3.0,
        checked_margin: f32::INFINITY,
    };
    assert!(clear.slack(&limits) > 2.0 && !clear.exceeds(&limits));
    let hair = Doubt {
        unchecked_margin: 0.1,
        ..clear
    };
    let swap = Doubt {
        swap_support: 0.2,
        ..clear
    };
    for d in [hair, swap] {
        assert!(d.slack(&limits) < 0.0 && d.exceeds(&limits), "{d:?}");
    }
    assert!(
        hair.slack(&limits)
            < Doubt {
                unchecked_margin: 0.2,
                ..hair
            }
            .slack(&limits)
    );
}

//! ICAO 9303 specimen MRZs ("ERIKSSON ANNA MARIA" of Utopia and friends): every field, every check.

use ekyc_mrz::{
    parse_text_with, parse_with, MrzError, MrzFields, MrzFormat, MrzReading, ParseOptions,
};

const OPTS: ParseOptions = ParseOptions {
    today: (2026, 11, 25),
};

fn read(lines: &[&str]) -> MrzReading {
    match parse_with(lines, &OPTS) {
        Ok(r) => r,
        Err(e) => panic!("{lines:?} did not parse: {e}"),
    }
}

/// (field, printed, computed, ok) for every check.
fn checks(r: &MrzReading) -> Vec<(&str, char, u8, bool)> {
    r.checks
        .iter()
        .map(|c| (c.field.as_str(), c.printed, c.computed, c.ok))
        .collect()
}

fn anna(document_code: &str, document_number: &str) -> MrzFields {
    MrzFields {
        document_code: document_code.into(),
        issuing_state: "UTO".into(),
        surname: "ERIKSSON".into(),
        given_names: "ANNA MARIA".into(),
        document_number: document_number.into(),
        nationality: "UTO".into(),
        birth_date: "19740812".into(),
        birth_date_raw: "740812".into(),
        sex: "F".into(),
        expiry_date: "20120415".into(),
        expiry_date_raw: "120415".into(),
        ..MrzFields::default()
    }
}

#[test]
fn td1_eriksson() {
    let lines = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];
    let r = read(&lines);
    assert_eq!(r.format, MrzFormat::Td1);
    assert_eq!(r.lines, lines);
    assert_eq!(r.fields, anna("I", "D23145890"));
    assert_eq!(
        checks(&r),
        [
            ("document_number", '7', 7, true),
            ("birth_date", '2', 2, true),
            ("expiry_date", '9', 9, true),
            ("composite", '6', 6, true),
        ]
    );
    assert!(r.check_digits_valid);
}

#[test]
fn td1_long_document_number() {
    // Part 5 note j: 12-character number, '<' in the check-digit place, overflow "734" + check "9".
    let r = read(&[
        "I<UTOD23145890<7349<<<<<<<<<<<",
        "3407127M9507122UTO<<<<<<<<<<<2",
        "STEVENSON<<PETER<JOHN<<<<<<<<<",
    ]);
    assert_eq!(r.fields.document_number, "D23145890734");
    assert_eq!(r.fields.optional_data, "");
    assert_eq!(
        (r.fields.surname.as_str(), r.fields.given_names.as_str()),
        ("STEVENSON", "PETER JOHN")
    );
    assert_eq!(
        (r.fields.birth_date.as_str(), r.fields.sex.as_str()),
        ("19340712", "M")
    );
    assert_eq!(r.fields.expiry_date, "19950712");
    assert_eq!(checks(&r)[0], ("document_number", '9', 9, true));
    assert!(r.check_digits_valid, "{:?}", r.checks);
}

#[test]
fn td1_germany_filler_state_and_unspecified_sex() {
    let r = read(&[
        "IDD<<T220001293<<<<<<<<<<<<<<<",
        "6408125<2010315D<<<<<<<<<<<<<4",
        "MUSTERMANN<<ERIKA<<<<<<<<<<<<<",
    ]);
    let f = &r.fields;
    assert_eq!(
        (f.document_code.as_str(), f.issuing_state.as_str()),
        ("ID", "D")
    );
    assert_eq!((f.nationality.as_str(), f.sex.as_str()), ("D", "X"));
    assert_eq!(
        (f.document_number.as_str(), f.expiry_date.as_str()),
        ("T22000129", "20201031")
    );
    assert!(r.check_digits_valid, "{:?}", r.checks);
}

#[test]
fn td2_eriksson() {
    let lines = [
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "D231458907UTO7408122F1204159<<<<<<<6",
    ];
    let r = read(&lines);
    assert_eq!(r.format, MrzFormat::Td2);
    assert_eq!(r.fields, anna("I", "D23145890"));
    assert_eq!(
        checks(&r),
        [
            ("document_number", '7', 7, true),
            ("birth_date", '2', 2, true),
            ("expiry_date", '9', 9, true),
            ("composite", '6', 6, true),
        ]
    );
}

#[test]
fn td3_eriksson() {
    let lines = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];
    let r = read(&lines);
    assert_eq!(r.format, MrzFormat::Td3);
    assert_eq!(
        r.fields,
        MrzFields {
            optional_data: "ZE184226B".into(),
            ..anna("P", "L898902C3")
        }
    );
    assert_eq!(
        checks(&r),
        [
            ("document_number", '6', 6, true),
            ("birth_date", '2', 2, true),
            ("expiry_date", '9', 9, true),
            ("optional_data", '1', 1, true),
            ("composite", '0', 0, true),
        ]
    );
    assert!(r.check_digits_valid);
}

#[test]
fn mrv_a_and_b() {
    let visa = |optional: &str| MrzFields {
        document_code: "V".into(),
        document_number: "L8988901C".into(),
        nationality: "XXX".into(),
        birth_date: "19400907".into(),
        birth_date_raw: "400907".into(),
        expiry_date: "19961210".into(),
        expiry_date_raw: "961210".into(),
        optional_data: optional.into(),
        ..anna("V", "")
    };
    let expected_checks = [
        ("document_number", '4', 4, true),
        ("birth_date", '8', 8, true),
        ("expiry_date", '9', 9, true),
    ];
    let a = read(&[
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
    ]);
    assert_eq!(a.format, MrzFormat::MrvA);
    assert_eq!(a.fields, visa("6ZE184226B"));
    assert_eq!(checks(&a), expected_checks);
    let b = read(&[
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "L8988901C4XXX4009078F9612109<<<<<<<<",
    ]);
    assert_eq!(b.format, MrzFormat::MrvB);
    assert_eq!(b.fields, visa(""));
    assert_eq!(checks(&b), expected_checks);
    assert!(a.check_digits_valid && b.check_digits_valid);
}

#[test]
fn wrong_check_digit_is_reported_not_fixed() {
    let lines = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408123F1204159ZE184226B<<<<<10",
    ];
    let r = read(&lines);
    assert_eq!(r.lines, lines);
    assert_eq!(checks(&r)[1], ("birth_date", '3', 2, false));
    // The composite covers the printed birth check digit, so it fails too.
    assert_eq!(checks(&r)[4], ("composite", '0', 3, false));
    assert!(!r.check_digits_valid);
    assert_eq!(r.fields.birth_date, "19740812");
}

#[test]
fn all_filler_personal_number_accepts_filler_or_zero() {
    for cd in ['<', '0'] {
        let line2 = format!("L898902C36UTO7408122F1204159<<<<<<<<<<<<<<{cd}8");
        let r = read(&["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", &line2]);
        assert_eq!(checks(&r)[3], ("optional_data", cd, 0, true));
        assert!(r.check_digits_valid, "{cd}: {:?}", r.checks);
    }
}

#[test]
fn unknown_date_parts_are_kept_raw() {
    let r = read(&[
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO74<<<<2F1204159ZE184226B<<<<<10",
    ]);
    assert_eq!(
        (
            r.fields.birth_date.as_str(),
            r.fields.birth_date_raw.as_str()
        ),
        ("", "74<<<<")
    );
    assert!(!r.check_digits_valid);
}

#[test]
fn text_input_and_trimming() {
    let text = "  P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\r\n\nL898902C36UTO7408122F1204159ZE184226B<<<<<10 \n";
    let r = parse_text_with(text, &OPTS).map_err(|e| e.to_string());
    assert_eq!(r.map(|r| r.format), Ok(MrzFormat::Td3));
    let piped = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<|L8988901C4XXX4009078F9612109<<<<<<<<";
    assert_eq!(
        parse_text_with(piped, &OPTS).map(|r| r.format),
        Ok(MrzFormat::MrvB)
    );
}

#[test]
fn errors() {
    let td3 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
    assert_eq!(
        parse_with(&[td3], &OPTS),
        Err(MrzError::LineCount { found: 1 })
    );
    assert_eq!(
        parse_with(&[], &OPTS),
        Err(MrzError::LineCount { found: 0 })
    );
    assert_eq!(
        parse_with(&[td3, &td3[..43]], &OPTS),
        Err(MrzError::LineLength {
            line: 2,
            found: 43,
            expected: 44,
            lengths: vec![44, 43]
        })
    );
    assert!(matches!(
        parse_with(&["ABC", "DEF", "GHI"], &OPTS),
        Err(MrzError::LineLength {
            line: 1,
            found: 3,
            expected: 30,
            ..
        })
    ));
    assert_eq!(
        parse_with(&["P<UTOeriksson", td3], &OPTS),
        Err(MrzError::InvalidChar {
            line: 1,
            position: 6,
            ch: 'e'
        })
    );
    // Neither passport nor visa code, and neither check-digit layout holds.
    let err = parse_with(
        &[
            "X<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            &td3.replace("7408122", "7408123"),
        ],
        &OPTS,
    );
    assert!(
        matches!(err, Err(MrzError::UnknownLayout { line_len: 44, .. })),
        "{err:?}"
    );
    // An unusual code is still read when the passport check digits hold.
    let r = parse_with(
        &["X<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", td3],
        &OPTS,
    );
    assert_eq!(r.map(|r| r.format), Ok(MrzFormat::Td3));
}

#[test]
fn serialises_snake_case() {
    let r = read(&[
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "L8988901C4XXX4009078F9612109<<<<<<<<",
    ]);
    let json = serde_json::to_value(&r).map_err(|e| e.to_string());
    let json = json.unwrap_or_default();
    assert_eq!(json["format"], "MRVB");
    assert_eq!(json["fields"]["given_names"], "ANNA MARIA");
    assert_eq!(json["fields"]["birth_date_raw"], "400907");
    assert_eq!(json["check_digits_valid"], true);
    assert_eq!(json["checks"][0]["printed"], "4");
}

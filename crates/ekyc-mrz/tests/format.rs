//! Building MRZs from fields: the ICAO specimens come out character for character.

use ekyc_mrz::{format_mrz, format_td1, format_td2, format_td3, MrzError, MrzFormat, MrzInput};

fn anna(code: &str, number: &str) -> MrzInput {
    MrzInput {
        document_code: code.into(),
        issuing_state: "UTO".into(),
        surname: "Eriksson".into(),
        given_names: "Anna Maria".into(),
        document_number: number.into(),
        nationality: "UTO".into(),
        birth_date: "19740812".into(),
        sex: "F".into(),
        expiry_date: "120415".into(),
        ..MrzInput::default()
    }
}

#[test]
fn icao_specimens() {
    assert_eq!(
        format_td1(&anna("I", "D23145890")),
        Ok(vec![
            "I<UTOD231458907<<<<<<<<<<<<<<<".to_string(),
            "7408122F1204159UTO<<<<<<<<<<<6".to_string(),
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<".to_string(),
        ])
    );
    assert_eq!(
        format_td2(&anna("I", "D23145890")),
        Ok(vec![
            "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<".to_string(),
            "D231458907UTO7408122F1204159<<<<<<<6".to_string(),
        ])
    );
    let passport = MrzInput {
        optional_data: "ZE184226B".into(),
        ..anna("P", "L898902C3")
    };
    assert_eq!(
        format_td3(&passport),
        Ok(vec![
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<".to_string(),
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10".to_string(),
        ])
    );
    let visa = MrzInput {
        nationality: "XXX".into(),
        birth_date: "400907".into(),
        expiry_date: "961210".into(),
        ..anna("V", "L8988901C")
    };
    assert_eq!(
        format_mrz(MrzFormat::MrvB, &visa),
        Ok(vec![
            "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<".to_string(),
            "L8988901C4XXX4009078F9612109<<<<<<<<".to_string(),
        ])
    );
}

#[test]
fn long_number_overflows_into_optional_data() {
    let input = MrzInput {
        surname: "Stevenson".into(),
        given_names: "Peter John".into(),
        birth_date: "340712".into(),
        sex: "M".into(),
        expiry_date: "950712".into(),
        ..anna("I", "D23145890734")
    };
    assert_eq!(
        format_td1(&input).map(|l| l[0].clone()),
        Ok("I<UTOD23145890<7349<<<<<<<<<<<".to_string())
    );
    assert!(matches!(
        format_td3(&input),
        Err(MrzError::InvalidField {
            field: "document_number",
            ..
        })
    ));
}

#[test]
fn long_names_are_truncated_other_overlong_fields_rejected() {
    let long_name = MrzInput {
        surname: "Wolfeschlegelsteinhausenbergerdorff".into(),
        ..anna("P", "L898902C3")
    };
    let lines = format_td3(&long_name).unwrap_or_default();
    assert_eq!(
        lines.first().map(String::as_str),
        Some("P<UTOWOLFESCHLEGELSTEINHAUSENBERGERDORFF<<AN")
    );
    let bad = [
        MrzInput {
            issuing_state: "UTOP".into(),
            ..anna("P", "1")
        },
        MrzInput {
            birth_date: "1974-08-12".into(),
            ..anna("P", "1")
        },
        MrzInput {
            sex: "female".into(),
            ..anna("P", "1")
        },
        MrzInput {
            surname: "Müller".into(),
            ..anna("P", "1")
        },
        MrzInput {
            optional_data_2: "X".into(),
            ..anna("P", "1")
        },
        MrzInput {
            optional_data: "123456789012345".into(),
            ..anna("P", "1")
        },
    ];
    for input in bad {
        assert!(
            matches!(format_td3(&input), Err(MrzError::InvalidField { .. })),
            "{input:?}"
        );
    }
}

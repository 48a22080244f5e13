//! Property tests; `cargo fuzz` needs nightly, which is not available, so these are the fuzzing.

use ekyc_mrz::{
    confusable, format_mrz, normalise_line, parse_text_with, parse_with, resolve_with,
    CandidateLine, MrzFormat, MrzInput, ParseOptions, ResolveOptions,
};
use proptest::prelude::*;

const OPTS: ParseOptions = ParseOptions {
    today: (2026, 11, 25),
};

const ALPHABET: [char; 12] = ['0', '1', '5', '6', '8', 'O', 'I', 'S', 'G', 'B', 'K', '<'];

const FORMATS: [MrzFormat; 5] = [
    MrzFormat::Td1,
    MrzFormat::Td2,
    MrzFormat::Td3,
    MrzFormat::MrvA,
    MrzFormat::MrvB,
];

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Z]{1,6}", 0..=2).prop_map(|w| w.join(" "))
}

fn yymmdd() -> impl Strategy<Value = String> {
    (0u32..100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:02}{m:02}{d:02}"))
}

/// Fields that fit `format` without truncation; `long_numbers` allows TD1/TD2 overflow numbers.
fn input_for(format: MrzFormat, long_numbers: bool) -> impl Strategy<Value = MrzInput> {
    let code = match format {
        MrzFormat::Td1 => "(I|A|C)[A-Z<]?",
        MrzFormat::Td2 => "(I|A|C)[A-Z<]?",
        MrzFormat::Td3 => "P[A-Z<]?",
        MrzFormat::MrvA | MrzFormat::MrvB => "V[A-Z<]?",
    };
    let overflow = long_numbers && matches!(format, MrzFormat::Td1 | MrzFormat::Td2);
    let number = if overflow {
        "[A-Z0-9]{1,12}"
    } else {
        "[A-Z0-9]{1,9}"
    };
    let fixed = (
        code,
        "[A-Z]{1,3}",
        "[A-Z]{1,6}",
        words(),
        number,
        "[A-Z]{1,3}",
    );
    let rest = (
        yymmdd(),
        "[MFX]",
        yymmdd(),
        "[A-Z0-9]{0,16}",
        "[A-Z0-9]{0,11}",
    );
    (fixed, rest).prop_map(move |((code, state, surname, given, number, nat), rest)| {
        let (birth, sex, expiry, optional, optional_2) = rest;
        // Room left for optional data once a long number has overflowed into it.
        // The overflow takes its characters plus a check digit and a terminating filler.
        let overflow_len = if number.len() > 9 {
            number.len() - 9 + 2
        } else {
            0
        };
        let room = match format {
            MrzFormat::Td1 => 15,
            MrzFormat::Td2 => 7,
            MrzFormat::Td3 => 14,
            MrzFormat::MrvA => 16,
            MrzFormat::MrvB => 8,
        } - overflow_len;
        MrzInput {
            document_code: code.trim_end_matches('<').to_string(),
            issuing_state: state,
            surname,
            given_names: given,
            document_number: number,
            nationality: nat,
            birth_date: birth,
            sex,
            expiry_date: expiry,
            optional_data: optional.chars().take(room).collect(),
            optional_data_2: if format == MrzFormat::Td1 {
                optional_2
            } else {
                String::new()
            },
        }
    })
}

fn any_mrz(long_numbers: bool) -> impl Strategy<Value = (MrzFormat, MrzInput, Vec<String>)> {
    prop::sample::select(FORMATS.to_vec())
        .prop_flat_map(move |f| (Just(f), input_for(f, long_numbers)))
        .prop_filter_map("formatting failed", |(f, input)| {
            let lines = format_mrz(f, &input).ok()?;
            Some((f, input, lines))
        })
}

fn refs(lines: &[String]) -> Vec<&str> {
    lines.iter().map(String::as_str).collect()
}

proptest! {
    // Failures print their minimal input; no regression files are written into the source tree.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = parse_text_with(&text, &OPTS);
        let _ = normalise_line(&text, 44);
    }

    #[test]
    fn arbitrary_line_sets_never_panic(lines in prop::collection::vec("[A-Z0-9<]{0,46}", 0..5)) {
        let _ = parse_with(&refs(&lines), &OPTS);
    }

    #[test]
    fn right_shaped_garbage_never_panics(
        shape in prop::sample::select(vec![(3usize, 30usize), (2, 36), (2, 44)]),
        seed in prop::collection::vec("[A-Z0-9<]{44}", 3),
    ) {
        let lines: Vec<String> = seed[..shape.0].iter().map(|l| l[..shape.1].to_string()).collect();
        if let Ok(r) = parse_with(&refs(&lines), &OPTS) {
            prop_assert_eq!(r.lines, lines);
            prop_assert_eq!(r.check_digits_valid, r.checks.iter().all(|c| c.ok));
        }
    }

    #[test]
    fn arbitrary_candidates_never_panic(
        lines in prop::collection::vec(
            prop::collection::vec(prop::collection::vec((any::<char>(), any::<f32>()), 0..3), 28..46),
            0..4,
        )
    ) {
        let _ = resolve_with(&lines, &ResolveOptions { parse: OPTS, ..ResolveOptions::default() });
    }

    #[test]
    fn right_shaped_candidates_never_panic(
        shape in prop::sample::select(vec![(3usize, 30usize), (2, 36), (2, 44)]),
        cells in prop::collection::vec(
            prop::collection::vec((prop::sample::select(ALPHABET.to_vec()), 0f32..1.0), 1..4),
            132,
        ),
    ) {
        let lines: Vec<CandidateLine> =
            cells.chunks(shape.1).take(shape.0).map(<[_]>::to_vec).collect();
        let opts = ResolveOptions { parse: OPTS, ..ResolveOptions::default() };
        if let Some(r) = resolve_with(&lines, &opts) {
            prop_assert_eq!(r.lines.len(), shape.0);
        }
    }

    #[test]
    fn formatted_mrz_round_trips((format, input, lines) in any_mrz(true)) {
        let r = parse_with(&refs(&lines), &OPTS).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(r.format, format);
        prop_assert!(r.check_digits_valid, "{:?} {:?}", lines, r.checks);
        let f = &r.fields;
        prop_assert_eq!(&f.document_code, &input.document_code);
        prop_assert_eq!(&f.issuing_state, &input.issuing_state);
        prop_assert_eq!(&f.nationality, &input.nationality);
        prop_assert_eq!(&f.surname, &input.surname);
        prop_assert_eq!(&f.given_names, &input.given_names);
        prop_assert_eq!(&f.document_number, &input.document_number);
        prop_assert_eq!(&f.birth_date_raw, &input.birth_date);
        prop_assert_eq!(&f.expiry_date_raw, &input.expiry_date);
        prop_assert_eq!(&f.sex, &input.sex);
        prop_assert_eq!(&f.optional_data, &input.optional_data);
        prop_assert_eq!(&f.optional_data_2, &input.optional_data_2);
        prop_assert!(f.birth_date.ends_with(&input.birth_date[2..]) && f.birth_date.len() == 8);
        prop_assert!(f.birth_date.as_str() <= "20261125");
    }

    #[test]
    fn flipping_a_checked_digit_is_caught((format, _input, lines) in any_mrz(true), pick in any::<prop::sample::Index>(), delta in 1u8..10) {
        // Visas leave their optional data unchecked; everything else with digits is covered.
        let checked = |line: usize, p: usize| !format.is_visa() || (line == 1 && p < 28);
        let digits: Vec<(usize, usize)> = lines.iter().enumerate()
            .flat_map(|(i, l)| l.chars().enumerate().filter(|(_, c)| c.is_ascii_digit()).map(move |(p, _)| (i, p)))
            .filter(|&(i, p)| checked(i, p))
            .collect();
        prop_assume!(!digits.is_empty());
        let (line, p) = digits[pick.index(digits.len())];
        let mut broken = lines.clone();
        let old = broken[line].as_bytes()[p] - b'0';
        let new = char::from(b'0' + (old + delta) % 10);
        broken[line].replace_range(p..=p, &new.to_string());
        let r = parse_with(&refs(&broken), &OPTS).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(!r.check_digits_valid, "{:?} -> {:?}", lines, broken);
        prop_assert_eq!(r.lines, broken);
    }

    #[test]
    fn resolve_recovers_confusable_errors(
        (_format, _input, lines) in any_mrz(false),
        pick in any::<prop::sample::Index>(),
        partner_pick in any::<prop::sample::Index>(),
    ) {
        let grid: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
        let positions: Vec<(usize, usize)> = grid.iter().enumerate()
            .flat_map(|(i, l)| (0..l.len()).map(move |p| (i, p)))
            .filter(|&(i, p)| partners(grid[i][p]).next().is_some())
            .collect();
        prop_assume!(!positions.is_empty());
        let (line, p) = positions[pick.index(positions.len())];
        let truth = grid[line][p];
        let options: Vec<char> = partners(truth).collect();
        let wrong = options[partner_pick.index(options.len())];
        let candidates: Vec<CandidateLine> = grid.iter().enumerate().map(|(i, l)| {
            l.iter().enumerate().map(|(q, &c)| {
                if (i, q) == (line, p) { vec![(wrong, 0.6), (truth, 0.35)] } else { vec![(c, 0.95)] }
            }).collect()
        }).collect();
        let mut corrupted = lines.clone();
        corrupted[line] = grid[line].iter().enumerate().map(|(q, &c)| if q == p { wrong } else { c }).collect();
        let opts = ResolveOptions { parse: OPTS, ..ResolveOptions::default() };
        let r = resolve_with(&candidates, &opts).ok_or_else(|| TestCaseError::fail("no reading"))?;
        // A line printing both `O` and `0` may hold a field where swapping them keeps every
        // check digit: such readings are not reported valid (see `swaps.rs`).
        let mixes_o_and_zero = lines.iter().any(|l| l.contains('O') && l.contains('0'));
        prop_assert!(r.check_digits_valid || mixes_o_and_zero, "{:?}", r.checks);
        // Undetectable swaps (G/6 and </K weigh the same modulo 10, or unchecked fields) may stay.
        let detectable = parse_with(&refs(&corrupted), &OPTS).map_or(true, |c| !c.check_digits_valid);
        if detectable {
            prop_assert_eq!(&r.lines, &lines, "corrupted {:?}", corrupted);
        } else {
            prop_assert!(r.lines == lines || r.lines == corrupted, "{:?}", r.lines);
        }
    }
}

/// Characters `c` is confusable with, in the MRZ alphabet.
fn partners(c: char) -> impl Iterator<Item = char> {
    ('0'..='9')
        .chain('A'..='Z')
        .chain(['<'])
        .filter(move |&x| confusable(c, x))
}

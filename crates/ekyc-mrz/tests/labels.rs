//! Every MRZ printed on the real specimen documents in `shared/data/documents/labels.csv`.

use std::path::PathBuf;

use ekyc_mrz::{parse_text_with, MrzFormat, ParseOptions};

/// Specimens that print a wrong check digit on purpose: (file, failing check fields).
const KNOWN_INVALID: &[(&str, &[&str])] = &[("d020.png", &["composite"])];

fn data_dir() -> PathBuf {
    match std::env::var_os("EKYC_TEST_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// The size class a label's `doc_type` names (visas count as their size).
fn size_class(format: MrzFormat) -> &'static str {
    match format {
        MrzFormat::Td1 => "TD1",
        MrzFormat::Td2 | MrzFormat::MrvB => "TD2",
        MrzFormat::Td3 | MrzFormat::MrvA => "TD3",
    }
}

#[test]
fn every_labelled_mrz_parses_and_reports_its_check_digits() {
    let path = data_dir().join("documents/labels.csv");
    let Ok(csv) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED: {} not found (set EKYC_TEST_DATA)", path.display());
        return;
    };
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap_or_default().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (Some(file_c), Some(type_c), Some(mrz_c)) = (col("file"), col("doc_type"), col("mrz"))
    else {
        panic!("labels.csv header lacks file/doc_type/mrz: {header:?}");
    };
    let today = ParseOptions {
        today: (2026, 11, 25),
    };
    let mut parsed = 0;
    for row in rows.filter(|r| !r.trim().is_empty()) {
        // No field of this file contains a comma.
        let cells: Vec<&str> = row.split(',').collect();
        let cell = |i: usize| cells.get(i).copied().unwrap_or_default();
        let (file, doc_type, mrz) = (cell(file_c), cell(type_c), cell(mrz_c));
        if mrz.is_empty() {
            continue;
        }
        let r = match parse_text_with(mrz, &today) {
            Ok(r) => r,
            Err(e) => panic!("{file}: {e}"),
        };
        assert_eq!(size_class(r.format), doc_type, "{file}");
        assert_eq!(
            r.lines.join("|"),
            mrz,
            "{file}: lines must be kept as printed"
        );
        let failing: Vec<&str> = r
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.field.as_str())
            .collect();
        println!(
            "{file} {} valid={} failing={failing:?} number={} name={} {}",
            r.format.as_str(),
            r.check_digits_valid,
            r.fields.document_number,
            r.fields.surname,
            r.fields.given_names
        );
        let expected: &[&str] = KNOWN_INVALID
            .iter()
            .find(|(f, _)| *f == file)
            .map_or(&[], |(_, fields)| fields);
        assert_eq!(failing, expected, "{file}: {:?}", r.checks);
        assert_eq!(r.check_digits_valid, expected.is_empty(), "{file}");
        parsed += 1;
    }
    assert!(parsed >= 20, "only {parsed} MRZs in {}", path.display());
}

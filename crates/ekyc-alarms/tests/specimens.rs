//! The detectors on real specimen documents from the shared test data, with the MRZ bands the
//! reader finds on them (`ekyc eval alarms --hints`), at the default level: genuine colour
//! documents raise nothing, a black-and-white card back looks like a copy. Skips with a
//! message when the data is missing.

use std::path::PathBuf;

use ekyc_alarms::{check, AlarmConfig, CardHints, MrzHint};
use ekyc_types::CardAlarm;

type Band = (&'static str, [(f32, f32); 4], usize, usize);

/// File, MRZ band corners (TL, TR, BR, BL), lines, characters per line.
const SPECIMENS: [Band; 10] = [
    (
        "d002.png",
        [(16.4, 211.5), (371.1, 212.3), (371.0, 243.9), (16.3, 243.1)],
        2,
        44,
    ),
    (
        "d006.png",
        [(27.6, 338.8), (563.4, 339.5), (563.3, 391.2), (27.5, 390.5)],
        2,
        44,
    ),
    (
        "d007.jpg",
        [(51.9, 337.2), (608.1, 338.3), (608.0, 389.7), (51.8, 388.6)],
        2,
        44,
    ),
    // d008 and d023: noise-free scan paper next to noisy print, once taken for a pasted patch.
    (
        "d008.jpg",
        [(26.9, 326.6), (571.3, 326.5), (571.3, 389.2), (26.9, 389.3)],
        2,
        36,
    ),
    (
        "d023.jpg",
        [(12.8, 124.1), (270.6, 124.2), (270.6, 166.1), (12.8, 166.0)],
        3,
        30,
    ),
    (
        "d010.png",
        [(26.5, 321.0), (572.3, 322.2), (572.1, 382.3), (26.4, 381.1)],
        2,
        36,
    ),
    (
        "d015.jpg",
        [(57.1, 413.0), (723.6, 414.1), (723.5, 473.5), (57.0, 472.5)],
        2,
        44,
    ),
    (
        "d021.png",
        [
            (114.3, 660.9),
            (1181.9, 663.9),
            (1181.6, 762.2),
            (114.0, 759.2),
        ],
        2,
        44,
    ),
    (
        "d022.png",
        [(24.1, 417.1), (369.0, 417.5), (368.9, 475.0), (24.0, 474.5)],
        3,
        30,
    ),
    (
        "d020.png",
        [
            (103.7, 373.5),
            (882.0, 375.6),
            (881.6, 523.7),
            (103.3, 521.6),
        ],
        3,
        30,
    ),
];

fn documents_dir() -> Option<PathBuf> {
    let root = std::env::var_os("EKYC_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let dir = root.join("documents");
    if dir.join("labels.csv").is_file() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: no test documents at {}", dir.display());
        None
    }
}

fn raised(dir: &std::path::Path, (file, corners, lines, chars): Band) -> Vec<CardAlarm> {
    let image = image::open(dir.join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
        .to_rgb8();
    let hints = CardHints {
        mrz: Some(MrzHint {
            corners,
            lines,
            chars,
        }),
        card: None,
    };
    check(&image, &hints, &AlarmConfig::default()).raised
}

#[test]
fn genuine_colour_documents_raise_nothing() {
    let Some(dir) = documents_dir() else { return };
    for band in SPECIMENS.iter().filter(|b| b.0 != "d020.png") {
        assert_eq!(raised(&dir, *band), vec![], "{}", band.0);
    }
}

#[test]
fn black_and_white_card_back_looks_like_a_copy() {
    let Some(dir) = documents_dir() else { return };
    let band = SPECIMENS
        .iter()
        .find(|b| b.0 == "d020.png")
        .copied()
        .unwrap();
    assert!(raised(&dir, band).contains(&CardAlarm::Photocopy));
}

//! The visual-zone reader with the pinned PP-OCR models after the MRZ reader: on the real ICAO
//! specimen page of the shared data (`documents/d015.jpg`, whose visual zone prints the ICAO
//! 9303 example holder) and on the generated passport fixtures of the SDK contract tests
//! (`tools/sdk/contract/fixtures`, made by `tools/documents/generate.py`, truth in `viz.csv`).
//! Skips with a message when the models or the data are missing.

use std::path::PathBuf;
use std::sync::OnceLock;

use ekyc_doc::{MrzReader, DETECTOR_MODEL, RECOGNIZER_MODEL};
use ekyc_idcard::{passport_infos, MrzAnchor, VizReader, LABEL_RECOGNIZER_MODEL};
use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_media::{decode_image, ImageLimits};
use ekyc_types::wire::ocr::PassportRecognizeInfos;

struct Readers {
    mrz: MrzReader,
    viz: VizReader,
}

fn readers() -> Option<&'static Readers> {
    static READERS: OnceLock<Option<Readers>> = OnceLock::new();
    READERS
        .get_or_init(|| {
            let load = || -> Result<Readers, Box<dyn std::error::Error>> {
                let manifest = Manifest::embedded()?;
                // The labels are read with the small recogniser (its first look).
                let names = [DETECTOR_MODEL, RECOGNIZER_MODEL, LABEL_RECOGNIZER_MODEL];
                let opts = SessionOptions::default();
                let engine = Engine::load(&manifest, &default_home()?, &names, &opts)?;
                Ok(Readers {
                    mrz: MrzReader::from_engine(&engine)?,
                    viz: VizReader::from_engine(&engine)?,
                })
            };
            load()
                .map_err(|e| eprintln!("SKIPPED: OCR models not loadable: {e}"))
                .ok()
        })
        .as_ref()
}

/// The infos and the number of disagreements raised, `None` when skipped.
fn read(path: PathBuf) -> Option<(PassportRecognizeInfos, usize)> {
    read_counting(path).map(|(infos, mismatches, _)| (infos, mismatches))
}

/// [`read`], and the columns the label recogniser read.
fn read_counting(path: PathBuf) -> Option<(PassportRecognizeInfos, usize, u32)> {
    let readers = readers()?;
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("SKIPPED: {} not found", path.display());
        return None;
    };
    let page = decode_image(&bytes, &ImageLimits::default())
        .expect("decodes")
        .image;
    let located = readers.mrz.read_located(&page).expect("MRZ read");
    let viz = readers.viz.read(&page, &located).expect("VIZ read");
    Some((
        passport_infos(&MrzAnchor::of(&located), Some(&viz)),
        viz.mismatches.len(),
        viz.stats.label_columns,
    ))
}

fn data_dir() -> PathBuf {
    std::env::var_os("EKYC_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools/sdk/contract/fixtures")
}

#[test]
fn real_specimen_visual_zone() {
    let Some((infos, mismatches)) = read(data_dir().join("documents/d015.jpg")) else {
        return;
    };
    assert_eq!(mismatches, 0, "{infos:?}");
    assert_eq!(infos.surname, "ERIKSSON");
    assert_eq!(infos.given_name, "ANNA MARIA");
    assert_eq!(infos.passport_id, "L898902C3");
    assert_eq!(infos.date_of_birth, "12/08/1974");
    // Only in the visual zone.
    assert_eq!(infos.date_of_issuance, "16/04/2007");
    assert_eq!(infos.date_of_expiration, "15/04/2012");
    assert_eq!(infos.birth_place.as_deref(), Some("ZENITH"));
}

/// A real page whose labels print smaller than their values: they are read with the small
/// recogniser, and the fields found under them are the same.
#[test]
fn real_specimen_labels_read_with_the_small_recogniser() {
    let Some((infos, mismatches, label_columns)) =
        read_counting(data_dir().join("documents/d025.jpg"))
    else {
        return;
    };
    assert_eq!(mismatches, 0, "{infos:?}");
    assert!(label_columns > 0, "no label read with the small recogniser");
    assert_eq!(infos.date_of_issuance, "23/04/2012", "{infos:?}");
    assert_eq!(infos.issue_place.as_deref(), Some("FCO"), "{infos:?}");
}

#[test]
fn generated_page_visual_zone() {
    let Some((infos, mismatches)) = read(fixtures().join("pf5_0010.jpg")) else {
        return;
    };
    assert_eq!(mismatches, 0, "{infos:?}");
    assert_eq!(infos.surname, "NAKAMURA");
    assert_eq!(infos.given_name, "FATIMA NOOR");
    assert_eq!(infos.date_of_issuance, "22/11/2017");
    assert_eq!(infos.date_of_expiration, "21/11/2027");
    assert_eq!(infos.birth_place.as_deref(), Some("WARSZAWA"));
    // The recogniser may drop the spaces of a tightly set multi-word authority (README).
    let issue_place = infos.issue_place.unwrap_or_default().replace(' ', "");
    assert_eq!(issue_place, "HMPASSPORTOFFICE");
}

#[test]
fn generated_page_printing_another_number_disagrees() {
    let Some((infos, mismatches)) = read(fixtures().join("s11_0086.jpg")) else {
        return;
    };
    assert_eq!(mismatches, 1, "{infos:?}");
}

/// A page of the attack generator whose expiry date was re-typed with random characters after
/// the shot (`tools/alarms/generate.py DIR --split tune --seed 7777 --only tampered
/// --per-attack 60 --clean 60`, `tune_0091.jpg`): the labelled expiry line holds no date, and
/// the MRZ's expiry is printed nowhere.
#[test]
fn generated_page_with_a_retyped_expiry_date_disagrees() {
    let Some((infos, mismatches)) = read(fixtures().join("retyped7777_0091.jpg")) else {
        return;
    };
    assert_eq!(mismatches, 1, "{infos:?}");
}

/// The passport read as the server does it (the region cut and detected on another thread
/// while the MRZ lines are read, those side by side) gives what the one-after-the-other read
/// gives.
#[test]
fn visual_zone_started_beside_the_mrz_reads_the_same() {
    let Some(readers) = readers() else {
        return;
    };
    let path = data_dir().join("documents/d015.jpg");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("SKIPPED: {} not found", path.display());
        return;
    };
    let page = decode_image(&bytes, &ImageLimits::default())
        .expect("decodes")
        .image;
    let located = readers.mrz.read_located(&page).expect("MRZ read");
    let alone = readers.viz.read(&page, &located).expect("VIZ read");
    let (beside, started) = readers.viz.read_mrz(&readers.mrz, &page).expect("MRZ read");
    assert_eq!(beside, located);
    assert!(started.is_some(), "the visual zone was not started early");
    let viz = readers
        .viz
        .read_started(&page, &beside, started)
        .expect("VIZ read");
    assert_eq!(viz.fields, alone.fields);
    assert_eq!(viz.lines, alone.lines);
    assert_eq!(viz.stats.net_columns, alone.stats.net_columns);
}

//! The card readers with the pinned PP-OCR models on the generated fixtures in
//! `tools/cards/fixtures` (synthetic phone photos from `tools/cards/render_cards.py`, with their
//! true fields in `labels.csv`). Skips with a message when the models are missing.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;
use ekyc_doc::{turn, DETECTOR_MODEL, RECOGNIZER_MODEL};
use ekyc_idcard::{CardError, CardReader};
use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_media::{decode_image, ImageLimits};
use image::RgbImage;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools/cards/fixtures")
}

fn reader() -> Option<&'static CardReader> {
    static READER: OnceLock<Option<CardReader>> = OnceLock::new();
    READER
        .get_or_init(|| {
            let load = || -> Result<CardReader, Box<dyn std::error::Error>> {
                let manifest = Manifest::embedded()?;
                let names = [DETECTOR_MODEL, RECOGNIZER_MODEL];
                let engine = Engine::load(
                    &manifest,
                    &default_home()?,
                    &names,
                    &SessionOptions::default(),
                )?;
                Ok(CardReader::from_engine(&engine)?)
            };
            load()
                .map_err(|e| eprintln!("SKIPPED: OCR models not loadable: {e}"))
                .ok()
        })
        .as_ref()
}

fn image(file: &str) -> RgbImage {
    let bytes = std::fs::read(fixtures().join(file)).expect("fixture readable");
    decode_image(&bytes, &ImageLimits::default())
        .expect("decodes")
        .image
}

/// file → column → value (the fixtures' labels hold no quoted commas except in `en_name`).
fn labels() -> HashMap<String, HashMap<String, String>> {
    let text = std::fs::read_to_string(fixtures().join("labels.csv")).expect("labels");
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or("")
        .split(',')
        .map(String::from)
        .collect();
    lines
        .map(|line| {
            // Re-join the quoted English name ("SURNAME, Given").
            let mut cells: Vec<String> = Vec::new();
            let mut open = false;
            for part in line.split(',') {
                if open {
                    let last = cells.last_mut().expect("open cell");
                    last.push(',');
                    last.push_str(part);
                    open = !part.ends_with('"');
                } else {
                    open = part.starts_with('"') && !part[1..].ends_with('"');
                    cells.push(part.to_string());
                }
            }
            let row: HashMap<String, String> = header
                .iter()
                .cloned()
                .zip(cells.into_iter().map(|c| c.trim_matches('"').to_string()))
                .collect();
            (row["file"].clone(), row)
        })
        .collect()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
}

#[test]
fn reads_the_hkid_fixtures() {
    let Some(reader) = reader() else { return };
    let labels = labels();
    for file in ["hkid_0000.jpg", "hkid_0001.jpg"] {
        let want = &labels[file];
        let card = reader.read_hkid(&image(file)).expect(file).card;
        assert_eq!(card.id_num, want["id_num"], "{file}");
        assert!(card.id_valid, "{file}");
        assert_eq!(card.en_name, want["en_name"], "{file}");
        assert_eq!(card.cn_name, want["cn_name"], "{file}");
        assert_eq!(card.birthday, want["birthday"], "{file}");
        assert_eq!(card.sex, want["sex"], "{file}");
        assert_eq!(card.telex_code, want["telex_code"], "{file}");
        assert_eq!(card.symbol, want["symbol"], "{file}");
        assert_eq!(card.permanent.to_string(), want["permanent"], "{file}");
        assert_eq!(card.first_issue_date, want["first_issue_date"], "{file}");
        assert_eq!(
            card.current_issue_date, want["current_issue_date"],
            "{file}"
        );
    }
}

#[test]
fn reads_the_mykad_fixtures_and_a_turned_photo() {
    let Some(reader) = reader() else { return };
    let labels = labels();
    for (file, quarter_turns) in [("mykad_0000.jpg", 0u8), ("mykad_0001.jpg", 1)] {
        let want = &labels[file];
        let photo = turn(&image(file), quarter_turns);
        let reading = reader.read_mykad(&photo, today()).expect(file);
        let card = reading.card;
        assert_eq!(card.id, want["id_num"], "{file}");
        assert_eq!(card.name, want["name"], "{file}");
        assert_eq!(card.address, want["address"], "{file}");
        assert_eq!(card.sex, want["sex"], "{file}");
        assert_eq!(card.birthday, want["birthday"], "{file}");
        assert_eq!(card.r#type, "MyKad", "{file}");
        // Sideways lines can be read as they are (the detector's boxes follow them), else
        // after turning back by the missing quarter turns.
        assert!(
            [0, (4 - quarter_turns) % 4].contains(&reading.quarter_turns),
            "{file}: {}",
            reading.quarter_turns
        );
    }
}

#[test]
fn each_reader_rejects_the_other_card() {
    let Some(reader) = reader() else { return };
    let err = reader
        .read_mykad(&image("hkid_0000.jpg"), today())
        .expect_err("not a MyKad");
    assert!(matches!(err, CardError::NotThisCard(_)), "{err}");
    let err = reader
        .read_hkid(&image("mykad_0000.jpg"))
        .expect_err("not an HKID");
    assert!(matches!(err, CardError::NotThisCard(_)), "{err}");
}

//! `ekyc ocr mrz FILE`: read the machine-readable zone of a document image.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};

use ekyc_doc::{MrzReader, DETECTOR_MODEL, LATIN_RECOGNIZER_MODEL, RECOGNIZER_MODEL};
use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_media::{decode_image, ImageLimits};
use ekyc_mrz::MrzReading;

#[derive(Subcommand)]
pub enum OcrCommand {
    /// Print the MRZ of a passport, ID card or visa image (non-zero exit when none is found).
    Mrz(MrzArgs),
    /// Print every text line (reading order, confidence, box) of an image.
    Lines(super::ocr_cards::CardArgs),
    /// Read a Hong Kong identity card front (the HKIDCardOCR response fields).
    Hkid(super::ocr_cards::CardArgs),
    /// Read a Malaysian identity card front (the MLIDCardOCR response fields).
    Mykad(super::ocr_cards::CardArgs),
}

#[derive(Args)]
pub struct MrzArgs {
    /// Image file (JPEG, PNG, BMP, WebP).
    file: PathBuf,
    /// Print JSON: {"format", "lines", "check_digits_valid", "fields"}.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    models: ModelArgs,
}

/// Where the OCR models are cached.
#[derive(Args, Clone)]
pub struct ModelArgs {
    /// Model cache (default: EKYC_HOME, else $XDG_CACHE_HOME/ekyc, else ~/.cache/ekyc).
    #[arg(long)]
    home: Option<PathBuf>,
}

impl ModelArgs {
    /// Load the OCR models (run `ekyc models fetch` first) and build the MRZ reader.
    pub fn mrz_reader(&self) -> anyhow::Result<MrzReader> {
        Ok(MrzReader::from_engine(&self.ocr_engine()?)?)
    }

    /// Load the PP-OCR detector and recognisers (full, Latin-only and the small label one).
    pub fn ocr_engine(&self) -> anyhow::Result<Engine> {
        let home = match &self.home {
            Some(h) => h.clone(),
            None => default_home()?,
        };
        let manifest = Manifest::embedded()?;
        let names = [
            DETECTOR_MODEL,
            RECOGNIZER_MODEL,
            LATIN_RECOGNIZER_MODEL,
            ekyc_idcard::LABEL_RECOGNIZER_MODEL,
        ];
        let engine = Engine::load(&manifest, &home, &names, &SessionOptions::default())
            .with_context(|| {
                format!(
                    "loading the OCR models from {} (run `ekyc models fetch`)",
                    home.display()
                )
            })?;
        Ok(engine)
    }
}

pub fn run(cmd: OcrCommand) -> anyhow::Result<()> {
    match cmd {
        OcrCommand::Mrz(args) => mrz(&args),
        OcrCommand::Lines(args) => super::ocr_cards::lines(&args),
        OcrCommand::Hkid(args) => super::ocr_cards::hkid(&args),
        OcrCommand::Mykad(args) => super::ocr_cards::mykad(&args),
    }
}

/// Decode an image file with the server's limits (EXIF orientation applied).
pub fn load_image(path: &Path) -> anyhow::Result<image::RgbImage> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let decoded = decode_image(&bytes, &ImageLimits::default())
        .with_context(|| format!("decoding {}", path.display()))?;
    Ok(decoded.image)
}

/// The JSON shape printed by `ocr mrz --json`.
pub fn reading_json(reading: &MrzReading) -> serde_json::Value {
    serde_json::json!({
        "format": reading.format.as_str(),
        "lines": reading.lines,
        "check_digits_valid": reading.check_digits_valid,
        "fields": reading.fields,
    })
}

fn mrz(args: &MrzArgs) -> anyhow::Result<()> {
    let image = load_image(&args.file)?;
    let reader = args.models.mrz_reader()?;
    let reading = reader
        .read(&image)
        .with_context(|| format!("reading the MRZ of {}", args.file.display()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reading_json(&reading))?);
        return Ok(());
    }
    println!("format: {}", reading.format.as_str());
    for line in &reading.lines {
        println!("  {line}");
    }
    println!("check digits valid: {}", reading.check_digits_valid);
    if !reading.check_digits_valid && reading.checks.iter().all(|c| c.ok) {
        println!("  every check digit holds, but the text is implausible or another look-alike reading fits as well");
    }
    for check in reading.checks.iter().filter(|c| !c.ok) {
        println!(
            "  check digit {}: printed {:?}, computed {}",
            check.field, check.printed, check.computed
        );
    }
    if let serde_json::Value::Object(fields) = serde_json::to_value(&reading.fields)? {
        for (name, value) in fields {
            if let Some(text) = value.as_str().filter(|t| !t.is_empty()) {
                println!("{name}: {text}");
            }
        }
    }
    Ok(())
}

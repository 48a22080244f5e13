//! `ekyc ocr lines|hkid|mykad FILE`: the general text lines of an image, and the identity-card
//! readers behind `HKIDCardOCR` and `MLIDCardOCR` (the same response fields, without the
//! portrait).

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use ekyc_idcard::{hkid_response, mykad_response, CardReader};

use super::ocr::{load_image, ModelArgs};

#[derive(Args)]
pub struct CardArgs {
    /// Image file (JPEG, PNG, BMP, WebP).
    file: PathBuf,
    /// Print JSON (for hkid/mykad: the API's response fields).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    models: ModelArgs,
}

impl CardArgs {
    fn load(&self) -> anyhow::Result<(image::RgbImage, CardReader)> {
        let image = load_image(&self.file)?;
        let reader = CardReader::from_engine(&self.models.ocr_engine()?)?;
        Ok((image, reader))
    }
}

/// Today's date, for the century of MyKad birth dates.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

pub fn lines(args: &CardArgs) -> anyhow::Result<()> {
    let (image, reader) = args.load()?;
    let lines = reader.lines(&image)?;
    if args.json {
        let rows: Vec<serde_json::Value> = lines
            .iter()
            .map(|l| {
                serde_json::json!({
                    "text": l.text,
                    "confidence": l.confidence,
                    "quad": l.quad().map(|p| [p.x, p.y]),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    for l in &lines {
        let c = l.rect.center;
        println!(
            "{:.2}  ({:>5.0},{:>5.0})  {}",
            l.confidence, c.x, c.y, l.text
        );
    }
    Ok(())
}

pub fn hkid(args: &CardArgs) -> anyhow::Result<()> {
    let (image, reader) = args.load()?;
    let reading = reader
        .read_hkid(&image)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let response = hkid_response(&reading.card, None, Vec::new());
    print(args.json, &serde_json::to_value(&response)?, reading.ms);
    if !reading.card.id_valid {
        eprintln!(
            "warning: the check digit of {:?} does not hold",
            reading.card.id_num
        );
    }
    Ok(())
}

pub fn mykad(args: &CardArgs) -> anyhow::Result<()> {
    let (image, reader) = args.load()?;
    let reading = reader
        .read_mykad(&image, today())
        .with_context(|| format!("reading {}", args.file.display()))?;
    let response = mykad_response(&reading.card, String::new(), Vec::new());
    print(args.json, &serde_json::to_value(&response)?, reading.ms);
    if reading.card.sex_mismatch {
        eprintln!("warning: the printed sex disagrees with the number's last digit");
    }
    Ok(())
}

fn print(json: bool, value: &serde_json::Value, ms: f64) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(value).unwrap_or_default()
        );
        return;
    }
    if let serde_json::Value::Object(fields) = value {
        for (name, v) in fields {
            match v {
                serde_json::Value::String(s) if !s.is_empty() => println!("{name}: {s}"),
                serde_json::Value::Number(n) => println!("{name}: {n}"),
                _ => {}
            }
        }
    }
    println!("({ms:.0} ms)");
}

//! `ekyc bench ocr`: MRZ reading and document-alarm stage speed on a passport photo of
//! 1600×1200 made from a specimen.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::commands::bench::{print_table, time_ms, Row};
use crate::commands::ocr::ModelArgs;

#[derive(Args)]
pub struct BenchOcrArgs {
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// Passport page to place on the 1600×1200 photo (default: documents/d025.jpg in
    /// EKYC_TEST_DATA or ../shared/data).
    #[arg(long)]
    image: Option<PathBuf>,
    #[command(flatten)]
    models: ModelArgs,
}

fn default_page() -> PathBuf {
    let data = std::env::var_os("EKYC_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    data.join("documents/d025.jpg")
}

/// The page scaled to 90 % of the photo height on a grey table, as JPEG bytes.
fn passport_photo(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    let page = image::open(path)
        .with_context(|| format!("opening {}", path.display()))?
        .to_rgb8();
    let (w, h) = (1600u32, 1200u32);
    let scale = (h as f32 * 0.9) / page.height() as f32;
    let (pw, ph) = (
        ((page.width() as f32 * scale) as u32).min(w),
        (page.height() as f32 * scale) as u32,
    );
    let page = image::imageops::resize(&page, pw, ph, image::imageops::FilterType::Triangle);
    let mut photo = image::RgbImage::from_pixel(w, h, image::Rgb([110, 104, 98]));
    image::imageops::overlay(
        &mut photo,
        &page,
        ((w - pw) / 2) as i64,
        ((h - ph) / 2) as i64,
    );
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&photo)?;
    Ok(out)
}

pub fn run(args: &BenchOcrArgs) -> anyhow::Result<()> {
    let path = args.image.clone().unwrap_or_else(default_page);
    let jpeg = passport_photo(&path)?;
    let reader = args.models.mrz_reader()?;
    let limits = ekyc_media::ImageLimits::default();
    let image = ekyc_media::decode_image(&jpeg, &limits)?.image;
    let input = format!(
        "1600×1200 JPEG {:.0} kB with {}",
        jpeg.len() as f64 / 1e3,
        path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
    );
    let mut rows = Vec::new();
    eprintln!("timing MRZ reading ...");
    let (median, p90) = time_ms(args.runs, || {
        reader.read(&image)?;
        Ok(())
    })?;
    rows.push(Row {
        name: "MRZ only (find + read + parse)".into(),
        input: input.clone(),
        median,
        p90,
    });
    eprintln!("timing decode + MRZ ...");
    let (median, p90) = time_ms(args.runs, || {
        let decoded = ekyc_media::decode_image(&jpeg, &limits)?.image;
        reader.read(&decoded)?;
        Ok(())
    })?;
    rows.push(Row {
        name: "JPEG decode + MRZ".into(),
        input: input.clone(),
        median,
        p90,
    });
    // The alarm stage as MLIDPassportOCR runs it: card region from the MRZ band just read.
    let located = reader.read_located(&image)?;
    let hints = ekyc_alarms::CardHints {
        mrz: Some(ekyc_alarms::MrzHint {
            corners: located.corners.map(|p| (p.x, p.y)),
            lines: located.reading.lines.len(),
            chars: located
                .reading
                .lines
                .first()
                .map_or(0, |l| l.chars().count()),
        }),
        card: None,
    };
    let config = ekyc_alarms::AlarmConfig::default();
    eprintln!("timing the document alarm stage ...");
    let (median, p90) = time_ms(args.runs, || {
        ekyc_alarms::check(&image, &hints, &config);
        Ok(())
    })?;
    rows.push(Row {
        name: "document alarms (6 detectors, MRZ excluded)".into(),
        input: input.clone(),
        median,
        p90,
    });
    print_table("ekyc bench ocr", &rows, args.runs);
    Ok(())
}

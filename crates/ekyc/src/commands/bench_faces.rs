//! `ekyc bench faces`: the face pipeline's speed on a 1 MP selfie made from a real photo.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use clap::Args;

use ekyc_face::spoof::screen_measure;
use ekyc_face::{compare, CompareOptions};

use crate::commands::bench::{print_table, time_ms, Row};
use crate::commands::faces;
use crate::settings::CommonArgs;

#[derive(Args)]
pub struct BenchFacesArgs {
    #[command(flatten)]
    common: CommonArgs,
    #[arg(long, default_value_t = 20)]
    runs: usize,
    /// Face photo to scale to 1 MP (default: faces/images/face_recognition__obama.jpg in EKYC_TEST_DATA or ../shared/data).
    #[arg(long)]
    image: Option<PathBuf>,
    /// Python of a venv with the `face_recognition` package: add its rows on the same image
    /// (tools/faces/bench_dlib.py; setup in that file).
    #[arg(long)]
    dlib_python: Option<PathBuf>,
}

fn default_image() -> PathBuf {
    let data = std::env::var_os("EKYC_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    data.join("faces/images/face_recognition__obama.jpg")
}

/// The photo scaled to about one megapixel, as JPEG bytes.
fn one_megapixel(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    let img = image::open(path).with_context(|| format!("opening {}", path.display()))?;
    let scale = (1.0e6 / (img.width() as f64 * img.height() as f64)).sqrt();
    let (w, h) = (
        (img.width() as f64 * scale).round() as u32,
        (img.height() as f64 * scale).round() as u32,
    );
    let resized = img
        .resize_exact(w, h, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&resized)?;
    Ok(out)
}

pub fn run(args: &BenchFacesArgs) -> anyhow::Result<()> {
    let config = args.common.load()?;
    let path = args.image.clone().unwrap_or_else(default_image);
    let jpeg = one_megapixel(&path)?;
    let models = faces::load(&config)?;
    let limits = config.image_limits();
    let image = ekyc_media::decode_image(&jpeg, &limits)?.image;
    let input = format!(
        "{}×{} JPEG {:.0} kB from {}",
        image.width(),
        image.height(),
        jpeg.len() as f64 / 1e3,
        path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
    );
    let pipeline = &models.pipeline;
    let mut rows = Vec::new();
    eprintln!("timing detection ...");
    let (median, p90) = time_ms(args.runs, || {
        pipeline
            .detector
            .detect_largest(&image)?
            .context("no face in the bench image")?;
        Ok(())
    })?;
    rows.push(Row {
        name: "detect (coarse + close-up pass)".into(),
        input: input.clone(),
        median,
        p90,
    });
    eprintln!("timing detect + align + embed ...");
    let (median, p90) = time_ms(args.runs, || {
        pipeline
            .describe_largest(&image)?
            .context("no face in the bench image")?;
        Ok(())
    })?;
    rows.push(Row {
        name: "detect + align + embed".into(),
        input: input.clone(),
        median,
        p90,
    });
    eprintln!("timing full compare ...");
    let (median, p90) = time_ms(args.runs, || {
        let a = ekyc_media::decode_image(&jpeg, &limits)?.image;
        let b = ekyc_media::decode_image(&jpeg, &limits)?.image;
        compare(pipeline, &a, &b, &CompareOptions::default())?;
        Ok(())
    })?;
    rows.push(Row {
        name: "full compare: decode 2 JPEGs + 2 × describe + Sim".into(),
        input: input.clone(),
        median,
        p90,
    });
    eprintln!("timing the screen-recapture check ...");
    let face = pipeline
        .detector
        .detect_largest(&image)?
        .context("no face in the bench image")?;
    let (median, p90) = time_ms(args.runs, || {
        screen_measure(&image, &face).context("face too small for the screen check")?;
        Ok(())
    })?;
    rows.push(Row {
        name: "screen-recapture check (LifePhotoDetectFake), one face".into(),
        input: input.clone(),
        median,
        p90,
    });
    if let Some(python) = &args.dlib_python {
        eprintln!("timing dlib (face_recognition) ...");
        rows.extend(dlib_rows(python, &jpeg, &input, args.runs)?);
    }
    print_table("ekyc bench faces", &rows, args.runs);
    Ok(())
}

#[derive(serde::Deserialize)]
struct DlibRow {
    name: String,
    median: f64,
    p90: f64,
}

/// The same JPEG through tools/faces/bench_dlib.py in `python`'s venv.
fn dlib_rows(python: &Path, jpeg: &[u8], input: &str, runs: usize) -> anyhow::Result<Vec<Row>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("selfie.jpg");
    std::fs::write(&path, jpeg)?;
    let out = Command::new(python)
        .arg("tools/faces/bench_dlib.py")
        .arg("--image")
        .arg(&path)
        .args(["--runs", &runs.to_string(), "--json"])
        .output()
        .with_context(|| format!("running {}", python.display()))?;
    if !out.status.success() {
        bail!(
            "tools/faces/bench_dlib.py failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let rows: Vec<DlibRow> =
        serde_json::from_slice(&out.stdout).context("reading bench_dlib.py's JSON")?;
    Ok(rows
        .into_iter()
        .map(|r| Row {
            name: r.name,
            input: input.to_string(),
            median: r.median,
            p90: r.p90,
        })
        .collect())
}

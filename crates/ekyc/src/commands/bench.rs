//! `ekyc bench ...`: speed tables (median of N warm runs). Inputs are generated here, so the
//! numbers are reproducible on any machine.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};
use base64::Engine as _;
use clap::{Args, Subcommand};

use ekyc_media::{decode_base64, decode_image, decode_video, probe_video};
use ekyc_server::Config;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Base64 + image decode of a 3 MB JPEG; probe + frames + audio of an 8 MB 6 s 720p MP4.
    Intake(BenchArgs),
    /// Face detect + align + embed of a 1 MP selfie; full compare of two 1 MP photos.
    Faces(crate::commands::bench_faces::BenchFacesArgs),
    /// MRZ reading and the document alarm stage on a 1600×1200 passport photo.
    Ocr(crate::commands::bench_ocr::BenchOcrArgs),
    /// Liveness on a 6 s 720p MP4: decode, tracking + checks, SILENT + compare, ACTION; peak RSS.
    Liveness(crate::commands::bench_liveness::BenchLivenessArgs),
}

#[derive(Args)]
pub struct BenchArgs {
    /// Timed runs per row (after one warm-up run).
    #[arg(long, default_value_t = 10)]
    pub runs: usize,
}

pub fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Intake(args) => intake(&args),
        BenchCommand::Faces(args) => crate::commands::bench_faces::run(&args),
        BenchCommand::Ocr(args) => crate::commands::bench_ocr::run(&args),
        BenchCommand::Liveness(args) => crate::commands::bench_liveness::run(&args),
    }
}

/// Median and 90th percentile of `runs` timings (ms) of `f`, after one warm-up call.
pub fn time_ms(
    runs: usize,
    mut f: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<(f64, f64)> {
    f()?;
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        f()?;
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    let median = samples[samples.len() / 2];
    let p90 = samples[((samples.len() as f64 * 0.9).ceil() as usize).min(samples.len()) - 1];
    Ok((median, p90))
}

pub struct Row {
    pub name: String,
    pub input: String,
    pub median: f64,
    pub p90: f64,
}

pub fn print_table(title: &str, rows: &[Row], runs: usize) {
    println!(
        "{title} (median and p90 of {runs} warm runs, {} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| step | input | median ms | p90 ms |");
    println!("|---|---|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {:.1} | {:.1} |",
            r.name, r.input, r.median, r.p90
        );
    }
}

fn intake(args: &BenchArgs) -> anyhow::Result<()> {
    let config = Config::default();
    let dir = tempfile::tempdir()?;
    eprintln!("generating inputs in {} ...", dir.path().display());
    let jpeg = make_jpeg(3_000_000)?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&jpeg);
    let video_path = dir.path().join("bench.mp4");
    make_mp4(&video_path)?;
    let video = std::fs::read(&video_path)?;
    let limits = config.image_limits();
    let opts = config.video_options();
    let mut rows = Vec::new();
    let jpeg_desc = format!("JPEG {:.1} MB, 3000×2000", jpeg.len() as f64 / 1e6);
    eprintln!("timing Base64 + image decode ...");
    let (median, p90) = time_ms(args.runs, || {
        let bytes = decode_base64(&b64, b64.len())?;
        decode_image(&bytes, &limits)?;
        Ok(())
    })?;
    rows.push(Row {
        name: "Base64 + image decode".into(),
        input: jpeg_desc.clone(),
        median,
        p90,
    });
    let (median, p90) = time_ms(args.runs, || {
        decode_base64(&b64, b64.len())?;
        Ok(())
    })?;
    rows.push(Row {
        name: "  of which Base64".into(),
        input: jpeg_desc,
        median,
        p90,
    });

    let video_desc = format!(
        "MP4 {:.1} MB, 6 s 1280×720 30 fps + AAC",
        video.len() as f64 / 1e6
    );
    eprintln!("timing video probe ...");
    let (median, p90) = time_ms(args.runs, || {
        probe_video(&video, &opts)?;
        Ok(())
    })?;
    rows.push(Row {
        name: "video probe (ffprobe)".into(),
        input: video_desc.clone(),
        median,
        p90,
    });
    eprintln!("timing video decode ...");
    let (median, p90) = time_ms(args.runs, || {
        let v = decode_video(&video, &opts)?;
        if v.frames.is_empty() || v.audio_16k_mono.is_none() {
            bail!("the benchmark video decoded without frames or audio");
        }
        Ok(())
    })?;
    rows.push(Row {
        name: format!(
            "probe + frames ({} fps, ≤{} px) + 16 kHz audio",
            opts.fps, opts.max_side
        ),
        input: video_desc,
        median,
        p90,
    });
    print_table("ekyc bench intake", &rows, args.runs);
    Ok(())
}

/// A photo-like JPEG near `target` bytes: gradients plus noise, noise scaled until the size fits.
fn make_jpeg(target: usize) -> anyhow::Result<Vec<u8>> {
    let (w, h) = (3000u32, 2000u32);
    let mut amplitude = 24.0f32;
    let mut best = Vec::new();
    for _ in 0..6 {
        let mut seed = 0x2545F491u32;
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let n = (seed % 1000) as f32 / 1000.0 - 0.5;
            let base = [
                (x * 255 / w) as f32,
                (y * 255 / h) as f32,
                ((x + y) % 256) as f32,
            ];
            image::Rgb(base.map(|c| (c + n * amplitude).clamp(0.0, 255.0) as u8))
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img)?;
        let ratio = target as f32 / out.len() as f32;
        best = out;
        if (0.9..1.1).contains(&ratio) {
            break;
        }
        amplitude *= ratio.powf(1.5);
    }
    Ok(best)
}

/// 6 s of 720p H.264 at ~10.5 Mbit/s (≈ 8 MB) with a sine tone, made by ffmpeg.
fn make_mp4(path: &Path) -> anyhow::Result<()> {
    let status = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=1280x720:rate=30:duration=6",
        ])
        .args(["-f", "lavfi", "-i", "sine=frequency=440:duration=6"])
        .args([
            "-vf",
            "noise=alls=30:allf=t",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
        ])
        .args([
            "-b:v", "10500k", "-maxrate", "11000k", "-bufsize", "4000k", "-pix_fmt", "yuv420p",
        ])
        .args(["-c:a", "aac", "-shortest"])
        .arg(path)
        .status()
        .context("running ffmpeg (apt-get install ffmpeg)")?;
    if !status.success() {
        bail!("ffmpeg could not make the benchmark video");
    }
    Ok(())
}

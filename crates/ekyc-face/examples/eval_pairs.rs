//! Verification accuracy and speed on a labelled pair list.
//!
//! `cargo run -p ekyc-face --release --example eval_pairs -- ../shared/data/faces/pairs_all.csv`
//!
//! The csv has `a,b,same` rows with image paths relative to the csv's folder. Every image is
//! described once (largest face); an image without a face is a failure to enrol and each of
//! its pairs counts as rejected. Prints pairs, failures to enrol, TAR at FAR 1 % / 0.1 %, EER,
//! the threshold at FAR 0.1 % and the median time per face of detect / align / embed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use ekyc_face::{align, distance, Descriptor, FacePipeline, DETECTOR_MODEL, EMBEDDER_MODEL};
use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};

type Error = Box<dyn std::error::Error>;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

struct Pair {
    a: String,
    b: String,
    same: bool,
}

/// Milliseconds spent per stage for one face.
#[derive(Default)]
struct Times {
    detect: Vec<f64>,
    align: Vec<f64>,
    embed: Vec<f64>,
}

fn run() -> Result<(), Error> {
    let csv = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: eval_pairs PAIRS.csv")?;
    let base = csv.parent().unwrap_or(Path::new(".")).to_path_buf();
    let pairs = read_pairs(&csv)?;
    let manifest = Manifest::embedded()?;
    let home = default_home()?;
    let engine = Engine::load(
        &manifest,
        &home,
        &[DETECTOR_MODEL, EMBEDDER_MODEL],
        &SessionOptions::default(),
    )?;
    let pipeline = FacePipeline::from_engine(&engine)?;

    let mut files: Vec<&str> = pairs.iter().flat_map(|p| [&*p.a, &*p.b]).collect();
    files.sort_unstable();
    files.dedup();
    let mut times = Times::default();
    let mut descriptors: BTreeMap<&str, Descriptor> = BTreeMap::new();
    let mut failed = Vec::new();
    for file in &files {
        let image = load(&base.join(file))?;
        match describe(&pipeline, &image, &mut times)? {
            Some(d) => {
                descriptors.insert(file, d);
            }
            None => failed.push(*file),
        }
    }

    let (mut genuine, mut impostor) = (Vec::new(), Vec::new());
    let mut scored = Vec::new();
    for p in &pairs {
        // A failed enrolment never matches anything.
        let d = match (descriptors.get(&*p.a), descriptors.get(&*p.b)) {
            (Some(a), Some(b)) => distance(a, b),
            _ => f32::INFINITY,
        };
        if p.same {
            genuine.push(d);
        } else {
            impostor.push(d);
        }
        scored.push((d, p));
    }
    genuine.sort_by(f32::total_cmp);
    impostor.sort_by(f32::total_cmp);

    println!(
        "pairs: {} ({} genuine, {} impostor), images: {}",
        pairs.len(),
        genuine.len(),
        impostor.len(),
        files.len()
    );
    println!("failures to enrol: {} {:?}", failed.len(), failed);
    for far in [0.01, 0.001] {
        let (tar, threshold) = tar_at_far(&genuine, &impostor, far);
        println!(
            "TAR at FAR {:.1} %: {tar:.4} (accept distance < {threshold:.4})",
            far * 100.0
        );
    }
    let (eer, at) = eer(&genuine, &impostor);
    println!("EER: {:.4} (at distance {at:.4})", eer);
    println!(
        "ms per face (median): detect {:.1}, align {:.1}, embed {:.1}",
        median(&mut times.detect),
        median(&mut times.align),
        median(&mut times.embed)
    );
    print_extremes(&mut scored);
    Ok(())
}

fn describe(
    p: &FacePipeline,
    image: &RgbImage,
    times: &mut Times,
) -> Result<Option<Descriptor>, Error> {
    let t = Instant::now();
    let face = p.detector.detect_largest(image)?;
    times.detect.push(ms(t));
    let Some(face) = face else { return Ok(None) };
    let t = Instant::now();
    let chip = align(image, &face)?;
    times.align.push(ms(t));
    let t = Instant::now();
    let d = p.embedder.embed(&chip)?;
    times.embed.push(ms(t));
    Ok(Some(d))
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Threshold that lets through `floor(far * impostors)` impostor pairs (accept `d < t`), and
/// the fraction of genuine pairs accepted at it.
fn tar_at_far(genuine: &[f32], impostor: &[f32], far: f64) -> (f64, f32) {
    let allowed = (far * impostor.len() as f64).floor() as usize;
    let threshold = impostor.get(allowed).copied().unwrap_or(f32::INFINITY);
    let accepted = genuine.iter().filter(|&&d| d < threshold).count();
    (accepted as f64 / genuine.len().max(1) as f64, threshold)
}

/// Equal error rate: the threshold where false rejects and false accepts are closest.
fn eer(genuine: &[f32], impostor: &[f32]) -> (f64, f32) {
    let mut best = (f64::INFINITY, 0.0, 0.0f32);
    for &t in genuine.iter().chain(impostor) {
        if !t.is_finite() {
            continue;
        }
        let frr = genuine.iter().filter(|&&d| d > t).count() as f64 / genuine.len().max(1) as f64;
        let far =
            impostor.iter().filter(|&&d| d <= t).count() as f64 / impostor.len().max(1) as f64;
        if (frr - far).abs() < best.0 {
            best = ((frr - far).abs(), (frr + far) / 2.0, t);
        }
    }
    (best.1, best.2)
}

fn print_extremes(scored: &mut [(f32, &Pair)]) {
    scored.sort_by(|x, y| x.0.total_cmp(&y.0));
    let worst_genuine: Vec<_> = scored.iter().rev().filter(|s| s.1.same).take(5).collect();
    let closest_impostor: Vec<_> = scored.iter().filter(|s| !s.1.same).take(5).collect();
    println!("farthest genuine pairs:");
    for (d, p) in worst_genuine {
        println!("  {d:.4} {} {}", p.a, p.b);
    }
    println!("closest impostor pairs:");
    for (d, p) in closest_impostor {
        println!("  {d:.4} {} {}", p.a, p.b);
    }
}

fn read_pairs(csv: &Path) -> Result<Vec<Pair>, Error> {
    let text = std::fs::read_to_string(csv).map_err(|e| format!("{}: {e}", csv.display()))?;
    let mut pairs = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split(',').map(str::trim).collect();
        let [a, b, same] = cols[..] else {
            return Err(format!("{}:{}: expected a,b,same", csv.display(), i + 1).into());
        };
        pairs.push(Pair {
            a: a.to_string(),
            b: b.to_string(),
            same: same == "1",
        });
    }
    Ok(pairs)
}

/// Decode with the EXIF orientation applied (phone photos are often stored sideways).
fn load(path: &Path) -> Result<RgbImage, Error> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let mut decoder = ImageReader::open(path)
        .map_err(|e| err(&e))?
        .with_guessed_format()
        .map_err(|e| err(&e))?
        .into_decoder()
        .map_err(|e| err(&e))?;
    let orientation = decoder.orientation().map_err(|e| err(&e))?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| err(&e))?;
    image.apply_orientation(orientation);
    Ok(image.to_rgb8())
}

//! `ekyc eval spoof DIR`: the reference photo's screen-recapture check (`LifePhotoDetectFake`)
//! against `DIR/labels.csv` (`file,label[,kind,...]`, label = live | spoof | print). The real
//! anti-spoof examples of the faces folder use the same columns (`--labels antispoof.csv`).
//! `print` (a printed photo: an attack as a selfie, but not what this check targets) is
//! reported per kind only, outside TPR and FPR.
//!
//! Per image: the largest face, the check's score and, for comparison, the liveness crate's
//! per-frame screen cues on the same face (colour moiré, pixel-grid periodicity, borders).
//! Prints TPR on spoofs and FPR on live photos at the configured threshold, per kind, and the
//! best TPR at a few FPR ceilings (ROC over the score).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;

use ekyc_face::spoof::screen_measure;
use ekyc_liveness::screen::{border_score, colour_moire, grid_periodicity};

use super::eval_documents::split_csv;
use super::faces;
use crate::settings::CommonArgs;

#[derive(Args)]
pub struct EvalSpoofArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Folder holding the label file and the images it names.
    dir: PathBuf,
    /// Label file inside DIR (columns file,label; optional kind or attack_type).
    #[arg(long, default_value = "labels.csv")]
    labels: String,
    /// Print the summary and per-image values as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Row {
    file: String,
    label: Class,
    kind: String,
    face: bool,
    score: Option<f32>,
    period_px: Option<f32>,
    flagged: bool,
    colour_moire: Option<f32>,
    grid: Option<f32>,
    border: Option<f32>,
    ms: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
enum Class {
    Live,
    Spoof,
    Print,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Live => "live",
            Class::Spoof => "spoof",
            Class::Print => "print",
        }
    }
}

struct Label {
    file: String,
    class: Class,
    kind: String,
}

fn read_labels(path: &std::path::Path) -> anyhow::Result<Vec<Label>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split_csv(lines.next().context("empty label file")?);
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let Some(file) = col("file") else {
        bail!("{} needs a file column", path.display());
    };
    // Without a label column (identities.csv, the documents' labels.csv) every image is live.
    let label = col("label");
    let kind = col("kind").or(col("attack_type"));
    lines
        .map(|line| {
            let cells = split_csv(line);
            let get = |i: usize| {
                cells
                    .get(i)
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let class = match label
                .map(get)
                .unwrap_or_default()
                .to_ascii_lowercase()
                .as_str()
            {
                "spoof" | "fake" | "attack" => Class::Spoof,
                "live" | "real" | "genuine" | "" => Class::Live,
                "print" => Class::Print,
                other => bail!("unknown label {other:?} in {line:?}"),
            };
            let kind = kind.map(get).filter(|k| !k.is_empty());
            Ok(Label {
                file: get(file),
                class,
                kind: kind.unwrap_or_else(|| class.name().into()),
            })
        })
        .collect()
}

pub fn run(args: &EvalSpoofArgs) -> anyhow::Result<()> {
    let config = args.common.load()?;
    let threshold = config.photo_checks.max_screen_score;
    let labels = read_labels(&args.dir.join(&args.labels))?;
    let models = faces::load(&config)?;
    let mut rows = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        eprint!("\rmeasuring {}/{}", i + 1, labels.len());
        let path = args.dir.join(&l.file);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let image = ekyc_media::decode_image(&bytes, &config.image_limits())
            .with_context(|| format!("decoding {}", path.display()))?
            .image;
        let face = models.pipeline.detector.detect_largest(&image)?;
        let started = Instant::now();
        let measure = face.as_ref().and_then(|f| screen_measure(&image, f));
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let bbox = face.as_ref().map(|f| f.bbox);
        rows.push(Row {
            file: l.file.clone(),
            label: l.class,
            kind: l.kind.clone(),
            face: face.is_some(),
            score: measure.map(|m| m.score),
            period_px: measure.map(|m| m.period_px),
            flagged: measure.is_some_and(|m| m.score >= threshold),
            colour_moire: bbox.and_then(|b| colour_moire(&image, &b)),
            grid: bbox.and_then(|b| grid_periodicity(&image, &b)),
            border: bbox.and_then(|b| border_score(&image, &b)),
            ms,
        });
    }
    eprintln!();
    let summary = summarise(&rows, threshold);
    if args.json {
        let out = serde_json::json!({ "summary": summary, "images": rows });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_tables(&summary, &rows);
    }
    Ok(())
}

#[derive(Serialize)]
struct KindLine {
    kind: String,
    label: Class,
    images: usize,
    no_face: usize,
    flagged: usize,
}

#[derive(Serialize)]
struct Summary {
    threshold: f32,
    tpr: (usize, usize),
    fpr: (usize, usize),
    kinds: Vec<KindLine>,
    /// (FPR ceiling, best TPR, threshold reaching it)
    roc: Vec<(f64, f64, f32)>,
    ms_median: f64,
}

fn summarise(rows: &[Row], threshold: f32) -> Summary {
    let mut kinds: BTreeMap<(Class, String), KindLine> = BTreeMap::new();
    for r in rows {
        let k = kinds
            .entry((r.label, r.kind.clone()))
            .or_insert_with(|| KindLine {
                kind: r.kind.clone(),
                label: r.label,
                images: 0,
                no_face: 0,
                flagged: 0,
            });
        k.images += 1;
        k.no_face += usize::from(!r.face);
        k.flagged += usize::from(r.flagged);
    }
    let count = |class: Class| {
        let of: Vec<&Row> = rows.iter().filter(|r| r.label == class).collect();
        (of.iter().filter(|r| r.flagged).count(), of.len())
    };
    let mut ms: Vec<f64> = rows.iter().filter(|r| r.face).map(|r| r.ms).collect();
    ms.sort_by(f64::total_cmp);
    Summary {
        threshold,
        tpr: count(Class::Spoof),
        fpr: count(Class::Live),
        kinds: kinds.into_values().collect(),
        roc: [0.0, 0.01, 0.02, 0.05]
            .iter()
            .map(|&c| best_tpr(rows, c))
            .collect(),
        ms_median: ms.get(ms.len() / 2).copied().unwrap_or(0.0),
    }
}

/// Highest TPR with FPR ≤ `ceiling`, over thresholds at each observed score (an image without
/// a score is never flagged).
fn best_tpr(rows: &[Row], ceiling: f64) -> (f64, f64, f32) {
    let scored = |class: Class| -> Vec<f32> {
        rows.iter()
            .filter(|r| r.label == class)
            .map(|r| r.score.unwrap_or(f32::NEG_INFINITY))
            .collect()
    };
    let (spoofs, lives) = (scored(Class::Spoof), scored(Class::Live));
    let mut best = (ceiling, 0.0, f32::INFINITY);
    for &t in spoofs.iter().filter(|t| t.is_finite()) {
        let fp = lives.iter().filter(|&&s| s >= t).count() as f64;
        let tp = spoofs.iter().filter(|&&s| s >= t).count() as f64;
        let (fpr, tpr) = (
            fp / lives.len().max(1) as f64,
            tp / spoofs.len().max(1) as f64,
        );
        if fpr <= ceiling && (tpr > best.1 || (tpr == best.1 && t < best.2)) {
            best = (ceiling, tpr, t);
        }
    }
    best
}

fn pct(n: usize, of: usize) -> String {
    format!("{:.1} % ({n}/{of})", 100.0 * n as f64 / of.max(1) as f64)
}

fn print_tables(s: &Summary, rows: &[Row]) {
    println!(
        "screen recapture (LifePhotoDetectFake), threshold {:.2}",
        s.threshold
    );
    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!("| TPR on spoofs | {} |", pct(s.tpr.0, s.tpr.1));
    println!("| FPR on live photos | {} |", pct(s.fpr.0, s.fpr.1));
    for (ceiling, tpr, t) in &s.roc {
        println!(
            "| best TPR at FPR ≤ {:.0} % | {:.1} % (score ≥ {t:.2}) |",
            100.0 * ceiling,
            100.0 * tpr
        );
    }
    println!("| ms per face (median, check only) | {:.1} |", s.ms_median);
    println!();
    println!("| kind | label | images | no face | flagged |");
    println!("|---|---|---:|---:|---:|");
    for k in &s.kinds {
        let label = k.label.name();
        println!(
            "| {} | {label} | {} | {} | {} |",
            k.kind,
            k.images,
            k.no_face,
            pct(k.flagged, k.images)
        );
    }
    let wrong: Vec<&Row> = rows
        .iter()
        .filter(|r| r.label != Class::Print && r.flagged != (r.label == Class::Spoof))
        .collect();
    if !wrong.is_empty() {
        println!();
        println!("misjudged:");
        for r in wrong {
            println!(
                "  {} ({}, {}): score {}",
                r.file,
                r.kind,
                r.label.name(),
                r.score.map_or("none".into(), |v| format!("{v:.2}"))
            );
        }
    }
}

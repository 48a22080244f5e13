//! `ekyc eval alarms DIR`: document fraud alarms against `DIR/labels.csv` (`file,attack`, attack
//! = clean | covered | photocopy | screen/recapture | tampered | glare/reflective | blur/blurry).
//! A labels.csv without an `attack` column (e.g. the specimen folder) counts every image clean.
//! Like the server, the MRZ is read first and its band gives the card region; with `--viz FILE`
//! the visual zone is read and checked against the MRZ too (tampered counts a contradiction).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;

use ekyc_alarms::{
    detect_all_with, raised_by, AlarmConfig, CardHints, CrossChecks, Detection, JpegTrace, Level,
    MrzHint,
};
use ekyc_doc::MrzReader;
use ekyc_types::CardAlarm;

use super::ocr::{load_image, ModelArgs};

#[path = "eval_alarms_viz.rs"]
mod viz;
use viz::VizCheck;

#[derive(Args)]
pub struct EvalAlarmsArgs {
    /// Folder holding `labels.csv` and the images it names.
    dir: PathBuf,
    /// Print the summary and per-image scores as JSON.
    #[arg(long)]
    json: bool,
    /// Do not read the MRZ nor use cached bands (the whole image is the card region).
    #[arg(long)]
    no_mrz: bool,
    /// MRZ hints cache (JSON, file name → band or null): bands found there are used as they
    /// are, the others read and added, so detector work can be re-measured without
    /// re-reading every MRZ.
    #[arg(long)]
    hints: Option<PathBuf>,
    /// Visual-zone cross-check cache (JSON, file name → contradiction or null): like the
    /// passport pipeline, read the visual zone and check it against the MRZ (files missing
    /// from the cache are read and added; slow).
    #[arg(long)]
    viz: Option<PathBuf>,
    #[command(flatten)]
    models: ModelArgs,
}

/// The six alarms, in table order.
const ALARMS: [CardAlarm; 6] = [
    CardAlarm::Covered,
    CardAlarm::Photocopy,
    CardAlarm::Recapture,
    CardAlarm::Tampered,
    CardAlarm::Reflective,
    CardAlarm::Blurry,
];

/// An image's label: `None` = clean.
fn parse_attack(s: &str) -> anyhow::Result<Option<CardAlarm>> {
    Ok(match s.trim().to_ascii_lowercase().as_str() {
        "clean" | "" => None,
        "covered" => Some(CardAlarm::Covered),
        "photocopy" | "copy" => Some(CardAlarm::Photocopy),
        "screen" | "recapture" => Some(CardAlarm::Recapture),
        "tampered" | "ps" => Some(CardAlarm::Tampered),
        "glare" | "reflective" => Some(CardAlarm::Reflective),
        "blur" | "blurry" => Some(CardAlarm::Blurry),
        other => bail!("unknown attack label {other:?}"),
    })
}

#[derive(Serialize)]
struct Row {
    file: String,
    #[serde(serialize_with = "label_name")]
    attack: Option<CardAlarm>,
    mrz_found: bool,
    region: &'static str,
    detections: Vec<Detection>,
    error: Option<String>,
    alarm_ms: f64,
    mrz_ms: f64,
}

fn label_name<S: serde::Serializer>(a: &Option<CardAlarm>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(a.map_or("clean", |a| a.name()))
}

impl Row {
    fn score(&self, alarm: CardAlarm) -> Option<f32> {
        self.detections
            .iter()
            .find(|d| d.alarm == alarm)
            .map(|d| d.score)
    }
}

/// Counts of one alarm at one level.
#[derive(Serialize, Default, Clone, Copy)]
struct Rates {
    positives: usize,
    detected: usize,
    clean: usize,
    clean_raised: usize,
    other: usize,
    other_raised: usize,
}

/// A point of the ROC on clean documents.
#[derive(Serialize)]
struct RocPoint {
    threshold: f32,
    tpr: f64,
    fpr_clean: f64,
}

pub fn run(args: &EvalAlarmsArgs) -> anyhow::Result<()> {
    let labels = read_labels(&args.dir.join("labels.csv"))?;
    // Bands already known (a previous run's cache, possibly partial).
    let mut hints: HintCache = match &args.hints {
        Some(p) if p.exists() => serde_json::from_str(&std::fs::read_to_string(p)?)
            .with_context(|| format!("reading hints {}", p.display()))?,
        _ => HintCache::new(),
    };
    let missing = labels.iter().any(|(f, _)| !hints.contains_key(f));
    let reader = if args.no_mrz || !missing {
        None
    } else {
        Some(args.models.mrz_reader()?)
    };
    let mut viz = match &args.viz {
        Some(p) => {
            let files: Vec<&str> = labels.iter().map(|(f, _)| f.as_str()).collect();
            Some(VizCheck::open(p, &files, &args.models)?)
        }
        None => None,
    };
    let mut rows = Vec::with_capacity(labels.len());
    for (i, (file, attack)) in labels.iter().enumerate() {
        let source = match hints.get(file) {
            Some(_) if args.no_mrz => HintSource::Cached(None),
            Some(hint) => HintSource::Cached(*hint),
            None => HintSource::Reader(reader.as_ref()),
        };
        let newly_read = matches!(source, HintSource::Reader(Some(_)));
        let (row, hint) = evaluate(&args.dir, file, *attack, source, viz.as_mut())?;
        if let (Some(p), true, None) = (&args.hints, newly_read, &row.error) {
            // Written after every read so an interrupted run keeps what it paid for.
            hints.insert(file.clone(), hint);
            std::fs::write(p, serde_json::to_string(&hints)?)
                .with_context(|| format!("writing hints {}", p.display()))?;
        }
        let raised = raised_by(&row.detections, &AlarmConfig::default());
        eprintln!(
            "[{}/{}] {file} {}: raised {:?}{} ({:.0} ms alarms, {:.0} ms MRZ)",
            i + 1,
            labels.len(),
            attack.map_or("clean", |a| a.name()),
            raised.iter().map(|a| a.name()).collect::<Vec<_>>(),
            row.error
                .as_deref()
                .map(|e| format!(" error: {e}"))
                .unwrap_or_default(),
            row.alarm_ms,
            row.mrz_ms
        );
        rows.push(row);
    }
    let levels: BTreeMap<&str, BTreeMap<&str, Rates>> = Level::ALL
        .iter()
        .map(|l| (l.as_str(), rates(&rows, &AlarmConfig::with_level(*l))))
        .collect();
    let roc: BTreeMap<&str, Vec<RocPoint>> = ALARMS
        .iter()
        .map(|a| (a.name(), roc_points(&rows, *a)))
        .collect();
    let confusion = confusion(&rows, &AlarmConfig::default());
    let timing = timing(&rows);
    if args.json {
        let out = serde_json::json!({
            "levels": levels, "roc": roc, "confusion_balanced": confusion,
            "timing_ms": timing, "images": rows,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_tables(&rows, &levels, &roc, &confusion, &timing);
    }
    Ok(())
}

/// MRZ bands found per file (`None`: no MRZ read).
type HintCache = BTreeMap<String, Option<MrzHint>>;

/// Where an image's MRZ band comes from.
enum HintSource<'a> {
    Reader(Option<&'a MrzReader>),
    Cached(Option<MrzHint>),
}

fn evaluate(
    dir: &Path,
    file: &str,
    attack: Option<CardAlarm>,
    source: HintSource,
    viz: Option<&mut VizCheck>,
) -> anyhow::Result<(Row, Option<MrzHint>)> {
    let mut row = Row {
        file: file.to_string(),
        attack,
        mrz_found: false,
        region: "none",
        detections: Vec::new(),
        error: None,
        alarm_ms: 0.0,
        mrz_ms: 0.0,
    };
    let image = match load_image(&dir.join(file)) {
        Ok(i) => i,
        Err(e) => {
            row.error = Some(format!("{e:#}"));
            return Ok((row, None));
        }
    };
    let mut hints = CardHints::default();
    if let HintSource::Cached(hint) = source {
        hints.mrz = hint;
        row.mrz_found = hint.is_some();
    }
    if let HintSource::Reader(Some(reader)) = source {
        let start = Instant::now();
        if let Ok(found) = reader.read_located(&image) {
            hints.mrz = Some(MrzHint {
                corners: found.corners.map(|p| (p.x, p.y)),
                lines: found.reading.lines.len(),
                chars: found.reading.lines.first().map_or(0, |l| l.chars().count()),
            });
            row.mrz_found = true;
        }
        row.mrz_ms = start.elapsed().as_secs_f64() * 1000.0;
    }
    let mut cross = match viz {
        Some(v) => v.outcome(file, &image)?,
        None => CrossChecks::default(),
    };
    // The file's quantisation table, for the compression-history cue (decoded grid as is).
    cross.jpeg = std::fs::read(dir.join(file))
        .ok()
        .and_then(|bytes| JpegTrace::from_jpeg(&bytes));
    let start = Instant::now();
    let (detections, region) = detect_all_with(&image, &hints, &cross);
    row.alarm_ms = start.elapsed().as_secs_f64() * 1000.0;
    row.detections = detections;
    row.region = region;
    Ok((row, hints.mrz))
}

fn rates<'a>(rows: &[Row], config: &AlarmConfig) -> BTreeMap<&'a str, Rates> {
    let mut out: BTreeMap<&str, Rates> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.error.is_none()) {
        let raised = raised_by(&row.detections, config);
        for alarm in ALARMS {
            let r = out.entry(alarm.name()).or_default();
            let hit = raised.contains(&alarm);
            match row.attack {
                Some(a) if a == alarm => {
                    r.positives += 1;
                    r.detected += hit as usize;
                }
                None => {
                    r.clean += 1;
                    r.clean_raised += hit as usize;
                }
                Some(_) => {
                    r.other += 1;
                    r.other_raised += hit as usize;
                }
            }
        }
    }
    out
}

/// TPR against FPR on clean documents at every distinct clean score (thresholds just above it).
fn roc_points(rows: &[Row], alarm: CardAlarm) -> Vec<RocPoint> {
    let pos: Vec<f32> = rows
        .iter()
        .filter(|r| r.attack == Some(alarm))
        .filter_map(|r| r.score(alarm))
        .collect();
    let mut neg: Vec<f32> = rows
        .iter()
        .filter(|r| r.attack.is_none())
        .filter_map(|r| r.score(alarm))
        .collect();
    if pos.is_empty() || neg.is_empty() {
        return Vec::new();
    }
    neg.sort_by(|a, b| b.total_cmp(a));
    let mut points = Vec::new();
    // Allow k false alarms: threshold just above the (k+1)-th highest clean score.
    for k in 0..neg.len().min(12) {
        let t = next_up(neg[k]);
        let fp = neg.iter().filter(|&&s| s >= t).count();
        let tp = pos.iter().filter(|&&s| s >= t).count();
        points.push(RocPoint {
            threshold: t,
            tpr: tp as f64 / pos.len() as f64,
            fpr_clean: fp as f64 / neg.len() as f64,
        });
    }
    points
}

fn next_up(x: f32) -> f32 {
    x + x.abs().max(1e-3) * 1e-3
}

/// Rows: true label; columns: how often each alarm was raised (balanced level).
fn confusion<'a>(
    rows: &[Row],
    config: &AlarmConfig,
) -> BTreeMap<&'a str, BTreeMap<&'a str, usize>> {
    let mut out: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.error.is_none()) {
        let label = row.attack.map_or("clean", |a| a.name());
        let line = out.entry(label).or_default();
        *line.entry("images").or_default() += 1;
        let raised = raised_by(&row.detections, config);
        if raised.is_empty() {
            *line.entry("none").or_default() += 1;
        }
        for a in raised {
            *line.entry(a.name()).or_default() += 1;
        }
    }
    out
}

fn timing(rows: &[Row]) -> BTreeMap<&'static str, f64> {
    let pick = |f: fn(&Row) -> f64| {
        let mut v: Vec<f64> = rows.iter().filter(|r| r.error.is_none()).map(f).collect();
        v.sort_by(f64::total_cmp);
        let q = |p: f64| {
            v.get(((v.len() as f64 - 1.0) * p).round() as usize)
                .copied()
        };
        (q(0.5).unwrap_or(0.0), q(0.95).unwrap_or(0.0))
    };
    let (a50, a95) = pick(|r| r.alarm_ms);
    let (m50, m95) = pick(|r| r.mrz_ms);
    BTreeMap::from([
        ("alarms_median", a50),
        ("alarms_p95", a95),
        ("mrz_median", m50),
        ("mrz_p95", m95),
    ])
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "-".into()
    } else {
        format!("{:.1} % ({n}/{d})", 100.0 * n as f64 / d as f64)
    }
}

fn print_tables(
    rows: &[Row],
    levels: &BTreeMap<&str, BTreeMap<&str, Rates>>,
    roc: &BTreeMap<&str, Vec<RocPoint>>,
    confusion: &BTreeMap<&str, BTreeMap<&str, usize>>,
    timing: &BTreeMap<&str, f64>,
) {
    let errors = rows.iter().filter(|r| r.error.is_some()).count();
    let mrz = rows.iter().filter(|r| r.mrz_found).count();
    println!(
        "images: {} ({errors} unreadable), MRZ found (card region from it): {mrz}",
        rows.len()
    );
    for level in Level::ALL {
        println!("\nlevel {level}");
        println!("| alarm | code | TPR | FPR clean | FPR other attacks |\n|---|---|---|---|---|");
        for alarm in ALARMS {
            let r = levels[level.as_str()][alarm.name()];
            println!(
                "| {} | {} | {} | {} | {} |",
                alarm.name(),
                alarm.wire(),
                pct(r.detected, r.positives),
                pct(r.clean_raised, r.clean),
                pct(r.other_raised, r.other)
            );
        }
    }
    println!("\nROC on clean (threshold: TPR @ FPR), first points:");
    for alarm in ALARMS {
        let pts: Vec<String> = roc[alarm.name()]
            .iter()
            .take(6)
            .map(|p| {
                format!(
                    "{:.4}: {:.1}%@{:.1}%",
                    p.threshold,
                    100.0 * p.tpr,
                    100.0 * p.fpr_clean
                )
            })
            .collect();
        println!("  {:<10} {}", alarm.name(), pts.join("  "));
    }
    println!("\nconfusion (balanced): label -> alarms raised");
    for (label, line) in confusion {
        let cells: Vec<String> = line.iter().map(|(k, v)| format!("{k} {v}")).collect();
        println!("  {label:<10} {}", cells.join(", "));
    }
    println!(
        "\ntime per image: alarms median {:.1} ms, p95 {:.1} ms; MRZ read median {:.0} ms",
        timing["alarms_median"], timing["alarms_p95"], timing["mrz_median"]
    );
}

fn read_labels(path: &Path) -> anyhow::Result<Vec<(String, Option<CardAlarm>)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split_csv(lines.next().unwrap_or_default());
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let Some(file_col) = col("file") else {
        bail!("{}: the header needs a `file` column", path.display());
    };
    let attack_col = col("attack");
    let mut out = Vec::new();
    for (n, line) in lines.enumerate() {
        let cells = split_csv(line);
        let Some(file) = cells.get(file_col).filter(|f| !f.is_empty()) else {
            bail!("{}: row {} has no file name", path.display(), n + 2);
        };
        let attack = match attack_col.and_then(|c| cells.get(c)) {
            Some(a) => parse_attack(a).with_context(|| format!("row {}", n + 2))?,
            None => None,
        };
        out.push((file.clone(), attack));
    }
    Ok(out)
}

/// Comma-separated cells; double quotes group (and `""` escapes) as in RFC 4180.
fn split_csv(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(s) = cells.last_mut() {
                    s.push('"');
                }
            }
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            c => {
                if let Some(s) = cells.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    cells
}

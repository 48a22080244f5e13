//! `ekyc eval faces DIR`: verification accuracy and speed on a labelled pair list.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use serde_json::json;

use ekyc_face::roc::{self, ScoredPair};
use ekyc_face::{calibration, distance, Descriptor};

use crate::commands::faces;
use crate::settings::CommonArgs;

#[derive(Args)]
pub struct EvalFacesArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Folder with the pair list; image paths in it are relative to this folder.
    dir: PathBuf,
    /// Pair list inside DIR (columns a,b,same).
    #[arg(long, default_value = "pairs.csv")]
    pairs: String,
    #[arg(long)]
    json: bool,
}

struct Pair {
    a: String,
    b: String,
    same: bool,
}

fn read_pairs(path: &std::path::Path) -> anyhow::Result<Vec<Pair>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (Some(ia), Some(ib), Some(is)) = (col("a"), col("b"), col("same")) else {
        bail!("{} must have the columns a,b,same", path.display());
    };
    let mut pairs = Vec::new();
    for (n, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let get = |i: usize| cells.get(i).copied().unwrap_or("");
        let same = match get(is) {
            "1" | "true" => true,
            "0" | "false" => false,
            other => bail!(
                "{} line {}: same must be 0 or 1, got {other:?}",
                path.display(),
                n + 2
            ),
        };
        pairs.push(Pair {
            a: get(ia).to_string(),
            b: get(ib).to_string(),
            same,
        });
    }
    Ok(pairs)
}

fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

pub fn run(args: EvalFacesArgs) -> anyhow::Result<()> {
    let config = args.common.load()?;
    let pairs = read_pairs(&args.dir.join(&args.pairs))?;
    let models = faces::load(&config)?;
    let mut files: Vec<&str> = pairs
        .iter()
        .flat_map(|p| [p.a.as_str(), p.b.as_str()])
        .collect();
    files.sort_unstable();
    files.dedup();

    let mut descriptors: BTreeMap<&str, Option<Descriptor>> = BTreeMap::new();
    let (mut detect, mut align, mut embed, mut total) = (vec![], vec![], vec![], vec![]);
    let mut not_enrolled = Vec::new();
    for (i, file) in files.iter().enumerate() {
        eprint!("\rdescribing faces {}/{}", i + 1, files.len());
        let d = faces::describe_file(&models, &config, &args.dir.join(file))?;
        detect.push(d.times.detect_ms);
        if d.face.is_some() {
            align.push(d.times.align_ms);
            embed.push(d.times.embed_ms);
        }
        total.push(d.times.detect_ms + d.times.align_ms + d.times.embed_ms);
        if d.face.is_none() {
            not_enrolled.push(file.to_string());
        }
        descriptors.insert(file, d.face.map(|(_, desc)| desc));
    }
    eprintln!();

    let scored: Vec<ScoredPair> = pairs
        .iter()
        .map(|p| {
            let d = match (&descriptors[p.a.as_str()], &descriptors[p.b.as_str()]) {
                (Some(a), Some(b)) => Some(distance(a, b)),
                _ => None,
            };
            ScoredPair {
                distance: d,
                same: p.same,
            }
        })
        .collect();
    let genuine = pairs.iter().filter(|p| p.same).count();
    let impostor = pairs.len() - genuine;
    let at = |far: f64| roc::at_far(&scored, far);
    let (eer, eer_t) = roc::eer(&scored);
    let points = roc::roc(&scored);
    let operating: Vec<_> = [0.1, 0.01, 0.001]
        .iter()
        .map(|&far| {
            let p = at(far);
            json!({"max_far": far, "far": p.far, "tar": p.tar, "threshold": p.threshold,
                   "sim_at_threshold": calibration::sim(p.threshold),
                   "false_accepts": (p.far * impostor as f64).round(),
                   "true_accepts": (p.tar * genuine as f64).round()})
        })
        .collect();
    let sim70 = roc::at_threshold(&scored, distance_for_sim(70.0));
    let report = json!({
        "pairs": pairs.len(), "genuine": genuine, "impostor": impostor,
        "images": files.len(), "failures_to_enrol": not_enrolled,
        "operating_points": operating,
        "eer": eer, "eer_threshold": eer_t,
        "at_sim_70": {"threshold": sim70.threshold, "far": sim70.far, "tar": sim70.tar},
        "ms_per_face_median": {"detect": median(&detect), "align": median(&align), "embed": median(&embed), "total": median(&total)},
        "roc": points.iter().map(|p| [p.threshold as f64, p.far, p.tar]).collect::<Vec<_>>(),
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("ekyc eval faces {} ({})", args.dir.display(), args.pairs);
    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| pairs | {} ({genuine} genuine, {impostor} impostor), {} images |",
        pairs.len(),
        files.len()
    );
    println!(
        "| failures to enrol | {} of {} images |",
        not_enrolled.len(),
        files.len()
    );
    for far in [0.01, 0.001] {
        let p = at(far);
        println!(
            "| TAR at FAR {}% | {:.3} ({}/{genuine}; FAR {:.4} = {}/{impostor}; distance < {:.3}) |",
            far * 100.0,
            p.tar,
            (p.tar * genuine as f64).round(),
            p.far,
            (p.far * impostor as f64).round(),
            p.threshold
        );
    }
    println!("| EER | {eer:.4} (distance {eer_t:.3}) |");
    println!(
        "| at Sim ≥ 70 (distance < {:.3}) | TAR {:.3}, FAR {:.4} |",
        sim70.threshold, sim70.tar, sim70.far
    );
    println!(
        "| ms per face (median) | detect {:.1}, align {:.1}, embed {:.1}, total {:.1} |",
        median(&detect),
        median(&align),
        median(&embed),
        median(&total)
    );
    if !not_enrolled.is_empty() {
        println!("\nno face found in: {}", not_enrolled.join(", "));
    }
    Ok(())
}

/// The distance at which `calibration::sim` crosses `sim` (bisection on the monotone mapping).
fn distance_for_sim(sim: f64) -> f32 {
    let (mut lo, mut hi) = (0.0f32, 2.0f32);
    for _ in 0..50 {
        let mid = (lo + hi) / 2.0;
        if calibration::sim(mid) >= sim {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

//! `ekyc eval viz DIR`: passport visual-zone reading. With `DIR/viz.csv` (written by
//! `tools/documents/generate.py`: file,surname,given_names,passport_id,date_of_birth,
//! date_of_issuance,date_of_expiration,birth_place,issue_place,consistent[,...]) prints the
//! exact rate of each `PassportRecognizeInfos` field and of the MRZ/VIZ consistency verdict;
//! without it (real specimens, no visual-zone truth) prints what was read per passport of
//! `DIR/labels.csv` for checking by eye, and counts the disagreements raised.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;

use ekyc_doc::MrzReader;
use ekyc_idcard::{passport_infos, MrzAnchor, VizFields, VizReader, VizStats};
use ekyc_types::wire::ocr::PassportRecognizeInfos;

use super::bench_ocr::cpu_ms;
use super::eval_cards::split_csv;
use super::ocr::{load_image, ModelArgs};

#[derive(Args)]
pub struct EvalVizArgs {
    /// Folder holding `viz.csv` (or `labels.csv`) and the images it names.
    dir: PathBuf,
    /// Read at most this many images.
    #[arg(long)]
    limit: Option<usize>,
    /// Print every differing field.
    #[arg(long)]
    verbose: bool,
    /// Print the text lines read in each visual zone.
    #[arg(long)]
    lines: bool,
    #[command(flatten)]
    models: ModelArgs,
}

/// (viz.csv column, response field).
const FIELDS: [(&str, &str); 8] = [
    ("surname", "Surname"),
    ("given_names", "GivenName"),
    ("passport_id", "PassportID"),
    ("date_of_birth", "DateOfBirth"),
    ("date_of_issuance", "DateOfIssuance"),
    ("date_of_expiration", "DateOfExpiration"),
    ("birth_place", "BirthPlace"),
    ("issue_place", "IssuePlace"),
];

type Row = Vec<(String, String)>;

fn cell<'a>(row: &'a Row, key: &str) -> &'a str {
    row.iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

fn read_rows(path: &Path) -> anyhow::Result<Vec<Row>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split_csv(lines.next().unwrap_or_default());
    if !header.iter().any(|h| h == "file") {
        bail!("{}: the header needs a `file` column", path.display());
    }
    Ok(lines
        .map(|line| header.iter().cloned().zip(split_csv(line)).collect())
        .collect())
}

fn field(infos: &PassportRecognizeInfos, column: &str) -> String {
    match column {
        "surname" => infos.surname.clone(),
        "given_names" => infos.given_name.clone(),
        "passport_id" => infos.passport_id.clone(),
        "date_of_birth" => infos.date_of_birth.clone(),
        "date_of_issuance" => infos.date_of_issuance.clone(),
        "date_of_expiration" => infos.date_of_expiration.clone(),
        "birth_place" => infos.birth_place.clone().unwrap_or_default(),
        "issue_place" => infos.issue_place.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

fn seen_field(seen: &VizFields, column: &str) -> String {
    match column {
        "surname" => seen.surname.clone(),
        "given_names" => seen.given_names.clone(),
        "passport_id" => seen.passport_id.clone(),
        "date_of_birth" => seen.date_of_birth.clone(),
        "date_of_issuance" => seen.date_of_issuance.clone(),
        "date_of_expiration" => seen.date_of_expiration.clone(),
        "birth_place" => seen.birth_place.clone().unwrap_or_default(),
        "issue_place" => seen.issue_place.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

struct Readers {
    mrz: MrzReader,
    viz: VizReader,
    print_lines: bool,
}

/// One image: the infos, the disagreements raised, VIZ ms; `None` when no passport MRZ.
struct Read {
    infos: PassportRecognizeInfos,
    /// Only what the visual zone gave ("" where the MRZ filled in).
    seen: VizFields,
    mismatch: Vec<String>,
    viz_ms: f64,
    /// Process CPU time of the visual-zone read (the wall clock counts other programs too).
    viz_cpu_ms: f64,
    stats: VizStats,
}

fn read_one(readers: &Readers, path: &Path) -> anyhow::Result<Option<Read>> {
    let page = load_image(path)?;
    let Ok(located) = readers.mrz.read_located(&page) else {
        return Ok(None);
    };
    if !located.reading.fields.document_code.starts_with('P') {
        return Ok(None);
    }
    let (started, cpu0) = (Instant::now(), cpu_ms());
    let viz = readers.viz.read(&page, &located)?;
    let viz_cpu_ms = cpu_ms() - cpu0;
    if readers.print_lines {
        println!("{}:", path.display());
        for l in &viz.lines {
            let left = l.rect.center.x - l.rect.width / 2.0;
            println!(
                "  {:?} conf {:.2} at x {left:.0} y {:.0} h {:.0}",
                l.text, l.confidence, l.rect.center.y, l.rect.height
            );
        }
    }
    let viz_ms = started.elapsed().as_secs_f64() * 1000.0;
    let infos = passport_infos(&MrzAnchor::of(&located), Some(&viz));
    let mismatch = viz
        .mismatches
        .iter()
        .map(|m| format!("{}: MRZ {:?} vs VIZ {:?}", m.field, m.mrz, m.viz))
        .collect();
    Ok(Some(Read {
        infos,
        seen: viz.fields.clone(),
        mismatch,
        viz_ms,
        viz_cpu_ms,
        stats: viz.stats,
    }))
}

pub fn run(args: &EvalVizArgs) -> anyhow::Result<()> {
    let engine = args.models.ocr_engine()?;
    let readers = Readers {
        mrz: MrzReader::from_engine(&engine)?,
        viz: VizReader::from_engine(&engine)?,
        print_lines: args.lines,
    };
    let viz_csv = args.dir.join("viz.csv");
    if viz_csv.exists() {
        let rows = read_rows(&viz_csv)?;
        let rows = &rows[..rows.len().min(args.limit.unwrap_or(usize::MAX))];
        labelled(&readers, args, rows)
    } else {
        let rows = read_rows(&args.dir.join("labels.csv"))?;
        let rows = &rows[..rows.len().min(args.limit.unwrap_or(usize::MAX))];
        by_eye(&readers, &args.dir, rows)
    }
}

#[derive(Default)]
struct Tally {
    images: usize,
    no_mrz: usize,
    exact: [usize; FIELDS.len()],
    /// The visual zone gave the field (not the MRZ fallback).
    from_viz: [usize; FIELDS.len()],
    /// consistent=1 pages with an error raised, consistent=0 pages, those caught.
    false_errors: usize,
    tampered: usize,
    caught: usize,
    ms: Vec<f64>,
    cpu_ms: Vec<f64>,
    stats: Vec<VizStats>,
}

fn labelled(readers: &Readers, args: &EvalVizArgs, rows: &[Row]) -> anyhow::Result<()> {
    let mut t = Tally::default();
    for row in rows {
        let file = cell(row, "file");
        t.images += 1;
        let consistent = cell(row, "consistent") != "0";
        t.tampered += usize::from(!consistent);
        let Some(read) = read_one(readers, &args.dir.join(file))? else {
            t.no_mrz += 1;
            continue;
        };
        t.ms.push(read.viz_ms);
        t.cpu_ms.push(read.viz_cpu_ms);
        t.stats.push(read.stats);
        let raised = !read.mismatch.is_empty();
        t.false_errors += usize::from(consistent && raised);
        t.caught += usize::from(!consistent && raised);
        for (i, (column, name)) in FIELDS.iter().enumerate() {
            t.from_viz[i] += usize::from(!seen_field(&read.seen, column).is_empty());
            let (want, got) = (cell(row, column), field(&read.infos, column));
            if want == got {
                t.exact[i] += 1;
            } else if args.verbose {
                println!("{file} {name}: want {want:?} got {got:?}");
            }
        }
        if raised && (args.verbose || consistent) {
            println!("{file} consistent={consistent} raised {:?}", read.mismatch);
        }
    }
    print_tally(&t);
    Ok(())
}

fn print_tally(t: &Tally) {
    let pct = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;
    println!(
        "\n{} passport pages, {} without a passport MRZ read (counted as misses)\n",
        t.images, t.no_mrz
    );
    println!("| field | exact | read from the visual zone |\n|---|---|---|");
    for (i, (_, name)) in FIELDS.iter().enumerate() {
        println!(
            "| {name} | {:.1} % ({}/{}) | {}/{} |",
            pct(t.exact[i], t.images),
            t.exact[i],
            t.images,
            t.from_viz[i],
            t.images
        );
    }
    let consistent = t.images - t.tampered;
    println!(
        "| InconsistencyBetweenMRZAndVRZ on consistent pages (false errors) | {}/{} |",
        t.false_errors, consistent
    );
    println!(
        "| InconsistencyBetweenMRZAndVRZ on pages printed inconsistent | {}/{} |",
        t.caught, t.tampered
    );
    let spread = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        match (v.get(v.len() / 2), v.last()) {
            (Some(med), Some(max)) => format!("{med:.0} / {max:.0}"),
            _ => "-".into(),
        }
    };
    let median = |f: fn(&VizStats) -> usize| {
        let mut v: Vec<usize> = t.stats.iter().map(f).collect();
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    };
    println!(
        "| VIZ ms per page, wall (median / max) | {} |",
        spread(t.ms.clone())
    );
    println!(
        "| VIZ ms per page, CPU (median / max) | {} |",
        spread(t.cpu_ms.clone())
    );
    println!(
        "| text boxes per page, median: detected / read / read twice | {} / {} / {} |",
        median(|s| s.boxes_detected),
        median(|s| s.boxes_read),
        median(|s| s.full_reads)
    );
    println!(
        "| recogniser input columns per page (median / max) | {} |",
        spread(t.stats.iter().map(|s| s.net_columns as f64).collect())
    );
    println!(
        "| small (label) recogniser input columns per page (median / max) | {} |",
        spread(t.stats.iter().map(|s| s.label_columns as f64).collect())
    );
}

fn by_eye(readers: &Readers, dir: &Path, rows: &[Row]) -> anyhow::Result<()> {
    let (mut passports, mut raised, mut issue_seen) = (0, 0, 0);
    for row in rows {
        let file = cell(row, "file");
        let Some(read) = read_one(readers, &dir.join(file))? else {
            continue;
        };
        passports += 1;
        raised += usize::from(!read.mismatch.is_empty());
        issue_seen += usize::from(!read.infos.date_of_issuance.is_empty());
        let i = &read.seen;
        println!(
            "{file} (visual zone only): {:?} / {:?} no {:?} born {:?} issued {:?} expires {:?} birth place {:?} authority {:?} ({:.0} ms){}",
            i.surname,
            i.given_names,
            i.passport_id,
            i.date_of_birth,
            i.date_of_issuance,
            i.date_of_expiration,
            i.birth_place,
            i.issue_place,
            read.viz_ms,
            if read.mismatch.is_empty() {
                String::new()
            } else {
                format!(" MISMATCH {:?}", read.mismatch)
            }
        );
    }
    println!(
        "\n{passports} passports read; issue date seen on {issue_seen}; InconsistencyBetweenMRZAndVRZ raised on {raised}"
    );
    Ok(())
}

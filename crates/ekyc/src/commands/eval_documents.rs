//! `ekyc eval documents DIR`: MRZ reading accuracy against `DIR/labels.csv`
//! (columns `file`, `mrz` with lines joined by `|`; an empty `mrz` means the image has none).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;

use ekyc_doc::DocError;
use ekyc_mrz::{parse_text, MrzFields, MrzReading};

use super::bench_ocr::cpu_ms;
use super::ocr::{load_image, ModelArgs};

#[derive(Args)]
pub struct EvalDocumentsArgs {
    /// Folder holding `labels.csv` and the images it names.
    dir: PathBuf,
    /// Print the summary and per-image results as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    models: ModelArgs,
}

pub fn run(args: &EvalDocumentsArgs) -> anyhow::Result<()> {
    documents(args)
}

/// One labelled image.
struct Label {
    file: String,
    /// Printed MRZ lines; empty when the document has no MRZ.
    mrz: Vec<String>,
}

/// What happened to one image.
#[derive(Serialize)]
struct Row {
    file: String,
    expected: Vec<String>,
    /// Lines read, empty when no MRZ was found.
    read: Vec<String>,
    check_digits_valid: bool,
    exact: bool,
    /// Set when reading failed (no MRZ, undecodable file).
    error: Option<String>,
    ms: f64,
    /// Process CPU time of the reading (the wall clock also counts other programs on a
    /// shared box).
    cpu_ms: f64,
}

/// Counts for the table; rates are over the images with an MRZ.
#[derive(Serialize, Default)]
struct Summary {
    images: usize,
    with_mrz: usize,
    exact: usize,
    lines_total: usize,
    lines_exact: usize,
    document_number: usize,
    names: usize,
    dates: usize,
    nationality: usize,
    sex: usize,
    check_digits_valid: usize,
    rejects: usize,
    /// Reported valid but different from the label (or on an image without MRZ).
    false_valid: usize,
    /// Images without MRZ for which none was reported.
    no_mrz_rejected: usize,
    no_mrz_images: usize,
    median_ms: f64,
    median_cpu_ms: f64,
    max_cpu_ms: f64,
}

fn documents(args: &EvalDocumentsArgs) -> anyhow::Result<()> {
    let labels = read_labels(&args.dir.join("labels.csv"))?;
    let reader = args.models.mrz_reader()?;
    let mut rows = Vec::with_capacity(labels.len());
    for (i, label) in labels.iter().enumerate() {
        let path = args.dir.join(&label.file);
        let (start, cpu0) = (Instant::now(), cpu_ms());
        let result = load_image(&path).and_then(|img| Ok(reader.read(&img)?));
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let mut row = to_row(label, result, ms);
        row.cpu_ms = cpu_ms() - cpu0;
        eprintln!(
            "[{}/{}] {} {} ({ms:.0} ms)",
            i + 1,
            labels.len(),
            label.file,
            status(&row)
        );
        rows.push(row);
    }
    let summary = summarise(&labels, &rows);
    if args.json {
        let out = serde_json::json!({ "summary": summary, "images": rows });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_table(&summary);
    }
    Ok(())
}

fn status(row: &Row) -> String {
    match (&row.error, row.exact, row.expected.is_empty()) {
        (Some(e), _, true) if e.contains("no MRZ") => "no MRZ (correct)".into(),
        (Some(e), _, _) => format!("error: {e}"),
        (None, true, _) => format!("exact (valid: {})", row.check_digits_valid),
        (None, false, _) => format!(
            "MISMATCH (valid: {}) read {}",
            row.check_digits_valid,
            row.read.join("|")
        ),
    }
}

fn to_row(label: &Label, result: anyhow::Result<MrzReading>, ms: f64) -> Row {
    let mut row = Row {
        file: label.file.clone(),
        expected: label.mrz.clone(),
        read: Vec::new(),
        check_digits_valid: false,
        exact: false,
        error: None,
        ms,
        cpu_ms: 0.0,
    };
    match result {
        Ok(reading) => {
            row.exact = !label.mrz.is_empty() && reading.lines == label.mrz;
            row.check_digits_valid = reading.check_digits_valid;
            row.read = reading.lines;
        }
        Err(e) => {
            row.error = Some(match e.downcast_ref::<DocError>() {
                Some(d) => d.to_string(),
                None => format!("{e:#}"),
            });
        }
    }
    row
}

fn summarise(labels: &[Label], rows: &[Row]) -> Summary {
    let mut s = Summary {
        images: rows.len(),
        ..Summary::default()
    };
    for (label, row) in labels.iter().zip(rows) {
        if row.check_digits_valid && !row.exact {
            s.false_valid += 1;
        }
        if label.mrz.is_empty() {
            s.no_mrz_images += 1;
            s.no_mrz_rejected += usize::from(row.read.is_empty());
            continue;
        }
        s.with_mrz += 1;
        s.exact += usize::from(row.exact);
        s.check_digits_valid += usize::from(row.check_digits_valid);
        s.lines_total += label.mrz.len();
        if row.read.is_empty() {
            s.rejects += 1;
            continue;
        }
        s.lines_exact += label
            .mrz
            .iter()
            .zip(&row.read)
            .filter(|(a, b)| a == b)
            .count();
        let (Some(want), Some(got)) = (fields_of(&label.mrz), fields_of(&row.read)) else {
            continue;
        };
        s.document_number += usize::from(want.document_number == got.document_number);
        s.names += usize::from(want.surname == got.surname && want.given_names == got.given_names);
        s.dates += usize::from(
            want.birth_date_raw == got.birth_date_raw
                && want.expiry_date_raw == got.expiry_date_raw,
        );
        s.nationality += usize::from(want.nationality == got.nationality);
        s.sex += usize::from(want.sex == got.sex);
    }
    let mut ms: Vec<f64> = rows.iter().map(|r| r.ms).collect();
    ms.sort_by(f64::total_cmp);
    s.median_ms = ms.get(ms.len() / 2).copied().unwrap_or(0.0);
    let mut cpu: Vec<f64> = rows.iter().map(|r| r.cpu_ms).collect();
    cpu.sort_by(f64::total_cmp);
    s.median_cpu_ms = cpu.get(cpu.len() / 2).copied().unwrap_or(0.0);
    s.max_cpu_ms = cpu.last().copied().unwrap_or(0.0);
    s
}

fn fields_of(lines: &[String]) -> Option<MrzFields> {
    parse_text(&lines.join("\n")).ok().map(|r| r.fields)
}

fn print_table(s: &Summary) {
    let rate = |n: usize, d: usize| {
        if d == 0 {
            "-".to_string()
        } else {
            format!("{:.1} % ({n}/{d})", 100.0 * n as f64 / d as f64)
        }
    };
    let m = s.with_mrz;
    let rows: Vec<(&str, String)> = vec![
        ("images", s.images.to_string()),
        ("with MRZ", m.to_string()),
        ("exact full MRZ", rate(s.exact, m)),
        ("lines exact", rate(s.lines_exact, s.lines_total)),
        ("document number", rate(s.document_number, m)),
        ("names", rate(s.names, m)),
        ("dates (birth + expiry)", rate(s.dates, m)),
        ("nationality", rate(s.nationality, m)),
        ("sex", rate(s.sex, m)),
        ("check digits valid", rate(s.check_digits_valid, m)),
        ("rejects (no MRZ found)", rate(s.rejects, m)),
        ("false valid (must be 0)", s.false_valid.to_string()),
        (
            "no-MRZ images rejected",
            rate(s.no_mrz_rejected, s.no_mrz_images),
        ),
        ("ms per image (median)", format!("{:.0}", s.median_ms)),
        (
            "CPU ms per image (median / max)",
            format!("{:.0} / {:.0}", s.median_cpu_ms, s.max_cpu_ms),
        ),
    ];
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (name, value) in rows {
        println!("{name:<width$}  {value}");
    }
}

/// Parse `labels.csv`: a header naming at least `file` and `mrz`, fields optionally quoted.
fn read_labels(path: &Path) -> anyhow::Result<Vec<Label>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split_csv(lines.next().unwrap_or_default());
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(file_col), Some(mrz_col)) = (col("file"), col("mrz")) else {
        bail!(
            "{}: the header needs `file` and `mrz` columns",
            path.display()
        );
    };
    let mut labels = Vec::new();
    for (n, line) in lines.enumerate() {
        let cells = split_csv(line);
        let Some(file) = cells.get(file_col).filter(|f| !f.is_empty()) else {
            bail!("{}: row {} has no file name", path.display(), n + 2);
        };
        let mrz = cells
            .get(mrz_col)
            .map(|m| {
                m.split('|')
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        labels.push(Label {
            file: file.clone(),
            mrz,
        });
    }
    Ok(labels)
}

fn push(cells: &mut [String], c: char) {
    if let Some(s) = cells.last_mut() {
        s.push(c);
    }
}

/// Split one CSV line; double quotes group commas, `""` inside quotes is a quote.
pub(crate) fn split_csv(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                push(&mut cells, '"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            _ => push(&mut cells, c),
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_and_quotes() {
        assert_eq!(
            split_csv("a,\"b,c\",,\"d\"\"e\""),
            vec!["a", "b,c", "", "d\"e"]
        );
    }

    #[test]
    fn labels_and_summary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let td3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<|L898902C36UTO7408122F1204159ZE184226B<<<<<10";
        let csv = format!("file,doc_type,mrz\na.png,TD3,{td3}\nb.png,other,\nc.png,TD3,{td3}\n");
        std::fs::write(dir.path().join("labels.csv"), csv).expect("write");
        let labels = read_labels(&dir.path().join("labels.csv")).expect("labels");
        assert_eq!(labels.len(), 3);
        assert_eq!(labels[0].mrz.len(), 2);
        assert!(labels[1].mrz.is_empty());

        let good = parse_text(td3).expect("label parses");
        let mut wrong = good.clone();
        wrong.lines[1].replace_range(0..1, "X");
        let rows = vec![
            to_row(&labels[0], Ok(good), 10.0),
            to_row(
                &labels[1],
                Err(DocError::NoMrz {
                    reason: "none".into(),
                }
                .into()),
                20.0,
            ),
            to_row(&labels[2], Ok(wrong), 30.0),
        ];
        let s = summarise(&labels, &rows);
        assert_eq!((s.images, s.with_mrz, s.exact, s.rejects), (3, 2, 1, 0));
        assert_eq!((s.lines_total, s.lines_exact), (4, 3));
        // The altered reading still claims valid check digits: counted as a false valid.
        assert_eq!(s.false_valid, 1);
        assert_eq!((s.no_mrz_images, s.no_mrz_rejected), (1, 1));
        assert_eq!(s.names, 2);
        assert_eq!(s.median_ms, 20.0);
    }
}

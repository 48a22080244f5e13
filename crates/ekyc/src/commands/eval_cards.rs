//! `ekyc eval cards DIR`: identity-card reading against `DIR/labels.csv` as written by
//! `tools/cards/render_cards.py` (`file,card,...` with the true fields). Prints the exact-match
//! rate of each response field per card kind, rejects, and time per image.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;

use ekyc_idcard::{CardReader, HkidCard, MykadCard};

use super::ocr::{load_image, ModelArgs};
use super::ocr_cards::today;

#[derive(Args)]
pub struct EvalCardsArgs {
    /// Folder holding `labels.csv` and the images it names.
    dir: PathBuf,
    /// Also hand each image to the other kind's reader and count how often it is rejected.
    #[arg(long)]
    cross: bool,
    /// Read at most this many images of each kind.
    #[arg(long)]
    limit: Option<usize>,
    /// Print the tables and per-image rows as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    models: ModelArgs,
}

type Row = HashMap<String, String>;
/// A field that differed: (field, expected, read).
type Miss = (String, String, String);

/// Fields compared per kind: (label column, response field name).
const HKID_FIELDS: [(&str, &str); 11] = [
    ("id_num", "IdNum"),
    ("en_name", "EnName"),
    ("cn_name", "CnName"),
    ("telex_code", "TelexCode"),
    ("birthday", "Birthday"),
    ("sex", "Sex"),
    ("symbol", "Symbol"),
    ("permanent", "Permanent"),
    ("first_issue_date", "FirstIssueDate"),
    ("current_issue_date", "CurrentIssueDate"),
    ("id_num", "IdNum check digit valid"),
];
const MYKAD_FIELDS: [(&str, &str); 6] = [
    ("id_num", "ID"),
    ("name", "Name"),
    ("address", "Address"),
    ("sex", "Sex"),
    ("birthday", "Birthday"),
    ("type", "Type"),
];

/// Results of one card kind.
#[derive(Serialize, Default)]
struct KindSummary {
    kind: String,
    images: usize,
    /// Rejected as "not this card" (or failed).
    rejects: usize,
    /// Field → images where it matched exactly.
    exact: Vec<(String, usize)>,
    /// Every field exact.
    all_exact: usize,
    /// Images of this kind the other kind's reader rejected (with `--cross`).
    cross_rejected: Option<usize>,
    median_ms: f64,
    /// Per image: file and the fields that differed (expected, read).
    misses: Vec<(String, Vec<Miss>)>,
}

pub fn run(args: &EvalCardsArgs) -> anyhow::Result<()> {
    let rows = read_labels(&args.dir.join("labels.csv"))?;
    let reader = CardReader::from_engine(&args.models.ocr_engine()?)?;
    let mut summaries = Vec::new();
    for kind in ["hkid", "mykad"] {
        let of_kind: Vec<&Row> = rows
            .iter()
            .filter(|r| r.get("card").map(String::as_str) == Some(kind))
            .take(args.limit.unwrap_or(usize::MAX))
            .collect();
        if !of_kind.is_empty() {
            summaries.push(evaluate(&reader, &args.dir, kind, &of_kind, args.cross)?);
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summaries)?);
    } else {
        for s in &summaries {
            print_table(s);
        }
    }
    Ok(())
}

fn evaluate(
    reader: &CardReader,
    dir: &Path,
    kind: &str,
    rows: &[&Row],
    cross: bool,
) -> anyhow::Result<KindSummary> {
    let names: Vec<&str> = if kind == "hkid" {
        HKID_FIELDS.iter().map(|f| f.1).collect()
    } else {
        MYKAD_FIELDS.iter().map(|f| f.1).collect()
    };
    let mut s = KindSummary {
        kind: kind.into(),
        exact: names.iter().map(|n| (n.to_string(), 0)).collect(),
        cross_rejected: cross.then_some(0),
        ..KindSummary::default()
    };
    let mut ms = Vec::new();
    for row in rows {
        let file = row.get("file").cloned().unwrap_or_default();
        let image = load_image(&dir.join(&file))?;
        s.images += 1;
        let read = if kind == "hkid" {
            reader
                .read_hkid(&image)
                .map(|r| (hkid_values(&r.card), r.ms))
        } else {
            reader
                .read_mykad(&image, today())
                .map(|r| (mykad_values(&r.card), r.ms))
        };
        let Ok((values, took)) = read else {
            s.rejects += 1;
            s.misses.push((
                file,
                vec![("rejected".into(), String::new(), String::new())],
            ));
            continue;
        };
        ms.push(took);
        let expected = expected_values(kind, row);
        let mut misses = Vec::new();
        for (i, (name, want)) in expected.iter().enumerate() {
            let got = values.get(i).cloned().unwrap_or_default();
            if &got == want {
                s.exact[i].1 += 1;
            } else {
                misses.push((name.clone(), want.clone(), got));
            }
        }
        if misses.is_empty() {
            s.all_exact += 1;
        } else {
            s.misses.push((file, misses));
        }
        if cross {
            let rejected = if kind == "hkid" {
                reader.read_mykad(&image, today()).is_err()
            } else {
                reader.read_hkid(&image).is_err()
            };
            if let Some(c) = s.cross_rejected.as_mut() {
                *c += usize::from(rejected);
            }
        }
    }
    ms.sort_by(f64::total_cmp);
    s.median_ms = ms.get(ms.len() / 2).copied().unwrap_or(0.0);
    Ok(s)
}

fn hkid_values(c: &HkidCard) -> Vec<String> {
    vec![
        c.id_num.clone(),
        c.en_name.clone(),
        c.cn_name.clone(),
        c.telex_code.clone(),
        c.birthday.clone(),
        c.sex.clone(),
        c.symbol.clone(),
        c.permanent.to_string(),
        c.first_issue_date.clone(),
        c.current_issue_date.clone(),
        c.id_valid.to_string(),
    ]
}

fn mykad_values(c: &MykadCard) -> Vec<String> {
    vec![
        c.id.clone(),
        c.name.clone(),
        c.address.clone(),
        c.sex.clone(),
        c.birthday.clone(),
        c.r#type.clone(),
    ]
}

/// (field name, expected value) in the order of the `*_values` functions.
fn expected_values(kind: &str, row: &Row) -> Vec<(String, String)> {
    let get = |k: &str| row.get(k).cloned().unwrap_or_default();
    if kind == "hkid" {
        HKID_FIELDS
            .iter()
            .map(|(col, name)| {
                let want = if name.ends_with("valid") {
                    "true".to_string()
                } else {
                    get(col)
                };
                (name.to_string(), want)
            })
            .collect()
    } else {
        MYKAD_FIELDS
            .iter()
            .map(|(col, name)| (name.to_string(), get(col)))
            .collect()
    }
}

fn print_table(s: &KindSummary) {
    let rate = |n: usize| {
        if s.images == 0 {
            0.0
        } else {
            n as f64 / s.images as f64
        }
    };
    println!("\n{} — {} images", s.kind, s.images);
    println!("| field | exact |");
    println!("|---|---|");
    for (name, n) in &s.exact {
        println!("| {name} | {:.3} ({n}/{}) |", rate(*n), s.images);
    }
    println!(
        "| all fields | {:.3} ({}/{}) |",
        rate(s.all_exact),
        s.all_exact,
        s.images
    );
    println!("| rejected | {}/{} |", s.rejects, s.images);
    if let Some(c) = s.cross_rejected {
        println!(
            "| rejected by the other card's reader | {c}/{} |",
            s.images - s.rejects
        );
    }
    println!("| ms per image (median) | {:.0} |", s.median_ms);
    for (file, misses) in s.misses.iter().take(12) {
        let text: Vec<String> = misses
            .iter()
            .map(|(f, want, got)| format!("{f}: {want:?} → {got:?}"))
            .collect();
        eprintln!("  {file}: {}", text.join("; "));
    }
}

fn read_labels(path: &Path) -> anyhow::Result<Vec<Row>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split_csv(lines.next().unwrap_or_default());
    if !header.iter().any(|h| h == "file") || !header.iter().any(|h| h == "card") {
        bail!(
            "{}: the header needs `file` and `card` columns",
            path.display()
        );
    }
    Ok(lines
        .map(|line| header.iter().cloned().zip(split_csv(line)).collect())
        .collect())
}

/// Comma-separated cells; double quotes group (and `""` escapes) as in RFC 4180.
pub(crate) fn split_csv(line: &str) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_with_quotes() {
        assert_eq!(
            split_csv(r#"a.jpg,hkid,"CHAN, Tai Man",,"x ""y""""#),
            vec!["a.jpg", "hkid", "CHAN, Tai Man", "", "x \"y\""]
        );
    }
}

//! `ekyc eval liveness DIR`: liveness verdicts against `DIR/videos.csv`
//! (`file,mode,validate_data,expected,notes`; `notes` may name accepted alternatives as
//! "alt CodeA/CodeB"). Prints per-clip results, the confusion per mode, the pass rate of live
//! clips (BPCER), the accept rate of each attack type (APCER, worst first) and time per clip.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;

use ekyc_liveness::lip::assess_lip;
use ekyc_liveness::{assess, Mode, SignalTable, Verdict};
use ekyc_media::{DecodedVideo, VideoOptions};
use ekyc_types::ErrorCode;

use super::eval_documents::split_csv;
use super::liveness::{parse_mode, LivenessModels};

#[derive(Args)]
pub struct EvalLivenessArgs {
    /// Folder holding `videos.csv` and the clips it names.
    dir: PathBuf,
    /// Print the summary and per-clip results as JSON.
    #[arg(long)]
    json: bool,
    /// Model cache (default: EKYC_HOME, else ~/.cache/ekyc).
    #[arg(long)]
    home: Option<PathBuf>,
}

struct Label {
    file: String,
    mode: String,
    validate: String,
    expected: String,
    /// Codes also accepted (from "alt ..." in notes).
    alternatives: Vec<String>,
}

#[derive(Serialize)]
struct Row {
    file: String,
    mode: String,
    validate: String,
    expected: String,
    got: String,
    /// Liveness score 0..100 (0 when a check failed).
    score: f32,
    correct: bool,
    /// live, or the attack kind (from the file name: attack_<kind>_..., bad_...).
    kind: String,
    ms: f64,
}

/// Codes named after "alt" in a notes cell.
fn alternatives(notes: &str) -> Vec<String> {
    let Some(pos) = notes.find("alt ") else {
        return Vec::new();
    };
    notes[pos + 4..]
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.contains('.') {
                w.to_string()
            } else {
                format!("FailedOperation.{w}")
            }
        })
        .filter(|w| ErrorCode::parse(w).is_some())
        .collect()
}

fn read_labels(path: &Path) -> anyhow::Result<Vec<Label>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split_csv(lines.next().unwrap_or_default());
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(f), Some(m), Some(v), Some(e)) = (
        col("file"),
        col("mode"),
        col("validate_data"),
        col("expected"),
    ) else {
        bail!(
            "{}: the header needs file, mode, validate_data and expected columns",
            path.display()
        );
    };
    let notes = col("notes");
    let mut labels = Vec::new();
    for line in lines {
        let c = split_csv(line);
        let get = |i: usize| c.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
        labels.push(Label {
            file: get(f),
            mode: get(m),
            validate: get(v),
            expected: get(e),
            alternatives: notes.map(|n| alternatives(&get(n))).unwrap_or_default(),
        });
    }
    Ok(labels)
}

fn kind_of(label: &Label) -> String {
    if label.expected == "Success" {
        return "live".into();
    }
    if label.expected == ErrorCode::LipVoiceRecognize.as_str() {
        return "wrong code (LIP)".into();
    }
    // attack_<kind>_..., bad_..., else the first word of the name (print_, replay_, mask_, ...).
    let name = label
        .file
        .trim_end_matches(|c: char| c != '.')
        .trim_end_matches('.');
    let name = name.strip_prefix("attack_").unwrap_or(name);
    match name.split('_').next().unwrap_or("") {
        "bad" => "bad input".into(),
        "live" | "fmt" | "" => "live clip, failing check".into(),
        // lip_print_..., lip_mask_...: the attack under the voice; other lip_ clips are live
        "lip" => match name.split('_').nth(1).unwrap_or("") {
            attack @ ("print" | "mask") => attack.into(),
            _ => "live clip, failing check".into(),
        },
        kind => kind.into(),
    }
}

/// The wire result and the liveness score of a verdict.
fn outcome(v: &Verdict) -> (String, f32) {
    let got = v
        .failure
        .as_ref()
        .map(|f| f.code.as_str().to_string())
        .unwrap_or_else(|| "Success".into());
    (got, v.score)
}

/// The speech condition of a LIP clip from its generated name (`lip_<noise><snr>_...`).
/// The rank orders the table rows from clean to noisiest.
fn lip_condition(file: &str) -> (u8, &'static str) {
    let token = file.split('_').nth(1).unwrap_or("");
    let noise = token.trim_end_matches(|c: char| c.is_ascii_digit());
    let snr = &token[noise.len()..];
    if !matches!(noise, "clean" | "shift1s" | "white" | "babble" | "music") {
        return (5, "real recordings (FSDD voices)");
    }
    match (token, snr) {
        ("clean", _) => (0, "clean speech"),
        ("shift1s", _) => (1, "clean, dubbed 1 s late"),
        (_, "20") => (2, "20 dB SNR (white/babble/music)"),
        (_, "10") => (3, "10 dB SNR (white/babble/music)"),
        (_, "5") => (4, "5 dB SNR (white/babble/music)"),
        _ => (5, "real recordings (FSDD voices)"),
    }
}

/// LIP: how often the right code is accepted per speech condition, and how often a wrong one is.
fn print_lip_table(rows: &[&Row]) {
    let lip: Vec<_> = rows.iter().filter(|r| r.mode == "LIP").collect();
    if lip.is_empty() {
        return;
    }
    let mut by_condition: BTreeMap<(u8, &str), (usize, usize)> = BTreeMap::new();
    for r in lip.iter().filter(|r| r.expected == "Success") {
        let e = by_condition.entry(lip_condition(&r.file)).or_default();
        e.0 += usize::from(r.got == "Success");
        e.1 += 1;
    }
    println!("\n| LIP speech (right code asked) | clips | accepted |");
    println!("|---|---|---|");
    for ((_, condition), (ok, n)) in &by_condition {
        println!("| {condition} | {n} | {} |", pct(*ok, *n));
    }
    let wrong: Vec<_> = lip
        .iter()
        .filter(|r| r.expected == ErrorCode::LipVoiceRecognize.as_str())
        .collect();
    let accepted = wrong.iter().filter(|r| r.got == "Success").count();
    println!(
        "| wrong code asked | {} | {} |",
        wrong.len(),
        pct(accepted, wrong.len())
    );
}

/// A decoded and tracked clip, or the wire code its decoding failed with.
type Tracked = Result<(DecodedVideo, SignalTable, f64), String>;

fn track(models: &LivenessModels, path: &Path) -> anyhow::Result<Tracked> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let started = Instant::now();
    let video = match ekyc_server::intake::decode_video_input(
        &bytes,
        "VideoBase64",
        &VideoOptions::default(),
    ) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e.code.as_str().to_string())),
    };
    let table = models.tracker.track(&video.frames, &video.frame_times_s)?;
    Ok(Ok((video, table, started.elapsed().as_secs_f64() * 1e3)))
}

pub fn run(args: &EvalLivenessArgs) -> anyhow::Result<()> {
    let labels = read_labels(&args.dir.join("videos.csv"))?;
    let models = LivenessModels::load(args.home.as_deref())?;
    let mut cache: HashMap<String, Tracked> = HashMap::new();
    let mut rows = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        if !cache.contains_key(&label.file) {
            let tracked = track(&models, &args.dir.join(&label.file))?;
            cache.insert(label.file.clone(), tracked);
        }
        let started = Instant::now();
        let (got, score) = match &cache[&label.file] {
            Err(code) => (code.clone(), 0.0),
            Ok((video, table, _)) => {
                let validate = (!label.validate.is_empty()).then_some(label.validate.as_str());
                match parse_mode(&label.mode, validate) {
                    Err(e) => (format!("InvalidParameterValue ({e})"), 0.0),
                    Ok(Mode::Lip) => {
                        let audio = video.audio_16k_mono.as_deref();
                        let (v, _) = assess_lip(
                            table,
                            &video.frames,
                            &models.speech,
                            audio,
                            &label.validate,
                            &models.config,
                        )?;
                        outcome(&v)
                    }
                    Ok(mode) => outcome(&assess(table, &video.frames, &mode, &models.config, 1)),
                }
            }
        };
        let track_ms = cache[&label.file].as_ref().map(|t| t.2).unwrap_or(0.0);
        let correct = got == label.expected || label.alternatives.contains(&got);
        let row = Row {
            file: label.file.clone(),
            mode: label.mode.clone(),
            validate: label.validate.clone(),
            expected: label.expected.clone(),
            got,
            score,
            correct,
            kind: kind_of(label),
            ms: track_ms + started.elapsed().as_secs_f64() * 1e3,
        };
        if !args.json {
            eprintln!(
                "[{}/{}] {} {} {:<6} {} -> {} (score {:.0}) {}",
                i + 1,
                labels.len(),
                if row.correct { "ok  " } else { "MISS" },
                row.mode,
                row.validate,
                row.file,
                row.got,
                row.score,
                if row.correct {
                    String::new()
                } else {
                    format!("(expected {})", row.expected)
                }
            );
        }
        rows.push(row);
    }
    let scored: Vec<&Row> = rows
        .iter()
        .filter(|r| !r.got.starts_with("skipped"))
        .collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    print_tables(&scored, rows.len() - scored.len());
    Ok(())
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "-".into()
    } else {
        format!("{:.1} % ({n}/{d})", 100.0 * n as f64 / d as f64)
    }
}

fn print_tables(rows: &[&Row], skipped: usize) {
    println!("\n| mode | clips | verdict as labelled |");
    println!("|---|---|---|");
    let mut modes: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in rows {
        let e = modes.entry(r.mode.as_str()).or_default();
        e.0 += usize::from(r.correct);
        e.1 += 1;
    }
    for (mode, (ok, n)) in &modes {
        println!("| {mode} | {n} | {} |", pct(*ok, *n));
    }
    let live: Vec<_> = rows.iter().filter(|r| r.expected == "Success").collect();
    let passed = live.iter().filter(|r| r.got == "Success").count();
    println!("\n| live clips | passed | BPCER |");
    println!("|---|---|---|");
    println!(
        "| {} | {} | {} |",
        live.len(),
        pct(passed, live.len()),
        pct(live.len() - passed, live.len())
    );
    let mut attacks: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.expected != "Success") {
        let e = attacks.entry(r.kind.as_str()).or_default();
        e.0 += usize::from(r.got == "Success");
        e.1 += 1;
    }
    let mut by_rate: Vec<_> = attacks.into_iter().collect();
    by_rate.sort_by(|a, b| (b.1 .0 * a.1 .1).cmp(&(a.1 .0 * b.1 .1)));
    println!("\n| attack / bad input | clips | accepted (APCER) |");
    println!("|---|---|---|");
    for (kind, (accepted, n)) in by_rate {
        println!("| {kind} | {n} | {} |", pct(accepted, n));
    }
    print_lip_table(rows);
    let mut ms: Vec<f64> = rows.iter().map(|r| r.ms).collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    let median = ms.get(ms.len() / 2).copied().unwrap_or(0.0);
    println!(
        "\nmedian time per clip (decode + track + checks): {median:.0} ms; {skipped} rows skipped"
    );
}

#[cfg(test)]
mod tests {
    use super::lip_condition;

    #[test]
    fn lip_conditions_come_from_generated_names_only() {
        assert_eq!(lip_condition("lip_clean_d18_00.mp4").0, 0);
        assert_eq!(lip_condition("lip_shift1s_d20_1.mp4").0, 1);
        assert_eq!(lip_condition("lip_babble20_d18_01.mp4").0, 2);
        assert_eq!(lip_condition("lip_white10_d20_03.mp4").0, 3);
        assert_eq!(lip_condition("lip_music5_d20_00.mp4").0, 4);
        // a real clip named after its source video, not a noise level
        assert_eq!(lip_condition("lip_d20_george_0578.mp4").0, 5);
    }
}

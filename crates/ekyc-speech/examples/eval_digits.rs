//! Accuracy and speed of the audio checks on a labelled set (tools/speech/gen_digits.py):
//!
//!   tools/speech/gen_digits.py /tmp/digits && \
//!   cargo run --release -p ekyc-speech --example eval_digits -- /tmp/digits [--margin 4] [--margin-far 3] [--threads 1]
//!
//! Per condition: exact = the best hypothesis is the spoken code; accept = the spoken code,
//! requested, is accepted (Match); wrong-accept = a different random code, requested, is
//! accepted; no-voice = the clip got NoVoice/VoiceLow. Noise-only clips count as correct when
//! they get NoVoice. Times: median and 90th percentile of `analyse` per clip.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use ekyc_speech::{SpeechConfig, SpeechVerdict};
use rand::{Rng, SeedableRng};

struct Row {
    file: String,
    code: String,
    condition: String,
}

#[derive(Default)]
struct Tally {
    clips: usize,
    exact: usize,
    accepted: usize,
    wrong_accepted: usize,
    no_voice: usize,
    times_ms: Vec<f32>,
    recognise_ms: Vec<f32>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: eval_digits DIR [--margin M] [--margin-far M] [--threads N]");
        return ExitCode::from(2);
    };
    let mut cfg = SpeechConfig::default();
    if let Some(i) = args.iter().position(|a| a == "--margin") {
        match args.get(i + 1).and_then(|m| m.parse().ok()) {
            Some(m) => cfg.code_margin = m,
            None => {
                eprintln!("--margin needs a number");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(i) = args.iter().position(|a| a == "--margin-far") {
        match args.get(i + 1).and_then(|m| m.parse().ok()) {
            Some(m) => cfg.code_margin_far = m,
            None => {
                eprintln!("--margin-far needs a number");
                return ExitCode::from(2);
            }
        }
    }
    let threads = match args.iter().position(|a| a == "--threads") {
        None => 1,
        Some(i) => match args.get(i + 1).and_then(|t| t.parse().ok()) {
            Some(t) => t,
            None => {
                eprintln!("--threads needs a number");
                return ExitCode::from(2);
            }
        },
    };
    match run(&dir, cfg, threads) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read_labels(dir: &Path) -> Result<Vec<Row>, String> {
    let text =
        std::fs::read_to_string(dir.join("labels.csv")).map_err(|e| format!("labels.csv: {e}"))?;
    let mut rows = Vec::new();
    for line in text.lines().skip(1) {
        // The first three fields never contain commas or quotes.
        let fields: Vec<&str> = line.splitn(4, ',').collect();
        if let [file, code, condition, _] = fields.as_slice() {
            rows.push(Row {
                file: file.to_string(),
                code: code.to_string(),
                condition: condition.to_string(),
            });
        }
    }
    Ok(rows)
}

fn run(dir: &Path, cfg: SpeechConfig, threads: usize) -> Result<(), String> {
    let margin = cfg.code_margin;
    let recognizer = common::recognizer(cfg, threads)?;
    let rows = read_labels(dir)?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(8);
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for row in &rows {
        let audio = common::read_audio(&dir.join(&row.file))?;
        let tally = tallies.entry(row.condition.clone()).or_default();
        tally.clips += 1;
        let asked = if row.code.is_empty() {
            "1234".to_string()
        } else {
            row.code.clone()
        };
        let started = Instant::now();
        let report = recognizer
            .analyse(&audio, &asked)
            .map_err(|e| e.to_string())?;
        tally
            .times_ms
            .push(started.elapsed().as_secs_f32() * 1000.0);
        if report.timings.recognise_ms > 0.0 {
            tally.recognise_ms.push(report.timings.recognise_ms);
        }
        let silent = matches!(
            report.verdict,
            SpeechVerdict::NoVoice | SpeechVerdict::VoiceLow
        );
        tally.no_voice += usize::from(silent);
        if row.code.is_empty() {
            continue;
        }
        tally.exact += usize::from(report.heard.as_deref() == Some(row.code.as_str()));
        tally.accepted += usize::from(report.verdict == SpeechVerdict::Match);
        let wrong = loop {
            let c: String = (0..4)
                .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
                .collect();
            if c != row.code {
                break c;
            }
        };
        let wrong_report = recognizer
            .analyse(&audio, &wrong)
            .map_err(|e| e.to_string())?;
        tally.wrong_accepted += usize::from(wrong_report.verdict == SpeechVerdict::Match);
        if report.verdict != SpeechVerdict::Match {
            eprintln!(
                "miss {} said {} heard {:?} margin {:?} {:?}",
                row.file, row.code, report.heard, report.requested_margin, report.verdict
            );
        }
    }
    print_table(&tallies, margin, threads);
    Ok(())
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        return "-".into();
    }
    format!("{:.1} %", 100.0 * n as f32 / d as f32)
}

fn quantile(v: &mut [f32], q: f32) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f32::total_cmp);
    v[((v.len() - 1) as f32 * q).round() as usize]
}

fn print_table(tallies: &BTreeMap<String, Tally>, margin: f32, threads: usize) {
    println!("margin {margin}, {threads} thread(s) per operator");
    println!(
        "| condition | clips | exact code | requested accepted | wrong code accepted | no voice | analyse ms (median / p90) | recognise ms (median) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut all = Tally::default();
    for (name, t) in tallies {
        let mut times = t.times_ms.clone();
        let mut rec = t.recognise_ms.clone();
        let speech = name != "noise_only";
        println!(
            "| {name} | {} | {} | {} | {} | {} | {:.0} / {:.0} | {:.0} |",
            t.clips,
            if speech {
                pct(t.exact, t.clips)
            } else {
                "-".into()
            },
            if speech {
                pct(t.accepted, t.clips)
            } else {
                "-".into()
            },
            if speech {
                pct(t.wrong_accepted, t.clips)
            } else {
                "-".into()
            },
            pct(t.no_voice, t.clips),
            quantile(&mut times, 0.5),
            quantile(&mut times, 0.9),
            quantile(&mut rec, 0.5),
        );
        if speech {
            all.clips += t.clips;
            all.exact += t.exact;
            all.accepted += t.accepted;
            all.wrong_accepted += t.wrong_accepted;
            all.no_voice += t.no_voice;
            all.times_ms.extend(&t.times_ms);
            all.recognise_ms.extend(&t.recognise_ms);
        }
    }
    println!(
        "| all speech | {} | {} | {} | {} | {} | {:.0} / {:.0} | {:.0} |",
        all.clips,
        pct(all.exact, all.clips),
        pct(all.accepted, all.clips),
        pct(all.wrong_accepted, all.clips),
        pct(all.no_voice, all.clips),
        quantile(&mut all.times_ms, 0.5),
        quantile(&mut all.times_ms, 0.9),
        quantile(&mut all.recognise_ms, 0.5),
    );
}

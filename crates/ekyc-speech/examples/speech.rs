//! Analyse the audio of one clip against a requested code and print the report.
//!
//!   cargo run --release -p ekyc-speech --example speech -- FILE CODE
//!
//! FILE is a video (decoded like the API's intake) or a 16-bit PCM 16 kHz mono WAV.

mod common;

use std::path::PathBuf;
use std::process::ExitCode;

use ekyc_speech::SpeechConfig;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, code] = args.as_slice() else {
        eprintln!("usage: speech FILE CODE");
        return ExitCode::from(2);
    };
    match run(PathBuf::from(file), code) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(file: PathBuf, code: &str) -> Result<(), String> {
    let recognizer = common::recognizer(SpeechConfig::default(), 1)?;
    let audio = common::read_audio(&file)?;
    let r = recognizer
        .analyse(&audio, code)
        .map_err(|e| e.to_string())?;
    let db = |v: Option<f32>| v.map_or("-".to_string(), |d| format!("{d:.1} dBFS"));
    println!("file            {}", file.display());
    println!("duration        {:.2} s", r.duration_s);
    let spans: Vec<String> = r
        .voiced
        .iter()
        .map(|(a, b)| format!("{a:.2}-{b:.2}"))
        .collect();
    println!(
        "voiced          {:.2} s  [{}]",
        r.voiced_s,
        spans.join(", ")
    );
    println!("voiced level    {}", db(r.voiced_dbfs));
    println!("loudest span    {}", db(r.loudest_segment_dbfs));
    println!("peak            {:.1} dBFS", r.peak_dbfs);
    println!("envelope        {} x 10 ms", r.envelope_10ms.len());
    println!("requested       {code}");
    println!("heard           {}", r.heard.as_deref().unwrap_or("-"));
    let margin = r
        .requested_margin
        .map_or("-".to_string(), |m| format!("{m:.2}"));
    println!(
        "margin          {margin} (accept <= {})",
        recognizer.config().code_margin
    );
    println!("verdict         {:?}", r.verdict);
    let t = r.timings;
    println!(
        "time            vad {:.0} ms, recognise {:.0} ms, total {:.0} ms",
        t.vad_ms, t.recognise_ms, t.total_ms
    );
    Ok(())
}

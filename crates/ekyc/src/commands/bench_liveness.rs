//! `ekyc bench liveness`: the liveness flow on a 6 s 1280×720 MP4 made from a real clip —
//! decode, tracking + checks, and the whole SILENT + compare and ACTION requests.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use clap::Args;

use ekyc_face::{compare, CompareOptions};
use ekyc_liveness::{check_video, Mode};
use ekyc_media::{decode_video, VideoOptions};
use ekyc_types::params::Gesture;

use crate::commands::bench::{print_table, time_ms, Row};
use crate::commands::liveness::LivenessModels;

#[derive(Args)]
pub struct BenchLivenessArgs {
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Face clip to turn into the 6 s 720p input (default: liveness/live_d18.mp4 in
    /// EKYC_TEST_DATA or ../shared/data).
    #[arg(long)]
    clip: Option<PathBuf>,
    /// Model cache (default: EKYC_HOME, else ~/.cache/ekyc).
    #[arg(long)]
    home: Option<PathBuf>,
}

fn default_clip() -> PathBuf {
    std::env::var_os("EKYC_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"))
        .join("liveness/live_d18.mp4")
}

/// 6 s, 1280×720, 30 fps H.264 + AAC: the clip scaled to 720 px high and padded.
fn make_720p(clip: &Path, out: &Path) -> anyhow::Result<()> {
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(clip)
        .args([
            "-t",
            "6",
            "-vf",
            "scale=-2:720,pad=1280:720:(ow-iw)/2:0,fps=30",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "23",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
        ])
        .arg(out)
        .status()
        .context("running ffmpeg")?;
    if !status.success() {
        bail!(
            "ffmpeg could not make the 720p bench clip from {}",
            clip.display()
        );
    }
    Ok(())
}

/// CPU time of this process (all threads, also those that have ended) and of its waited-for
/// children (the ffmpeg decoder), in ms, from `/proc/self/stat` (clock ticks of 10 ms).
fn cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // fields after the command name: state is field 3, utime/stime/cutime/cstime 14-17
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return f64::NAN;
    };
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(4)
        .filter_map(|v| v.parse::<u64>().ok())
        .sum();
    ticks as f64 * 10.0
}

/// `time_ms` plus the median CPU time of all the process's threads per run: on a box shared
/// with other jobs the wall clock grows, the CPU time much less.
fn time_cpu(
    runs: usize,
    mut f: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<(f64, f64, f64)> {
    let mut cpu = Vec::with_capacity(runs + 1);
    let (median, p90) = time_ms(runs, || {
        let start = cpu_ms();
        let result = f();
        cpu.push(cpu_ms() - start);
        result
    })?;
    cpu.sort_by(f64::total_cmp);
    Ok((median, p90, cpu[cpu.len() / 2]))
}

/// Peak resident memory of this process (Linux `VmHWM`), in MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub fn run(args: &BenchLivenessArgs) -> anyhow::Result<()> {
    let clip = args.clip.clone().unwrap_or_else(default_clip);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench720.mp4");
    eprintln!("making a 6 s 720p clip from {} ...", clip.display());
    make_720p(&clip, &path)?;
    let bytes = std::fs::read(&path)?;
    let models = LivenessModels::load(args.home.as_deref())?;
    let opts = VideoOptions::default();
    let first = decode_video(&bytes, &opts)?;
    let photo = first.frames[first.frames.len() / 3].clone();
    let input = format!(
        "MP4 {:.1} MB, 6 s 1280×720 30 fps + AAC",
        bytes.len() as f64 / 1e6
    );
    let mut rows = Vec::new();
    let mut cpu_rows: Vec<(String, f64)> = Vec::new();
    let run_mode = |mode: &Mode, with_compare: bool| -> anyhow::Result<()> {
        let video = decode_video(&bytes, &opts)?;
        let (_, verdict) = check_video(
            &models.tracker,
            &video.frames,
            &video.frame_times_s,
            mode,
            &models.config,
            1,
        )?;
        if let Some(f) = &verdict.failure {
            bail!(
                "the bench clip failed liveness: {} {}",
                f.code.as_str(),
                f.description
            );
        }
        if with_compare {
            compare(
                &models.face,
                &video.frames[verdict.best_frames[0]],
                &photo,
                &CompareOptions::default(),
            )?;
        }
        Ok(())
    };
    eprintln!("timing decode ...");
    let (median, p90, cpu) = time_cpu(args.runs, || {
        decode_video(&bytes, &opts)?;
        Ok(())
    })?;
    rows.push(Row {
        name: "decode: frames at 10 fps ≤ 640 px + 16 kHz audio".into(),
        input: input.clone(),
        median,
        p90,
    });
    cpu_rows.push((rows[rows.len() - 1].name.clone(), cpu));
    eprintln!("timing tracking + SILENT checks ...");
    let (median, p90, cpu) = time_cpu(args.runs, || {
        check_video(
            &models.tracker,
            &first.frames,
            &first.frame_times_s,
            &Mode::Silent,
            &models.config,
            1,
        )?;
        Ok(())
    })?;
    rows.push(Row {
        name: "track + SILENT checks (decoded frames)".into(),
        input: format!("{} frames", first.frames.len()),
        median,
        p90,
    });
    cpu_rows.push((rows[rows.len() - 1].name.clone(), cpu));
    eprintln!("timing SILENT + compare ...");
    let (median, p90, cpu) = time_cpu(args.runs, || run_mode(&Mode::Silent, true))?;
    rows.push(Row {
        name: "SILENT + compare: decode + track + checks + best frame vs photo".into(),
        input: input.clone(),
        median,
        p90,
    });
    cpu_rows.push((rows[rows.len() - 1].name.clone(), cpu));
    eprintln!("timing ACTION ...");
    let action = Mode::Action(vec![Gesture::OpenMouth]);
    let (median, p90, cpu) = time_cpu(args.runs, || run_mode(&action, true))?;
    rows.push(Row {
        name: "ACTION (open mouth) + compare".into(),
        input,
        median,
        p90,
    });
    cpu_rows.push((rows[rows.len() - 1].name.clone(), cpu));
    if let Some(row) = speech_row(&clip, &models, args.runs)? {
        rows.push(row);
    }
    print_table("ekyc bench liveness", &rows, args.runs);
    println!("\n| step | CPU ms, all threads (median) |\n|---|---:|");
    for (name, cpu) in &cpu_rows {
        println!("| {name} | {cpu:.1} |");
    }
    if let Some(mb) = peak_rss_mb() {
        println!("\npeak RSS {mb:.0} MB");
    }
    Ok(())
}

/// LIP's audio stage on the real spoken-code clip next to the face clip (FSDD voice saying
/// 0578): voice activity, loudness and digit recognition. `None` when that clip is absent.
fn speech_row(clip: &Path, models: &LivenessModels, runs: usize) -> anyhow::Result<Option<Row>> {
    const CODE: &str = "0578";
    let lip_clip = clip.with_file_name("lip_d20_george_0578.mp4");
    let Ok(bytes) = std::fs::read(&lip_clip) else {
        eprintln!("no speech row: {} not found", lip_clip.display());
        return Ok(None);
    };
    let video = decode_video(&bytes, &VideoOptions::default())?;
    let audio = video
        .audio_16k_mono
        .context("the spoken-code clip has no audio")?;
    eprintln!("timing LIP speech ...");
    let (median, p90) = time_ms(runs, || {
        let report = models.speech.analyse(&audio, CODE)?;
        if report.verdict != ekyc_speech::SpeechVerdict::Match {
            bail!(
                "the spoken code {CODE} was not accepted: {:?}",
                report.verdict
            );
        }
        Ok(())
    })?;
    Ok(Some(Row {
        name: format!("LIP speech: VAD + level + digit recognition (code {CODE})"),
        input: format!(
            "{:.1} s of 16 kHz audio from {}",
            audio.len() as f64 / 16_000.0,
            lip_clip.file_name().and_then(|n| n.to_str()).unwrap_or("?")
        ),
        median,
        p90,
    }))
}

//! `ekyc liveness VIDEO --type ACTION|SILENT|LIP [--validate DATA] [--photo P]`: the liveness
//! verdict of one clip (what LivenessCompare runs), its evidence and timings; `--dump` writes
//! the per-frame signal table as CSV.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use ekyc_face::{compare, CompareOptions, FacePipeline, DETECTOR_MODEL, EMBEDDER_MODEL};
use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_liveness::{check_video, FaceTracker, LivenessConfig, Mode, Verdict, TRACKER_MODELS};
use ekyc_media::{decode_video, DecodedVideo, VideoOptions};
use ekyc_speech::{SpeechConfig, SpeechRecognizer};
use ekyc_types::params::{Challenge, LivenessType};

#[derive(Args)]
pub struct LivenessArgs {
    /// The selfie video (MP4, WebM, AVI, FLV, MOV).
    video: PathBuf,
    /// LivenessType: ACTION, SILENT or LIP.
    #[arg(long = "type", default_value = "SILENT")]
    kind: String,
    /// ValidateData: gestures for ACTION ("1,2"), four digits for LIP.
    #[arg(long)]
    validate: Option<String>,
    /// Reference photo to compare the best frame with.
    #[arg(long)]
    photo: Option<PathBuf>,
    /// Write the per-frame signals as CSV to this file.
    #[arg(long)]
    dump: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Model cache (default: EKYC_HOME, else ~/.cache/ekyc).
    #[arg(long)]
    home: Option<PathBuf>,
}

/// The models liveness needs: tracker (detector, mesh, iris) and the face embedder.
pub struct LivenessModels {
    pub tracker: FaceTracker,
    pub speech: SpeechRecognizer,
    pub face: FacePipeline,
    pub config: LivenessConfig,
    _engine: Engine,
}

impl LivenessModels {
    pub fn load(home: Option<&Path>) -> anyhow::Result<LivenessModels> {
        let home = match home {
            Some(h) => h.to_path_buf(),
            None => default_home()?,
        };
        let mut names: Vec<&str> = TRACKER_MODELS.to_vec();
        names.push(EMBEDDER_MODEL);
        names.extend_from_slice(ekyc_speech::MODEL_NAMES);
        names.dedup();
        let engine = Engine::load(
            &Manifest::embedded()?,
            &home,
            &names,
            &SessionOptions::default(),
        )
        .with_context(|| {
            format!(
                "loading the liveness models from {} (run `ekyc models fetch`)",
                home.display()
            )
        })?;
        let config = LivenessConfig::default();
        debug_assert!(names.contains(&DETECTOR_MODEL));
        Ok(LivenessModels {
            tracker: FaceTracker::from_engine(&engine, config.track.clone())?,
            speech: SpeechRecognizer::from_engine(&engine, SpeechConfig::default())?,
            face: FacePipeline::from_engine(&engine)?,
            config,
            _engine: engine,
        })
    }
}

/// Parses `--type` and `--validate` as the API parses LivenessType and ValidateData.
pub fn parse_mode(kind: &str, validate: Option<&str>) -> anyhow::Result<Mode> {
    let kind = LivenessType::parse(kind).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let challenge =
        Challenge::parse(kind, validate).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    Ok(Mode::from_challenge(&challenge))
}

/// Decodes a video file as the server does (10 fps, ≤ 640 px).
pub fn decode_file(path: &Path) -> anyhow::Result<DecodedVideo> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    decode_video(&bytes, &VideoOptions::default())
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

#[derive(Serialize)]
struct Output<'a> {
    result: &'a str,
    description: &'a str,
    score: f32,
    sim: Option<f64>,
    best_frame_s: Option<f32>,
    verdict: &'a Verdict,
    decode_ms: f64,
    liveness_ms: f64,
    compare_ms: Option<f64>,
}

pub fn run(args: LivenessArgs) -> anyhow::Result<()> {
    let mode = parse_mode(&args.kind, args.validate.as_deref())?;
    let models = LivenessModels::load(args.home.as_deref())?;
    let started = Instant::now();
    let video = decode_file(&args.video)?;
    let decode_ms = ms(started);
    let started = Instant::now();
    let (table, mut verdict) = check_video(
        &models.tracker,
        &video.frames,
        &video.frame_times_s,
        &mode,
        &models.config,
        1,
    )?;
    if let (Mode::Lip, Some(code)) = (&mode, args.validate.as_deref()) {
        let audio = video.audio_16k_mono.as_deref();
        let (lip, report) = ekyc_liveness::lip::assess_lip(
            &table,
            &video.frames,
            &models.speech,
            audio,
            code.trim(),
            &models.config,
        )?;
        eprintln!(
            "speech: heard {:?}, voiced {:.1} s at {:?} dBFS, margin {:?}, lip motion {:.3}, {:.0} ms",
            report.heard, report.voiced_s, report.voiced_dbfs, report.requested_margin,
            ekyc_liveness::lip::lip_motion(&table, &report.voiced), report.timings.total_ms
        );
        if let Some(sync) = lip.evidence.lip_sync {
            eprintln!(
                "lip sync: mouth vs voice loudness r = {:.2} at {:+.1} s (recorded, not a rule)",
                sync.correlation, sync.lag_s
            );
        }
        verdict = lip;
    }
    let liveness_ms = ms(started);
    if let Some(path) = &args.dump {
        std::fs::write(path, table.to_csv())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let best = verdict.best_frames.first().copied();
    let (mut sim, mut compare_ms) = (None, None);
    if let (Some(photo), Some(best), None) = (&args.photo, best, &verdict.failure) {
        let reference = image::open(photo)
            .with_context(|| format!("reading {}", photo.display()))?
            .to_rgb8();
        let started = Instant::now();
        let c = compare(
            &models.face,
            &video.frames[best],
            &reference,
            &CompareOptions::default(),
        )?;
        compare_ms = Some(ms(started));
        sim = Some(c.sim);
    }
    let (result, description) = match &verdict.failure {
        Some(f) => (f.code.as_str(), f.description.as_str()),
        None => ("Success", "live"),
    };
    let out = Output {
        result,
        description,
        score: verdict.score,
        sim,
        best_frame_s: best.map(|i| video.frame_times_s[i]),
        verdict: &verdict,
        decode_ms,
        liveness_ms,
        compare_ms,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!("Result       {result}");
    println!("Description  {description}");
    println!("Score        {:.1}", verdict.score);
    if let Some(sim) = sim {
        println!("Sim          {sim:.2}");
    }
    let e = &verdict.evidence;
    println!(
        "evidence     frames {} face {:.0} % multi {:.0} % mask {:.0} % face {:.0} px luma {:.0} sharp {:.1} eye {:.3} mouth {:.3} deformation {:.4} screen {:.2}",
        e.frames, e.face_share * 100.0, e.multi_face_share * 100.0, e.mask_share * 100.0, e.median_face_px, e.median_face_luma, e.median_sharpness, e.eye_motion, e.mouth_motion, e.deformation, e.screen
    );
    println!(
        "time         decode {decode_ms:.0} ms, liveness {liveness_ms:.0} ms{}",
        compare_ms
            .map(|c| format!(", compare {c:.0} ms"))
            .unwrap_or_default()
    );
    Ok(())
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

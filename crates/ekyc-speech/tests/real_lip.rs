//! The real models on the real LIP clips of shared/data/liveness (FSDD speakers' digits dubbed
//! over face clips; a -45 dBFS copy; digital silence; no audio stream at all).
//! Skips (loudly) without the model cache, the test data or ffmpeg.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ekyc_infer::{default_home, Engine, Manifest, SessionOptions};
use ekyc_media::{decode_video, VideoOptions};
use ekyc_speech::{SpeechConfig, SpeechRecognizer, SpeechReport, SpeechVerdict, MODEL_NAMES};

fn data_dir() -> PathBuf {
    match std::env::var_os("EKYC_TEST_DATA") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// Loaded once for all tests of this file; `None` after printing why they skip.
fn recognizer() -> Option<&'static SpeechRecognizer> {
    static CELL: OnceLock<Option<SpeechRecognizer>> = OnceLock::new();
    CELL.get_or_init(|| {
        let manifest = Manifest::embedded().expect("embedded manifest");
        let Ok(home) = default_home() else {
            eprintln!("SKIP: no cache dir (set EKYC_HOME); run `ekyc models fetch`");
            return None;
        };
        match Engine::load(&manifest, &home, MODEL_NAMES, &SessionOptions::default()) {
            Ok(engine) => Some(
                SpeechRecognizer::from_engine(&engine, SpeechConfig::default())
                    .expect("recognizer"),
            ),
            Err(e) => {
                eprintln!(
                    "SKIP: models not ready in {} ({e}): run `ekyc models fetch`",
                    home.display()
                );
                None
            }
        }
    })
    .as_ref()
}

/// The clip's audio (empty without an audio stream), or `None` after printing why we skip.
fn audio(file: &str) -> Option<Vec<f32>> {
    let path = data_dir().join("liveness").join(file);
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("SKIP: {} not found (set EKYC_TEST_DATA)", path.display());
        return None;
    };
    let opts = VideoOptions {
        want_audio: true,
        fps: 1.0,
        ..VideoOptions::default()
    };
    match decode_video(&bytes, &opts) {
        Ok(video) => Some(video.audio_16k_mono.unwrap_or_default()),
        Err(e) => {
            eprintln!("SKIP: cannot decode {file} ({e}); is ffmpeg installed?");
            None
        }
    }
}

fn analyse(file: &str, code: &str) -> Option<SpeechReport> {
    let recognizer = recognizer()?;
    let audio = audio(file)?;
    let report = recognizer.analyse(&audio, code).expect("analyse");
    eprintln!(
        "{file} asked {code}: {:?}, heard {:?}, margin {:?}, voiced {:.2} s at {:?} dBFS",
        report.verdict, report.heard, report.requested_margin, report.voiced_s, report.voiced_dbfs
    );
    Some(report)
}

#[test]
fn real_speakers_say_their_codes() {
    for (file, code) in [
        ("lip_d20_george_0578.mp4", "0578"),
        ("lip_d20_jackson_4970.mp4", "4970"),
        ("lip_d20_lucas_0949.mp4", "0949"),
    ] {
        let Some(report) = analyse(file, code) else {
            return;
        };
        assert_eq!(report.verdict, SpeechVerdict::Match, "{file}");
        assert_eq!(report.heard.as_deref(), Some(code), "{file}");
        // The digits start 0.8 s in (videos.csv) and take about 2-3 s.
        let first = report.voiced.first().map_or(0.0, |s| s.0);
        assert!(
            (0.6..1.1).contains(&first),
            "{file}: voice starts at {first}"
        );
        assert!(
            report.voiced_s > 1.0 && report.voiced_s < 4.0,
            "{file}: {}",
            report.voiced_s
        );
        assert!(report.voiced_dbfs.unwrap_or(-120.0) > -35.0, "{file}");
        assert_eq!(
            report.envelope_10ms.len(),
            (report.duration_s * 100.0).ceil() as usize
        );
    }
}

#[test]
fn a_different_code_is_wrong() {
    let Some(report) = analyse("lip_d20_george_0578.mp4", "3801") else {
        return;
    };
    assert_eq!(report.verdict, SpeechVerdict::WrongCode);
    assert_eq!(report.heard.as_deref(), Some("0578"));
    // One digit off is also refused.
    let Some(report) = analyse("lip_d20_george_0578.mp4", "0579") else {
        return;
    };
    assert_eq!(report.verdict, SpeechVerdict::WrongCode);
}

#[test]
fn quiet_silent_and_missing_audio() {
    let Some(low) = analyse("lip_d20_lowvoice_3554.mp4", "3554") else {
        return;
    };
    assert_eq!(low.verdict, SpeechVerdict::VoiceLow);
    // Digits attenuated by 42 dB: peak about -45 dBFS.
    assert!((low.peak_dbfs + 45.0).abs() < 5.0, "peak {}", low.peak_dbfs);
    assert!(
        low.voiced_s > 1.0,
        "the quiet digits are still found: {}",
        low.voiced_s
    );

    let Some(silent) = analyse("lip_d20_silent_audio.mp4", "9767") else {
        return;
    };
    assert_eq!(silent.verdict, SpeechVerdict::NoVoice);
    assert!(silent.duration_s > 5.0);

    let Some(none) = analyse("lip_d20_no_audio_stream.mp4", "1723") else {
        return;
    };
    assert_eq!(none.verdict, SpeechVerdict::NoVoice);
    assert_eq!(none.duration_s, 0.0);
}

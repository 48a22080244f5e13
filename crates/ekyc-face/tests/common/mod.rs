//! Shared by the real-model tests: the data folder and the pipeline (or a visible SKIP).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ekyc_face::{FacePipeline, DETECTOR_MODEL, EMBEDDER_MODEL};
use ekyc_infer::{default_home, verify, Engine, EntryStatus, Manifest, SessionOptions};

pub fn data_dir() -> PathBuf {
    match std::env::var_os("EKYC_TEST_DATA") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// The pipeline, or `None` after printing why the test is skipped.
pub fn pipeline() -> Option<FacePipeline> {
    let manifest = Manifest::embedded().expect("embedded manifest");
    let Ok(home) = default_home() else {
        eprintln!("SKIP: no cache dir (set EKYC_HOME); run `ekyc models fetch`");
        return None;
    };
    let wanted = [
        manifest.runtime.name.as_str(),
        DETECTOR_MODEL,
        EMBEDDER_MODEL,
    ];
    let missing: Vec<_> = verify(&manifest, &home)
        .into_iter()
        .filter(|r| wanted.contains(&r.name.as_str()) && r.status != EntryStatus::Ok)
        .map(|r| format!("{} ({})", r.name, r.status.label()))
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "SKIP: {} not ready in {}: run `ekyc models fetch`",
            missing.join(", "),
            home.display()
        );
        return None;
    }
    let engine = Engine::load(
        &manifest,
        &home,
        &[DETECTOR_MODEL, EMBEDDER_MODEL],
        &SessionOptions::default(),
    )
    .expect("runtime and models load");
    Some(FacePipeline::from_engine(&engine).expect("pipeline"))
}

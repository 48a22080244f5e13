//! The visual-zone cross-check of `ekyc eval alarms --viz FILE`: like the passport pipeline,
//! the MRZ is read and the visual zone above it read and checked against it; the outcome
//! (a clear contradiction or not) goes to the alarm stage, where tampered counts it. The
//! outcomes are cached per file (the OCR is the slow part), so detector work can be
//! re-measured without reading every page again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use image::RgbImage;

use ekyc_alarms::CrossChecks;
use ekyc_doc::MrzReader;
use ekyc_idcard::VizReader;

use super::super::ocr::ModelArgs;

/// Outcome per file: `Some(true)` a field contradicts the MRZ, `Some(false)` consistent,
/// `None` no passport MRZ or no visual zone read.
type Cache = BTreeMap<String, Option<bool>>;

/// The readers (loaded only when a file is missing from the cache) and the cache.
pub struct VizCheck {
    readers: Option<(MrzReader, VizReader)>,
    cache: Cache,
    path: PathBuf,
}

impl VizCheck {
    /// Opens the cache at `path` (a missing file is an empty cache) and loads the OCR models
    /// when some of `files` are not in it.
    pub fn open(path: &Path, files: &[&str], models: &ModelArgs) -> anyhow::Result<VizCheck> {
        let cache: Cache = if path.exists() {
            serde_json::from_str(&std::fs::read_to_string(path)?)
                .with_context(|| format!("reading the visual-zone cache {}", path.display()))?
        } else {
            Cache::new()
        };
        let readers = if files.iter().all(|f| cache.contains_key(*f)) {
            None
        } else {
            let engine = models.ocr_engine()?;
            Some((
                MrzReader::from_engine(&engine)?,
                VizReader::from_engine(&engine)?,
            ))
        };
        Ok(VizCheck {
            readers,
            cache,
            path: path.to_path_buf(),
        })
    }

    /// The cross-check outcome of `file` (its decoded `image`), read and cached when new.
    pub fn outcome(&mut self, file: &str, image: &RgbImage) -> anyhow::Result<CrossChecks> {
        if let Some(known) = self.cache.get(file) {
            return Ok(CrossChecks {
                viz_mismatch: *known,
                ..Default::default()
            });
        }
        let Some((mrz, viz)) = &self.readers else {
            return Ok(CrossChecks::default());
        };
        let outcome = read(mrz, viz, image);
        self.cache.insert(file.to_string(), outcome);
        // Written after every read so an interrupted run keeps what it paid for.
        std::fs::write(&self.path, serde_json::to_string(&self.cache)?)
            .with_context(|| format!("writing the visual-zone cache {}", self.path.display()))?;
        Ok(CrossChecks {
            viz_mismatch: outcome,
            ..Default::default()
        })
    }
}

/// The passport pipeline's check: a passport MRZ, then its visual zone against it.
fn read(mrz: &MrzReader, viz: &VizReader, image: &RgbImage) -> Option<bool> {
    let located = mrz.read_located(image).ok()?;
    if !located.reading.fields.document_code.starts_with('P') {
        return None;
    }
    let reading = viz.read(image, &located).ok()?;
    Some(!reading.mismatches.is_empty())
}

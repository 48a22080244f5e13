//! How many threads each model's operators may use: the caller's default, the manifest's
//! per-model setting (models a single request runs faster with more cores, like the OCR nets),
//! and the `EKYC_INTRA_THREADS` override for deployments that want something else.

use crate::error::InferError;
use crate::manifest::Entry;

/// Env var overriding intra-op threads: `2` (every model) or `ppocr_rec=1,ppocr_det=1`.
pub const INTRA_THREADS_ENV: &str = "EKYC_INTRA_THREADS";

/// Upper bound for any thread setting (a typo like 200 should not start 200 threads).
pub const MAX_INTRA_THREADS: usize = 64;

/// A parsed `EKYC_INTRA_THREADS` value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadOverrides {
    every_model: Option<usize>,
    per_model: Vec<(String, usize)>,
}

impl ThreadOverrides {
    /// Read `EKYC_INTRA_THREADS` (unset or empty = no override); a malformed value is an error.
    pub fn from_env() -> Result<ThreadOverrides, InferError> {
        match std::env::var(INTRA_THREADS_ENV) {
            Ok(v) if !v.trim().is_empty() => ThreadOverrides::parse(&v)
                .map_err(|e| InferError::Manifest(format!("{INTRA_THREADS_ENV}={v:?}: {e}"))),
            _ => Ok(ThreadOverrides::default()),
        }
    }

    /// `N` or comma-separated `model=N` items (both may be mixed; a named model wins).
    pub fn parse(text: &str) -> Result<ThreadOverrides, String> {
        let mut out = ThreadOverrides::default();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, count) = match item.split_once('=') {
                Some((name, count)) => (Some(name.trim()), count.trim()),
                None => (None, item),
            };
            let n: usize = count
                .parse()
                .map_err(|_| format!("`{item}`: expected a thread count"))?;
            if !(1..=MAX_INTRA_THREADS).contains(&n) {
                return Err(format!("`{item}`: threads must be 1..={MAX_INTRA_THREADS}"));
            }
            match name {
                Some("") => return Err(format!("`{item}`: empty model name")),
                Some(name) => out.per_model.push((name.to_string(), n)),
                None => out.every_model = Some(n),
            }
        }
        Ok(out)
    }

    /// Threads for `entry`: override for its name, else override for every model, else the
    /// manifest's setting, else `default`.
    pub fn threads_for(&self, entry: &Entry, default: usize) -> usize {
        self.per_model
            .iter()
            .rev()
            .find(|(name, _)| *name == entry.name)
            .map(|&(_, n)| n)
            .or(self.every_model)
            .or(entry.intra_threads)
            .unwrap_or(default)
            .clamp(1, MAX_INTRA_THREADS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Manifest;

    fn entry(name: &str) -> Entry {
        let manifest = Manifest::embedded().expect("manifest");
        let mut e = manifest.model("ppocr_rec").expect("ppocr_rec").clone();
        e.name = name.to_string();
        e
    }

    #[test]
    fn the_ocr_nets_get_two_threads_from_the_manifest() {
        let manifest = Manifest::embedded().expect("manifest");
        let none = ThreadOverrides::default();
        for name in ["ppocr_det", "ppocr_rec"] {
            let e = manifest.model(name).expect("model");
            assert_eq!(none.threads_for(e, 1), 2, "{name}");
        }
        let face = manifest.model("centerface").expect("centerface");
        assert_eq!(none.threads_for(face, 1), 1);
        assert_eq!(none.threads_for(face, 3), 3);
    }

    #[test]
    fn overrides_by_name_then_for_every_model() {
        let o = ThreadOverrides::parse("3, ppocr_rec=1").expect("parse");
        let mut e = entry("ppocr_rec");
        e.intra_threads = Some(2);
        assert_eq!(o.threads_for(&e, 1), 1);
        assert_eq!(o.threads_for(&entry("other"), 1), 3);
        let o = ThreadOverrides::parse("other=4").expect("parse");
        assert_eq!(o.threads_for(&e, 1), 2);
        assert_eq!(o.threads_for(&entry("other"), 1), 4);
    }

    #[test]
    fn malformed_values_are_errors() {
        for bad in ["x", "0", "65", "=2", "a=", "a=-1"] {
            assert!(ThreadOverrides::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            ThreadOverrides::parse(" ").expect("empty"),
            ThreadOverrides::default()
        );
    }
}

//! Where fetched artefacts live: `EKYC_HOME`, else `$XDG_CACHE_HOME/ekyc`, else `$HOME/.cache/ekyc`.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::error::InferError;

/// The environment variables that decide the cache dir (separate struct so tests need no env mutation).
#[derive(Debug, Clone, Default)]
pub struct CacheEnv {
    pub ekyc_home: Option<OsString>,
    pub xdg_cache_home: Option<OsString>,
    pub home: Option<OsString>,
}

impl CacheEnv {
    /// Read the variables from this process.
    pub fn from_process() -> CacheEnv {
        CacheEnv {
            ekyc_home: std::env::var_os("EKYC_HOME"),
            xdg_cache_home: std::env::var_os("XDG_CACHE_HOME"),
            home: std::env::var_os("HOME"),
        }
    }

    /// Apply the resolution order; empty values count as unset (as XDG specifies).
    pub fn resolve(&self) -> Result<PathBuf, InferError> {
        if let Some(dir) = non_empty(&self.ekyc_home) {
            return Ok(PathBuf::from(dir));
        }
        // XDG says relative values are invalid and must be ignored.
        if let Some(dir) = non_empty(&self.xdg_cache_home).map(PathBuf::from) {
            if dir.is_absolute() {
                return Ok(dir.join("ekyc"));
            }
        }
        if let Some(dir) = non_empty(&self.home) {
            return Ok(PathBuf::from(dir).join(".cache").join("ekyc"));
        }
        Err(InferError::NoCacheDir)
    }
}

fn non_empty(v: &Option<OsString>) -> Option<&OsString> {
    v.as_ref().filter(|s| !s.is_empty())
}

/// The cache dir for this process.
pub fn default_home() -> Result<PathBuf, InferError> {
    CacheEnv::from_process().resolve()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(e: Option<&str>, x: Option<&str>, h: Option<&str>) -> CacheEnv {
        CacheEnv {
            ekyc_home: e.map(OsString::from),
            xdg_cache_home: x.map(OsString::from),
            home: h.map(OsString::from),
        }
    }

    #[test]
    fn resolution_order() {
        let all = env(Some("/e"), Some("/x"), Some("/h"));
        assert_eq!(all.resolve().ok(), Some(PathBuf::from("/e")));
        let no_ekyc = env(None, Some("/x"), Some("/h"));
        assert_eq!(no_ekyc.resolve().ok(), Some(PathBuf::from("/x/ekyc")));
        let only_home = env(Some(""), Some(""), Some("/h"));
        assert_eq!(
            only_home.resolve().ok(),
            Some(PathBuf::from("/h/.cache/ekyc"))
        );
        let relative_xdg = env(None, Some("rel"), Some("/h"));
        assert_eq!(
            relative_xdg.resolve().ok(),
            Some(PathBuf::from("/h/.cache/ekyc"))
        );
        assert!(matches!(
            env(None, None, None).resolve(),
            Err(InferError::NoCacheDir)
        ));
    }
}

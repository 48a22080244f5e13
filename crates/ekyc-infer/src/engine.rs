//! Loads the runtime and a set of models once and hands them out by name.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::error::InferError;
use crate::manifest::Manifest;
use crate::model::Model;
use crate::runtime::Runtime;
use crate::session::{ModelSession, SessionOptions};

/// The loaded runtime plus named model sessions.
#[derive(Debug, Clone)]
pub struct Engine {
    runtime: Runtime,
    models: BTreeMap<String, Arc<ModelSession>>,
}

impl Engine {
    /// Load the runtime from `home` and each model in `names` (all verified against `manifest`).
    pub fn load(
        manifest: &Manifest,
        home: &Path,
        names: &[&str],
        opts: &SessionOptions,
    ) -> Result<Engine, InferError> {
        // Resolve every name first so a typo fails before any slow loading.
        let entries = names
            .iter()
            .map(|name| manifest.model(name))
            .collect::<Result<Vec<_>, _>>()?;
        let runtime = Runtime::load_with(&manifest.runtime, home)?;
        let mut models = BTreeMap::new();
        for entry in entries {
            if models.contains_key(&entry.name) {
                continue;
            }
            let session = ModelSession::load(&runtime, entry, home, opts)?;
            tracing::info!(model = %entry.name, inputs = ?session.inputs(), "model loaded");
            models.insert(entry.name.clone(), Arc::new(session));
        }
        Ok(Engine { runtime, models })
    }

    /// A loaded model as a trait object, for pipelines.
    pub fn model(&self, name: &str) -> Result<Arc<dyn Model>, InferError> {
        self.session(name).map(|s| s as Arc<dyn Model>)
    }

    /// A loaded model with its input/output descriptions.
    pub fn session(&self, name: &str) -> Result<Arc<ModelSession>, InferError> {
        self.models
            .get(name)
            .cloned()
            .ok_or_else(|| InferError::UnknownModel {
                name: name.to_string(),
                known: self.names().join(", "),
            })
    }

    /// Names of the loaded models, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.models.keys().map(String::as_str).collect()
    }

    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }
}

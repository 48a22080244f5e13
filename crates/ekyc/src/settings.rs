//! Options every command shares and the resolution of the configuration.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use ekyc_server::Config;

#[derive(Args, Clone, Debug, Default)]
pub struct CommonArgs {
    /// Config file (TOML). Default: ./ekyc.toml when it exists; env EKYC_CONFIG.
    #[arg(long, env = "EKYC_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data directory holding the database (overrides [server] data_dir).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

impl CommonArgs {
    /// defaults < config file < EKYC_* environment < --data-dir.
    pub fn load(&self) -> anyhow::Result<Config> {
        let file = match &self.config {
            Some(path) => Some(path.clone()),
            None => Some(PathBuf::from("ekyc.toml")).filter(|p| p.exists()),
        };
        let mut config =
            Config::load(file.as_deref(), std::env::vars()).context("loading the configuration")?;
        if let Some(dir) = &self.data_dir {
            config.server.data_dir = dir.clone();
        }
        Ok(config)
    }
}

pub fn print_config(common: &CommonArgs) -> anyhow::Result<()> {
    let config = common.load()?;
    print!("{}", toml::to_string_pretty(&config)?);
    Ok(())
}

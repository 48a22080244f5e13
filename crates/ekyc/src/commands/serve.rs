//! `ekyc serve`: loads the config, opens the store, verifies the models, serves the API.

use std::sync::Arc;

use anyhow::Context;
use clap::Args;

use ekyc_server::App;
use ekyc_store::SqliteStore;

use crate::commands::models;
use crate::settings::CommonArgs;

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Listen address (overrides [server] addr).
    #[arg(long)]
    addr: Option<String>,
    /// Allow ImageUrl/VideoUrl to reach loopback, private and link-local addresses.
    #[arg(long)]
    allow_private_urls: bool,
    /// Log format on stderr: text or json.
    #[arg(long)]
    log_format: Option<String>,
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let mut config = args.common.load()?;
    if let Some(addr) = args.addr {
        config.server.addr = addr;
    }
    if args.allow_private_urls {
        config.server.allow_private_urls = true;
    }
    if let Some(format) = args.log_format {
        config.server.log_format = format;
    }
    init_logging(&config.server.log_format)?;

    let store = SqliteStore::open(&config.server.data_dir)
        .with_context(|| format!("opening the store in {}", config.server.data_dir.display()))?;
    let pipelines = models::load_for_serving(&config)?;
    let addr = config.server.addr.clone();
    let app = App::new(config, Arc::new(store), pipelines);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let local = listener.local_addr()?;
        tracing::info!(addr = %local, "ekyc is serving; POST / with TC3-HMAC-SHA256, GET /healthz, GET /metrics");
        eprintln!("ekyc listening on http://{local}");
        ekyc_server::serve(app, listener, shutdown_signal()).await
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in progress");
}

fn init_logging(format: &str) -> anyhow::Result<()> {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        "json" => builder.json().init(),
        "text" => builder.init(),
        other => anyhow::bail!("log format must be text or json, got {other:?}"),
    }
    Ok(())
}

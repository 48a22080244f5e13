//! The ekyc HTTP server: Tencent-compatible signing and envelopes, action routing, media intake,
//! a bounded CPU pool, one stored record per request, Prometheus metrics.

pub mod actions;
pub mod app;
pub mod auth;
pub mod config;
pub mod context;
pub mod envelope;
pub mod frames;
pub mod intake;
pub mod metrics;
pub mod pipelines;
pub mod pool;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;

pub use app::{router, App};
pub use config::Config;
pub use pipelines::Pipelines;

/// Serves `app` on `listener` until `shutdown` resolves.
pub async fn serve(
    app: Arc<App>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
        .context("the HTTP server stopped with an error")
}

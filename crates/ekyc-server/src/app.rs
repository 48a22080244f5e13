//! The axum application: `POST /` for the API, `GET /healthz`, `GET /metrics`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use tracing::Instrument;

use ekyc_store::Store;
use ekyc_types::{EkycError, ErrorCode};

use crate::actions::{self, Reply};
use crate::auth::{self, SignedRequest};
use crate::config::Config;
use crate::context::{Outcome, RequestContext};
use crate::envelope;
use crate::frames::FrameCache;
use crate::metrics::Metrics;
use crate::pipelines::Pipelines;
use crate::pool::WorkPool;

/// What the server runs with; built once at start and shared read-only.
pub struct App {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub pool: WorkPool,
    pub metrics: Metrics,
    /// The recognition pipelines this server runs; an absent one answers `UnsupportedOperation`.
    pub pipelines: Pipelines,
    /// Models verified and loaded at start, for `/healthz`.
    pub models: Vec<String>,
    /// Best frames served by URL (VideoLivenessCompare).
    pub frames: FrameCache,
}

impl App {
    pub fn new(config: Config, store: Arc<dyn Store>, pipelines: Pipelines) -> Arc<App> {
        let (workers, queue) = config.pool.resolved();
        let models = pipelines.model_names();
        let frames = FrameCache::new(
            Duration::from_secs(config.liveness.frame_url_ttl_s),
            config.liveness.frame_cache_entries,
        );
        Arc::new(App {
            frames,
            config,
            store,
            pool: WorkPool::new(workers, queue),
            metrics: Metrics::new(),
            pipelines,
            models,
        })
    }

    /// Runs a store call off the async runtime.
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, EkycError>
    where
        F: FnOnce(&dyn Store) -> Result<T, ekyc_store::StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let store = self.store.clone();
        match tokio::task::spawn_blocking(move || f(store.as_ref())).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "store call failed");
                Err(EkycError::internal("the record store is unavailable"))
            }
            Err(_) => Err(EkycError::internal("the record store call failed")),
        }
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", post(api))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/frames/{file}", get(best_frame))
        .with_state(app)
}

async fn healthz(State(app): State<Arc<App>>) -> Response {
    let store_ok = app.with_store(|s| s.ping()).await.is_ok();
    let status = if store_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if store_ok { "ready" } else { "unavailable" },
        "store": if store_ok { "ok" } else { "error" },
        "models": app.models,
    });
    (status, axum::Json(body)).into_response()
}

async fn metrics(State(app): State<Arc<App>>) -> Response {
    let text = app.metrics.render(&app.pool);
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// `GET /frames/{token}.jpg`: a best frame while its URL is valid.
async fn best_frame(State(app): State<Arc<App>>, Path(file): Path<String>) -> Response {
    let token = file.strip_suffix(".jpg").unwrap_or(&file);
    match app.frames.get(token) {
        Some(jpeg) => ([(axum::http::header::CONTENT_TYPE, "image/jpeg")], jpeg).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "no such frame, or its URL has expired\n",
        )
            .into_response(),
    }
}

fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

async fn api(
    State(app): State<Arc<App>>,
    ConnectInfo(remote): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let action = header_string(&headers, "x-tc-action").unwrap_or_default();
    let mut ctx = RequestContext::new(
        action,
        header_string(&headers, "x-tc-requestclient"),
        Some(remote.to_string()),
    );
    ctx.host = header_string(&headers, "host");
    let span = tracing::info_span!("request", request_id = %ctx.request_id);
    async move {
        let deadline = Duration::from_secs(app.config.server.request_timeout_s);
        let result =
            tokio::time::timeout(deadline, handle(&app, &mut ctx, &method, &headers, body))
                .await
                .unwrap_or_else(|_| {
                    Err(EkycError::internal(format!(
                        "processing took longer than {} s",
                        deadline.as_secs()
                    )))
                });
        finish(&app, ctx, result).await
    }
    .instrument(span)
    .await
}

async fn handle(
    app: &App,
    ctx: &mut RequestContext,
    method: &Method,
    headers: &HeaderMap,
    body: Body,
) -> Result<Reply, EkycError> {
    let started = Instant::now();
    let limit = app.config.limits.body_max_bytes;
    let body = to_bytes(body, limit).await.map_err(|_| {
        EkycError::new(
            ErrorCode::RequestSizeLimitExceeded,
            format!("the request body is larger than {limit} bytes"),
        )
    })?;
    ctx.stage("read_body", started);

    let started = Instant::now();
    let pending = auth::prepare(&SignedRequest {
        method: method.as_str(),
        headers,
        body: &body,
        now: chrono::Utc::now().timestamp(),
        window_s: app.config.auth.timestamp_window_s,
    });
    let pending = match pending {
        Ok(p) => p,
        Err(e) => return Err(e),
    };
    ctx.secret_id = Some(pending.secret_id.clone());
    if let Some(a) = &pending.action {
        ctx.action = a.clone();
    }
    ctx.version = pending.version.clone();
    let id = pending.secret_id.clone();
    let key = app.with_store(move |s| s.find_key(&id)).await?;
    let secret = key.filter(|k| !k.revoked).map(|k| k.secret_key);
    let authed = pending.verify(secret.as_deref())?;
    ctx.stage("auth", started);

    let action = actions::Action::route(authed.action.as_deref(), authed.version.as_deref())?;
    let params = match authed.form_params {
        Some(json) => json,
        None => serde_json::from_slice(&body).map_err(|e| {
            EkycError::invalid_parameter(format!("request body is not valid JSON: {e}"))
        })?,
    };
    actions::dispatch(app, ctx, action, params).await
}

/// Stores the record (before answering: nothing accepted is lost), counts, and builds the response.
async fn finish(app: &App, ctx: RequestContext, result: Result<Reply, EkycError>) -> Response {
    let request_id = ctx.request_id.clone();
    let action = if ctx.action.is_empty() {
        "-".to_string()
    } else {
        ctx.action.clone()
    };
    let outcome = match &result {
        Ok(reply) => Outcome {
            code: reply.result.clone().unwrap_or_else(|| "Success".into()),
            message: reply.description.clone(),
            sim: reply.sim,
        },
        Err(e) => Outcome {
            code: e.code.as_str().to_string(),
            message: Some(e.message.clone()),
            sim: None,
        },
    };
    let total_ms = ctx.elapsed_ms();
    for stage in &ctx.stages {
        app.metrics.observe_stage(&stage.name, stage.ms);
    }
    let record = ctx.into_record(&outcome);
    let stored = app.with_store(move |s| s.insert_record(&record)).await;
    let response = match (stored, result) {
        (Err(e), _) => envelope::error(&e, &request_id),
        (Ok(()), Ok(reply)) => envelope::success(reply.fields, &request_id),
        (Ok(()), Err(e)) => envelope::error(&e, &request_id),
    };
    app.metrics.count_request(&action, &outcome.code);
    app.metrics.observe_stage("total", total_ms);
    tracing::info!(
        action = %action,
        code = %outcome.code,
        ms = total_ms,
        "answered"
    );
    response
}

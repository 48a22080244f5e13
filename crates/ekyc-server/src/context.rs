//! Per-request bookkeeping: id, timings per stage, digests of inputs. Becomes the stored record.

use std::time::Instant;

use chrono::{DateTime, Utc};

use ekyc_store::{InputDigest, Record, StageTiming};

pub struct RequestContext {
    pub request_id: String,
    pub received_at: DateTime<Utc>,
    pub started: Instant,
    pub action: String,
    pub version: Option<String>,
    pub secret_id: Option<String>,
    pub client: Option<String>,
    pub remote_addr: Option<String>,
    /// The request's Host header (for URLs we hand out).
    pub host: Option<String>,
    pub stages: Vec<StageTiming>,
    pub inputs: Vec<InputDigest>,
}

impl RequestContext {
    pub fn new(action: String, client: Option<String>, remote_addr: Option<String>) -> Self {
        RequestContext {
            request_id: uuid::Uuid::new_v4().to_string(),
            received_at: Utc::now(),
            started: Instant::now(),
            action,
            version: None,
            secret_id: None,
            client,
            remote_addr,
            host: None,
            stages: Vec::new(),
            inputs: Vec::new(),
        }
    }

    /// Records how long a stage took (milliseconds since `since`).
    pub fn stage(&mut self, name: &str, since: Instant) {
        self.stages.push(StageTiming {
            name: name.to_string(),
            ms: since.elapsed().as_secs_f64() * 1000.0,
        });
    }

    pub fn input(&mut self, field: &str, bytes: &[u8]) {
        self.inputs.push(InputDigest::of(field, bytes));
    }

    pub fn elapsed_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// The record stored for this request.
    pub fn into_record(self, outcome: &Outcome) -> Record {
        let total_ms = self.elapsed_ms();
        Record {
            request_id: self.request_id,
            received_at: self.received_at,
            action: self.action,
            version: self.version,
            secret_id: self.secret_id,
            result_code: outcome.code.clone(),
            message: outcome.message.clone(),
            sim: outcome.sim,
            total_ms,
            stages: self.stages,
            inputs: self.inputs,
            client: self.client,
            remote_addr: self.remote_addr,
        }
    }
}

/// What a request ended with, for the record and metrics.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// `Success`, a verdict code (`Result` field) or the `Error.Code`.
    pub code: String,
    pub message: Option<String>,
    pub sim: Option<f64>,
}

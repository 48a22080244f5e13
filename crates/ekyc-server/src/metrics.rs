//! Prometheus metrics: requests by action and result code, per-stage latency, pool queue depth
//! and in-flight jobs. Served as text at `GET /metrics`.

use std::sync::Mutex;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::pool::WorkPool;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    action: String,
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StageLabels {
    stage: String,
}

pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    stages: Family<StageLabels, Histogram>,
    queue_depth: Gauge,
    in_flight: Gauge,
}

/// Latency buckets in seconds: 1 ms .. 30 s.
fn latency_histogram() -> Histogram {
    Histogram::new([
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    ])
}

impl Metrics {
    pub fn new() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let stages =
            Family::<StageLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> _);
        let queue_depth = Gauge::default();
        let in_flight = Gauge::default();
        let mut registry = Registry::with_prefix("ekyc");
        registry.register(
            "requests",
            "API requests by action and result code",
            requests.clone(),
        );
        registry.register(
            "stage_seconds",
            "Latency of each processing stage (auth, intake, decode, pipeline, store, total)",
            stages.clone(),
        );
        registry.register(
            "pool_queue_depth",
            "Requests waiting for a CPU worker",
            queue_depth.clone(),
        );
        registry.register(
            "pool_in_flight",
            "Jobs running on CPU workers",
            in_flight.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            requests,
            stages,
            queue_depth,
            in_flight,
        }
    }

    pub fn count_request(&self, action: &str, code: &str) {
        self.requests
            .get_or_create(&RequestLabels {
                action: action.to_string(),
                code: code.to_string(),
            })
            .inc();
    }

    pub fn observe_stage(&self, stage: &str, ms: f64) {
        self.stages
            .get_or_create(&StageLabels {
                stage: stage.to_string(),
            })
            .observe(ms / 1000.0);
    }

    /// Prometheus text exposition, with the pool gauges read now.
    pub fn render(&self, pool: &WorkPool) -> String {
        self.queue_depth.set(pool.queue_depth() as i64);
        self.in_flight.set(pool.in_flight() as i64);
        let mut out = String::new();
        let registry = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        if encode(&mut out, &registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::new();
        m.count_request("CompareFace", "UnsupportedOperation");
        m.observe_stage("intake", 12.0);
        let text = m.render(&WorkPool::new(1, 1));
        assert!(text.contains(
            r#"ekyc_requests_total{action="CompareFace",code="UnsupportedOperation"} 1"#
        ));
        assert!(text.contains(r#"ekyc_stage_seconds_bucket{le="0.025",stage="intake"} 1"#));
        assert!(text.contains("ekyc_pool_queue_depth 0"));
    }
}

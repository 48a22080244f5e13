//! What a detector returns: a score (higher = more suspicious) and the numbers behind it.

use ekyc_types::CardAlarm;
use serde::Serialize;

/// One number a detector used, for records and `ekyc eval alarms`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evidence {
    pub name: &'static str,
    pub value: f32,
}

/// One detector's verdict material.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    #[serde(serialize_with = "alarm_name")]
    pub alarm: CardAlarm,
    /// Higher means more likely an attack; compared with the configured threshold.
    pub score: f32,
    pub evidence: Vec<Evidence>,
}

fn alarm_name<S: serde::Serializer>(a: &CardAlarm, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(a.name())
}

impl Detection {
    pub fn new(alarm: CardAlarm, score: f32) -> Detection {
        Detection {
            alarm,
            score: if score.is_finite() { score } else { 0.0 },
            evidence: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: f32) -> Detection {
        self.evidence.push(Evidence { name, value });
        self
    }

    pub fn evidence(&self, name: &str) -> Option<f32> {
        self.evidence
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.value)
    }
}

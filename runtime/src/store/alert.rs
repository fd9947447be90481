//! Alerts: the moments a failure became visible to someone (the end of a silent-failure window).

use crate::verdict::FailureClass;
use serde::{Deserialize, Serialize};

/// One alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// A UUIDv7.
    pub alert_id: String,
    /// What raised it: `run_abandoned` (the watchdog), `canary_failed`, ...
    pub kind: String,
    /// The run it is about, if any.
    pub run_id: Option<String>,
    /// The agent it is about, if any.
    pub agent_name: Option<String>,
    /// The failure class it made visible.
    pub failure_class: Option<FailureClass>,
    /// When (RFC 3339).
    pub at: String,
    /// What happened, for a person.
    pub message: String,
}

impl Alert {
    /// A new alert now, with a fresh id.
    pub fn now(kind: impl Into<String>, message: impl Into<String>) -> Alert {
        Alert {
            alert_id: uuid::Uuid::now_v7().to_string(),
            kind: kind.into(),
            run_id: None,
            agent_name: None,
            failure_class: None,
            at: super::time::now_rfc3339(),
            message: message.into(),
        }
    }
}

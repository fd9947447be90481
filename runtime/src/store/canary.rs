//! What the canary runner and the monitor keep in the store besides run records: heartbeats,
//! operator overrides, and per-session summaries.

use crate::fixture::Tier;
use crate::verdict::FailureClass;
use serde::{Deserialize, Serialize};

/// The phase of a heartbeat written when a canary session starts.
pub const PHASE_STARTED: &str = "started";

/// The phase of a heartbeat written when a canary session has finished (its `at` is still the
/// session's start: sessions are timed by when the scheduler started them).
pub const PHASE_FINISHED: &str = "finished";

/// The canary runner's own heartbeat: written when a session starts and when it ends, per tier
/// it covers, so that a scheduler that stopped running is itself reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heartbeat {
    /// The session.
    pub session_id: String,
    /// The tier.
    pub tier: Tier,
    /// [`PHASE_STARTED`] or [`PHASE_FINISHED`].
    pub phase: String,
    /// When (RFC 3339).
    pub at: String,
}

/// A time-boxed operator override: the gate ignores the covered fixtures while it is active.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// The override.
    pub override_id: String,
    /// A fixture id, or a glob over fixture ids (`booking/*`).
    pub fixtures: String,
    /// Who set it.
    pub who: String,
    /// Why.
    pub why: String,
    /// When it was set (RFC 3339).
    pub created_at: String,
    /// When it ends (RFC 3339).
    pub until: String,
}

/// One canary session's FINAL results, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPoint {
    /// The session.
    pub session_id: String,
    /// When it started (RFC 3339).
    pub at: String,
    /// Results passed or degraded.
    pub passing: usize,
    /// Results failed or blocked.
    pub failing: usize,
    /// Results inconclusive or skipped.
    pub inconclusive: usize,
}

/// The first bad production run of a failure class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstBadRun {
    /// The class.
    pub failure_class: FailureClass,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// The run.
    pub run_id: String,
}

//! Events: the steps inside a run, in the order they happened.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One stored event of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// The run it belongs to.
    pub run_id: String,
    /// Its position in the run, from 0.
    pub seq: u64,
    /// What happened: one of the built-in [`kind`]s, or an agent's own kind from `ctx.event`.
    pub kind: String,
    /// When (RFC 3339).
    pub at: String,
    /// The payload (redacted as configured before it is written).
    pub data: Value,
}

/// The built-in event kinds.
pub mod kind {
    /// The run record was written; data: the envelope (input, state, contract, ...).
    pub const RUN_STARTED: &str = "run_started";
    /// One tool attempt and its result.
    pub const TOOL_CALL: &str = "tool_call";
    /// An artifact was staged.
    pub const ARTIFACT: &str = "artifact";
    /// An evidence citation.
    pub const EVIDENCE: &str = "evidence";
    /// The agent declared a status.
    pub const DECLARED: &str = "declared";
    /// An open breaker refused a call; data: `dependency`, `at_ms` (on the run's clock) and
    /// `probe_in_ms` (how long its cool-down had left), so that a fixture frozen from the run
    /// opens the breaker for just as long.
    pub const BREAKER_REFUSAL: &str = "breaker_refusal";
    /// A breaker changed state; data: `dependency`, `from`, `to` (`closed`, `open`,
    /// `half_open`).
    pub const BREAKER_TRANSITION: &str = "breaker";
    /// The run's deadline stopped something; data: `tool`, `call` (its index, or null for a
    /// retry), `deadline_ms` and `at_ms` (on the run's clock), and `stopped`: `call_refused` (a
    /// call started at or after the deadline), `call_cut` (a call that ran past it) or
    /// `retry_not_started` (a retry whose wait, `delay_ms`, would outlive it).
    pub const DEADLINE: &str = "deadline";
    /// A retry decision after a failed attempt; data: `tool`, `dependency`, `attempt`, `error`,
    /// `retry`, `delay_ms`, `give_up`.
    pub const RETRY_DECISION: &str = "retry_decision";
    /// The agent ended with an error or a panic; data: `kind` (`error`, `panic`, `harness`)
    /// and `message`. Written before `run_closed`.
    pub const EXCEPTION: &str = "exception";
    /// The agent's own progress marker, by convention through `ctx.event("checkpoint", ..)`.
    pub const CHECKPOINT: &str = "checkpoint";
    /// The run was closed; data: the judgement and the values the run took.
    pub const RUN_CLOSED: &str = "run_closed";
}

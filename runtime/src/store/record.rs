//! Run records: one row per run, the evidence the rest of the system reads.

use crate::fixture::Tier;
use crate::verdict::{FailureClass, Verdict};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of run a record describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunType {
    /// A real run of an agent.
    Production,
    /// A replay of a fixture under `cargo test`.
    Replay,
    /// A replay of a fixture run as a canary.
    Canary,
}

impl RunType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RunType::Production => "production",
            RunType::Replay => "replay",
            RunType::Canary => "canary",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<RunType> {
        [RunType::Production, RunType::Replay, RunType::Canary]
            .into_iter()
            .find(|t| t.as_str() == text)
    }
}

impl fmt::Display for RunType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A run record, with every field of the vocabulary. A record whose `closed_at` is `None` is
/// an open run; its `status` is assigned by the completion validator when it closes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// UUIDv7.
    pub run_id: String,
    /// The task the run attempted.
    pub task_id: Option<String>,
    /// 1 for the first attempt of the task.
    pub attempt: u32,
    /// The agent function.
    pub agent_name: String,
    /// Production, replay or canary.
    pub run_type: RunType,
    /// `<suite>/<fixture_id>` for replays and canaries.
    pub fixture_id: Option<String>,
    /// RFC 3339.
    pub started_at: String,
    /// RFC 3339; `None` while the run is open.
    pub closed_at: Option<String>,
    /// The code that ran (`TAPEDECK_CODE_VERSION`, or configuration).
    pub code_version: Option<String>,
    /// The model used.
    pub model: Option<String>,
    /// The prompt version used.
    pub prompt_version: Option<String>,
    /// The tools the run was allowed.
    pub tool_allowlist: Option<Vec<String>>,
    /// The run's time budget.
    pub timeout_seconds: Option<u64>,
    /// SHA-256 of the canonical input JSON.
    pub input_sha256: Option<String>,
    /// SHA-256 of the canonical output JSON.
    pub output_sha256: Option<String>,
    /// Where the state the run read lives.
    pub state_refs: Vec<String>,
    /// The artifacts the run committed, as `path@sha256`.
    pub artifact_refs: Vec<String>,
    /// The validator's verdict; `None` while open.
    pub status: Option<Verdict>,
    /// Why it failed.
    pub failure_class: Option<FailureClass>,
    /// The first failed clause's message.
    pub failure_reason: Option<String>,
    /// Machine-readable reasons.
    pub reasons: Vec<String>,
    /// Prompt tokens.
    pub tokens_in: u64,
    /// Completion tokens.
    pub tokens_out: u64,
    /// Cost in US dollars.
    pub cost_usd: f64,
    /// The trace the run belongs to.
    pub trace_id: Option<String>,
    /// The run that spawned this one.
    pub parent_run_id: Option<String>,
    /// The canary tier of the fixture (replay and canary records).
    #[serde(default)]
    pub tier: Option<Tier>,
    /// The canary session that ran it (`cargo xtask canary` sets one per invocation).
    #[serde(default)]
    pub session_id: Option<String>,
    /// Whether this is the FINAL result of its fixture in its session, or an earlier ATTEMPT
    /// that was retried; `None` until the session is finalized.
    #[serde(default)]
    pub finality: Option<Finality>,
    /// Whether the fixture was proven (its notes hold `failed_on` and `passed_on`) when it ran.
    #[serde(default)]
    pub proven: Option<bool>,
    /// For replay and canary records: whether the verdict and reasons met the fixture's
    /// `expected.json` (a fixture that pins a caught bug passes with a `failed` verdict).
    #[serde(default)]
    pub expectation_met: Option<bool>,
}

/// FINAL or ATTEMPT: only a FINAL result counts as proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finality {
    /// The last attempt of its fixture in its session: the result that counts.
    Final,
    /// An attempt that was retried.
    Attempt,
}

impl Finality {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Finality::Final => "final",
            Finality::Attempt => "attempt",
        }
    }
}

impl RunRecord {
    /// A new open record with a fresh UUIDv7 and `started_at` now.
    pub fn start(agent_name: impl Into<String>, run_type: RunType) -> RunRecord {
        RunRecord {
            run_id: uuid::Uuid::now_v7().to_string(),
            task_id: None,
            attempt: 1,
            agent_name: agent_name.into(),
            run_type,
            fixture_id: None,
            started_at: now_rfc3339(),
            closed_at: None,
            code_version: code_version_from_env(),
            model: None,
            prompt_version: None,
            tool_allowlist: None,
            timeout_seconds: None,
            input_sha256: None,
            output_sha256: None,
            state_refs: Vec::new(),
            artifact_refs: Vec::new(),
            status: None,
            failure_class: None,
            failure_reason: None,
            reasons: Vec::new(),
            tokens_in: 0,
            tokens_out: 0,
            cost_usd: 0.0,
            trace_id: None,
            parent_run_id: None,
            tier: None,
            session_id: None,
            finality: None,
            proven: None,
            expectation_met: None,
        }
    }
}

pub use super::time::now_rfc3339;

/// The code version from `TAPEDECK_CODE_VERSION`, if set.
pub fn code_version_from_env() -> Option<String> {
    std::env::var("TAPEDECK_CODE_VERSION")
        .ok()
        .filter(|v| !v.trim().is_empty())
}

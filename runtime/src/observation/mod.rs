//! The observation: everything a run did, in one serializable document.
//!
//! Contracts judge observations; snapshots store them (normalized). The JSON shape is part of
//! the public interface: `volatile` pointers and evidence paths address it.

use crate::cassette::format::{FaultKind, Usage};
use crate::effect::Effect;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

mod call_serialize;

pub use call_serialize::RECORDED_RESPONSE;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Observation {
    /// How the agent function ended.
    pub outcome: Outcome,
    /// The agent's output (serialized), when it returned `Ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// Artifacts written through `ctx.artifact`, in write order (a path written twice appears
    /// once, with its last content).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<ArtifactRecord>,
    /// Every tool call, in the order the calls were made.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<CallRecord>,
    /// The side-effect ledger: every call whose effect is not `read` or `model`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<LedgerEntry>,
    /// Evidence paths cited through `ctx.evidence`, in citation order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// Events emitted through `ctx.event`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventRecord>,
    /// Tokens and cost.
    #[serde(skip_serializing_if = "usage_is_zero")]
    pub usage: Usage,
    /// Elapsed time of the run in milliseconds (virtual time in replay).
    pub elapsed_ms: u64,
    /// The deadline, in milliseconds after the start, if the run had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline_ms: Option<u64>,
    /// Ids of recorded interactions that were never used (replay only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unused_interactions: Vec<String>,
}

fn usage_is_zero(u: &Usage) -> bool {
    *u == Usage::default()
}

/// How the agent function ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// It returned `Ok`.
    #[default]
    Returned,
    /// It returned `Err`, with the error's message.
    Error {
        /// The error's `Display`.
        message: String,
    },
    /// It panicked.
    Panicked {
        /// The panic message.
        message: String,
    },
    /// The output could not be serialized, or the input not deserialized.
    Harness {
        /// What went wrong.
        message: String,
    },
    /// It declared a status (`ctx.declare` or returning `Err(Declared)`).
    Declared {
        /// The declared verdict (`blocked`, `degraded`, `failed`, ...).
        verdict: crate::verdict::Verdict,
        /// Why.
        reason: String,
    },
}

/// An artifact written by the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArtifactRecord {
    // Fields in key order (see `LedgerEntry`).
    /// Its content: parsed JSON for `.json` files that parse, text for UTF-8, else absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
    /// Its path, relative to the artifact root, with `/` separators.
    pub path: String,
    /// Lower-case hex SHA-256 of its content.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// The raw bytes (not serialized; snapshots show `content` and the hash).
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// Where the answer of a call came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallSource {
    /// A recorded interaction answered it.
    Cassette,
    /// The real tool ran (production, or `read`/`model` in `live` mode).
    Live,
    /// The mode, the allowlist or the deadline refused it; nothing ran.
    Blocked,
    /// No recorded interaction matched; nothing ran.
    Miss,
    /// The idempotency ledger answered with the stored result of the same call; nothing ran.
    Ledger,
}

/// One tool call.
///
/// Serializes like a derived struct (optional fields skipped when absent). A response the
/// cassette delivered unchanged (`source: cassette`) is wrapped in the
/// [`RECORDED_RESPONSE`] newtype: transparent to every serializer but the snapshot writer,
/// which shows it as `"[recorded]"`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    /// 0-based index in call order (evidence paths `/calls/<index>/response/...`).
    pub index: usize,
    /// The tool's name.
    pub tool: String,
    /// The tool's effect class (`read` if the tool is unknown).
    pub effect: Effect,
    /// The request, normalized.
    pub request: Value,
    /// The response the agent received, if any. In replay it is shared with the cassette.
    pub response: Option<Arc<Value>>,
    /// The error the agent received, if any.
    pub error: Option<CallError>,
    /// Where the answer came from.
    pub source: CallSource,
    /// The recorded interaction that answered, if any.
    pub interaction: Option<String>,
    /// The injected fault, if any.
    pub fault: Option<FaultKind>,
    /// The idempotency key the call carried.
    pub idempotency_key: Option<String>,
    /// When the call started, in milliseconds after the run's start.
    pub started_ms: u64,
    /// How long it took.
    pub duration_ms: u64,
    /// In `live` mode: how the live response differs from the recorded one.
    pub live_diff: Option<Vec<crate::json_pointer::Difference>>,
}

/// The error a call delivered, in wire form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallError {
    // Fields in key order (see `LedgerEntry`).
    /// The dependency whose breaker or retry budget stopped the call (`circuit_open`,
    /// `retry_budget_exhausted`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dependency: Option<String>,
    /// The error kind (`timeout`, `rate_limited`, `blocked`, `cassette_miss`, ...).
    pub kind: String,
    /// A human-readable message.
    pub message: String,
}

impl CallError {
    /// The wire form of `error`.
    pub fn of(error: &crate::ToolError) -> CallError {
        CallError {
            kind: error.kind().to_string(),
            message: error.to_string(),
            dependency: error.dependency().map(str::to_string),
        }
    }
}

/// What happened to a side-effect call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerOutcome {
    /// The call was answered: the side effect took place.
    Answered,
    /// The side effect took place but the answer was lost (`timeout_after_success`).
    AppliedUnconfirmed,
    /// The call failed with an error or fault; nothing is known to have happened.
    Failed,
    /// The call failed in a way that leaves its effect unknown (timeout, connection reset).
    Unknown,
    /// The call was blocked; nothing ran.
    Blocked,
}

/// One entry of the side-effect ledger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerEntry {
    // Fields in key order, like every record an observation has many of: the snapshot writer
    // then need not sort them.
    /// 1 for the first call with this tool and key (or request, without a key), 2 for its retry...
    pub attempt: u32,
    /// The call's index in `calls`.
    pub call: usize,
    /// The effect class.
    pub effect: Effect,
    /// The idempotency key, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// What happened.
    pub outcome: LedgerOutcome,
    /// The tool's name.
    pub tool: String,
}

impl LedgerEntry {
    /// Whether the side effect took place (answered, or applied with the answer lost).
    pub fn applied(&self) -> bool {
        matches!(
            self.outcome,
            LedgerOutcome::Answered | LedgerOutcome::AppliedUnconfirmed
        )
    }
}

/// An event emitted by the agent or the runtime.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRecord {
    // Fields in key order (see `LedgerEntry`).
    /// When, in milliseconds after the run's start.
    pub at_ms: u64,
    /// Its data.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub data: Value,
    /// The event kind (`checkpoint`, `retry`, ...).
    pub kind: String,
}

impl Observation {
    /// The document evidence paths resolve against: `{"state": ..., "calls": [{"response": ...}]}`.
    pub fn evidence_document(&self, state: Option<&serde_json::Map<String, Value>>) -> Value {
        let calls: Vec<Value> = self
            .calls
            .iter()
            .map(|c| serde_json::json!({ "response": c.response.as_deref().cloned().unwrap_or(Value::Null) }))
            .collect();
        serde_json::json!({
            "state": state.cloned().map(Value::Object).unwrap_or(Value::Null),
            "calls": calls,
        })
    }

    /// Whether the agent returned normally.
    pub fn returned(&self) -> bool {
        matches!(self.outcome, Outcome::Returned)
    }
}

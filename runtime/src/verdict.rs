//! Verdicts, failure classes and reason codes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The judgement of a run, ordered from best to worst.
///
/// Combining verdicts takes the worst: `passed < degraded < skipped < inconclusive < blocked < failed`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The run did what its contract asks, with evidence.
    Passed,
    /// The run completed but declared or showed a reduced result.
    Degraded,
    /// The run was skipped; never proof of anything.
    Skipped,
    /// The evidence does not decide; never proof of anything.
    Inconclusive,
    /// The run could not proceed (policy, missing dependency, open breaker).
    Blocked,
    /// The run failed.
    Failed,
}

impl Verdict {
    /// The worse of two verdicts.
    pub fn worst(self, other: Verdict) -> Verdict {
        self.max(other)
    }

    /// The wire name (`"passed"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Degraded => "degraded",
            Verdict::Skipped => "skipped",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Blocked => "blocked",
            Verdict::Failed => "failed",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a run failed, in the vocabulary of the failure-recovery patterns.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    /// The agent stopped with an error and no side effect took place.
    CleanAbort,
    /// The agent stopped after some side effects took place.
    PartialWrite,
    /// The agent reported success but its result is wrong.
    SilentDrift,
    /// A failure that came from, or spreads to, another agent.
    Cascade,
    /// The run never closed (its process died); set by the watchdog.
    RunAbandoned,
    /// The run ran out of time.
    Timeout,
    /// A dependency (tool, service) failed.
    Dependency,
    /// The run broke a policy (forbidden tool or effect, budget).
    Policy,
    /// The harness or the fixture is at fault (cassette miss, bad fixture).
    Harness,
}

impl FailureClass {
    /// The wire name (`"clean_abort"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FailureClass::CleanAbort => "clean_abort",
            FailureClass::PartialWrite => "partial_write",
            FailureClass::SilentDrift => "silent_drift",
            FailureClass::Cascade => "cascade",
            FailureClass::RunAbandoned => "run_abandoned",
            FailureClass::Timeout => "timeout",
            FailureClass::Dependency => "dependency",
            FailureClass::Policy => "policy",
            FailureClass::Harness => "harness",
        }
    }
}

impl fmt::Display for FailureClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Machine-readable reason codes used by the runtime and the built-in contract clauses.
///
/// Reasons are plain strings on the wire so that custom validators can add their own; these
/// constants are the codes tapedeck itself emits.
pub mod reason {
    /// The agent panicked.
    pub const AGENT_PANICKED: &str = "agent_panicked";
    /// The agent returned an error.
    pub const AGENT_ERROR: &str = "agent_error";
    /// The harness failed around the agent (input not deserialized, output not serialized).
    pub const HARNESS_ERROR: &str = "harness_error";
    /// The contract itself is invalid (bad JSON Schema, regex, glob or volatile pointer).
    pub const INVALID_CONTRACT: &str = "invalid_contract";
    /// The agent declared a status other than success (see the declared reason).
    pub const DECLARED_STATUS: &str = "declared_status";
    /// A call matched no recorded interaction.
    pub const CASSETTE_MISS: &str = "cassette_miss";
    /// A call was blocked by the mode or the tool allowlist.
    pub const BLOCKED_CALL: &str = "blocked_call";
    /// The run's deadline stopped a call: it started at or after the deadline (refused), or ran
    /// past it (cut off), or a retry wait would have outlived it.
    pub const DEADLINE_EXCEEDED: &str = "deadline_exceeded";
    /// A dependency's open circuit breaker refused a call.
    pub const CIRCUIT_OPEN: &str = "circuit_open";
    /// A dependency's retry budget was spent: a failed call was not retried.
    pub const RETRY_BUDGET_EXHAUSTED: &str = "retry_budget_exhausted";
    /// Output was required but empty.
    pub const EMPTY_OUTPUT: &str = "empty_output";
    /// Output or an artifact does not match its JSON Schema.
    pub const SCHEMA_MISMATCH: &str = "schema_mismatch";
    /// Output does not match `partial`, `contains` or `regex`.
    pub const OUTPUT_MISMATCH: &str = "output_mismatch";
    /// A required artifact is missing, or fewer than `min_count` were written.
    pub const MISSING_ARTIFACT_REF: &str = "missing_artifact_ref";
    /// A required artifact is empty.
    pub const EMPTY_ARTIFACT: &str = "empty_artifact";
    /// An artifact does not contain required text.
    pub const ARTIFACT_MISMATCH: &str = "artifact_mismatch";
    /// An artifact was written to a forbidden path.
    pub const FORBIDDEN_ARTIFACT: &str = "forbidden_artifact";
    /// Fewer evidence paths were cited than required.
    pub const MISSING_EVIDENCE: &str = "missing_evidence";
    /// A cited evidence path does not resolve to anything the run saw.
    pub const UNRESOLVED_EVIDENCE: &str = "unresolved_evidence";
    /// A required tool was not called (often enough), or too often.
    pub const MISSING_TOOL_CALL: &str = "missing_tool_call";
    /// A required tool was called more often than allowed.
    pub const TOO_MANY_TOOL_CALLS: &str = "too_many_tool_calls";
    /// A forbidden (or not allowed) tool was called.
    pub const FORBIDDEN_TOOL: &str = "forbidden_tool";
    /// The order of tool calls does not match `tools.sequence`.
    pub const TOOL_SEQUENCE_MISMATCH: &str = "tool_sequence_mismatch";
    /// A `tools.before` ordering was violated.
    pub const TOOL_ORDER_VIOLATION: &str = "tool_order_violation";
    /// A call's arguments do not match `tools.args`.
    pub const TOOL_ARGS_MISMATCH: &str = "tool_args_mismatch";
    /// The same call (tool and request) was repeated more than `max_identical_calls` times.
    pub const REPEATED_IDENTICAL_CALL: &str = "repeated_identical_call";
    /// A forbidden effect class was used.
    pub const FORBIDDEN_EFFECT: &str = "forbidden_effect";
    /// More side effects of a class took place than allowed.
    pub const DUPLICATE_SIDE_EFFECT: &str = "duplicate_side_effect";
    /// A side-effect call carried no idempotency key.
    pub const MISSING_IDEMPOTENCY_KEY: &str = "missing_idempotency_key";
    /// A side effect ended without confirmation (timeout, reset) and was never confirmed.
    pub const SIDE_EFFECT_UNCONFIRMED: &str = "side_effect_unconfirmed";
    /// Recorded interactions were never used.
    pub const UNUSED_INTERACTIONS: &str = "unused_interactions";
    /// A budget (calls, tokens, cost, duration) was exceeded.
    pub const BUDGET_EXCEEDED: &str = "budget_exceeded";
    /// A custom validator named in the contract is not registered.
    pub const UNKNOWN_VALIDATOR: &str = "unknown_validator";
    /// A custom validator rejected the run.
    pub const VALIDATOR_FAILED: &str = "validator_failed";
    /// A production run was dropped without `close` (an early return, a cancelled future).
    pub const RUN_NOT_CLOSED: &str = "run_not_closed";
    /// A production run stayed open past its timeout plus grace; the watchdog closed it.
    pub const RUN_ABANDONED: &str = "run_abandoned";
    /// The run's staged artifacts could not be committed.
    pub const ARTIFACT_COMMIT_FAILED: &str = "artifact_commit_failed";
}

//! Typed tool errors: what an agent sees when a tool call fails, in production and replay alike.

use crate::cassette::miss::MissReport;
use std::time::Duration;

/// Why a tool call failed. Agent code matches on this to decide whether to retry, degrade or
/// give up; production tools return it, and replay delivers recorded errors and injected faults
/// as the same variants.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ToolError {
    /// The call timed out. The side effect may or may not have happened.
    #[error("tool `{tool}` timed out")]
    Timeout {
        /// The tool's name.
        tool: String,
    },
    /// The tool refused with "too many requests"; `retry_after` is its `Retry-After`.
    #[error("tool `{tool}` is rate limited{}", retry_after.map(|d| format!(" (retry after {} ms)", d.as_millis())).unwrap_or_default())]
    RateLimited {
        /// The tool's name.
        tool: String,
        /// How long the tool asked the caller to wait.
        retry_after: Option<Duration>,
    },
    /// The tool is unavailable.
    #[error("tool `{tool}` is unavailable")]
    Unavailable {
        /// The tool's name.
        tool: String,
    },
    /// The connection was reset. The side effect may or may not have happened.
    #[error("connection to tool `{tool}` was reset")]
    ConnectionReset {
        /// The tool's name.
        tool: String,
    },
    /// The response was malformed or truncated.
    #[error("tool `{tool}` returned an invalid response: {message}")]
    InvalidResponse {
        /// The tool's name.
        tool: String,
        /// What was wrong with it.
        message: String,
    },
    /// The tool reported a failure of its own.
    #[error("tool `{tool}` failed: {message}")]
    Failed {
        /// The tool's name.
        tool: String,
        /// The tool's message.
        message: String,
    },
    /// The runtime refused the call (mode, allowlist, unknown tool, idempotency ledger); nothing
    /// ran.
    #[error("call to tool `{tool}` was blocked: {reason}")]
    Blocked {
        /// The tool's name.
        tool: String,
        /// Why.
        reason: String,
    },
    /// Replay found no recorded interaction for the call; nothing ran.
    #[error("{0}")]
    CassetteMiss(Box<MissReport>),
    /// The run's deadline had passed, passed during the call, or a retry wait would have
    /// outlived it.
    #[error("tool `{tool}`: deadline exceeded")]
    DeadlineExceeded {
        /// The tool's name.
        tool: String,
    },
    /// The dependency's circuit breaker is open: the call was refused and nothing ran
    /// (see [`crate::resilience::breaker`]).
    #[error(
        "call to tool `{tool}` was refused: circuit_open: the breaker of `{dependency}` is open"
    )]
    CircuitOpen {
        /// The tool's name.
        tool: String,
        /// The dependency whose breaker refused it.
        dependency: String,
    },
    /// The dependency's retry budget is spent: the call failed with `last` and was not retried
    /// (see [`crate::resilience::budget`]). Whether a side effect may have happened is `last`'s.
    #[error(
        "tool `{tool}`: retry_budget_exhausted: the retry budget of `{dependency}` is spent; the last attempt: {last}"
    )]
    RetryBudgetExhausted {
        /// The tool's name.
        tool: String,
        /// The dependency whose budget is spent.
        dependency: String,
        /// The error of the last attempt.
        last: Box<ToolError>,
    },
}

impl ToolError {
    /// The wire kind: `timeout`, `rate_limited`, `unavailable`, `connection_reset`,
    /// `invalid_response`, `failed`, `blocked`, `cassette_miss`, `deadline_exceeded`,
    /// `circuit_open`, `retry_budget_exhausted`.
    pub fn kind(&self) -> &'static str {
        match self {
            ToolError::Timeout { .. } => "timeout",
            ToolError::RateLimited { .. } => "rate_limited",
            ToolError::Unavailable { .. } => "unavailable",
            ToolError::ConnectionReset { .. } => "connection_reset",
            ToolError::InvalidResponse { .. } => "invalid_response",
            ToolError::Failed { .. } => "failed",
            ToolError::Blocked { .. } => "blocked",
            ToolError::CassetteMiss(_) => "cassette_miss",
            ToolError::DeadlineExceeded { .. } => "deadline_exceeded",
            ToolError::CircuitOpen { .. } => "circuit_open",
            ToolError::RetryBudgetExhausted { .. } => "retry_budget_exhausted",
        }
    }

    /// The dependency whose breaker or retry budget stopped the call, for `circuit_open` and
    /// `retry_budget_exhausted`.
    pub fn dependency(&self) -> Option<&str> {
        match self {
            ToolError::CircuitOpen { dependency, .. }
            | ToolError::RetryBudgetExhausted { dependency, .. } => Some(dependency),
            _ => None,
        }
    }

    /// Whether retrying the same call may succeed (timeouts, rate limits, unavailability, resets).
    /// An open breaker or a spent budget is not: the resilience layer has already decided, and
    /// retrying around it would stack retries.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ToolError::Timeout { .. }
                | ToolError::RateLimited { .. }
                | ToolError::Unavailable { .. }
                | ToolError::ConnectionReset { .. }
        )
    }

    /// Whether a side effect may have happened although the call failed.
    pub fn effect_unknown(&self) -> bool {
        match self {
            ToolError::Timeout { .. } | ToolError::ConnectionReset { .. } => true,
            ToolError::RetryBudgetExhausted { last, .. } => last.effect_unknown(),
            _ => false,
        }
    }

    /// The `Retry-After` of a rate limit.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ToolError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

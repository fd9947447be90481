//! How the example agents react when the runtime's resilience layer refuses to go on.
//!
//! An open circuit breaker ([`ToolError::CircuitOpen`]) or an exhausted retry budget
//! ([`ToolError::RetryBudgetExhausted`]) is a typed error, and the runtime declares the run
//! `blocked` (`circuit_open`, `retry_budget_exhausted`). Neither is transient, so an agent that
//! skips failed items (a research source, a page) stops on it instead of hammering the
//! dependency: [`is_refusal`] tells the two apart from an ordinary failure.

use tapedeck::{Ctx, Declared, ToolError};

/// Whether `error` is the resilience layer refusing to go on (open breaker, spent budget).
pub fn is_refusal(error: &ToolError) -> bool {
    matches!(
        error,
        ToolError::CircuitOpen { .. } | ToolError::RetryBudgetExhausted { .. }
    )
}

/// Declares the run `failed` with `deadline_exceeded` when `error` is the deadline stopping a
/// call, so that the run says why it stopped. (A retry wait that would outlive the deadline is
/// declared so by the runtime itself; a call the deadline cut off is declared here.)
pub fn note_deadline(ctx: &Ctx, error: &ToolError) {
    if matches!(error, ToolError::DeadlineExceeded { .. }) {
        ctx.declare(Declared::failed("deadline_exceeded"));
    }
}

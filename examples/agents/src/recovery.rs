//! How the example agents react when the runtime's resilience layer refuses to go on.
//!
//! An exhausted retry budget (`retry_budget_exhausted`) or an open circuit breaker
//! (`circuit_open`) makes the runtime declare the run `blocked`. The call that was refused
//! returns its error like any other, so an agent that skips failed items (a research source, a
//! page) would carry on hammering the dependency; [`halted`] tells it to stop starting work.

use tapedeck::{Ctx, Declared, ToolError, Verdict};

/// The runtime's `blocked` declaration, once the resilience layer has made one.
pub fn halted(ctx: &Ctx) -> Option<Declared> {
    ctx.declared().filter(|d| d.verdict == Verdict::Blocked)
}

/// Declares the run `failed` with `deadline_exceeded` when `error` is the runtime refusing a
/// call, or a wait, past the deadline, so that the run says why it stopped. (A retry wait the
/// runtime declines because it would outlive the deadline leaves no call behind to say so.)
pub fn note_deadline(ctx: &Ctx, error: &ToolError) {
    if matches!(error, ToolError::DeadlineExceeded { .. }) {
        ctx.declare(Declared::failed("deadline_exceeded"));
    }
}

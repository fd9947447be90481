//! Recovery built into the runtime, in production and replay alike: retries with backoff and
//! jitter that honour `Retry-After`, a retry budget and a circuit breaker per dependency,
//! deadline-capped waits, and wire forms for deadlines and traces across processes.
//!
//! Agent code opts in per call:
//!
//! ```no_run
//! # use tapedeck::{Ctx, ToolError, resilience::RetryPolicy};
//! # async fn demo(ctx: &Ctx) -> Result<(), ToolError> {
//! let quote = ctx
//!     .tool("get_quote")
//!     .dependency("pricing")
//!     .retry(RetryPolicy::attempts(4))
//!     .call(serde_json::json!({ "sku": "A-1" }))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! Every attempt is a `tool_call`, every decision a `retry_decision` event and every breaker
//! change a `breaker` event. An exhausted budget or an open breaker declares the run `blocked`
//! (`retry_budget_exhausted`, `circuit_open`); retries inside a retried call do not stack.

pub mod breaker;
pub mod budget;
pub mod idempotency;
mod registry;
pub mod retry;
pub mod wire;

pub use breaker::{Admission, BreakerConfig, BreakerState, CircuitBreaker};
pub use budget::{BudgetConfig, RetryBudget};
pub use registry::{Resilience, ResilienceConfig};
pub use retry::{GiveUp, RetryPolicy};

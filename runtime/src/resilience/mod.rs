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
//! A call with a dependency always asks the dependency's breaker first, with or without
//! `.retry(..)` (without it, the call is one attempt). Every attempt is a `tool_call`, every
//! decision a `retry_decision` event (naming the tool and the dependency) and every breaker
//! change a `breaker` event. Where the layer stops, the agent gets a typed error and the run a
//! declaration:
//!
//! | stop | error | declared |
//! | --- | --- | --- |
//! | the breaker is open: the call is refused, nothing runs, it is recorded as a `blocked` call | `ToolError::CircuitOpen` | `blocked` / `circuit_open` |
//! | a failure opened the breaker (or it is open): the retry would be refused, so it is not made and not charged to the budget | `ToolError::CircuitOpen` | `blocked` / `circuit_open` |
//! | the budget is spent: the failed call is not retried | `ToolError::RetryBudgetExhausted` (with the last error) | `blocked` / `retry_budget_exhausted` |
//! | the wait before a retry would outlive the deadline | `ToolError::DeadlineExceeded` | `failed` / `deadline_exceeded` |
//!
//! Rate limits are retried and charged to the budget but never count against the breaker (see
//! [`breaker`]). Retries inside a retried call do not stack. Replay uses the fixture's
//! `resilience` numbers from `input.json` when it has them, and starts the breakers it lists as
//! `open` open: how a fixture reproduces a run refused by a breaker that other agents of the
//! fleet had opened ([`crate::fixture::resilience`]).

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

//! Example agents for tapedeck: ordinary `async fn(&Ctx, Input) -> Result<Output, E>` functions
//! that run in production with a real [`tapedeck::Toolbox`] and replay under `cargo test` from
//! the fixture suites in `fixtures/`.
//!
//! Each agent carries realistic weaknesses on purpose; the "caught" fixtures of its suite show
//! how a behavioural contract makes them visible. Each recovers through the runtime's
//! resilience layer (retries, retry budgets, breakers, deadlines), and its suite has fixtures
//! that prove it (listed in each module's docs):
//!
//! - [`research`]: search → fetch → model summary → report artifact with cited evidence; the
//!   retry budget, the breaker and the deadline of the reader it fetches through.
//! - [`booking`]: quote → hold → charge (idempotent retries) → confirm → shared itinerary
//!   (compare-and-swap; [`lost_update`] catches a blind write) → receipt artifact.
//! - [`queue_worker`]: claim → process → write result → complete, releasing the claim on failure.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod booking;
pub mod fan_out;
pub mod lost_update;
pub mod queue_worker;
pub mod recovery;
pub mod research;

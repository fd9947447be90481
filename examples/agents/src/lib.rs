//! Example agents for tapedeck: ordinary `async fn(&Ctx, Input) -> Result<Output, E>` functions
//! that run in production with a real [`tapedeck::Toolbox`] and replay under `cargo test` from
//! the fixture suites in `fixtures/`.
//!
//! Each agent carries realistic weaknesses on purpose; the "caught" fixtures of its suite show
//! how a behavioural contract makes them visible:
//!
//! - [`research`]: search → fetch → model summary → report artifact with cited evidence.
//! - [`booking`]: quote → hold → charge (idempotent retries) → confirm → receipt artifact.
//! - [`queue_worker`]: claim → process → write result → complete, releasing the claim on failure.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod booking;
pub mod queue_worker;
pub mod research;

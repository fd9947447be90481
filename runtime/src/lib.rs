//! # tapedeck
//!
//! Turn LLM-agent failures into replayable evidence. A *fixture* folder freezes one case: the
//! agent's input, the recorded tool interactions (the *cassette*) and the behavioural *contract*.
//! Replay runs the agent function against the cassette through a [`Ctx`], records an
//! [`Observation`], and the contract judges it into a [`Verdict`] with machine-readable reasons.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod agent;
pub mod artifact;
pub mod canary;
pub mod cassette;
#[cfg(feature = "cli")]
pub mod cli;
pub mod compile;
pub mod contract;
pub mod ctx;
pub mod effect;
pub mod fixture;
pub mod harness;
pub mod json_pointer;
pub mod mode;
pub mod observation;
pub mod redact;
pub mod replay;
pub mod resilience;
pub mod run;
mod scratch;
mod sized_read;
pub mod store;
pub mod suggest;
pub mod tool_error;

pub mod toolbox;
mod value_groups;
pub mod verdict;
pub mod watchdog;

pub use agent::{Agent, Declared, agent_fn};
pub use cassette::{Cassette, Interaction};
pub use contract::{
    Contract, Expectation, JudgeInput, Judgement, ValidatorCall, ValidatorFailure, Validators,
    Violation, judge,
};
pub use ctx::{ArtifactRef, Ctx, ToolHandle};
pub use effect::Effect;
pub use fixture::Fixture;
pub use mode::Mode;
pub use observation::Observation;
pub use replay::{Replay, ReplayRun};
pub use run::{Recorder, RunEnvelope};
pub use tool_error::ToolError;
pub use toolbox::{ToolCall, Toolbox};
pub use verdict::{FailureClass, Verdict};

pub use tapedeck_macros::{agent_fixture, canary, main};

#[doc(hidden)]
pub mod __private {
    //! Re-exports for macro expansions; not a public API.
    pub use inventory;
    pub use serde_json::Value;
}

/// The README's code blocks, compiled as doctests. They need the `cli` feature (the README's
/// own `cargo xtask` calls `tapedeck::cli::main`), which `cargo test --workspace` turns on.
#[doc = include_str!("../../README.md")]
#[cfg(all(doctest, feature = "cli"))]
pub struct ReadmeDoctests;

//! # tapedeck
//!
//! Turn LLM-agent failures into replayable evidence. A *fixture* folder freezes one case: the
//! agent's input, the recorded tool interactions (the *cassette*) and the behavioural *contract*.
//! Replay runs the agent function against the cassette through a [`Ctx`], records an
//! [`Observation`], and the contract judges it into a [`Verdict`] with machine-readable reasons.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cassette;
pub mod contract;
pub mod effect;
pub mod fixture;
pub mod json_pointer;
pub mod observation;
pub mod tool_error;
pub mod verdict;

pub use cassette::{Cassette, Interaction};
pub use contract::{
    Contract, Expectation, JudgeInput, Judgement, ValidatorCall, ValidatorFailure, Validators,
    Violation, judge,
};
pub use effect::Effect;
pub use fixture::Fixture;
pub use observation::Observation;
pub use tool_error::ToolError;
pub use verdict::{FailureClass, Verdict};

//! # tapedeck-example-scripted
//!
//! A scripted agent for conformance testing of tapedeck itself. Its input is a [`Script`]: a
//! list of [`Step`]s that it executes literally — call a tool, write an artifact, cite
//! evidence, declare a status, panic, sleep, run steps in parallel — so that any behaviour a
//! contract should judge can be staged from a fixture folder, without writing an agent.
//!
//! The step language is documented in this crate's `README.md` and on [`Step`].
//!
//! ```
//! use tapedeck_example_scripted::Script;
//! let script: Script = serde_json::from_value(serde_json::json!({
//!     "steps": [
//!         {"call": "search", "args": {"q": "rust"}, "save_as": "hits"},
//!         {"output": "$hits"}
//!     ]
//! })).unwrap();
//! assert_eq!(script.steps.len(), 2);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
pub mod generate;
mod retry;
mod run;
mod saved;
mod script;
mod step;
pub mod validators;

pub use error::ScriptError;
pub use run::scripted;
pub use saved::Saved;
pub use script::Script;
pub use step::{
    ArtifactStep, CallStep, EventStep, OnError, OutputStep, PanicStep, ParallelStep, SleepStep,
    StatusKind, StatusStep, Step,
};

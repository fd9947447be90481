//! Contracts: the behavioural rules of `expected.json`, and the validator that judges runs.

pub mod model;

pub use model::*;

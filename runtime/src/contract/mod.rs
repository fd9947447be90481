//! Contracts: the behavioural rules of `expected.json`, and the validator that judges runs.
//!
//! [`judge`] turns an [`crate::Observation`] and a [`Contract`] into a [`Judgement`]: a
//! verdict, sorted reason codes, a failure class and one [`Violation`] per failed clause.
//! [`Judgement::meets`] then checks the judgement against the contract's expected `verdict`
//! and `reasons`.

mod clauses;
pub mod diff;
pub mod evaluate;
pub mod expectation;
pub mod judgement;
pub mod model;
pub mod validators;
mod view;

pub(crate) use clauses::is_empty_value;
pub use evaluate::{JudgeInput, judge};
pub use expectation::Expectation;
pub use judgement::{Judgement, Violation};
pub use model::*;
pub use validators::{
    ValidatorCall, ValidatorFailure, ValidatorFn, ValidatorRegistration, Validators,
};

#[cfg(test)]
mod tests;

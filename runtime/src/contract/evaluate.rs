//! The entry point: judge an observation against a contract.

use super::clauses;
use super::judgement::Judgement;
use super::model::Contract;
use super::validators::Validators;
use super::view::View;
use crate::observation::Observation;
use serde_json::{Map, Value};

/// Everything [`judge`] needs besides the contract.
#[derive(Debug, Clone, Copy)]
pub struct JudgeInput<'a> {
    /// What the run did.
    pub observation: &'a Observation,
    /// The fixture's `input.json` `state`, against which `/state/...` evidence resolves.
    pub state: Option<&'a Map<String, Value>>,
    /// Custom validators named by the contract.
    pub validators: &'a Validators,
}

impl<'a> JudgeInput<'a> {
    /// An input without state.
    pub fn new(observation: &'a Observation, validators: &'a Validators) -> JudgeInput<'a> {
        JudgeInput {
            observation,
            state: None,
            validators,
        }
    }

    /// The same input with the fixture's state.
    pub fn with_state(mut self, state: &'a Map<String, Value>) -> JudgeInput<'a> {
        self.state = Some(state);
        self
    }
}

/// Judges a run: run-level checks first (outcome, misses, blocked calls, deadline errors), then
/// every clause of the contract. Absent keys are no rule.
///
/// Output clauses are evaluated even when the agent did not return (against `null`), so a
/// failed run also documents what is missing.
pub fn judge(contract: &Contract, input: &JudgeInput<'_>) -> Judgement {
    let mut out = Vec::new();
    clauses::run::check(input.observation, &mut out);
    let view = View::new(input, contract.volatile.as_deref().unwrap_or(&[]), &mut out);
    if let Some(rule) = &contract.output {
        clauses::output::check(rule, &view, &mut out);
    }
    if let Some(rule) = &contract.artifacts {
        clauses::artifacts::check(rule, &view, &mut out);
    }
    if let Some(rule) = &contract.evidence {
        clauses::evidence::check(rule, &view, &mut out);
    }
    if let Some(rule) = &contract.tools {
        clauses::tools::check(rule, &view, &mut out);
    }
    if let Some(rule) = &contract.effects {
        clauses::effects::check(rule, &view, &mut out);
    }
    if let Some(rule) = &contract.cassette {
        clauses::cassette::check(rule, &view, &mut out);
    }
    if let Some(rule) = &contract.budget {
        clauses::budget::check(rule, &view, &mut out);
    }
    if let Some(rule) = &contract.deadline {
        clauses::deadline::check(rule, &view, &mut out);
    }
    if let Some(refs) = &contract.validators {
        clauses::validators::check(refs, &view, &mut out);
    }
    Judgement::from_violations(out)
}

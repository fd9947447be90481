//! The normalized view of an observation that value-comparing clauses read: `volatile` paths
//! removed from the output and from call requests.
//!
//! Only the values a pattern touches are cloned; without `volatile` nothing is. Patterns
//! address the observation's JSON shape: `/output/...` and `/calls/*/request/...` change what
//! clauses compare. Patterns under `/calls/*/response/...` and `/artifacts/*/content/...` are
//! accepted (snapshots use them) but no built-in clause compares those values: evidence checks
//! existence, artifact schemas check shape and artifact `contains` checks the written text.

use super::evaluate::JudgeInput;
use super::judgement::Violation;
use crate::json_pointer::{PointerPattern, parse_index};
use crate::observation::Observation;
use crate::verdict::{FailureClass, reason};
use serde_json::Value;
use std::borrow::Cow;

/// JSON `null`, for runs without output.
pub(crate) static NULL: Value = Value::Null;

/// What clauses read: the observation, plus normalized copies where `volatile` applies.
pub(crate) struct View<'a> {
    /// The raw observation.
    pub observation: &'a Observation,
    /// The judge input (state, validators).
    pub input: &'a JudgeInput<'a>,
    /// The output (`null` if the agent did not return one), volatile paths removed.
    pub output: Cow<'a, Value>,
    /// Each call's request, volatile paths removed.
    pub requests: Vec<Cow<'a, Value>>,
    /// The parsed volatile patterns.
    volatile: Vec<PointerPattern>,
}

impl<'a> View<'a> {
    /// Builds the view; invalid volatile patterns are reported as `invalid_contract`.
    pub fn new(
        input: &'a JudgeInput<'a>,
        volatile: &[String],
        out: &mut Vec<Violation>,
    ) -> View<'a> {
        let observation = input.observation;
        let mut view = View {
            observation,
            input,
            output: Cow::Borrowed(observation.output.as_ref().unwrap_or(&NULL)),
            requests: observation
                .calls
                .iter()
                .map(|c| Cow::Borrowed(&c.request))
                .collect(),
            volatile: Vec::with_capacity(volatile.len()),
        };
        for (i, text) in volatile.iter().enumerate() {
            match PointerPattern::parse(text) {
                Ok(pattern) => {
                    view.apply(&pattern);
                    view.volatile.push(pattern);
                }
                Err(err) => out.push(Violation::new(
                    format!("volatile[{i}]"),
                    reason::INVALID_CONTRACT,
                    FailureClass::Harness,
                    format!("volatile path {text:?} is not a JSON Pointer: {err}"),
                )),
            }
        }
        view
    }

    /// `value` (an expected value in the coordinates under `prefix`, such as `["output"]` or
    /// `["calls", "3", "request"]`) with the volatile paths under `prefix` removed, so that a
    /// volatile path is ignored on both sides of a comparison. Borrowed when nothing applies.
    pub fn strip<'v>(&self, prefix: &[&str], value: &'v Value) -> Cow<'v, Value> {
        let mut out = Cow::Borrowed(value);
        for rest in self.volatile.iter().filter_map(|p| p.strip_prefix(prefix)) {
            rest.remove_from(out.to_mut());
        }
        out
    }

    fn apply(&mut self, pattern: &PointerPattern) {
        if let Some(rest) = pattern.strip_prefix(&["output"])
            && self.observation.output.is_some()
            && rest.is_present_in(&self.output)
        {
            rest.remove_from(self.output.to_mut());
        }
        // `/calls/<i or *>/request/...`: the rest is built once, not once per call.
        let [calls, which, request, ..] = pattern.tokens() else {
            return;
        };
        if calls != "calls" || request != "request" {
            return;
        }
        let Some(rest) = pattern.strip_prefix(&["calls", which, "request"]) else {
            return;
        };
        let only = (which != "*").then(|| parse_index(which));
        for (i, request) in self.requests.iter_mut().enumerate() {
            if only.is_none_or(|only| only == Some(i)) && rest.is_present_in(request) {
                rest.remove_from(request.to_mut());
            }
        }
    }
}

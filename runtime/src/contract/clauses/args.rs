//! `tools.args`: every call of the tool matches the expected request (after removing `ignore`
//! paths from both sides, and volatile paths); the tool must be called at least once.

use crate::contract::judgement::Violation;
use crate::contract::model::{ArgsMode, ArgsRule};
use crate::contract::view::View;
use crate::json_pointer::{PointerPattern, is_partial_match};
use crate::verdict::{FailureClass, reason};
use serde_json::Value;
use std::borrow::Cow;

/// Checks one argument rule. `exact` is equality up to numeric representation (`1` = `1.0`),
/// `partial` is [`is_partial_match`]. The diff shows the first mismatching call.
pub(crate) fn check(clause: &str, rule: &ArgsRule, view: &View<'_>, out: &mut Vec<Violation>) {
    let mut ignore = Vec::with_capacity(rule.ignore.len());
    for text in &rule.ignore {
        match PointerPattern::parse(text) {
            Ok(p) => ignore.push(p),
            Err(err) => {
                let message = format!("ignore path {text:?} is not a JSON Pointer: {err}");
                out.push(Violation::new(
                    clause,
                    reason::INVALID_CONTRACT,
                    FailureClass::Harness,
                    message,
                ));
                return;
            }
        }
    }
    let strip = |value: &Value| -> Value {
        let mut value = value.clone();
        ignore.iter().for_each(|p| p.remove_from(&mut value));
        value
    };
    let expected: Cow<'_, Value> = if ignore.is_empty() {
        Cow::Borrowed(&rule.value)
    } else {
        Cow::Owned(strip(&rule.value))
    };
    let mode = rule.mode.unwrap_or_default();
    // Positions in `calls` (equal to `CallRecord::index` in a run's observation; an
    // observation built by hand may number its calls differently).
    let calls: Vec<usize> = view
        .observation
        .calls
        .iter()
        .enumerate()
        .filter(|(_, c)| c.tool == rule.tool)
        .map(|(i, _)| i)
        .collect();
    if calls.is_empty() {
        let message = format!(
            "{:?} was never called, so its arguments cannot match",
            rule.tool
        );
        out.push(
            Violation::new(
                clause,
                reason::TOOL_ARGS_MISMATCH,
                FailureClass::SilentDrift,
                message,
            )
            .with_values(rule.value.clone(), Value::Null),
        );
        return;
    }
    let compare = |i: usize| {
        let expected = view.strip(&["calls", &i.to_string(), "request"], &expected);
        let request: &Value = &view.requests[i];
        let actual: Cow<'_, Value> = if ignore.is_empty() {
            Cow::Borrowed(request)
        } else {
            Cow::Owned(strip(request))
        };
        let ok = match mode {
            ArgsMode::Partial => is_partial_match(&expected, &actual),
            ArgsMode::Exact => {
                is_partial_match(&expected, &actual) && is_partial_match(&actual, &expected)
            }
        };
        (ok, expected, actual)
    };
    let mismatches: Vec<usize> = calls.iter().copied().filter(|&i| !compare(i).0).collect();
    if let Some(&first) = mismatches.first() {
        let (_, expected, actual) = compare(first);
        let message = format!(
            "{} of {} call(s) of {:?} do not match the expected arguments ({} mode): calls {mismatches:?}; diff of call #{first}",
            mismatches.len(),
            calls.len(),
            rule.tool,
            if mode == ArgsMode::Exact {
                "exact"
            } else {
                "partial"
            },
        );
        out.push(
            Violation::new(
                clause,
                reason::TOOL_ARGS_MISMATCH,
                FailureClass::SilentDrift,
                message,
            )
            .with_values_and_diff(expected.into_owned(), actual.into_owned()),
        );
    }
}

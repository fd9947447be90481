//! `tools.sequence`: compares the observed call names with `steps` in one of five modes.

use crate::contract::diff;
use crate::contract::judgement::Violation;
use crate::contract::model::{SequenceMode, SequenceRule};
use crate::verdict::{FailureClass, reason};
use serde_json::json;
use std::collections::BTreeMap;

/// Checks the sequence rule against the call names, in call order.
pub(crate) fn check(rule: &SequenceRule, names: &[&str], out: &mut Vec<Violation>) {
    let steps: Vec<&str> = rule.steps.iter().map(String::as_str).collect();
    let (ok, mode) = match rule.mode {
        SequenceMode::Exact => (steps == names, "exactly"),
        SequenceMode::InOrder => (
            is_subsequence(&steps, names),
            "in order (other calls may be interleaved)",
        ),
        SequenceMode::Unordered => (
            multiset(&steps) == multiset(names),
            "in any order, as the same multiset",
        ),
        SequenceMode::Subset => (
            contains_all(&multiset(&steps), &multiset(names)),
            "as a subset (no call outside the steps)",
        ),
        SequenceMode::Superset => (
            contains_all(&multiset(names), &multiset(&steps)),
            "as a superset (every step among the calls)",
        ),
    };
    if !ok {
        out.push(
            Violation::new(
                "tools.sequence",
                reason::TOOL_SEQUENCE_MISMATCH,
                FailureClass::SilentDrift,
                format!("the tool calls do not match the expected steps {mode}"),
            )
            .with_values(json!(steps), json!(names))
            .with_diff(diff::lines_diff(&steps, names)),
        );
    }
}

fn is_subsequence(needle: &[&str], hay: &[&str]) -> bool {
    let mut rest = hay.iter();
    needle.iter().all(|n| rest.any(|h| h == n))
}

fn multiset<'a>(items: &[&'a str]) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(*item).or_insert(0) += 1;
    }
    counts
}

/// Whether `big` contains `small` as multisets.
fn contains_all(big: &BTreeMap<&str, usize>, small: &BTreeMap<&str, usize>) -> bool {
    small
        .iter()
        .all(|(k, n)| big.get(k).is_some_and(|m| m >= n))
}

//! `tools`: `required`, `forbidden`, `allowed`, `sequence`, `before`, `args`, `max_calls`,
//! `max_identical_calls` (`args` lives in [`super::args`]). Requests are compared with volatile
//! paths removed.

use super::join;
use crate::contract::judgement::Violation;
use crate::contract::model::ToolsRule;
use crate::contract::view::View;
use crate::value_groups::ValueGroups;
use crate::verdict::{FailureClass, reason};
use serde_json::{Value, json};

/// Checks the tool rules.
pub(crate) fn check(rule: &ToolsRule, view: &View<'_>, out: &mut Vec<Violation>) {
    let names: Vec<&str> = view
        .observation
        .calls
        .iter()
        .map(|c| c.tool.as_str())
        .collect();
    required(rule, &names, out);
    forbidden(rule, &names, out);
    if let Some(sequence) = &rule.sequence {
        super::sequence::check(sequence, &names, out);
    }
    before(rule, &names, out);
    for (i, args_rule) in rule.args.iter().enumerate() {
        super::args::check(&format!("tools.args[{i}]"), args_rule, view, out);
    }
    if let Some(max) = rule.max_calls
        && names.len() as u64 > max
    {
        let message = format!("{} tool call(s), at most {max} allowed", names.len());
        out.push(
            Violation::new(
                "tools.max_calls",
                reason::TOO_MANY_TOOL_CALLS,
                FailureClass::Policy,
                message,
            )
            .with_values(json!(max), json!(names.len())),
        );
    }
    if let Some(max) = rule.max_identical_calls {
        identical(max, view, out);
    }
}

fn count(names: &[&str], tool: &str) -> u64 {
    names.iter().filter(|n| **n == tool).count() as u64
}

fn required(rule: &ToolsRule, names: &[&str], out: &mut Vec<Violation>) {
    for (i, req) in rule.required.iter().enumerate() {
        let n = count(names, &req.name);
        let min = req.min.unwrap_or(1);
        let bounds = || json!({"name": req.name, "min": min, "max": req.max});
        if n < min {
            let message = format!(
                "{:?} was called {n} time(s), at least {min} required",
                req.name
            );
            out.push(
                Violation::new(
                    format!("tools.required[{i}]"),
                    reason::MISSING_TOOL_CALL,
                    FailureClass::SilentDrift,
                    message,
                )
                .with_values(bounds(), json!(n)),
            );
        }
        if let Some(max) = req.max.filter(|max| n > *max) {
            let message = format!(
                "{:?} was called {n} time(s), at most {max} allowed",
                req.name
            );
            out.push(
                Violation::new(
                    format!("tools.required[{i}]"),
                    reason::TOO_MANY_TOOL_CALLS,
                    FailureClass::Policy,
                    message,
                )
                .with_values(bounds(), json!(n)),
            );
        }
    }
}

fn forbidden(rule: &ToolsRule, names: &[&str], out: &mut Vec<Violation>) {
    let mut push = |clause: &str, expected: Value, tool: &str, why: &str| {
        let calls: Vec<usize> = (0..names.len()).filter(|i| names[*i] == tool).collect();
        let message = format!(
            "{tool:?} {why} but was called {} time(s) (calls {calls:?})",
            calls.len()
        );
        out.push(
            Violation::new(
                clause,
                reason::FORBIDDEN_TOOL,
                FailureClass::Policy,
                message,
            )
            .with_values(expected, json!(tool)),
        );
    };
    for tool in rule
        .forbidden
        .iter()
        .filter(|t| names.contains(&t.as_str()))
    {
        push(
            "tools.forbidden",
            json!(rule.forbidden),
            tool,
            "is forbidden",
        );
    }
    if let Some(allowed) = &rule.allowed {
        let mut seen: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !allowed.iter().any(|a| a == n))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        for tool in seen {
            push("tools.allowed", json!(allowed), tool, "is not allowed");
        }
    }
}

fn before(rule: &ToolsRule, names: &[&str], out: &mut Vec<Violation>) {
    for (i, [a, b]) in rule.before.iter().enumerate() {
        let first = |t: &str| names.iter().position(|n| *n == t);
        let problem = match (first(a), first(b)) {
            (_, None) => None,
            (None, Some(_)) => Some(format!("{b:?} was called but {a:?} never was")),
            (Some(x), Some(y)) if x > y => Some(format!(
                "the first call of {b:?} (#{y}) came before the first call of {a:?} (#{x})"
            )),
            _ => None,
        };
        if let Some(problem) = problem {
            out.push(
                Violation::new(
                    format!("tools.before[{i}]"),
                    reason::TOOL_ORDER_VIOLATION,
                    FailureClass::SilentDrift,
                    format!("{problem}; {a:?} must come first"),
                )
                .with_values(json!([a, b]), json!(names)),
            );
        }
    }
}

fn identical(max: u64, view: &View<'_>, out: &mut Vec<Violation>) {
    // Group equal (tool, request) pairs in first-call order, hashed: a run with many calls is
    // not compared pair by pair. Which calls a group holds is collected only for a group over
    // the limit.
    let calls = &view.observation.calls;
    let mut ids = ValueGroups::with_capacity(calls.len());
    let mut counts: Vec<u64> = Vec::with_capacity(calls.len());
    let group_ids: Vec<usize> = calls
        .iter()
        .zip(&view.requests)
        .map(|(call, request)| {
            let id = ids.group_of(&call.tool, request);
            counts.resize(ids.len(), 0);
            counts[id] += 1;
            id
        })
        .collect();
    if counts.iter().all(|n| *n <= max) {
        return;
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); counts.len()];
    for (i, &group) in group_ids.iter().enumerate() {
        if counts[group] > max {
            members[group].push(i);
        }
    }
    for members in members.into_iter().filter(|m| !m.is_empty()) {
        let first = members[0];
        let message = format!(
            "{:?} was called {} times with the same request {} (calls {}), at most {max} allowed",
            calls[first].tool,
            members.len(),
            view.requests[first],
            join(members.iter().map(|&i| format!("#{}", calls[i].index)))
        );
        out.push(
            Violation::new(
                "tools.max_identical_calls",
                reason::REPEATED_IDENTICAL_CALL,
                FailureClass::Policy,
                message,
            )
            .with_values(json!(max), json!(members.len())),
        );
    }
}

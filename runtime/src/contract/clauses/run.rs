//! Run-level checks (clause `"run"`): how the agent ended and what the runtime refused.
//!
//! - panicked / error: `failed`, `agent_panicked` / `agent_error`, class `partial_write` if a
//!   side effect took place, else `clean_abort`;
//! - harness failure: `failed`, `harness_error`, class `harness`;
//! - declared status: the declared verdict with `declared_status` (plus the declared reason when
//!   it is a reason code). Its class: `timeout` for `deadline_exceeded`, `dependency` for
//!   `circuit_open` and `retry_budget_exhausted`, else `partial_write`/`clean_abort` as above.
//!   A declared `passed` is no violation;
//! - cassette misses (`cassette_miss`, harness), blocked calls (`blocked_call`, policy) and
//!   calls refused by the deadline (`deadline_exceeded`, timeout), each `failed`.

use crate::contract::judgement::Violation;
use crate::observation::{CallRecord, CallSource, Observation, Outcome};
use crate::verdict::{FailureClass, Verdict, reason};
use serde_json::json;

/// Appends the run-level violations.
pub(crate) fn check(obs: &Observation, out: &mut Vec<Violation>) {
    let stopped_class = if obs.ledger.iter().any(|e| e.applied()) {
        FailureClass::PartialWrite
    } else {
        FailureClass::CleanAbort
    };
    match &obs.outcome {
        Outcome::Returned => {}
        Outcome::Panicked { message } => out.push(Violation::new(
            "run",
            reason::AGENT_PANICKED,
            stopped_class,
            format!("the agent panicked: {message}"),
        )),
        Outcome::Error { message } => out.push(Violation::new(
            "run",
            reason::AGENT_ERROR,
            stopped_class,
            format!("the agent returned an error: {message}"),
        )),
        Outcome::Harness { message } => out.push(Violation::new(
            "run",
            reason::HARNESS_ERROR,
            FailureClass::Harness,
            format!("the harness failed: {message}"),
        )),
        Outcome::Declared {
            verdict,
            reason: why,
        } => {
            if *verdict != Verdict::Passed {
                declared(*verdict, why, stopped_class, out);
            }
        }
    }
    calls(obs, out);
}

fn declared(verdict: Verdict, why: &str, stopped_class: FailureClass, out: &mut Vec<Violation>) {
    let class = match why {
        reason::DEADLINE_EXCEEDED => FailureClass::Timeout,
        "circuit_open" | "retry_budget_exhausted" => FailureClass::Dependency,
        _ => stopped_class,
    };
    let message = format!("the agent declared {verdict}: {why}");
    out.push(
        Violation::new("run", reason::DECLARED_STATUS, class, message.clone())
            .with_verdict(verdict),
    );
    let is_code = !why.is_empty() && why.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if is_code && why != reason::DECLARED_STATUS {
        out.push(Violation::new("run", why, class, message).with_verdict(verdict));
    }
}

fn calls(obs: &Observation, out: &mut Vec<Violation>) {
    let deadline = |c: &&CallRecord| {
        c.error
            .as_ref()
            .is_some_and(|e| e.kind == reason::DEADLINE_EXCEEDED)
    };
    let misses: Vec<&CallRecord> = obs
        .calls
        .iter()
        .filter(|c| c.source == CallSource::Miss)
        .collect();
    let blocked: Vec<&CallRecord> = obs
        .calls
        .iter()
        .filter(|c| c.source == CallSource::Blocked && !deadline(c))
        .collect();
    let late: Vec<&CallRecord> = obs.calls.iter().filter(deadline).collect();
    for (calls, code, class, what) in [
        (
            misses,
            reason::CASSETTE_MISS,
            FailureClass::Harness,
            "matched no recorded interaction",
        ),
        (
            blocked,
            reason::BLOCKED_CALL,
            FailureClass::Policy,
            "were blocked",
        ),
        (
            late,
            reason::DEADLINE_EXCEEDED,
            FailureClass::Timeout,
            "were refused: deadline exceeded",
        ),
    ] {
        if calls.is_empty() {
            continue;
        }
        let names = super::join(calls.iter().map(|c| format!("#{} {}", c.index, c.tool)));
        let actual = json!(
            calls
                .iter()
                .map(|c| json!({"call": c.index, "tool": c.tool}))
                .collect::<Vec<_>>()
        );
        let message = format!("{} call(s) {what}: {names}", calls.len());
        out.push(Violation::new("run", code, class, message).with_values(json!([]), actual));
    }
}

//! Run-level checks (clause `"run"`): how the agent ended and what the runtime refused.
//!
//! - panicked / error: `failed`, `agent_panicked` / `agent_error`, class `partial_write` if a
//!   side effect took place, else `clean_abort`;
//! - harness failure: `failed`, `harness_error`, class `harness`;
//! - declared status: the declared verdict with `declared_status` (plus the declared reason when
//!   it is a reason code). Its class: `timeout` for `deadline_exceeded`, `dependency` for
//!   `circuit_open` and `retry_budget_exhausted`, else `partial_write`/`clean_abort` as above.
//!   A declared `passed` is no violation;
//! - calls the runtime stopped, one violation per kind naming the calls: cassette misses
//!   (`cassette_miss`, harness), blocked calls (`blocked_call`, policy), calls refused because
//!   they started at or after the deadline and calls the deadline cut off (both
//!   `deadline_exceeded`, timeout, with their own messages), each `failed`; calls refused by an
//!   open circuit breaker (`circuit_open`, dependency) are `blocked`.

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
        reason::CIRCUIT_OPEN | reason::RETRY_BUDGET_EXHAUSTED => FailureClass::Dependency,
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

/// How the runtime stopped a call, as the run level reports it.
struct Stopped {
    code: &'static str,
    class: FailureClass,
    verdict: Verdict,
    what: &'static str,
}

/// Why a call did not get an answer, when the runtime is the reason (`None`: it ran).
fn stopped(call: &CallRecord) -> Option<Stopped> {
    let kind = call.error.as_ref().map(|e| e.kind.as_str());
    let stop = |code, class, verdict, what| {
        Some(Stopped {
            code,
            class,
            verdict,
            what,
        })
    };
    match (call.source, kind) {
        (CallSource::Miss, _) => stop(
            reason::CASSETTE_MISS,
            FailureClass::Harness,
            Verdict::Failed,
            "matched no recorded interaction",
        ),
        (CallSource::Blocked, Some(reason::CIRCUIT_OPEN)) => stop(
            reason::CIRCUIT_OPEN,
            FailureClass::Dependency,
            Verdict::Blocked,
            "were refused by an open circuit breaker",
        ),
        (CallSource::Blocked, Some(reason::DEADLINE_EXCEEDED)) => stop(
            reason::DEADLINE_EXCEEDED,
            FailureClass::Timeout,
            Verdict::Failed,
            "were refused: they started at or after the deadline",
        ),
        (CallSource::Blocked, _) => stop(
            reason::BLOCKED_CALL,
            FailureClass::Policy,
            Verdict::Failed,
            "were blocked",
        ),
        (_, Some(reason::DEADLINE_EXCEEDED)) => stop(
            reason::DEADLINE_EXCEEDED,
            FailureClass::Timeout,
            Verdict::Failed,
            "were cut off by the deadline",
        ),
        _ => None,
    }
}

/// One violation per way the runtime stopped calls, naming the calls, in call order.
fn calls(obs: &Observation, out: &mut Vec<Violation>) {
    let mut groups: Vec<(Stopped, Vec<&CallRecord>)> = Vec::new();
    for call in &obs.calls {
        let Some(stop) = stopped(call) else { continue };
        match groups.iter_mut().find(|(s, _)| s.what == stop.what) {
            Some((_, calls)) => calls.push(call),
            None => groups.push((stop, vec![call])),
        }
    }
    for (stop, calls) in groups {
        let names = super::join(calls.iter().map(|c| format!("#{} {}", c.index, c.tool)));
        let actual = json!(
            calls
                .iter()
                .map(|c| json!({"call": c.index, "tool": c.tool}))
                .collect::<Vec<_>>()
        );
        let message = format!("{} call(s) {}: {names}", calls.len(), stop.what);
        out.push(
            Violation::new("run", stop.code, stop.class, message)
                .with_verdict(stop.verdict)
                .with_values(json!([]), actual),
        );
    }
}

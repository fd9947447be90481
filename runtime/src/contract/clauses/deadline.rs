//! `deadline.no_calls_after_deadline`: no call starts at or after the deadline.
//!
//! Vacuous when the run had no deadline. Its reason is `deadline_exceeded`, the code the run
//! level also gives such a call (the runtime refuses it: "refused: they started at or after the
//! deadline"). A call that started before the deadline and was cut off by it is not this
//! clause's concern; the run level reports it as "cut off by the deadline", under the same code.

use crate::contract::judgement::Violation;
use crate::contract::model::DeadlineRule;
use crate::contract::view::View;
use crate::verdict::{FailureClass, reason};
use serde_json::json;

/// Checks the deadline rule.
pub(crate) fn check(rule: &DeadlineRule, view: &View<'_>, out: &mut Vec<Violation>) {
    let obs = view.observation;
    let (Some(true), Some(deadline)) = (rule.no_calls_after_deadline, obs.deadline_ms) else {
        return;
    };
    let late: Vec<String> = obs
        .calls
        .iter()
        .filter(|c| c.started_ms >= deadline)
        .map(|c| format!("#{} {} at {} ms", c.index, c.tool, c.started_ms))
        .collect();
    if !late.is_empty() {
        let message = format!(
            "{} call(s) started at or after the deadline of {deadline} ms (no call may start then): {}",
            late.len(),
            super::join(&late)
        );
        out.push(
            Violation::new(
                "deadline.no_calls_after_deadline",
                reason::DEADLINE_EXCEEDED,
                FailureClass::Timeout,
                message,
            )
            .with_values(json!(deadline), json!(late)),
        );
    }
}

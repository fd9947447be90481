//! Custom validators this crate registers for its fixtures' `validators` contract key.
//!
//! - `event_emitted` (`args: {"kind": string}`): the run emitted an event of that kind; else
//!   reason `missing_event`, verdict `failed`.
//! - `retries_noted` (no args): an advisory check. When the run retried a call (it emitted a
//!   `retry` event) it reports reason `retried` with verdict `passed`, so the reason is visible
//!   (and can be required) without failing the run.

use tapedeck::Verdict;
use tapedeck::contract::{ValidatorCall, ValidatorFailure};

/// `event_emitted`: the run emitted an event whose kind is `args.kind`.
pub fn event_emitted(call: &ValidatorCall<'_>) -> Result<(), ValidatorFailure> {
    let Some(kind) = call.args.get("kind").and_then(|k| k.as_str()) else {
        return Err(
            ValidatorFailure::new("event_emitted needs args {\"kind\": string}")
                .reason("invalid_contract"),
        );
    };
    if call.observation.events.iter().any(|e| e.kind == kind) {
        return Ok(());
    }
    let seen: Vec<&str> = call
        .observation
        .events
        .iter()
        .map(|e| e.kind.as_str())
        .collect();
    Err(ValidatorFailure::new(format!(
        "no event of kind {kind:?} was emitted (events: [{}])",
        seen.join(", ")
    ))
    .reason("missing_event"))
}

/// `retries_noted`: reports `retried` (verdict `passed`) when the run retried a call.
pub fn retries_noted(call: &ValidatorCall<'_>) -> Result<(), ValidatorFailure> {
    let retries = call
        .observation
        .events
        .iter()
        .filter(|e| e.kind == "retry")
        .count();
    if retries == 0 {
        return Ok(());
    }
    Err(
        ValidatorFailure::new(format!("the run retried {retries} time(s)"))
            .reason("retried")
            .verdict(Verdict::Passed),
    )
}

tapedeck::register_validator!("event_emitted", event_emitted);
tapedeck::register_validator!("retries_noted", retries_noted);

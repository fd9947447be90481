//! Run-level checks: outcomes, misses, blocked calls, deadline refusals.

use super::support::*;
use crate::effect::Effect;
use crate::observation::{CallSource, LedgerOutcome, Outcome};
use crate::verdict::{FailureClass, Verdict};
use serde_json::json;

fn panicked() -> Outcome {
    Outcome::Panicked {
        message: "index out of bounds".into(),
    }
}

#[test]
fn a_returned_run_passes_the_empty_contract() {
    assert_passed(&judge_json(
        json!({}),
        obs().output(json!("ok")).read("search"),
    ));
}

#[test]
fn a_panic_without_side_effects_is_a_clean_abort() {
    let j = judge_json(json!({}), obs().outcome(panicked()).read("search"));
    assert_judged(
        &j,
        Verdict::Failed,
        &["agent_panicked"],
        FailureClass::CleanAbort,
    );
    assert!(
        only(&j, "run").message.contains("index out of bounds"),
        "{j}"
    );
}

#[test]
fn a_panic_after_an_applied_side_effect_is_a_partial_write() {
    let o = obs()
        .outcome(panicked())
        .call("charge", Effect::Money, json!({"amount": 5}));
    let j = judge_json(json!({}), o);
    assert_judged(
        &j,
        Verdict::Failed,
        &["agent_panicked"],
        FailureClass::PartialWrite,
    );
}

#[test]
fn an_error_after_a_side_effect_that_failed_is_a_clean_abort() {
    let o = obs()
        .outcome(Outcome::Error {
            message: "gave up".into(),
        })
        .call("charge", Effect::Money, json!({}))
        .error("unavailable")
        .ledger(LedgerOutcome::Failed);
    let j = judge_json(json!({}), o);
    assert_judged(
        &j,
        Verdict::Failed,
        &["agent_error"],
        FailureClass::CleanAbort,
    );
    assert!(only(&j, "run").message.contains("gave up"));
}

#[test]
fn a_harness_failure_is_a_harness_error() {
    let o = obs().outcome(Outcome::Harness {
        message: "input did not deserialize".into(),
    });
    let j = judge_json(json!({}), o);
    assert_judged(
        &j,
        Verdict::Failed,
        &["harness_error"],
        FailureClass::Harness,
    );
}

#[test]
fn a_declared_reason_code_is_also_a_reason() {
    let o = obs().outcome(Outcome::Declared {
        verdict: Verdict::Blocked,
        reason: "circuit_open".into(),
    });
    let j = judge_json(json!({}), o);
    assert_judged(
        &j,
        Verdict::Blocked,
        &["circuit_open", "declared_status"],
        FailureClass::Dependency,
    );
    assert!(j.violations[0].message.contains("circuit_open"), "{j}");
}

#[test]
fn a_declared_prose_reason_is_only_in_the_message() {
    let o = obs().outcome(Outcome::Declared {
        verdict: Verdict::Degraded,
        reason: "Partial data: 2 of 3 feeds".into(),
    });
    let j = judge_json(json!({}), o);
    assert_judged(
        &j,
        Verdict::Degraded,
        &["declared_status"],
        FailureClass::CleanAbort,
    );
    assert!(only(&j, "run").message.contains("2 of 3 feeds"));
}

#[test]
fn a_declared_pass_is_no_violation() {
    let o = obs().outcome(Outcome::Declared {
        verdict: Verdict::Passed,
        reason: "all_good".into(),
    });
    assert_passed(&judge_json(json!({}), o));
}

#[test]
fn a_cassette_miss_fails_as_harness() {
    let o = obs()
        .read("search")
        .read("lookup")
        .source(CallSource::Miss)
        .error("cassette_miss");
    let j = judge_json(json!({}), o);
    assert_judged(
        &j,
        Verdict::Failed,
        &["cassette_miss"],
        FailureClass::Harness,
    );
    assert!(only(&j, "run").message.contains("#1 lookup"), "{j}");
}

#[test]
fn a_blocked_call_fails_as_policy() {
    let o = obs()
        .call("send", Effect::Network, json!({}))
        .source(CallSource::Blocked)
        .error("blocked");
    let j = judge_json(json!({}), o);
    assert_judged(&j, Verdict::Failed, &["blocked_call"], FailureClass::Policy);
}

#[test]
fn a_call_refused_by_the_deadline_is_a_timeout_not_a_blocked_call() {
    let o = obs()
        .read("search")
        .source(CallSource::Blocked)
        .error("deadline_exceeded");
    let j = judge_json(json!({}), o);
    assert_judged(
        &j,
        Verdict::Failed,
        &["deadline_exceeded"],
        FailureClass::Timeout,
    );
}

#[test]
fn a_call_refused_by_an_open_breaker_blocks_the_run_as_a_dependency_failure() {
    let o = obs()
        .call("charge", Effect::Money, json!({}))
        .source(CallSource::Blocked)
        .error("circuit_open")
        .ledger(LedgerOutcome::Blocked);
    let j = judge_json(json!({}), o);
    assert_judged(
        &j,
        Verdict::Blocked,
        &["circuit_open"],
        FailureClass::Dependency,
    );
    assert!(
        only(&j, "run")
            .message
            .contains("refused by an open circuit breaker: #0 charge"),
        "{j}"
    );
}

#[test]
fn calls_cut_off_by_the_deadline_are_not_said_to_be_refused() {
    let o = obs()
        .read("search")
        .error("deadline_exceeded")
        .read("llm")
        .at(1000)
        .source(CallSource::Blocked)
        .error("deadline_exceeded");
    let j = judge_json(json!({}), o);
    assert_judged(
        &j,
        Verdict::Failed,
        &["deadline_exceeded"],
        FailureClass::Timeout,
    );
    let messages: Vec<&str> = j.violations.iter().map(|v| v.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "1 call(s) were cut off by the deadline: #0 search",
            "1 call(s) were refused: they started at or after the deadline: #1 llm",
        ],
        "{j}"
    );
}

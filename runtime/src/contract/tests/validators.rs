//! `validators`: the registry, failures with defaults and overrides, unknown names.

use super::support::*;
use crate::contract::{ValidatorFailure, Validators};
use crate::verdict::{FailureClass, Verdict};
use serde_json::json;

fn registry() -> Validators {
    let mut v = Validators::new();
    v.register("total_matches_state", |call| {
        let want = call.state.and_then(|s| s.get("total")).cloned();
        let got = call
            .observation
            .output
            .as_ref()
            .and_then(|o| o.get("total"))
            .cloned();
        if want == got {
            Ok(())
        } else {
            Err(ValidatorFailure::new(format!(
                "total {got:?} != state {want:?}"
            )))
        }
    });
    v.register("min_output_len", |call| {
        let min = call.args["min"].as_u64().unwrap_or(0) as usize;
        let len = call
            .observation
            .output
            .as_ref()
            .map_or(0, |o| o.to_string().len());
        if len >= min {
            return Ok(());
        }
        Err(
            ValidatorFailure::new(format!("output has {len} chars, {min} required"))
                .reason("output_too_short")
                .verdict(Verdict::Degraded)
                .failure_class(FailureClass::Policy),
        )
    });
    v
}

#[test]
fn registry_lists_names_and_gets_validators() {
    let v = registry();
    assert_eq!(
        v.names().collect::<Vec<_>>(),
        ["min_output_len", "total_matches_state"]
    );
    assert!(v.get("min_output_len").is_some() && v.get("nope").is_none());
    assert!(format!("{v:?}").contains("total_matches_state"));
}

#[test]
fn a_validator_sees_state_and_passes() {
    let c = json!({"validators": [{"name": "total_matches_state"}]});
    let j = judge_full(
        c,
        obs().output(json!({"total": 4})),
        &registry(),
        json!({"total": 4}),
    );
    assert_passed(&j);
}

#[test]
fn a_failing_validator_uses_the_defaults() {
    let c = json!({"validators": [{"name": "total_matches_state"}]});
    let j = judge_full(
        c,
        obs().output(json!({"total": 5})),
        &registry(),
        json!({"total": 4}),
    );
    assert_judged(
        &j,
        Verdict::Failed,
        &["validator_failed"],
        FailureClass::SilentDrift,
    );
    assert!(
        only(&j, "validators[0]")
            .message
            .contains("\"total_matches_state\" failed")
    );
}

#[test]
fn a_failing_validator_sets_reason_verdict_and_class_from_args() {
    let c = json!({"validators": [{"name": "min_output_len", "args": {"min": 10}}]});
    assert_passed(&judge_full(
        c.clone(),
        obs().output(json!("long enough text")),
        &registry(),
        json!({}),
    ));
    let j = judge_full(c, obs().output(json!("short")), &registry(), json!({}));
    assert_judged(
        &j,
        Verdict::Degraded,
        &["output_too_short"],
        FailureClass::Policy,
    );
}

#[test]
fn an_unknown_validator_lists_names_and_suggests_one() {
    let c = json!({"validators": [{"name": "total_matches_stat"}]});
    let j = judge_full(c, obs(), &registry(), json!({}));
    assert_judged(
        &j,
        Verdict::Failed,
        &["unknown_validator"],
        FailureClass::Harness,
    );
    assert_eq!(
        only(&j, "validators[0]").message,
        "no validator named \"total_matches_stat\" is registered (registered: min_output_len, \
         total_matches_state); did you mean \"total_matches_state\"?"
    );
    let j = judge_json(json!({"validators": [{"name": "x"}]}), obs());
    assert!(
        only(&j, "validators[0]")
            .message
            .contains("(registered: none)"),
        "{j}"
    );
}

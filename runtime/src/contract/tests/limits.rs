//! `cassette`, `budget` and `deadline`.

use super::support::*;
use crate::verdict::{FailureClass, Verdict};
use serde_json::json;

#[test]
fn all_consumed_passes_and_lists_unused_ids() {
    let c = json!({"cassette": {"all_consumed": true}});
    assert_passed(&judge_json(c.clone(), obs().read("search")));
    let j = judge_json(c, obs().unused("i3").unused("i4"));
    assert_judged(
        &j,
        Verdict::Failed,
        &["unused_interactions"],
        FailureClass::SilentDrift,
    );
    assert!(only(&j, "cassette.all_consumed").message.contains("i3, i4"));
}

#[test]
fn budgets_pass_at_their_limits() {
    let c = json!({"budget": {"max_tool_calls": 2, "max_tokens": 100, "max_cost_usd": 0.5, "max_duration_ms": 1000}});
    let o = obs().read("a").read("b").usage(60, 40, 0.5).elapsed(1000);
    assert_passed(&judge_json(c, o));
}

#[test]
fn each_budget_fails_on_its_own_clause() {
    for (rule, o, clause, class) in [
        (
            json!({"max_tool_calls": 1}),
            obs().read("a").read("b"),
            "budget.max_tool_calls",
            FailureClass::Policy,
        ),
        (
            json!({"max_tokens": 99}),
            obs().usage(60, 40, 0.0),
            "budget.max_tokens",
            FailureClass::Policy,
        ),
        (
            json!({"max_cost_usd": 0.25}),
            obs().usage(0, 0, 0.26),
            "budget.max_cost_usd",
            FailureClass::Policy,
        ),
        (
            json!({"max_duration_ms": 999}),
            obs().elapsed(1000),
            "budget.max_duration_ms",
            FailureClass::Timeout,
        ),
    ] {
        let j = judge_json(json!({"budget": rule}), o);
        assert_judged(&j, Verdict::Failed, &["budget_exceeded"], class);
        only(&j, clause);
    }
    let j = judge_json(
        json!({"budget": {"max_tokens": 99}}),
        obs().usage(60, 40, 0.0),
    );
    assert!(
        only(&j, "budget.max_tokens").message.contains("100 tokens"),
        "{j}"
    );
}

#[test]
fn no_calls_after_deadline() {
    let c = json!({"deadline": {"no_calls_after_deadline": true}});
    assert_passed(&judge_json(c.clone(), obs().read("a").at(99).deadline(100)));
    assert_passed(&judge_json(c.clone(), obs().read("a").at(5000)));
    let j = judge_json(
        c.clone(),
        obs().read("a").at(99).read("b").at(100).deadline(100),
    );
    assert_judged(
        &j,
        Verdict::Failed,
        &["deadline_exceeded"],
        FailureClass::Timeout,
    );
    assert!(
        only(&j, "deadline.no_calls_after_deadline")
            .message
            .contains("#1 b at 100 ms")
    );
    // A call cut off by the deadline started before it: the run level reports it, not the clause.
    let cut = obs()
        .read("a")
        .at(99)
        .error("deadline_exceeded")
        .deadline(100);
    let j = judge_json(c, cut);
    assert!(
        j.violations
            .iter()
            .all(|v| v.clause != "deadline.no_calls_after_deadline"),
        "{j}"
    );
    assert!(
        only(&j, "run").message.contains("cut off by the deadline"),
        "{j}"
    );
}

#[test]
fn token_budgets_saturate_instead_of_overflowing() {
    // Regression: the sum of input and output tokens overflowed (a panic in debug builds).
    let c = json!({"budget": {"max_tokens": 100}});
    let j = judge_json(c, obs().usage(u64::MAX, 1, 0.0));
    assert_judged(
        &j,
        Verdict::Failed,
        &["budget_exceeded"],
        FailureClass::Policy,
    );
    assert_eq!(only(&j, "budget.max_tokens").actual, Some(json!(u64::MAX)));
    let mut usage = crate::cassette::format::Usage {
        input_tokens: u64::MAX,
        ..Default::default()
    };
    usage.add(&usage.clone());
    assert_eq!(usage.input_tokens, u64::MAX);
}

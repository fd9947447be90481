//! `tools`: required, forbidden, allowed, sequence, before, args, max_calls, max_identical_calls.

use super::support::*;
use crate::effect::Effect;
use crate::verdict::{FailureClass, Verdict};
use serde_json::{Value, json};

fn calls(names: &[&str]) -> Obs {
    names.iter().fold(obs(), |o, n| o.read(n))
}

#[test]
fn required_passes_within_bounds() {
    let c =
        json!({"tools": {"required": [{"name": "search"}, {"name": "fetch", "min": 2, "max": 2}]}});
    assert_passed(&judge_json(c, calls(&["search", "fetch", "fetch"])));
}

#[test]
fn required_fails_below_the_default_minimum_of_one() {
    let j = judge_json(
        json!({"tools": {"required": [{"name": "search"}]}}),
        calls(&["fetch"]),
    );
    assert_judged(
        &j,
        Verdict::Failed,
        &["missing_tool_call"],
        FailureClass::SilentDrift,
    );
    assert!(
        only(&j, "tools.required[0]")
            .message
            .contains("\"search\" was called 0 time(s)")
    );
}

#[test]
fn required_fails_above_max() {
    let c = json!({"tools": {"required": [{"name": "fetch", "max": 1}]}});
    let j = judge_json(c, calls(&["fetch", "fetch"]));
    assert_judged(
        &j,
        Verdict::Failed,
        &["too_many_tool_calls"],
        FailureClass::Policy,
    );
}

#[test]
fn forbidden_passes_and_fails() {
    let c = json!({"tools": {"forbidden": ["delete_user"]}});
    assert_passed(&judge_json(c.clone(), calls(&["search"])));
    let j = judge_json(c, calls(&["search", "delete_user"]));
    assert_judged(
        &j,
        Verdict::Failed,
        &["forbidden_tool"],
        FailureClass::Policy,
    );
    assert!(
        only(&j, "tools.forbidden").message.contains("calls [1]"),
        "{j}"
    );
}

#[test]
fn allowed_passes_and_fails_once_per_tool() {
    let c = json!({"tools": {"allowed": ["search", "fetch"]}});
    assert_passed(&judge_json(c.clone(), calls(&["search", "fetch"])));
    let j = judge_json(c, calls(&["search", "shell", "shell"]));
    assert_judged(
        &j,
        Verdict::Failed,
        &["forbidden_tool"],
        FailureClass::Policy,
    );
    assert!(
        only(&j, "tools.allowed")
            .message
            .contains("\"shell\" is not allowed")
    );
}

fn sequence(mode: &str, steps: &[&str], actual: &[&str]) -> crate::contract::Judgement {
    judge_json(
        json!({"tools": {"sequence": {"mode": mode, "steps": steps}}}),
        calls(actual),
    )
}

#[test]
fn sequence_modes_pass() {
    assert_passed(&sequence("exact", &["a", "b"], &["a", "b"]));
    assert_passed(&sequence("in_order", &["a", "c"], &["a", "b", "c"]));
    assert_passed(&sequence("unordered", &["a", "b", "a"], &["b", "a", "a"]));
    assert_passed(&sequence("subset", &["a", "b", "b"], &["b", "a"]));
    assert_passed(&sequence("superset", &["a", "b"], &["c", "b", "a", "a"]));
}

#[test]
fn sequence_modes_fail() {
    for (mode, steps, actual) in [
        ("exact", &["a", "b"][..], &["a", "b", "c"][..]),
        ("in_order", &["a", "c"], &["c", "a"]),
        ("unordered", &["a", "b"], &["a", "b", "b"]),
        ("subset", &["a", "b"], &["a", "a"]),
        ("superset", &["a", "b", "b"], &["a", "b"]),
    ] {
        let j = sequence(mode, steps, actual);
        assert_judged(
            &j,
            Verdict::Failed,
            &["tool_sequence_mismatch"],
            FailureClass::SilentDrift,
        );
        assert!(only(&j, "tools.sequence").diff.is_some(), "{mode}: {j}");
    }
}

#[test]
fn sequence_diff_is_one_tool_per_line() {
    let j = sequence("exact", &["search", "fetch"], &["search", "charge"]);
    let diff = only(&j, "tools.sequence").diff.clone().unwrap();
    assert_eq!(
        diff,
        "--- expected\n+++ actual\n@@ -1,2 +1,2 @@\n search\n-fetch\n+charge\n"
    );
}

#[test]
fn before_pairs() {
    let c = json!({"tools": {"before": [["auth", "charge"]]}});
    assert_passed(&judge_json(c.clone(), calls(&["auth", "charge", "auth"])));
    assert_passed(&judge_json(c.clone(), calls(&["search"])));
    assert_passed(&judge_json(c.clone(), calls(&["auth"])));
    let j = judge_json(c.clone(), calls(&["charge", "auth"]));
    assert_judged(
        &j,
        Verdict::Failed,
        &["tool_order_violation"],
        FailureClass::SilentDrift,
    );
    assert!(only(&j, "tools.before[0]").message.contains("came before"));
    let j = judge_json(c, calls(&["charge"]));
    assert!(
        only(&j, "tools.before[0]")
            .message
            .contains("\"auth\" never was"),
        "{j}"
    );
}

fn args_obs() -> Obs {
    obs()
        .call(
            "charge",
            Effect::Money,
            json!({"amount": 5, "currency": "EUR", "nonce": "abc"}),
        )
        .call(
            "charge",
            Effect::Money,
            json!({"amount": 7, "currency": "EUR", "nonce": "def"}),
        )
}

#[test]
fn args_partial_checks_every_call() {
    let c = json!({"tools": {"args": [{"tool": "charge", "value": {"currency": "EUR"}}]}});
    assert_passed(&judge_json(c, args_obs()));
    let c = json!({"tools": {"args": [{"tool": "charge", "value": {"amount": 5}}]}});
    let j = judge_json(c, args_obs());
    assert_judged(
        &j,
        Verdict::Failed,
        &["tool_args_mismatch"],
        FailureClass::SilentDrift,
    );
    let v = only(&j, "tools.args[0]");
    assert!(
        v.message.contains("1 of 2 call(s)") && v.message.contains("call #1"),
        "{v}"
    );
    let diff = v.diff.as_deref().unwrap();
    assert!(
        diff.contains("-  \"amount\": 5") && diff.contains("+  \"amount\": 7"),
        "{diff}"
    );
}

#[test]
fn args_exact_with_ignore() {
    let value = json!({"amount": 5, "currency": "EUR", "nonce": "zzz"});
    let rule = |ignore: Value| json!({"tools": {"args": [{"tool": "charge", "mode": "exact", "value": value, "ignore": ignore}]}});
    let one = || {
        obs().call(
            "charge",
            Effect::Money,
            json!({"amount": 5.0, "currency": "EUR", "nonce": "abc"}),
        )
    };
    assert_passed(&judge_json(rule(json!(["/nonce"])), one()));
    assert_eq!(
        judge_json(rule(json!([])), one()).reasons,
        ["tool_args_mismatch"]
    );
    let extra = obs().call(
        "charge",
        Effect::Money,
        json!({"amount": 5, "currency": "EUR", "nonce": "n", "memo": "x"}),
    );
    assert_eq!(
        judge_json(rule(json!(["/nonce"])), extra).reasons,
        ["tool_args_mismatch"]
    );
}

#[test]
fn volatile_paths_are_ignored_by_args() {
    let value = json!({"amount": 5, "currency": "EUR", "nonce": "zzz"});
    let c = json!({"tools": {"args": [{"tool": "charge", "mode": "exact", "value": value}]}, "volatile": ["/calls/*/request/nonce"]});
    let one = obs().call(
        "charge",
        Effect::Money,
        json!({"amount": 5, "currency": "EUR", "nonce": "abc"}),
    );
    assert_passed(&judge_json(c, one));
}

#[test]
fn args_require_the_tool_to_be_called() {
    let c = json!({"tools": {"args": [{"tool": "refund", "value": {}}]}});
    let j = judge_json(c, args_obs());
    assert_judged(
        &j,
        Verdict::Failed,
        &["tool_args_mismatch"],
        FailureClass::SilentDrift,
    );
    assert!(only(&j, "tools.args[0]").message.contains("never called"));
}

#[test]
fn max_calls_passes_and_fails() {
    let c = json!({"tools": {"max_calls": 2}});
    assert_passed(&judge_json(c.clone(), calls(&["a", "b"])));
    let j = judge_json(c, calls(&["a", "b", "c"]));
    assert_judged(
        &j,
        Verdict::Failed,
        &["too_many_tool_calls"],
        FailureClass::Policy,
    );
}

#[test]
fn max_identical_calls_compares_requests_after_volatile_removal() {
    let o = || {
        obs()
            .call("search", Effect::Read, json!({"q": "x", "ts": 1}))
            .call("search", Effect::Read, json!({"q": "x", "ts": 2}))
            .call("search", Effect::Read, json!({"q": "y", "ts": 3}))
    };
    assert_passed(&judge_json(
        json!({"tools": {"max_identical_calls": 1}}),
        o(),
    ));
    let c = json!({"tools": {"max_identical_calls": 1}, "volatile": ["/calls/*/request/ts"]});
    let j = judge_json(c, o());
    assert_judged(
        &j,
        Verdict::Failed,
        &["repeated_identical_call"],
        FailureClass::Policy,
    );
    assert!(
        only(&j, "tools.max_identical_calls")
            .message
            .contains("#0, #1"),
        "{j}"
    );
}

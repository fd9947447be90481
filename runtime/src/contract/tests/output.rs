//! `output`: non_empty, schema, partial, contains, regex, and volatile paths.

use super::support::*;
use crate::observation::Outcome;
use crate::verdict::{FailureClass, Verdict};
use serde_json::json;

#[test]
fn non_empty_passes_on_content() {
    for v in [
        json!("x"),
        json!(0),
        json!(false),
        json!([1]),
        json!({"a": null}),
    ] {
        assert_passed(&judge_json(
            json!({"output": {"non_empty": true}}),
            obs().output(v),
        ));
    }
}

#[test]
fn non_empty_fails_on_every_empty_form() {
    for v in [json!(null), json!(""), json!(" \n\t"), json!([]), json!({})] {
        let j = judge_json(
            json!({"output": {"non_empty": true}}),
            obs().output(v.clone()),
        );
        assert_judged(
            &j,
            Verdict::Failed,
            &["empty_output"],
            FailureClass::SilentDrift,
        );
        assert_eq!(only(&j, "output.non_empty").actual, Some(v));
    }
}

#[test]
fn a_run_without_output_is_judged_as_null_on_top_of_the_run_level() {
    let o = obs().outcome(Outcome::Error {
        message: "boom".into(),
    });
    let j = judge_json(json!({"output": {"non_empty": true}}), o);
    assert_judged(
        &j,
        Verdict::Failed,
        &["agent_error", "empty_output"],
        FailureClass::CleanAbort,
    );
    assert!(only(&j, "output.non_empty").message.contains("no output"));
}

fn schema() -> serde_json::Value {
    json!({"type": "object", "required": ["total"], "properties": {"total": {"type": "number"}, "items": {"type": "array", "items": {"type": "string"}}}})
}

#[test]
fn schema_passes_on_a_matching_output() {
    let o = obs().output(json!({"total": 3, "items": ["a"]}));
    assert_passed(&judge_json(json!({"output": {"schema": schema()}}), o));
}

#[test]
fn schema_lists_each_error_with_its_instance_path() {
    let o = obs().output(json!({"total": "3", "items": ["a", 7]}));
    let j = judge_json(json!({"output": {"schema": schema()}}), o);
    assert_judged(
        &j,
        Verdict::Failed,
        &["schema_mismatch"],
        FailureClass::SilentDrift,
    );
    let v = only(&j, "output.schema");
    assert!(v.message.contains("- /total: "), "{v}");
    assert!(v.message.contains("- /items/1: "), "{v}");
}

#[test]
fn an_invalid_schema_is_an_invalid_contract() {
    let j = judge_json(
        json!({"output": {"schema": {"type": 12}}}),
        obs().output(json!(1)),
    );
    assert_judged(
        &j,
        Verdict::Failed,
        &["invalid_contract"],
        FailureClass::Harness,
    );
}

#[test]
fn partial_passes_on_a_recursive_subset() {
    let o = obs().output(json!({"order": {"id": 7, "lines": [1, 2, 3]}, "note": "x"}));
    assert_passed(&judge_json(
        json!({"output": {"partial": {"order": {"lines": [1, 3]}}}}),
        o,
    ));
}

#[test]
fn partial_fails_with_a_diff_naming_the_value() {
    let o = obs().output(json!({"order": {"id": 7, "status": "open"}}));
    let j = judge_json(
        json!({"output": {"partial": {"order": {"status": "shipped"}}}}),
        o,
    );
    assert_judged(
        &j,
        Verdict::Failed,
        &["output_mismatch"],
        FailureClass::SilentDrift,
    );
    let v = only(&j, "output.partial");
    assert!(v.message.contains("/order/status"), "{v}");
    let diff = v.diff.as_deref().expect("a diff");
    assert!(diff.contains("-    \"status\": \"shipped\""), "{diff}");
    assert!(diff.contains("+    \"status\": \"open\""), "{diff}");
}

#[test]
fn volatile_paths_are_ignored_by_partial() {
    let o = || obs().output(json!({"id": "run-123", "total": 5}));
    let partial = json!({"id": "run-999", "total": 5});
    let j = judge_json(json!({"output": {"partial": partial}}), o());
    assert_eq!(j.reasons, ["output_mismatch"]);
    let c = json!({"output": {"partial": partial}, "volatile": ["/output/id"]});
    assert_passed(&judge_json(c, o()));
    let c = json!({"output": {"partial": {"total": 6}}, "volatile": ["/output/id"]});
    assert_eq!(judge_json(c, o()).reasons, ["output_mismatch"]);
}

#[test]
fn an_invalid_volatile_pointer_is_an_invalid_contract() {
    let j = judge_json(json!({"volatile": ["output/id"]}), obs());
    assert_judged(
        &j,
        Verdict::Failed,
        &["invalid_contract"],
        FailureClass::Harness,
    );
    assert!(only(&j, "volatile[0]").message.contains("output/id"));
}

#[test]
fn contains_reads_strings_as_text_and_other_values_as_compact_json() {
    let c = json!({"output": {"contains": ["refund", "42"]}});
    assert_passed(&judge_json(
        c.clone(),
        obs().output(json!("refund of 42 issued")),
    ));
    assert_passed(&judge_json(c, obs().output(json!({"refund": 42}))));
    let c = json!({"output": {"contains": "\"refund\":42"}});
    assert_passed(&judge_json(c, obs().output(json!({"refund": 42}))));
}

#[test]
fn contains_fails_naming_the_missing_text() {
    let c = json!({"output": {"contains": ["refund", "EUR"]}});
    let j = judge_json(c, obs().output(json!("refund of 42 USD")));
    assert_judged(
        &j,
        Verdict::Failed,
        &["output_mismatch"],
        FailureClass::SilentDrift,
    );
    let v = only(&j, "output.contains");
    assert!(
        v.message.contains("\"EUR\"") && !v.message.contains("\"refund\""),
        "{v}"
    );
}

#[test]
fn regex_passes_and_fails() {
    let c = json!({"output": {"regex": "^ticket-[0-9]+$"}});
    assert_passed(&judge_json(c.clone(), obs().output(json!("ticket-42"))));
    let j = judge_json(c, obs().output(json!("ticket-x")));
    assert_judged(
        &j,
        Verdict::Failed,
        &["output_mismatch"],
        FailureClass::SilentDrift,
    );
    assert_eq!(only(&j, "output.regex").actual, Some(json!("ticket-x")));
}

#[test]
fn an_invalid_regex_is_an_invalid_contract() {
    let j = judge_json(
        json!({"output": {"regex": "(unclosed"}}),
        obs().output(json!("x")),
    );
    assert_judged(
        &j,
        Verdict::Failed,
        &["invalid_contract"],
        FailureClass::Harness,
    );
}

//! `artifacts`: min_count, required (path, non_empty, schema, contains), forbidden_paths.

use super::support::*;
use crate::verdict::{FailureClass, Verdict};
use serde_json::json;

#[test]
fn min_count_passes_and_fails() {
    let c = json!({"artifacts": {"min_count": 2}});
    assert_passed(&judge_json(
        c.clone(),
        obs().artifact("a.txt", "a").artifact("b.txt", "b"),
    ));
    let j = judge_json(c, obs().artifact("a.txt", "a"));
    assert_judged(
        &j,
        Verdict::Failed,
        &["missing_artifact_ref"],
        FailureClass::SilentDrift,
    );
    let v = only(&j, "artifacts.min_count");
    assert_eq!(
        (v.expected.clone(), v.actual.clone()),
        (Some(json!(2)), Some(json!(["a.txt"])))
    );
}

#[test]
fn a_missing_required_artifact_is_a_missing_artifact_ref() {
    let c = json!({"artifacts": {"required": [{"path": "report.json", "non_empty": true}]}});
    assert_passed(&judge_json(
        c.clone(),
        obs().artifact("report.json", "{\"a\": 1}"),
    ));
    let j = judge_json(c, obs().artifact("draft.json", "{}"));
    assert_judged(
        &j,
        Verdict::Failed,
        &["missing_artifact_ref"],
        FailureClass::SilentDrift,
    );
    assert!(
        only(&j, "artifacts.required[0]")
            .message
            .contains("report.json")
    );
}

#[test]
fn non_empty_fails_on_whitespace_and_empty_json() {
    let c = json!({"artifacts": {"required": [{"path": "r.json", "non_empty": true}]}});
    for text in ["", "  \n", "{}", "[]"] {
        let j = judge_json(c.clone(), obs().artifact("r.json", text));
        assert_judged(
            &j,
            Verdict::Failed,
            &["empty_artifact"],
            FailureClass::SilentDrift,
        );
        only(&j, "artifacts.required[0].non_empty");
    }
}

#[test]
fn schema_passes_fails_and_rejects_non_json() {
    let schema = json!({"type": "object", "required": ["rows"]});
    let c = json!({"artifacts": {"required": [{"path": "r.json", "schema": schema}]}});
    assert_passed(&judge_json(
        c.clone(),
        obs().artifact("r.json", "{\"rows\": []}"),
    ));
    let j = judge_json(c.clone(), obs().artifact("r.json", "{\"cols\": []}"));
    assert_judged(
        &j,
        Verdict::Failed,
        &["schema_mismatch"],
        FailureClass::SilentDrift,
    );
    assert!(
        only(&j, "artifacts.required[0].schema")
            .message
            .contains("rows"),
        "{j}"
    );
    let j = judge_json(c, obs().artifact("r.json", "rows: none"));
    assert_judged(
        &j,
        Verdict::Failed,
        &["schema_mismatch"],
        FailureClass::SilentDrift,
    );
    assert!(
        only(&j, "artifacts.required[0].schema")
            .message
            .contains("not JSON"),
        "{j}"
    );
}

#[test]
fn contains_passes_and_fails() {
    let c = json!({"artifacts": {"required": [{"path": "summary.md", "contains": ["# Summary", "total"]}]}});
    assert_passed(&judge_json(
        c.clone(),
        obs().artifact("summary.md", "# Summary\ntotal: 3"),
    ));
    let j = judge_json(c, obs().artifact("summary.md", "# Summary\n"));
    assert_judged(
        &j,
        Verdict::Failed,
        &["artifact_mismatch"],
        FailureClass::SilentDrift,
    );
    assert!(
        only(&j, "artifacts.required[0].contains")
            .message
            .contains("\"total\"")
    );
}

#[test]
fn forbidden_paths_are_globs() {
    let c = json!({"artifacts": {"forbidden_paths": ["secrets/**", "*.env"]}});
    assert_passed(&judge_json(
        c.clone(),
        obs().artifact("out/report.json", "{}"),
    ));
    let j = judge_json(
        c,
        obs()
            .artifact("secrets/keys/api.txt", "k")
            .artifact("ok.txt", "x"),
    );
    assert_judged(
        &j,
        Verdict::Failed,
        &["forbidden_artifact"],
        FailureClass::Policy,
    );
    let v = only(&j, "artifacts.forbidden_paths[0]");
    assert_eq!(v.actual, Some(json!(["secrets/keys/api.txt"])));
}

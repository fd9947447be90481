//! `evidence`: min_paths and must_resolve.

use super::support::*;
use crate::contract::Validators;
use crate::verdict::{FailureClass, Verdict};
use serde_json::json;

fn state() -> serde_json::Value {
    json!({"orders": [{"id": "o-1", "total": 10}]})
}

#[test]
fn min_paths_counts_distinct_paths() {
    let c = json!({"evidence": {"min_paths": 2}});
    let two = obs()
        .evidence("/state/orders/0/id")
        .evidence("/calls/0/response/ok");
    assert_passed(&judge_json(c.clone(), two));
    let dup = obs()
        .evidence("/state/orders/0/id")
        .evidence("/state/orders/0/id");
    let j = judge_json(c, dup);
    assert_judged(
        &j,
        Verdict::Failed,
        &["missing_evidence"],
        FailureClass::SilentDrift,
    );
    assert!(
        only(&j, "evidence.min_paths")
            .message
            .starts_with("1 distinct")
    );
}

#[test]
fn must_resolve_passes_on_state_and_call_responses() {
    let o = obs()
        .read("search")
        .response(json!({"hits": [{"id": 3}]}))
        .evidence("/state/orders/0/total")
        .evidence("/calls/0/response/hits/0/id");
    let j = judge_full(
        json!({"evidence": {"must_resolve": true}}),
        o,
        &Validators::new(),
        state(),
    );
    assert_passed(&j);
}

#[test]
fn must_resolve_lists_each_unresolved_path_and_why() {
    let o = obs()
        .read("search")
        .evidence("state/orders")
        .evidence("/calls/5/response/x")
        .evidence("/calls/0/response/missing")
        .evidence("/calls/0/request/q")
        .evidence("/state/customers/0")
        .evidence("/output/total")
        .evidence("/calls/00/response");
    let j = judge_full(
        json!({"evidence": {"must_resolve": true}}),
        o,
        &Validators::new(),
        state(),
    );
    assert_judged(
        &j,
        Verdict::Failed,
        &["unresolved_evidence"],
        FailureClass::SilentDrift,
    );
    let m = &only(&j, "evidence.must_resolve").message;
    assert!(m.starts_with("7 cited evidence path(s)"), "{m}");
    for want in [
        "state/orders: not a JSON Pointer",
        "/calls/5/response/x: no such call (the run made 1 call(s))",
        "/calls/0/response/missing: no such key in the response of call 0",
        "/calls/0/request/q: no such key",
        "/state/customers/0: no such key in the state",
        "/output/total: not under /state/ or /calls/<i>/",
        "/calls/00/response: no such call",
    ] {
        assert!(m.contains(want), "{want:?} not in {m}");
    }
}

#[test]
fn state_evidence_without_a_state_does_not_resolve() {
    let j = judge_json(
        json!({"evidence": {"must_resolve": true}}),
        obs().evidence("/state/x"),
    );
    assert!(
        only(&j, "evidence.must_resolve")
            .message
            .contains("no state"),
        "{j}"
    );
}

#[test]
fn resolution_agrees_with_the_evidence_document() {
    use crate::contract::clauses::evidence::unresolved;
    use crate::json_pointer::Pointer;
    let o = obs()
        .read("search")
        .response(json!({"hits": [1, {"a/b": 2}]}))
        .read("empty")
        .build();
    let state = state();
    let state = state.as_object().unwrap();
    let doc = o.evidence_document(Some(state));
    for path in [
        "/state/orders",
        "/state/orders/0/id",
        "/state/orders/1",
        "/state/orders/00",
        "/calls/0/response",
        "/calls/0/response/hits/1/a~1b",
        "/calls/0/response/hits/2",
        "/calls/1/response",
        "/calls/1/response/x",
        "/calls/2/response",
        "/calls/0/request",
    ] {
        let resolves = Pointer::parse(path).unwrap().resolve(&doc).is_some();
        assert_eq!(
            unresolved(path, &o, Some(state)).is_none(),
            resolves,
            "{path}"
        );
    }
}

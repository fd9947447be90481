//! `Judgement::meets`: expected verdicts and reasons.

use super::support::*;
use crate::effect::Effect;
use serde_json::json;

fn failing() -> crate::contract::Judgement {
    judge_json(
        json!({"tools": {"forbidden": ["charge"]}}),
        obs().call("charge", Effect::Money, json!({})),
    )
}

#[test]
fn the_default_expects_passed() {
    let ok = judge_json(json!({}), obs());
    assert_eq!(
        ok.meets(&contract(json!({}))).problems,
        Vec::<String>::new()
    );
    assert!(ok.meets(&contract(json!({}))).ok);
    let e = failing().meets(&contract(json!({})));
    assert!(!e.ok);
    assert_eq!(
        e.problems,
        ["The verdict is failed, but the contract allows only passed."]
    );
}

#[test]
fn verdict_lists_and_reasons() {
    let j = failing();
    let c = contract(
        json!({"verdict": ["failed", "blocked"], "reasons": {"required": ["forbidden_tool"], "forbidden": ["cassette_miss"]}}),
    );
    assert!(j.meets(&c).ok, "{:?}", j.meets(&c));
    let c = contract(
        json!({"verdict": ["blocked", "inconclusive"], "reasons": {"required": ["duplicate_side_effect"], "forbidden": ["forbidden_tool"]}}),
    );
    let e = j.meets(&c);
    assert!(!e.ok);
    assert_eq!(
        e.problems,
        [
            "The verdict is failed, but the contract allows only blocked or inconclusive.",
            "The reason duplicate_side_effect is required but absent (reasons: forbidden_tool).",
            "The reason forbidden_tool is forbidden but present.",
        ]
    );
}

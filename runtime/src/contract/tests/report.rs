//! Combining violations, the readable report and the JSON form.

use super::support::*;
use crate::effect::Effect;
use crate::observation::{CallSource, LedgerOutcome, Outcome};
use crate::verdict::{FailureClass, Verdict};
use serde_json::json;

#[test]
fn the_verdict_is_the_worst_and_the_class_that_of_the_first_worst_violation() {
    let c = json!({
        "effects": {"unconfirmed": "inconclusive"},
        "tools": {"required": [{"name": "search"}], "max_calls": 0},
        "validators": []
    });
    let o = obs()
        .call("charge", Effect::Money, json!({}))
        .error("timeout")
        .ledger(LedgerOutcome::Unknown);
    let j = judge_json(c, o);
    // missing_tool_call (failed, silent_drift) comes before too_many_tool_calls (failed, policy);
    // side_effect_unconfirmed is only inconclusive.
    assert_judged(
        &j,
        Verdict::Failed,
        &[
            "missing_tool_call",
            "side_effect_unconfirmed",
            "too_many_tool_calls",
        ],
        FailureClass::SilentDrift,
    );
}

#[test]
fn run_level_violations_come_first() {
    let c = json!({"tools": {"forbidden": ["lookup"]}});
    let o = obs()
        .read("lookup")
        .source(CallSource::Miss)
        .error("cassette_miss");
    let j = judge_json(c, o);
    assert_eq!(j.violations[0].clause, "run");
    assert_judged(
        &j,
        Verdict::Failed,
        &["cassette_miss", "forbidden_tool"],
        FailureClass::Harness,
    );
}

#[test]
fn a_lesser_verdict_does_not_hide_behind_passed() {
    let o = obs().outcome(Outcome::Declared {
        verdict: Verdict::Degraded,
        reason: "partial".into(),
    });
    let j = judge_json(json!({"cassette": {"all_consumed": true}}), o.unused("i9"));
    assert_judged(
        &j,
        Verdict::Failed,
        &["declared_status", "partial", "unused_interactions"],
        FailureClass::SilentDrift,
    );
}

#[test]
fn the_report_is_readable() {
    let c = json!({
        "output": {"partial": {"status": "refunded"}},
        "tools": {"sequence": {"mode": "exact", "steps": ["lookup", "refund"]}}
    });
    let o = obs()
        .read("lookup")
        .read("email")
        .output(json!({"status": "open"}));
    let j = judge_json(c, o);
    let want = r#"verdict: failed (silent_drift)
reasons: output_mismatch, tool_sequence_mismatch
1. output.partial: output_mismatch [failed, silent_drift]
   the output does not contain the expected subset (differing at /status)
   expected: {"status":"refunded"}
   actual:   {"status":"open"}
   diff:
     --- expected
     +++ actual
     @@ -1,3 +1,3 @@
      {
     -  "status": "refunded"
     +  "status": "open"
      }
2. tools.sequence: tool_sequence_mismatch [failed, silent_drift]
   the tool calls do not match the expected steps exactly
   expected: ["lookup","refund"]
   actual:   ["lookup","email"]
   diff:
     --- expected
     +++ actual
     @@ -1,2 +1,2 @@
      lookup
     -refund
     +email
"#;
    assert_eq!(j.to_string(), want);
    assert_eq!(
        judge_json(json!({}), obs()).to_string(),
        "verdict: passed\n"
    );
}

#[test]
fn judgements_serialize_for_reports() {
    let j = judge_json(
        json!({"cassette": {"all_consumed": true}}),
        obs().unused("i1"),
    );
    let v = serde_json::to_value(&j).unwrap();
    assert_eq!(
        v,
        json!({
            "verdict": "failed",
            "reasons": ["unused_interactions"],
            "failure_class": "silent_drift",
            "violations": [{
                "clause": "cassette.all_consumed",
                "reason": "unused_interactions",
                "verdict": "failed",
                "failure_class": "silent_drift",
                "message": "1 recorded interaction(s) were never used: i1",
                "expected": [],
                "actual": ["i1"]
            }]
        })
    );
    let back: crate::contract::Judgement = serde_json::from_value(v).unwrap();
    assert_eq!(back, j);
    let passed = serde_json::to_value(judge_json(json!({}), obs())).unwrap();
    assert_eq!(
        passed,
        json!({"verdict": "passed", "reasons": [], "failure_class": null, "violations": []})
    );
}

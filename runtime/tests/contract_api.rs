//! The contract validator through the public API only: what a harness does per fixture.

use serde_json::json;
use tapedeck::contract::ValidatorFailure;
use tapedeck::observation::{CallRecord, CallSource};
use tapedeck::{
    Contract, Effect, FailureClass, JudgeInput, Judgement, Observation, Validators, Verdict, judge,
};

fn observation() -> Observation {
    Observation {
        output: Some(json!({"ticket": "T-1", "status": "closed"})),
        calls: vec![CallRecord {
            index: 0,
            tool: "lookup".into(),
            effect: Effect::Read,
            request: json!({"id": "T-1"}),
            response: Some(std::sync::Arc::new(json!({"status": "open"}))),
            error: None,
            source: CallSource::Cassette,
            interaction: Some("i0".into()),
            fault: None,
            idempotency_key: None,
            started_ms: 0,
            duration_ms: 3,
            live_diff: None,
        }],
        evidence: vec!["/calls/0/response/status".into()],
        ..Observation::default()
    }
}

#[test]
fn a_fixture_contract_is_judged_checked_and_stored_as_json() {
    let contract: Contract = serde_json::from_value(json!({
        "verdict": ["failed"],
        "reasons": {"required": ["status_not_in_evidence"]},
        "output": {"non_empty": true, "partial": {"ticket": "T-1"}},
        "evidence": {"min_paths": 1, "must_resolve": true},
        "tools": {"required": [{"name": "lookup", "max": 1}]},
        "validators": [{"name": "status_matches_evidence"}]
    }))
    .unwrap();
    let mut validators = Validators::new();
    validators.register("status_matches_evidence", |call| {
        let seen = &call.observation.calls[0].response.as_ref().unwrap()["status"];
        let claimed = &call.observation.output.as_ref().unwrap()["status"];
        if seen == claimed {
            Ok(())
        } else {
            Err(
                ValidatorFailure::new(format!("claims {claimed}, saw {seen}"))
                    .reason("status_not_in_evidence"),
            )
        }
    });
    let observation = observation();
    let judgement = judge(&contract, &JudgeInput::new(&observation, &validators));
    assert_eq!(judgement.verdict, Verdict::Failed);
    assert_eq!(judgement.failure_class, Some(FailureClass::SilentDrift));
    assert_eq!(judgement.reasons, ["status_not_in_evidence"]);
    assert!(
        judgement
            .to_string()
            .contains("claims \"closed\", saw \"open\""),
        "{judgement}"
    );
    let expectation = judgement.meets(&contract);
    assert!(expectation.ok, "{:?}", expectation.problems);
    let stored = serde_json::to_string(&judgement).unwrap();
    let back: Judgement = serde_json::from_str(&stored).unwrap();
    assert_eq!(back, judgement);
    let strict = judgement.meets(&Contract::default());
    assert!(!strict.ok);
    assert_eq!(serde_json::to_value(&strict).unwrap()["ok"], json!(false));
}

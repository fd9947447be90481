//! Test support: a fluent builder of observations and short ways to judge them.

use crate::contract::{Contract, JudgeInput, Judgement, Validators, Violation, judge};
use crate::effect::Effect;
use crate::observation::{
    ArtifactRecord, CallError, CallRecord, CallSource, LedgerEntry, LedgerOutcome, Observation,
    Outcome,
};
use crate::verdict::{FailureClass, Verdict};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Builds an [`Observation`]; call modifiers apply to the last call added.
#[derive(Default)]
pub struct Obs(Observation);

/// A new builder: returned, no output.
pub fn obs() -> Obs {
    Obs::default()
}

impl Obs {
    pub fn output(mut self, v: Value) -> Obs {
        self.0.output = Some(v);
        self
    }
    pub fn outcome(mut self, outcome: Outcome) -> Obs {
        self.0.outcome = outcome;
        self
    }
    /// A call answered from the cassette with `{"ok": true}`, started at `10 * index` ms; a side
    /// effect also gets an `answered` ledger entry without key.
    pub fn call(mut self, tool: &str, effect: Effect, request: Value) -> Obs {
        let index = self.0.calls.len();
        self.0.calls.push(CallRecord {
            index,
            tool: tool.to_string(),
            effect,
            request,
            response: Some(Arc::new(json!({"ok": true}))),
            error: None,
            source: CallSource::Cassette,
            interaction: Some(format!("i{index}")),
            fault: None,
            idempotency_key: None,
            started_ms: 10 * index as u64,
            duration_ms: 5,
            live_diff: None,
        });
        if effect.is_side_effect() {
            self.0.ledger.push(LedgerEntry {
                call: index,
                tool: tool.to_string(),
                effect,
                idempotency_key: None,
                attempt: 1,
                outcome: LedgerOutcome::Answered,
            });
        }
        self
    }
    /// A `read` call with an empty request.
    pub fn read(self, tool: &str) -> Obs {
        self.call(tool, Effect::Read, json!({}))
    }
    fn last(&mut self) -> &mut CallRecord {
        self.0.calls.last_mut().expect("add a call first")
    }
    fn last_entry(&mut self) -> Option<&mut LedgerEntry> {
        let index = self.0.calls.len().checked_sub(1)?;
        self.0.ledger.iter_mut().find(|e| e.call == index)
    }
    pub fn response(mut self, v: Value) -> Obs {
        self.last().response = Some(Arc::new(v));
        self
    }
    pub fn key(mut self, key: &str) -> Obs {
        self.last().idempotency_key = Some(key.to_string());
        if let Some(e) = self.last_entry() {
            e.idempotency_key = Some(key.to_string());
        }
        self
    }
    pub fn ledger(mut self, outcome: LedgerOutcome) -> Obs {
        self.last_entry().expect("a side-effect call").outcome = outcome;
        self
    }
    pub fn error(mut self, kind: &str) -> Obs {
        let call = self.last();
        call.response = None;
        call.error = Some(CallError {
            kind: kind.to_string(),
            message: format!("{kind} happened"),
            dependency: None,
        });
        self
    }
    pub fn source(mut self, source: CallSource) -> Obs {
        self.last().source = source;
        self
    }
    pub fn at(mut self, ms: u64) -> Obs {
        self.last().started_ms = ms;
        self
    }
    /// An artifact; `.json` paths that parse get JSON content, other UTF-8 a string.
    pub fn artifact(mut self, path: &str, text: &str) -> Obs {
        let content = if path.ends_with(".json") {
            serde_json::from_str(text).ok()
        } else {
            None
        }
        .unwrap_or_else(|| json!(text));
        self.0.artifacts.push(ArtifactRecord {
            path: path.to_string(),
            size: text.len() as u64,
            sha256: String::new(),
            content: Some(content),
            bytes: text.as_bytes().to_vec(),
        });
        self
    }
    pub fn evidence(mut self, path: &str) -> Obs {
        self.0.evidence.push(path.to_string());
        self
    }
    pub fn usage(mut self, input: u64, output: u64, cost: f64) -> Obs {
        self.0.usage.input_tokens = input;
        self.0.usage.output_tokens = output;
        self.0.usage.cost_usd = cost;
        self
    }
    pub fn elapsed(mut self, ms: u64) -> Obs {
        self.0.elapsed_ms = ms;
        self
    }
    pub fn deadline(mut self, ms: u64) -> Obs {
        self.0.deadline_ms = Some(ms);
        self
    }
    pub fn unused(mut self, id: &str) -> Obs {
        self.0.unused_interactions.push(id.to_string());
        self
    }
    pub fn build(self) -> Observation {
        self.0
    }
}

/// Parses a contract from JSON (strictly, as `expected.json` is).
pub fn contract(v: Value) -> Contract {
    serde_json::from_value(v).expect("a valid contract")
}

/// Judges `o` against the contract `c` with no validators and no state.
pub fn judge_json(c: Value, o: Obs) -> Judgement {
    let observation = o.build();
    let validators = Validators::new();
    judge(&contract(c), &JudgeInput::new(&observation, &validators))
}

/// Judges with validators and a state.
pub fn judge_full(c: Value, o: Obs, validators: &Validators, state: Value) -> Judgement {
    let observation = o.build();
    let state: Map<String, Value> = serde_json::from_value(state).expect("a state object");
    let input = JudgeInput::new(&observation, validators).with_state(&state);
    judge(&contract(c), &input)
}

/// Asserts a passed judgement (printing the report otherwise).
#[track_caller]
pub fn assert_passed(j: &Judgement) {
    assert_eq!(j.verdict, Verdict::Passed, "{j}");
    assert!(
        j.reasons.is_empty() && j.violations.is_empty() && j.failure_class.is_none(),
        "{j}"
    );
}

/// Asserts the verdict, the exact reasons and the failure class.
#[track_caller]
pub fn assert_judged(j: &Judgement, verdict: Verdict, reasons: &[&str], class: FailureClass) {
    assert_eq!(j.verdict, verdict, "{j}");
    assert_eq!(j.reasons, reasons, "{j}");
    assert_eq!(j.failure_class, Some(class), "{j}");
}

/// The only violation of `clause`.
#[track_caller]
pub fn only<'a>(j: &'a Judgement, clause: &str) -> &'a Violation {
    let found: Vec<&Violation> = j.violations.iter().filter(|v| v.clause == clause).collect();
    assert_eq!(found.len(), 1, "expected one violation of {clause}:\n{j}");
    found[0]
}

//! Arbitrary observations (what a run did), and contracts that use every contract key.

use super::{arb_json, arb_string};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use tapedeck::cassette::format::{FaultKind, Usage};
use tapedeck::json_pointer::Difference;
use tapedeck::observation::{
    ArtifactRecord, CallError, CallRecord, CallSource, EventRecord, LedgerEntry, LedgerOutcome,
    Outcome,
};
use tapedeck::{Contract, Effect, Observation, Verdict};

/// A few tool names, so that contracts about tools see them.
const TOOLS: [&str; 4] = [
    "lookup_invoice",
    "issue_refund",
    "delete_account",
    "summarize",
];

fn arb_tool() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(TOOLS.to_vec()).prop_map(String::from),
        1 => arb_string(),
    ]
}

fn arb_effect() -> impl Strategy<Value = Effect> {
    prop::sample::select(Effect::ALL.to_vec())
}

fn arb_verdict() -> impl Strategy<Value = Verdict> {
    prop::sample::select(vec![
        Verdict::Passed,
        Verdict::Degraded,
        Verdict::Skipped,
        Verdict::Inconclusive,
        Verdict::Blocked,
        Verdict::Failed,
    ])
}

/// A millisecond count, often at the extremes.
fn arb_ms() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..10_000, Just(u64::MAX), any::<u64>()]
}

fn arb_outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        3 => Just(Outcome::Returned),
        1 => arb_string().prop_map(|message| Outcome::Error { message }),
        1 => arb_string().prop_map(|message| Outcome::Panicked { message }),
        1 => arb_string().prop_map(|message| Outcome::Harness { message }),
        1 => (arb_verdict(), arb_string())
            .prop_map(|(verdict, reason)| Outcome::Declared { verdict, reason }),
    ]
}

fn arb_usage() -> impl Strategy<Value = Usage> {
    let tokens = prop_oneof![0u64..1000, Just(u64::MAX), any::<u64>()];
    let cost = prop_oneof![
        0.0f64..10.0,
        Just(f64::MAX),
        Just(f64::INFINITY),
        Just(f64::NAN),
        Just(-1.0)
    ];
    (tokens.clone(), tokens, cost).prop_map(|(input_tokens, output_tokens, cost_usd)| Usage {
        input_tokens,
        output_tokens,
        cost_usd,
    })
}

fn arb_artifact() -> impl Strategy<Value = ArtifactRecord> {
    let path = prop_oneof![
        Just("reports/refund.json".to_string()),
        Just("secrets/key.tmp".to_string()),
        arb_string(),
    ];
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..32),
        arb_json().prop_map(|v| v.to_string().into_bytes()),
    ];
    (
        path,
        bytes,
        any::<u64>(),
        arb_string(),
        prop::option::of(arb_json()),
    )
        .prop_map(|(path, bytes, size, sha256, content)| ArtifactRecord {
            path,
            size,
            sha256,
            content,
            bytes,
        })
}

fn arb_call() -> impl Strategy<Value = CallRecord> {
    let error = prop::option::of((arb_string(), arb_string(), prop::option::of(arb_string())))
        .prop_map(|e| {
            e.map(|(kind, message, dependency)| CallError {
                kind,
                message,
                dependency,
            })
        });
    let source = prop::sample::select(vec![
        CallSource::Cassette,
        CallSource::Live,
        CallSource::Blocked,
        CallSource::Miss,
    ]);
    let fault = prop::option::of(prop::sample::select(vec![
        FaultKind::Timeout,
        FaultKind::RateLimited,
        FaultKind::TimeoutAfterSuccess,
        FaultKind::Slow,
    ]));
    let diff = prop::option::of(prop::collection::vec(
        (
            arb_string(),
            prop::option::of(arb_json()),
            prop::option::of(arb_json()),
        )
            .prop_map(|(path, expected, actual)| Difference {
                path,
                expected,
                actual,
            }),
        0..2,
    ));
    (
        (any::<usize>(), arb_tool(), arb_effect(), arb_json()),
        (prop::option::of(arb_json()), error, source),
        (
            prop::option::of(arb_string()),
            fault,
            prop::option::of(arb_string()),
        ),
        (arb_ms(), arb_ms(), diff),
    )
        .prop_map(
            |(
                (index, tool, effect, request),
                (response, error, source),
                (interaction, fault, idempotency_key),
                (started_ms, duration_ms, live_diff),
            )| CallRecord {
                index,
                tool,
                effect,
                request,
                response: response.map(std::sync::Arc::new),
                error,
                source,
                interaction,
                fault,
                idempotency_key,
                started_ms,
                duration_ms,
                live_diff,
            },
        )
}

fn arb_ledger_entry() -> impl Strategy<Value = LedgerEntry> {
    let outcome = prop::sample::select(vec![
        LedgerOutcome::Answered,
        LedgerOutcome::AppliedUnconfirmed,
        LedgerOutcome::Failed,
        LedgerOutcome::Unknown,
        LedgerOutcome::Blocked,
    ]);
    (
        prop_oneof![0usize..4, Just(usize::MAX)],
        arb_tool(),
        arb_effect(),
        prop::option::of(arb_string()),
        any::<u32>(),
        outcome,
    )
        .prop_map(
            |(call, tool, effect, idempotency_key, attempt, outcome)| LedgerEntry {
                call,
                tool,
                effect,
                idempotency_key,
                attempt,
                outcome,
            },
        )
}

/// An evidence path: valid ones that resolve or not, and arbitrary text.
fn arb_evidence() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/state/a".to_string()),
        Just("/calls/0/response/amount".to_string()),
        Just("/calls/18446744073709551615/response".to_string()),
        Just("/calls/-1".to_string()),
        arb_string(),
    ]
}

/// Any observation: every field arbitrary, including ones a real run never produces
/// (ledger entries pointing at calls that do not exist, call indexes out of order).
pub fn arb_observation() -> impl Strategy<Value = Observation> {
    let event = (arb_string(), arb_json(), arb_ms()).prop_map(|(kind, data, at_ms)| EventRecord {
        kind,
        data,
        at_ms,
    });
    (
        (arb_outcome(), prop::option::of(arb_json())),
        prop::collection::vec(arb_artifact(), 0..3),
        prop::collection::vec(arb_call(), 0..5),
        prop::collection::vec(arb_ledger_entry(), 0..4),
        prop::collection::vec(arb_evidence(), 0..4),
        prop::collection::vec(event, 0..2),
        (arb_usage(), arb_ms(), prop::option::of(arb_ms())),
        prop::collection::vec(arb_string(), 0..2),
    )
        .prop_map(
            |(
                (outcome, output),
                artifacts,
                calls,
                ledger,
                evidence,
                events,
                (usage, elapsed_ms, deadline_ms),
                unused_interactions,
            )| Observation {
                outcome,
                output,
                artifacts,
                calls,
                ledger,
                evidence,
                events,
                usage,
                elapsed_ms,
                deadline_ms,
                unused_interactions,
            },
        )
}

/// Arbitrary `state` for evidence paths.
pub fn arb_state() -> impl Strategy<Value = Option<Map<String, Value>>> {
    prop::option::of(
        prop::collection::btree_map(arb_string(), arb_json(), 0..4)
            .prop_map(|m| m.into_iter().collect()),
    )
}

/// Contracts that together use every contract key, each sequence mode and both args modes,
/// plus ones the loader would refuse (bad regex, schema, glob, pointer): the judge must cope
/// with any `Contract` built in Rust.
pub fn contracts() -> Vec<Contract> {
    let full = std::fs::read(super::valid_fixture().join("expected.json")).unwrap();
    let mut out: Vec<Contract> = vec![serde_json::from_slice(&full).unwrap(), Contract::default()];
    let values = [
        json!({"verdict": ["failed", "blocked"], "reasons": {"required": ["agent_panicked"], "forbidden": ["cassette_miss"]}}),
        json!({"output": {"non_empty": true, "schema": {"type": "array", "items": {"type": "integer", "minimum": 0}}, "partial": [1], "contains": ["a", "b"], "regex": "^[a-z]+$"}}),
        json!({"output": {"regex": "(unclosed", "schema": {"type": "numbr"}}, "artifacts": {"forbidden_paths": ["[", "**"], "required": [{"path": "../x", "schema": {"$ref": "#/nope"}}]}}),
        json!({"output": {"schema": {"$ref": "#"}, "partial": {"a": {"b": [null]}}}}),
        json!({"artifacts": {"min_count": 18446744073709551615u64, "required": [{"path": "reports/refund.json", "non_empty": true, "contains": "x"}]}}),
        json!({"evidence": {"min_paths": 18446744073709551615u64, "must_resolve": true}}),
        json!({"tools": {"required": [{"name": "lookup_invoice", "min": 18446744073709551615u64, "max": 0}], "allowed": ["lookup_invoice"], "max_calls": 0, "max_identical_calls": 0}}),
        json!({"tools": {"sequence": {"mode": "exact", "steps": ["lookup_invoice", "issue_refund"]}}}),
        json!({"tools": {"sequence": {"mode": "unordered", "steps": ["lookup_invoice", "lookup_invoice"]}}}),
        json!({"tools": {"sequence": {"mode": "subset", "steps": []}}}),
        json!({"tools": {"sequence": {"mode": "superset", "steps": ["summarize"]}}}),
        json!({"tools": {"before": [["issue_refund", "issue_refund"], ["a", "b"]], "args": [{"tool": "issue_refund", "mode": "exact", "value": {"amount": 1}, "ignore": ["/*", "bad pointer", "~"]}]}}),
        json!({"effects": {"forbidden": ["money", "write"], "max_applied": {"money": 0, "write": 18446744073709551615u64}, "require_idempotency_key": ["money"], "unconfirmed": "failed"}}),
        json!({"cassette": {"all_consumed": true}, "deadline": {"no_calls_after_deadline": true}}),
        json!({"budget": {"max_tool_calls": 0, "max_tokens": 0, "max_cost_usd": -1.0, "max_duration_ms": 0}}),
        json!({"budget": {"max_tokens": 18446744073709551615u64, "max_cost_usd": 1e308}}),
        json!({"validators": [{"name": "ok"}, {"name": "rejects", "args": {"x": 1}}, {"name": "unregistered"}]}),
        json!({"volatile": ["/calls/*/request/nonce", "not a pointer", "/output", ""], "snapshot": false, "output": {"partial": {"x": 1}}}),
    ];
    out.extend(
        values
            .into_iter()
            .map(|v| serde_json::from_value::<Contract>(v).unwrap()),
    );
    out
}

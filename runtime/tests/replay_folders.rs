//! Replay over real fixture folders: load → replay → judge, in every mode, with every fault kind.

mod support;

use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::Calls;
use tapedeck::contract::Validators;
use tapedeck::observation::{CallSource, LedgerOutcome};
use tapedeck::{Ctx, Effect, Fixture, Mode, Replay, ReplayRun, Toolbox, agent_fn};

async fn call_list(ctx: &Ctx, input: Calls) -> Result<Value, String> {
    support::call_list(ctx, input, false).await
}

fn load(name: &str) -> Fixture {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/replay")
        .join(name);
    Fixture::load(&dir).unwrap_or_else(|e| panic!("{name} loads:\n{e}"))
}

fn replay(fixture: &Fixture, mode: Mode, tools: Option<Toolbox>) -> ReplayRun {
    let mut replay = Replay::new(fixture).mode(mode);
    if let Some(tools) = tools {
        replay = replay.toolbox(tools);
    }
    replay.run_blocking(&agent_fn(call_list))
}

/// Judges the run and asserts that it meets `expected.json`.
fn assert_meets(fixture: &Fixture, run: &ReplayRun) {
    let validators = Validators::new();
    let judgement = fixture.judge(&run.observation, &validators);
    let expectation = judgement.meets(&fixture.expected);
    assert!(
        expectation.ok,
        "{}: {:?}\n{judgement}",
        fixture.id, expectation.problems
    );
}

#[test]
fn recorded_calls_are_answered_in_every_mode() {
    let fixture = load("cassette_answers");
    for mode in Mode::ALL {
        let run = replay(&fixture, mode, None);
        assert_meets(&fixture, &run);
        assert!(
            run.observation
                .calls
                .iter()
                .all(|c| c.source == CallSource::Cassette),
            "{mode}"
        );
        assert_eq!(
            run.observation.ledger.len(),
            1,
            "{mode}: only the write is a side effect"
        );
        assert_eq!(run.observation.elapsed_ms, 35);
    }
}

#[test]
fn every_fault_kind_reaches_the_agent_as_a_typed_error() {
    let fixture = load("faults_every_kind");
    let run = replay(&fixture, Mode::Strict, None);
    assert_meets(&fixture, &run);
    let outcomes: Vec<LedgerOutcome> = run.observation.ledger.iter().map(|e| e.outcome).collect();
    use LedgerOutcome::*;
    assert_eq!(
        outcomes,
        [
            Unknown,
            Failed,
            Failed,
            Unknown,
            Unknown,
            Unknown,
            Answered,
            AppliedUnconfirmed
        ]
    );
    assert_eq!(
        run.observation.calls[6].duration_ms, 700,
        "slow delivers after delay_ms"
    );
}

#[test]
fn strict_mode_blocks_an_unrecorded_refund_and_keeps_it_as_evidence() {
    let fixture = load("strict_blocks_unrecorded");
    let run = replay(&fixture, Mode::Strict, None);
    assert_meets(&fixture, &run);
    let refund = &run.observation.ledger[0];
    assert_eq!(
        (refund.tool.as_str(), refund.effect, refund.outcome),
        ("refund", Effect::Money, LedgerOutcome::Blocked)
    );
    let miss = &run.misses[0];
    assert_eq!(miss.nearest[0].interaction, "unused-refund");
    assert_eq!(miss.nearest[0].differences[0].path, "/cents");
    let text = miss.to_string();
    assert!(
        text.contains("1. if these fields change from run to run"),
        "{text}"
    );
    assert!(text.contains("\"/calls/*/request/cents\""), "{text}");
    let json: Value = serde_json::from_str(&miss.to_json()).unwrap();
    assert_eq!(json["tool"], "refund");
    assert_eq!(json["unused_for_tool"], 1);
}

#[test]
fn the_deadline_is_enforced_on_the_virtual_clock() {
    let fixture = load("deadline_on_virtual_clock");
    let run = replay(&fixture, Mode::Cassette, None);
    assert_meets(&fixture, &run);
    assert_eq!(run.observation.elapsed_ms, 2000);
    assert_eq!(
        run.observation.calls[2].source,
        CallSource::Cassette,
        "started at 1600 ms, cut off at the deadline"
    );
}

#[test]
fn live_mode_runs_reads_for_real_but_never_writes() {
    let fixture = load("live_reads_run_for_real");
    let orders = Arc::new(AtomicUsize::new(0));
    let counter = orders.clone();
    let tools = Toolbox::new()
        .with("price", Effect::Read, |_| async {
            Ok(json!({"cents": 120}))
        })
        .with("order", Effect::Write, move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Ok(json!({"order": "live"})) }
        });
    let run = replay(&fixture, Mode::Live, Some(tools));
    assert_meets(&fixture, &run);
    let diff = run.observation.calls[0].live_diff.as_ref().unwrap();
    assert_eq!(
        (
            diff[0].path.as_str(),
            diff[0].expected.clone(),
            diff[0].actual.clone()
        ),
        ("/cents", Some(json!(100)), Some(json!(120)))
    );
    assert_eq!(
        run.observation.calls[1].response.as_deref(),
        Some(&json!({"order": 9}))
    );
    assert_eq!(orders.load(Ordering::SeqCst), 0);
}

//! Checks that the conformance suite means what its names say: every `_caught` fixture is
//! judged worse than `passed` with the reasons it requires (so a vacuous expectation is
//! detected), every `_pass` fixture is judged `passed`, and every contract key of the README
//! has both kinds of fixture.

use std::path::{Path, PathBuf};
use tapedeck::contract::{JudgeInput, Judgement, ReasonsRule, Validators};
use tapedeck::harness::snapshot::normalized_observation;
use tapedeck::json_pointer::PointerPattern;
use tapedeck::observation::{LedgerOutcome, Outcome};
use tapedeck::{Fixture, Mode, Replay, ReplayRun, Verdict, agent::agent_fn, judge};
use tapedeck_example_scripted::scripted;

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scripted")
}

fn ids() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(suite())
        .expect("the suite folder exists")
        .map(|e| {
            e.expect("readable entry")
                .file_name()
                .into_string()
                .unwrap()
        })
        .collect();
    ids.sort();
    ids
}

fn load(id: &str) -> Fixture {
    Fixture::load(&suite().join(id)).unwrap_or_else(|e| panic!("{id} does not load: {e}"))
}

fn replay(fixture: &Fixture) -> ReplayRun {
    Replay::new(fixture)
        .mode(Mode::Strict)
        .run_blocking(&agent_fn(scripted))
}

fn judged(fixture: &Fixture, run: &ReplayRun) -> Judgement {
    // Keeps this crate's `register_validator!` registrations linked into the test binary.
    let _ = tapedeck_example_scripted::validators::event_emitted;
    let validators = Validators::from_registry();
    let mut input = JudgeInput::new(&run.observation, &validators);
    if let Some(state) = &fixture.input.state {
        input = input.with_state(state);
    }
    judge(&fixture.expected, &input)
}

#[test]
fn every_fixture_is_named_pass_or_caught_and_described() {
    let ids = ids();
    assert!(ids.len() >= 90, "only {} fixtures", ids.len());
    for id in &ids {
        assert!(
            id.ends_with("_pass") || id.ends_with("_caught"),
            "{id}: a fixture id ends with _pass or _caught"
        );
        let fixture = load(id);
        let description = fixture.notes.description.unwrap_or_default();
        assert!(
            !description.trim().is_empty() && !description.contains('\n'),
            "{id}: notes.json needs a one-line description"
        );
    }
}

/// Caught fixtures whose catch is not a contract reason but a snapshot mismatch; each has its
/// own test below.
const SNAPSHOT_CATCHES: [&str; 1] = ["snapshot_caught"];

#[test]
fn caught_fixtures_catch_their_reason() {
    let caught = ids()
        .into_iter()
        .filter(|id| id.ends_with("_caught") && !SNAPSHOT_CATCHES.contains(&id.as_str()));
    for id in &caught.collect::<Vec<_>>() {
        let fixture = load(id);
        let run = replay(&fixture);
        let judgement = judged(&fixture, &run);
        assert_ne!(
            judgement.verdict,
            Verdict::Passed,
            "{id}: a caught fixture must not pass\n{judgement}"
        );
        let required = fixture
            .expected
            .reasons
            .as_ref()
            .map(|r| r.required.clone())
            .unwrap_or_default();
        assert!(!required.is_empty(), "{id}: states no required reason");
        assert!(
            fixture.expected.verdict.is_some(),
            "{id}: states no expected verdict"
        );
        for reason in &required {
            assert!(
                judgement.has_reason(reason),
                "{id}: {reason} not caught\n{judgement}"
            );
        }
        let met = judgement.meets(&fixture.expected);
        assert!(met.ok, "{id}: {:?}", met.problems);
        // Forbidding the caught reason must break the expectation: `reasons.forbidden` works.
        let mut forbidding = fixture.expected.clone();
        forbidding.reasons = Some(ReasonsRule {
            required: Vec::new(),
            forbidden: required.clone(),
        });
        assert!(
            !judgement.meets(&forbidding).ok,
            "{id}: forbidding {required:?}"
        );
        // The default contract (verdict passed) must not accept the caught run.
        let mut default_verdict = fixture.expected.clone();
        default_verdict.verdict = None;
        assert!(
            !judgement.meets(&default_verdict).ok,
            "{id}: passes by default"
        );
    }
}

#[test]
fn pass_fixtures_pass() {
    for id in ids().iter().filter(|id| id.ends_with("_pass")) {
        let fixture = load(id);
        let run = replay(&fixture);
        let judgement = judged(&fixture, &run);
        assert_eq!(
            judgement.verdict,
            Verdict::Passed,
            "{id}: expected passed\n{judgement}"
        );
        let met = judgement.meets(&fixture.expected);
        assert!(met.ok, "{id}: {:?}", met.problems);
        assert_eq!(run.observation.outcome, Outcome::Returned, "{id}");
        assert!(run.misses.is_empty(), "{id}: cassette misses");
    }
}

/// Every contract key of the README table has a `_pass` and a `_caught` fixture.
#[test]
fn every_contract_key_has_both_fixtures() {
    let ids = ids();
    let keys = [
        "verdict",
        "reasons_required",
        "reasons_forbidden",
        "output_non_empty",
        "output_schema",
        "output_partial",
        "output_contains",
        "output_regex",
        "artifacts_min_count",
        "artifacts_required_path",
        "artifacts_required_non_empty",
        "artifacts_required_schema",
        "artifacts_required_contains",
        "artifacts_forbidden_paths",
        "evidence_min_paths",
        "evidence_must_resolve",
        "tools_required",
        "tools_forbidden",
        "tools_allowed",
        "tools_sequence_exact",
        "tools_sequence_in_order",
        "tools_sequence_unordered",
        "tools_sequence_subset",
        "tools_sequence_superset",
        "tools_before",
        "tools_args_exact",
        "tools_args_partial",
        "tools_max_calls",
        "tools_max_identical_calls",
        "effects_forbidden",
        "effects_max_applied",
        "effects_require_idempotency_key",
        "effects_unconfirmed",
        "cassette_all_consumed",
        "budget_max_tool_calls",
        "budget_max_tokens",
        "budget_max_cost_usd",
        "budget_max_duration_ms",
        "deadline_no_calls_after_deadline",
        "validators",
        "volatile",
        "snapshot",
    ];
    for key in keys {
        for suffix in ["pass", "caught"] {
            let id = format!("{key}_{suffix}");
            assert!(ids.contains(&id), "missing fixture {id}");
        }
    }
}

#[test]
fn strict_miss_is_blocked_and_kept_in_the_ledger() {
    let fixture = load("strict_cassette_miss_caught");
    let run = replay(&fixture);
    assert_eq!(run.misses.len(), 1);
    let entry = run
        .observation
        .ledger
        .iter()
        .find(|e| e.tool == "charge")
        .expect("the blocked charge is in the ledger");
    assert_eq!(entry.outcome, LedgerOutcome::Blocked);
}

#[test]
fn lost_answer_retried_with_the_same_key_is_one_side_effect() {
    let fixture = load("fault_timeout_after_success_retry_pass");
    let run = replay(&fixture);
    let ledger = &run.observation.ledger;
    assert_eq!(ledger.len(), 2);
    assert_eq!(ledger[0].outcome, LedgerOutcome::AppliedUnconfirmed);
    assert_eq!(ledger[1].outcome, LedgerOutcome::Answered);
    assert_eq!(ledger[1].attempt, 2);
    assert!(
        ledger
            .iter()
            .all(|e| e.idempotency_key.as_deref() == Some("refund:o1"))
    );
    assert!(!judged(&fixture, &run).has_reason("duplicate_side_effect"));
}

#[test]
fn parallel_calls_match_whatever_order_they_arrive_in() {
    let fixture = load("parallel_out_of_order_pass");
    let run = replay(&fixture);
    let used: Vec<&str> = run
        .observation
        .calls
        .iter()
        .map(|c| c.interaction.as_deref().unwrap_or("-"))
        .collect();
    // Arrival order is get_order, c1, c2; the recording is c2 (i0), get_order (i1), c1 (i2).
    assert_eq!(used, ["i1", "i2", "i0"]);
    assert!(run.observation.unused_interactions.is_empty());
    // All three started at the same virtual instant; the run took the longest call's time.
    assert!(run.observation.calls.iter().all(|c| c.started_ms == 0));
    assert_eq!(run.observation.elapsed_ms, 50);
}

/// The stored snapshot text of a fixture (after insta's header).
fn stored_snapshot(fixture: &Fixture) -> String {
    let text = std::fs::read_to_string(fixture.dir.join("snapshots/observation.snap"))
        .expect("the snapshot is committed");
    let body = text.splitn(3, "---\n").nth(2).expect("an insta header");
    body.trim_end().to_string()
}

fn snapshot_text(fixture: &Fixture, run: &ReplayRun) -> String {
    let volatile: Vec<PointerPattern> = fixture
        .expected
        .volatile
        .iter()
        .flatten()
        .filter_map(|p| PointerPattern::parse(p).ok())
        .collect();
    serde_json::to_string_pretty(&normalized_observation(&run.observation, &volatile)).unwrap()
}

#[test]
fn snapshot_catches_a_changed_run() {
    let fixture = load("snapshot_caught");
    assert_eq!(
        stored_snapshot(&fixture),
        snapshot_text(&fixture, &replay(&fixture))
    );
    // Regress the agent's behaviour: drop the last step (the output).
    let mut changed = fixture.clone();
    let steps = changed.input.input["steps"].as_array_mut().unwrap();
    steps.pop();
    let run = replay(&changed);
    assert_ne!(
        stored_snapshot(&fixture),
        snapshot_text(&changed, &run),
        "the snapshot must catch the missing output"
    );
}

#[test]
fn volatile_is_what_makes_the_drifted_request_match() {
    let with = load("volatile_pass");
    let without = load("volatile_caught");
    assert_eq!(with.input.input, without.input.input, "the same script");
    let run = replay(&with);
    assert!(run.misses.is_empty());
    assert_eq!(replay(&without).misses.len(), 1);
}

#[test]
fn bad_scripts_name_the_step_and_the_field() {
    let fixture = load("bad_script_caught");
    let run = replay(&fixture);
    let Outcome::Harness { message } = &run.observation.outcome else {
        panic!(
            "expected a harness error, got {:?}",
            run.observation.outcome
        );
    };
    assert!(
        message.contains("steps[1] (`call` step): unknown field `retry`"),
        "{message}"
    );
}

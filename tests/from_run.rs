//! The fixture-from-run round trip: a failing production run of an agent → `freeze_run` → the
//! replay fails as the run did (proof.failed_on) → the agent is fixed → the replay passes →
//! proof.passed_on.

#[path = "support/recording.rs"]
mod recording;

use recording::recorder_in;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use tapedeck::agent::{AgentFuture, call_typed};
use tapedeck::contract::Validators;
use tapedeck::fixture::proof::{Reproduction, is_proven, note_pass};
use tapedeck::fixture::{Fixture, Tier};
use tapedeck::harness::freeze::freeze_run;
use tapedeck::harness::registry::SuiteRegistration;
use tapedeck::harness::trial::replay_fixture;
use tapedeck::run::RunEnvelope;
use tapedeck::{Ctx, Effect, Mode, ToolError, Toolbox, Verdict};

/// Whether the bug is fixed (the test flips it, as a developer would fix the code).
static FIXED: AtomicBool = AtomicBool::new(false);

/// Refunds an order and writes a receipt — except, before the fix, for large refunds.
async fn refund_agent(ctx: &Ctx, order: String) -> Result<Value, ToolError> {
    let found = ctx.call("get_order", json!({ "id": order })).await?;
    let refund = ctx
        .tool("refund")
        .idempotency_key(format!("refund-{order}"))
        .call(json!({ "order": order, "amount": found["amount"], "api_key": found["api_key"] }))
        .await?;
    if FIXED.load(Ordering::SeqCst) || found["amount"].as_u64() < Some(100) {
        ctx.artifact_json("receipt.json", &refund).unwrap();
    }
    Ok(refund)
}

fn erased<'a>(ctx: &'a Ctx, input: Value) -> AgentFuture<'a> {
    call_typed(&refund_agent, ctx, input)
}

fn tools() -> Toolbox {
    Toolbox::new()
        .with("get_order", Effect::Read, |call| async move {
            let key = ["sk-", "proj-", "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0"].concat();
            Ok(json!({ "id": call.args["id"], "amount": 250, "api_key": key }))
        })
        .with("refund", Effect::Money, |call| async move {
            Ok(json!({ "refund_id": "rf-9", "amount": call.args["amount"] }))
        })
}

#[test]
fn a_failed_run_becomes_a_fixture_that_fails_then_passes_after_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let (store, recorder) = recorder_in(dir.path(), |c| c.code_version("v1-broken"));
    let contract = serde_json::from_value(
        json!({ "artifacts": { "required": [{ "path": "receipt.json" }] } }),
    )
    .unwrap();
    let run = tapedeck::replay::block_on(
        recorder.run(
            RunEnvelope::new("refund_agent", json!("o-77"))
                .task_id("refund-o-77")
                .contract(contract),
            tools(),
            async |ctx| refund_agent(ctx, "o-77".into()).await,
        ),
    )
    .unwrap();
    assert_eq!(run.status, Some(Verdict::Failed));
    assert!(run.reasons.contains(&"missing_artifact_ref".to_string()));

    let suite_root = dir.path().join("fixtures").join("refunds");
    std::fs::create_dir_all(&suite_root).unwrap();
    let suite = SuiteRegistration::at("refund_agent", &suite_root, Mode::Strict, erased);
    let validators = Validators::new();
    let frozen = freeze_run(
        &*store,
        &run.run_id,
        &suite,
        "large-refund",
        Some(Tier::Critical),
        &validators,
    )
    .unwrap();
    let Reproduction::Reproduced(failed_on) = &frozen.reproduction else {
        panic!("expected a reproduction, got {:?}", frozen.reproduction);
    };
    assert_eq!(failed_on.verdict, Some(Verdict::Failed));

    // The files: loadable, redacted, with provenance.
    let fixture = Fixture::load(&suite_root.join("large-refund")).unwrap();
    assert_eq!(fixture.input.input, json!("o-77"));
    assert_eq!(fixture.input.task_id.as_deref(), Some("refund-o-77"));
    let tools: Vec<&str> = fixture
        .cassette
        .interactions
        .iter()
        .map(|i| i.tool.as_str())
        .collect();
    assert_eq!(tools, ["get_order", "refund"]);
    assert_eq!(
        fixture.cassette.source_run_id.as_deref(),
        Some(run.run_id.as_str())
    );
    assert_eq!(
        fixture.notes.source_run_id.as_deref(),
        Some(run.run_id.as_str())
    );
    assert_eq!(fixture.notes.tier, Some(Tier::Critical));
    assert!(fixture.notes.proof.as_ref().unwrap().failed_on.is_some());
    assert!(!is_proven(&fixture.notes));
    let cassette_text =
        std::fs::read_to_string(suite_root.join("large-refund/tool_cassettes.json")).unwrap();
    assert!(!cassette_text.contains("Zz9Yy8Xx7Ww6"), "{cassette_text}");
    assert!(
        cassette_text.contains("<redacted:openai_api_key:1>"),
        "{cassette_text}"
    );
    // The placeholder matches between the response and the request that carried it on.
    assert_eq!(
        fixture.cassette.interactions[1].request["api_key"],
        fixture.cassette.interactions[0].response.as_ref().unwrap()["api_key"]
    );
    assert_eq!(fixture.cassette.redactions.len(), 1);

    // Still broken: the replay fails.
    let broken = replay_fixture(
        &suite,
        &fixture,
        fixture.input.input.clone(),
        Mode::Strict,
        "refunds::large-refund",
        &validators,
        false,
    );
    assert!(!broken.expectation.ok);

    // The fix: the replay passes and the proof is complete.
    FIXED.store(true, Ordering::SeqCst);
    let fixed = replay_fixture(
        &suite,
        &fixture,
        fixture.input.input.clone(),
        Mode::Strict,
        "refunds::large-refund",
        &validators,
        false,
    );
    assert!(fixed.expectation.ok, "{:?}", fixed.judgement);
    assert!(note_pass(&fixture, &fixed.judgement).unwrap());
    let proven = Fixture::load(&suite_root.join("large-refund")).unwrap();
    assert!(is_proven(&proven.notes), "{:?}", proven.notes);
    // Idempotent: a second pass writes nothing.
    assert!(!note_pass(&proven, &fixed.judgement).unwrap());

    // Freezing the same run under the same id again is refused, naming the folder.
    let again = freeze_run(
        &*store,
        &run.run_id,
        &suite,
        "large-refund",
        None,
        &validators,
    )
    .unwrap_err();
    assert!(again.to_string().contains("large-refund"), "{again}");
}

#[test]
fn a_fixture_that_passes_at_once_is_reported_as_not_reproducing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, recorder) = recorder_in(dir.path(), |c| c);
    // A run that failed for a reason the agent's code does not reproduce (the contract asked
    // for an artifact the agent writes in replay: the run's failure came from elsewhere).
    let run = tapedeck::replay::block_on(recorder.run(
        RunEnvelope::new("refund_agent", json!("o-1")),
        tools(),
        async |ctx| {
            refund_agent(ctx, "o-1".into()).await?;
            Err::<Value, _>(ToolError::Unavailable {
                tool: "ledger".into(),
            })
        },
    ))
    .unwrap();
    assert_eq!(run.status, Some(Verdict::Failed));
    let suite_root = dir.path().join("suite");
    std::fs::create_dir_all(&suite_root).unwrap();
    let suite = SuiteRegistration {
        function: "refund_agent",
        root: Box::leak(suite_root.to_string_lossy().into_owned().into_boxed_str()),
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        file: file!(),
        mode: None,
        tier: None,
        tools: None,
        agent: erased,
    };
    let frozen = freeze_run(
        &*store,
        &run.run_id,
        &suite,
        "flaky",
        None,
        &Validators::new(),
    )
    .unwrap();
    assert_eq!(frozen.reproduction, Reproduction::Passes);
    assert!(
        frozen.fixture.notes.proof.is_none(),
        "unproven: no failed_on"
    );
}

//! Freezing runs that the resilience layer or the deadline stopped: the fixture must replay the
//! way production went, not into a cassette miss. A breaker the fleet had opened before the run
//! starts open in the fixture (`resilience.breaker.open`), a recorder's own budget and breaker
//! numbers are copied into `resilience`; a call the deadline cut off while it ran is recorded so
//! that replay cuts it off again.

#[path = "support/recording.rs"]
mod recording;

use recording::recorder_in;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tapedeck::agent::{AgentFuture, call_typed};
use tapedeck::contract::Validators;
use tapedeck::fixture::proof::Reproduction;
use tapedeck::harness::freeze::{Frozen, freeze_run};
use tapedeck::harness::registry::SuiteRegistration;
use tapedeck::observation::CallSource;
use tapedeck::replay::ReplayRun;
use tapedeck::resilience::{BreakerState, RetryPolicy};
use tapedeck::run::RunEnvelope;
use tapedeck::store::Store;
use tapedeck::{Ctx, Effect, Mode, ToolError, Toolbox, Verdict};

/// Charges an order through the `payments` dependency, three quick attempts.
async fn charge_agent(ctx: &Ctx, order: String) -> Result<Value, ToolError> {
    let policy = RetryPolicy {
        max_attempts: 3,
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
        ..RetryPolicy::default()
    };
    ctx.tool("charge")
        .dependency("payments")
        .retry(policy)
        .idempotency_key(format!("charge-{order}"))
        .call(json!({ "order": order }))
        .await
}

/// Charges once through `payments`; refused by an open breaker, waits 800 ms and tries again.
async fn patient_agent(ctx: &Ctx, order: String) -> Result<Value, ToolError> {
    let charge = || {
        ctx.tool("charge")
            .dependency("payments")
            .retry(RetryPolicy::attempts(1))
            .idempotency_key(format!("charge-{order}"))
            .call(json!({ "order": order }))
    };
    match charge().await {
        Err(ToolError::CircuitOpen { .. }) => {
            ctx.sleep(Duration::from_millis(800)).await;
            charge().await
        }
        other => other,
    }
}

/// Looks an order up, then reads its history from a service that hangs.
async fn history_agent(ctx: &Ctx, order: String) -> Result<Value, ToolError> {
    ctx.call("lookup", json!({ "order": order })).await?;
    ctx.call("history", json!({ "order": order })).await
}

fn erased_charge<'a>(ctx: &'a Ctx, input: Value) -> AgentFuture<'a> {
    call_typed(&charge_agent, ctx, input)
}

fn erased_history<'a>(ctx: &'a Ctx, input: Value) -> AgentFuture<'a> {
    call_typed(&history_agent, ctx, input)
}

fn erased_patient<'a>(ctx: &'a Ctx, input: Value) -> AgentFuture<'a> {
    call_typed(&patient_agent, ctx, input)
}

fn suite(root: &std::path::Path, function: &'static str) -> SuiteRegistration {
    std::fs::create_dir_all(root).unwrap();
    let agent = match function {
        "charge_agent" => erased_charge,
        "patient_agent" => erased_patient,
        _ => erased_history,
    };
    SuiteRegistration::at(function, root, Mode::Strict, agent)
}

fn freeze(store: &dyn Store, run_id: &str, suite: &SuiteRegistration, id: &str) -> Frozen {
    freeze_run(store, run_id, suite, id, None, &Validators::new()).unwrap()
}

fn assert_reproduced(frozen: &Frozen) {
    assert!(
        matches!(frozen.reproduction, Reproduction::Reproduced(_)),
        "{:?}",
        frozen.reproduction
    );
}

fn replay_strict(fixture: &tapedeck::Fixture, agent: &dyn tapedeck::agent::Agent) -> ReplayRun {
    tapedeck::replay::Replay::new(fixture)
        .mode(Mode::Strict)
        .run_blocking(agent)
}

#[test]
fn a_run_refused_by_a_breaker_the_fleet_opened_replays_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fleet = Arc::new(tapedeck::resilience::Resilience::default());
    let (store, recorder) = recorder_in(dir.path(), |mut c| {
        c.resilience = Arc::clone(&fleet);
        c
    });
    let down = || {
        Toolbox::new().with("charge", Effect::Money, |_| async {
            Err(ToolError::Unavailable {
                tool: "charge".into(),
            })
        })
    };
    let run = |order: &str| {
        let order = order.to_string();
        tapedeck::replay::block_on(recorder.run(
            RunEnvelope::new("charge_agent", json!(order)),
            down(),
            async |ctx| charge_agent(ctx, order.clone()).await,
        ))
        .unwrap()
    };
    // The first agent of the fleet trips the shared breaker with its three failures.
    let tripped = run("o-1");
    assert_eq!(fleet.breaker_state("payments"), BreakerState::Open);
    // The second is refused at once: nothing runs.
    let refused = run("o-2");
    assert_eq!(refused.status, Some(Verdict::Blocked));
    assert!(
        refused.reasons.iter().any(|r| r == "circuit_open"),
        "{refused:?}"
    );

    let suite = suite(&dir.path().join("charges"), "charge_agent");
    let frozen = freeze(&*store, &refused.run_id, &suite, "refused-by-fleet");
    let resilience = frozen.fixture.input.resilience.as_ref();
    assert_eq!(
        resilience.map(|r| r.open_breakers().to_vec()),
        Some(vec!["payments".to_string()]),
        "{:?}",
        frozen.fixture.input
    );
    assert!(frozen.fixture.cassette.interactions.is_empty());
    let Reproduction::Reproduced(replayed) = &frozen.reproduction else {
        panic!(
            "the refused run must replay refused, got {:?}",
            frozen.reproduction
        );
    };
    assert_eq!(replayed.verdict, Some(Verdict::Blocked));
    let replay = replay_strict(&frozen.fixture, &tapedeck::agent_fn(charge_agent));
    assert!(replay.misses.is_empty(), "{:?}", replay.misses);
    let call = &replay.observation.calls[0];
    assert_eq!(call.source, CallSource::Blocked);
    let error = call.error.as_ref().unwrap();
    assert_eq!(
        (error.kind.as_str(), error.dependency.as_deref()),
        ("circuit_open", Some("payments"))
    );

    // The run that tripped the breaker itself needs no starting state: its own failures,
    // replayed from the cassette, open the breaker again.
    let frozen = freeze(&*store, &tripped.run_id, &suite, "tripped-here");
    assert_eq!(frozen.fixture.input.resilience, None);
    assert_eq!(frozen.fixture.cassette.interactions.len(), 3);
    assert_reproduced(&frozen);
}

#[test]
fn a_fleet_breaker_admits_its_probe_in_replay_when_it_did_in_production() {
    let dir = tempfile::tempdir().unwrap();
    let config = tapedeck::resilience::ResilienceConfig {
        breaker: tapedeck::resilience::BreakerConfig {
            failure_threshold: 1,
            cool_down: Duration::from_millis(1000),
            ..Default::default()
        },
        ..Default::default()
    };
    let fleet = Arc::new(tapedeck::resilience::Resilience::new(config));
    let (store, recorder) = recorder_in(dir.path(), |mut c| {
        c.resilience = Arc::clone(&fleet);
        c
    });
    let charge = |up: bool| {
        Toolbox::new().with("charge", Effect::Money, move |_| async move {
            if up {
                Ok(json!({ "charged": true }))
            } else {
                Err(ToolError::Unavailable {
                    tool: "charge".into(),
                })
            }
        })
    };
    // Another agent of the fleet trips the breaker; 300 ms later this run starts, is refused,
    // waits 800 ms, and its second call is admitted as the probe (the cool-down is 1 s).
    tapedeck::replay::block_on(recorder.run(
        RunEnvelope::new("charge_agent", json!("o-1")),
        charge(false),
        async |ctx| charge_agent(ctx, "o-1".into()).await,
    ))
    .unwrap();
    assert_eq!(fleet.breaker_state("payments"), BreakerState::Open);
    std::thread::sleep(Duration::from_millis(300));
    let run = tapedeck::replay::block_on(recorder.run(
        RunEnvelope::new("patient_agent", json!("o-2")),
        charge(true),
        async |ctx| patient_agent(ctx, "o-2".into()).await,
    ))
    .unwrap();
    assert_eq!(
        fleet.breaker_state("payments"),
        BreakerState::Closed,
        "the probe succeeded"
    );

    let suite = suite(&dir.path().join("patient"), "patient_agent");
    let frozen = freeze(&*store, &run.run_id, &suite, "probe-after-refusal");
    let breaker = frozen
        .fixture
        .input
        .resilience
        .as_ref()
        .and_then(|r| r.breaker.clone())
        .unwrap();
    assert_eq!(breaker.open, ["payments"]);
    let probe_after = breaker.probe_after_ms["payments"];
    assert!(
        probe_after <= 700,
        "the breaker had tripped at least 300 ms before the run: {probe_after} ms left"
    );
    assert_eq!(frozen.fixture.cassette.interactions.len(), 1, "the probe");
    assert_reproduced(&frozen);
    let replay = |fixture| replay_strict(fixture, &tapedeck::agent_fn(patient_agent));
    let sources = |run: &tapedeck::replay::ReplayRun| -> Vec<CallSource> {
        run.observation.calls.iter().map(|c| c.source).collect()
    };
    let replayed = replay(&frozen.fixture);
    assert_eq!(
        sources(&replayed),
        [CallSource::Blocked, CallSource::Cassette]
    );
    assert!(replayed.observation.unused_interactions.is_empty());

    // Opened as the replay starts, a whole cool-down would still refuse the second call.
    let mut whole_cool_down = frozen.fixture.clone();
    if let Some(b) = whole_cool_down
        .input
        .resilience
        .as_mut()
        .and_then(|r| r.breaker.as_mut())
    {
        b.probe_after_ms.clear();
    }
    let replayed = replay(&whole_cool_down);
    assert_eq!(
        sources(&replayed),
        [CallSource::Blocked, CallSource::Blocked]
    );
    assert_eq!(replayed.observation.unused_interactions.len(), 1);
}

#[test]
fn a_run_with_its_own_breaker_numbers_replays_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let config = tapedeck::resilience::ResilienceConfig {
        breaker: tapedeck::resilience::BreakerConfig {
            failure_threshold: 1,
            ..Default::default()
        },
        ..Default::default()
    };
    let (store, recorder) = recorder_in(dir.path(), |mut c| {
        c.resilience = Arc::new(tapedeck::resilience::Resilience::new(config));
        c
    });
    let down = Toolbox::new().with("charge", Effect::Money, |_| async {
        Err(ToolError::Unavailable {
            tool: "charge".into(),
        })
    });
    // One failure opens this recorder's breaker, so the retry is never made.
    let run = tapedeck::replay::block_on(recorder.run(
        RunEnvelope::new("charge_agent", json!("o-3")),
        down,
        async |ctx| charge_agent(ctx, "o-3".into()).await,
    ))
    .unwrap();
    assert_eq!(run.status, Some(Verdict::Blocked), "{run:?}");

    let suite = suite(&dir.path().join("charges"), "charge_agent");
    let frozen = freeze(&*store, &run.run_id, &suite, "threshold-one");
    let resilience = frozen.fixture.input.resilience.clone().unwrap();
    assert_eq!(
        serde_json::to_value(&resilience).unwrap(),
        json!({"breaker": {"failure_threshold": 1}}),
        "only the number that differs from the default is written"
    );
    assert_eq!(resilience.config(), config);
    assert_eq!(frozen.fixture.cassette.interactions.len(), 1);
    // With the default threshold (3) the replay would retry into a cassette miss.
    assert_reproduced(&frozen);
    let replay = replay_strict(&frozen.fixture, &tapedeck::agent_fn(charge_agent));
    assert!(replay.misses.is_empty(), "{:?}", replay.misses);
    assert_eq!(replay.observation.calls.len(), 1);
    let mut defaults = frozen.fixture.clone();
    defaults.input.resilience = None;
    let replay = replay_strict(&defaults, &tapedeck::agent_fn(charge_agent));
    assert!(
        !replay.misses.is_empty(),
        "without the recorded numbers the replay goes another way"
    );
}

#[test]
fn a_call_the_deadline_cut_off_replays_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let (store, recorder) = recorder_in(dir.path(), |c| c);
    let tools = Toolbox::new()
        .with("lookup", Effect::Read, |_| async {
            Ok(json!({"ok": true}))
        })
        .with("history", Effect::Read, |_| async {
            // Hangs: only the deadline ends the call.
            std::future::pending::<Result<Value, ToolError>>().await
        });
    let run = tapedeck::replay::block_on(recorder.run(
        RunEnvelope::new("history_agent", json!("o-9")).timeout(Duration::from_millis(300)),
        tools,
        async |ctx| history_agent(ctx, "o-9".into()).await,
    ))
    .unwrap();
    assert_eq!(run.status, Some(Verdict::Failed), "{run:?}");

    let suite = suite(&dir.path().join("history"), "history_agent");
    let frozen = freeze(&*store, &run.run_id, &suite, "history-hangs");
    let interactions = &frozen.fixture.cassette.interactions;
    let tools: Vec<&str> = interactions.iter().map(|i| i.tool.as_str()).collect();
    assert_eq!(tools, ["lookup", "history"], "the cut-off call is kept");
    let cut = &interactions[1];
    let deadline_ms = frozen.fixture.input.timeout_seconds.unwrap() * 1000;
    assert!(cut.duration_ms.unwrap() > deadline_ms, "{cut:?}");
    assert!(
        cut.error
            .as_ref()
            .unwrap()
            .message
            .as_deref()
            .unwrap()
            .contains("deadline"),
        "{cut:?}"
    );
    assert_reproduced(&frozen);

    // The replay: the call runs into the deadline again; nothing is missing from the cassette.
    let replay = replay_strict(&frozen.fixture, &tapedeck::agent_fn(history_agent));
    assert!(replay.misses.is_empty(), "{:?}", replay.misses);
    let last = replay.observation.calls.last().unwrap();
    assert_eq!(last.tool, "history");
    assert_eq!(last.source, CallSource::Cassette);
    assert_eq!(
        last.error.as_ref().map(|e| e.kind.as_str()),
        Some("deadline_exceeded")
    );
}

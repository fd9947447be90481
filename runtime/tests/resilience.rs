//! Retries, budgets, breakers and deadlines on the production path, with real tools that fail
//! on purpose.

use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tapedeck::replay::block_on;
use tapedeck::resilience::{BreakerState, BudgetConfig, Resilience, ResilienceConfig, RetryPolicy};
use tapedeck::{Ctx, Effect, ToolError, Toolbox, Verdict};

fn quick(n: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: n,
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        ..RetryPolicy::default()
    }
}

/// The idempotency keys a tool saw, call by call.
type SeenKeys = Arc<Mutex<Vec<Option<String>>>>;

/// A tool that fails with `error` for its first `failures` calls, recording each key it saw.
fn flaky(failures: u32, error: fn() -> ToolError) -> (Toolbox, Arc<AtomicU32>, SeenKeys) {
    let calls = Arc::new(AtomicU32::new(0));
    let keys = Arc::new(Mutex::new(Vec::new()));
    let (c, k) = (Arc::clone(&calls), Arc::clone(&keys));
    let tools = Toolbox::new().with("charge", Effect::Money, move |call| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        k.lock().unwrap().push(call.idempotency_key.clone());
        async move {
            if n < failures {
                Err(error())
            } else {
                Ok(json!({ "charged": true }))
            }
        }
    });
    (tools, calls, keys)
}

/// A registry whose budgets earn nothing from successes: only the time-based reserve of
/// `min_per_second` (which is also the starting balance), capped at `max_balance`.
fn no_earned_retries(min_per_second: f64, max_balance: f64) -> Arc<Resilience> {
    Arc::new(Resilience::new(ResilienceConfig {
        budget: BudgetConfig {
            retry_ratio: 0.0,
            min_per_second,
            max_balance,
        },
        ..ResilienceConfig::default()
    }))
}

fn unavailable() -> ToolError {
    ToolError::Unavailable {
        tool: "charge".into(),
    }
}

fn events(ctx: &Ctx, kind: &str) -> Vec<Value> {
    ctx.observation()
        .events
        .into_iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.data)
        .collect()
}

#[test]
fn transient_errors_are_retried_with_the_same_idempotency_key() {
    let (tools, calls, keys) = flaky(2, unavailable);
    let ctx = Ctx::builder().toolbox(tools).build();
    let result = block_on(
        ctx.tool("charge")
            .idempotency_key("task-1:charge")
            .retry(quick(3))
            .call(json!({ "cents": 100 })),
    );
    assert_eq!(result.unwrap(), json!({ "charged": true }));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert!(
        keys.lock()
            .unwrap()
            .iter()
            .all(|k| k.as_deref() == Some("task-1:charge"))
    );
    let decisions = events(&ctx, "retry_decision");
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[0]["error"], "unavailable");
    assert_eq!(decisions[0]["retry"], true);
    // Every attempt is in the ledger; only the last one applied.
    let obs = ctx.observation();
    assert_eq!(obs.calls.len(), 3);
    assert_eq!(obs.ledger.len(), 3);
}

#[test]
fn errors_that_cannot_succeed_on_retry_are_not_retried() {
    let (tools, calls, _) = flaky(5, || ToolError::InvalidResponse {
        tool: "charge".into(),
        message: "not JSON".into(),
    });
    let ctx = Ctx::builder().toolbox(tools).build();
    let result = block_on(ctx.tool("charge").retry(quick(3)).call(json!({})));
    assert!(matches!(result, Err(ToolError::InvalidResponse { .. })));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        events(&ctx, "retry_decision")[0]["give_up"],
        "not_retryable"
    );
}

#[test]
fn retry_after_is_honoured_and_attempts_run_out() {
    let (tools, calls, _) = flaky(10, || ToolError::RateLimited {
        tool: "charge".into(),
        retry_after: Some(Duration::from_millis(7)),
    });
    let ctx = Ctx::builder().toolbox(tools).build();
    let result = block_on(ctx.tool("charge").retry(quick(3)).call(json!({})));
    assert!(matches!(result, Err(ToolError::RateLimited { .. })));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let decisions = events(&ctx, "retry_decision");
    assert_eq!(decisions[0]["delay_ms"], 7);
    assert_eq!(decisions[2]["give_up"], "attempts_exhausted");
}

#[test]
fn an_exhausted_budget_blocks_the_run() {
    let resilience = no_earned_retries(0.0, 10.0);
    let (tools, calls, _) = flaky(10, unavailable);
    let ctx = Ctx::builder().toolbox(tools).resilience(resilience).build();
    let result = block_on(ctx.tool("charge").retry(quick(5)).call(json!({})));
    assert!(result.is_err());
    assert_eq!(calls.load(Ordering::SeqCst), 1, "no budget, no retry");
    let declared = ctx.declared().unwrap();
    assert_eq!(declared.verdict, Verdict::Blocked);
    assert_eq!(declared.reason, "retry_budget_exhausted");
}

/// A charge tool that always fails, and a first run through dependency `payments` that spent
/// its three attempts on it (so the shared breaker is open): `(breaker registry, tools, calls,
/// the first run)`.
fn payments_down_after_one_run() -> (Arc<Resilience>, Toolbox, Arc<AtomicU32>, Ctx) {
    let resilience = Arc::new(Resilience::default());
    let (tools, calls, _) = flaky(100, unavailable);
    let first = Ctx::builder()
        .toolbox(tools.clone())
        .resilience(Arc::clone(&resilience))
        .build();
    let _ = block_on(
        first
            .tool("charge")
            .dependency("payments")
            .retry(quick(3))
            .call(json!({})),
    );
    (resilience, tools, calls, first)
}

#[test]
fn the_breaker_opens_after_three_failures_and_stops_the_dependents() {
    let (resilience, tools, calls, first) = payments_down_after_one_run();
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(resilience.breaker_state("payments"), BreakerState::Open);
    let change = &events(&first, "breaker")[0];
    assert_eq!(
        (change["from"].as_str(), change["to"].as_str()),
        (Some("closed"), Some("open"))
    );

    // Another agent of the fleet, sharing the breaker: rejected at once, nothing is called.
    let dependent = Ctx::builder().toolbox(tools).resilience(resilience).build();
    let result = block_on(
        dependent
            .tool("charge")
            .dependency("payments")
            .retry(quick(3))
            .call(json!({})),
    );
    assert!(
        matches!(&result, Err(ToolError::CircuitOpen { dependency, .. }) if dependency == "payments"),
        "{result:?}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(dependent.declared().unwrap().reason, "circuit_open");
}

#[test]
fn a_retry_that_would_outlive_the_deadline_stops_at_once_and_declares_why() {
    let (tools, calls, _) = flaky(10, unavailable);
    let ctx = Ctx::builder()
        .toolbox(tools)
        .timeout(Duration::from_millis(50))
        .build();
    let policy = RetryPolicy {
        min_delay: Duration::from_secs(1),
        jitter: false,
        ..quick(3)
    };
    let started = std::time::Instant::now();
    let result = block_on(ctx.tool("charge").retry(policy).call(json!({})));
    assert!(
        matches!(result, Err(ToolError::DeadlineExceeded { .. })),
        "{result:?}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "it did not sleep past the deadline"
    );
    assert_eq!(
        events(&ctx, "retry_decision")[0]["give_up"],
        "deadline_exceeded"
    );
    let stop = &events(&ctx, "deadline")[0];
    assert_eq!(
        (&stop["stopped"], &stop["call"], &stop["delay_ms"]),
        (&json!("retry_not_started"), &Value::Null, &json!(1000)),
        "{stop}"
    );
    assert_eq!(stop["deadline_ms"], 50);
    let declared = ctx
        .declared()
        .expect("the runtime says why the run stopped");
    assert_eq!(
        (declared.verdict, declared.reason.as_str()),
        (Verdict::Failed, "deadline_exceeded")
    );
}

#[test]
fn the_deadline_event_says_which_call_it_cut_and_which_it_refused() {
    let tools = Toolbox::new().with("slow", Effect::Read, |_| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        Ok(json!({}))
    });
    let ctx = Ctx::builder()
        .toolbox(tools)
        .timeout(Duration::from_millis(50))
        .build();
    let cut = block_on(ctx.call("slow", json!({})));
    assert!(
        matches!(cut, Err(ToolError::DeadlineExceeded { .. })),
        "{cut:?}"
    );
    let refused = block_on(ctx.call("slow", json!({})));
    assert!(
        matches!(refused, Err(ToolError::DeadlineExceeded { .. })),
        "{refused:?}"
    );
    let stops = events(&ctx, "deadline");
    let seen: Vec<_> = stops
        .iter()
        .map(|e| (e["call"].clone(), e["stopped"].clone(), e["tool"].clone()))
        .collect();
    assert_eq!(
        seen,
        [
            (json!(0), json!("call_cut"), json!("slow")),
            (json!(1), json!("call_refused"), json!("slow")),
        ]
    );
    assert!(stops[1]["at_ms"].as_u64().unwrap() >= 50, "{}", stops[1]);
}

/// A fixture folder in `dir` with one cassette.
fn fixture(dir: &std::path::Path, interactions: Value) -> tapedeck::Fixture {
    let folder = dir.join("retries");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("input.json"), r#"{"input": "o-1"}"#).unwrap();
    std::fs::write(
        folder.join("tool_cassettes.json"),
        json!({ "format_version": 1, "interactions": interactions }).to_string(),
    )
    .unwrap();
    tapedeck::Fixture::load(&folder).unwrap()
}

async fn charging_agent(ctx: &Ctx, order: String) -> Result<Value, ToolError> {
    let first = ctx
        .tool("charge")
        .idempotency_key(format!("{order}:charge"))
        .retry(RetryPolicy::default())
        .call(json!({ "order": order }))
        .await;
    if first.is_err() {
        // A second call to the same dependency: the open breaker refuses it.
        ctx.tool("charge")
            .retry(RetryPolicy::default())
            .call(json!({ "order": order }))
            .await?;
    }
    first
}

#[test]
fn replay_delivers_faults_to_the_same_retry_path_in_virtual_time() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(
        dir.path(),
        json!([
            { "tool": "charge", "effect": "money", "request": { "order": "o-1" },
              "fault": { "kind": "rate_limited", "retry_after_ms": 1500 } },
            { "tool": "charge", "effect": "money", "request": { "order": "o-1" },
              "response": { "charged": true } }
        ]),
    );
    let started = std::time::Instant::now();
    let run = tapedeck::Replay::new(&fx)
        .mode(tapedeck::Mode::Strict)
        .run_blocking(&tapedeck::agent_fn(charging_agent));
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "virtual time: no real wait"
    );
    let obs = &run.observation;
    assert_eq!(obs.output, Some(json!({ "charged": true })));
    assert_eq!(obs.calls.len(), 2);
    assert!(obs.elapsed_ms >= 1500, "{}", obs.elapsed_ms);
    let decision = obs
        .events
        .iter()
        .find(|e| e.kind == "retry_decision")
        .unwrap();
    assert_eq!(decision.data["delay_ms"], 1500);
    assert!(
        obs.calls
            .iter()
            .all(|c| c.idempotency_key.as_deref() == Some("o-1:charge"))
    );
}

#[test]
fn replayed_outage_opens_the_breaker_and_the_run_is_blocked() {
    let dir = tempfile::tempdir().unwrap();
    let down = json!({ "tool": "charge", "effect": "money", "request": { "order": "o-1" },
                       "fault": { "kind": "unavailable" } });
    let fx = fixture(dir.path(), json!([down.clone(), down.clone(), down]));
    let run = tapedeck::Replay::new(&fx)
        .mode(tapedeck::Mode::Strict)
        .run_blocking(&tapedeck::agent_fn(charging_agent));
    let obs = &run.observation;
    // The fourth call is recorded as refused: it never reached the cassette.
    assert_eq!(obs.calls.len(), 4);
    let refused = &obs.calls[3];
    assert_eq!(refused.source, tapedeck::observation::CallSource::Blocked);
    assert_eq!(refused.interaction, None);
    assert_eq!(refused.error.as_ref().unwrap().kind, "circuit_open");
    assert!(
        obs.events
            .iter()
            .any(|e| e.kind == "breaker" && e.data["to"] == "open")
    );
    let judgement = fx.judge(obs, &tapedeck::Validators::new());
    assert_eq!(judgement.verdict, Verdict::Blocked, "{judgement:?}");
    assert!(
        judgement.has_reason("circuit_open") && !judgement.has_reason("blocked_call"),
        "{:?}",
        judgement.reasons
    );
    let report = judgement.to_string();
    assert!(
        report.contains("#3 charge"),
        "the report names the refused call: {report}"
    );
}

#[test]
fn retries_do_not_stack_across_layers() {
    // A tool that is itself built on a retried call (a client library that retries inside a
    // retried step): the inner layer makes one attempt per outer attempt, not three.
    let calls = Arc::new(AtomicU32::new(0));
    let slot: Arc<std::sync::OnceLock<Ctx>> = Arc::new(std::sync::OnceLock::new());
    let (c, s) = (Arc::clone(&calls), Arc::clone(&slot));
    let tools = Toolbox::new()
        .with("backend", Effect::Read, move |_| {
            c.fetch_add(1, Ordering::SeqCst);
            async { Err(unavailable()) }
        })
        .with("client", Effect::Read, move |call| {
            let ctx = s.get().expect("ctx is set").clone();
            async move { ctx.tool("backend").retry(quick(3)).call(call.args).await }
        });
    // A breaker that never opens, so only the no-stacking rule limits the calls.
    let resilience = Arc::new(Resilience::new(ResilienceConfig {
        breaker: tapedeck::resilience::BreakerConfig {
            failure_threshold: u32::MAX,
            ..Default::default()
        },
        ..ResilienceConfig::default()
    }));
    let ctx = Ctx::builder().toolbox(tools).resilience(resilience).build();
    slot.set(ctx.clone()).unwrap();
    let result = block_on(ctx.tool("client").retry(quick(3)).call(json!({})));
    assert!(result.is_err());
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "3 outer attempts × 1 inner attempt, not 9"
    );
}

#[test]
fn a_mutated_fixture_proves_a_charge_survives_timeout_after_success_once() {
    let dir = tempfile::tempdir().unwrap();
    let source = fixture(
        dir.path(),
        json!([{ "id": "c1", "tool": "charge", "effect": "money", "request": { "order": "o-1" },
                 "response": { "charged": true } }]),
    );
    let variant = tapedeck::fixture::mutate::mutate(
        &source.dir,
        tapedeck::cassette::FaultKind::TimeoutAfterSuccess,
        "charge",
        1,
    )
    .unwrap();
    assert_eq!(
        variant.file_name().unwrap(),
        "retries-timeout-after-success-charge-1"
    );
    let fx = tapedeck::Fixture::load(&variant).unwrap();
    assert_eq!(fx.cassette.interactions.len(), 2);
    let run = tapedeck::Replay::new(&fx)
        .mode(tapedeck::Mode::Strict)
        .run_blocking(&tapedeck::agent_fn(charging_agent));
    let obs = &run.observation;
    assert_eq!(obs.output, Some(json!({ "charged": true })), "{obs:?}");
    // The first charge went through (its answer was lost); the retry reused the key.
    assert_eq!(obs.calls.len(), 2);
    assert!(
        obs.calls
            .iter()
            .all(|c| c.idempotency_key.as_deref() == Some("o-1:charge"))
    );
    // Asking for a call that is not there names what is.
    let error = tapedeck::fixture::mutate::mutate(
        &source.dir,
        tapedeck::cassette::FaultKind::Timeout,
        "refund",
        1,
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("the recorded tools are: charge"),
        "{error}"
    );
}

#[test]
fn every_fault_kind_makes_a_variant_that_loads() {
    use tapedeck::cassette::FaultKind;
    let dir = tempfile::tempdir().unwrap();
    let source = fixture(
        dir.path(),
        json!([{ "id": "c1", "tool": "charge", "effect": "money", "request": { "order": "o-1" },
                 "response": { "charged": true } },
               { "id": "c2", "tool": "charge", "effect": "money", "request": { "order": "o-2" },
                 "error": { "kind": "failed", "message": "card declined" } }]),
    );
    for kind in [
        FaultKind::Timeout,
        FaultKind::RateLimited,
        FaultKind::Unavailable,
        FaultKind::ConnectionReset,
        FaultKind::InvalidResponse,
        FaultKind::Truncated,
        FaultKind::Slow,
        FaultKind::TimeoutAfterSuccess,
    ] {
        let variant = tapedeck::fixture::mutate::mutate(&source.dir, kind, "charge", 1)
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        let fx = tapedeck::Fixture::load(&variant)
            .unwrap_or_else(|e| panic!("the {kind:?} variant does not load: {e}"));
        let faulted = &fx.cassette.interactions[0];
        assert_eq!(faulted.fault.as_ref().map(|f| f.kind), Some(kind));
        let keeps_response = matches!(kind, FaultKind::Slow | FaultKind::TimeoutAfterSuccess);
        assert_eq!(faulted.response.is_some(), keeps_response, "{kind:?}");
    }
    // A late or lost answer needs an answer: the call that failed cannot get one.
    for kind in [FaultKind::Slow, FaultKind::TimeoutAfterSuccess] {
        let error = tapedeck::fixture::mutate::mutate(&source.dir, kind, "charge", 2).unwrap_err();
        assert!(
            error.to_string().contains("was recorded with an error"),
            "{error}"
        );
    }
}

#[test]
fn a_variant_of_a_fixture_holding_a_secret_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let source = fixture(
        dir.path(),
        json!([{ "id": "c1", "tool": "charge", "effect": "money",
                 "request": { "order": "o-1", "auth": "Bearer sk-proj-abcdefghijklmnopqrstuvwx" },
                 "response": { "charged": true } }]),
    );
    let kind = tapedeck::cassette::FaultKind::Timeout;
    let error = tapedeck::fixture::mutate::mutate(&source.dir, kind, "charge", 1).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("tool_cassettes.json") && message.contains("/interactions/"),
        "{message}"
    );
    let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "no variant folder is created");
}

#[test]
fn a_dependency_without_retry_is_one_attempt_guarded_by_its_breaker() {
    let resilience = Arc::new(Resilience::default());
    let (tools, calls, _) = flaky(100, unavailable);
    let ctx = Ctx::builder()
        .toolbox(tools)
        .resilience(resilience.clone())
        .build();
    for n in 1..=3 {
        let result = block_on(ctx.tool("charge").dependency("payments").call(json!({})));
        assert_eq!(result.unwrap_err().kind(), "unavailable");
        assert_eq!(calls.load(Ordering::SeqCst), n, "one attempt per call");
    }
    assert_eq!(resilience.breaker_state("payments"), BreakerState::Open);
    let refused = block_on(ctx.tool("charge").dependency("payments").call(json!({})));
    assert_eq!(refused.unwrap_err().kind(), "circuit_open");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "the open breaker protects the call"
    );
    assert_eq!(ctx.declared().unwrap().reason, "circuit_open");
}

#[test]
fn a_retry_the_tripped_breaker_would_refuse_is_neither_made_nor_charged() {
    let resilience = no_earned_retries(3.0, 3.0);
    let (tools, calls, _) = flaky(100, unavailable);
    let ctx = Ctx::builder()
        .toolbox(tools)
        .resilience(resilience.clone())
        .build();
    let error = block_on(
        ctx.tool("charge")
            .dependency("payments")
            .retry(quick(5))
            .call(json!({})),
    )
    .unwrap_err();
    // The third failure opened the breaker: the fourth attempt would be refused, so the loop
    // stops there, with the breaker's error, and no refused call is recorded.
    assert_eq!(error.kind(), "circuit_open");
    assert_eq!(error.dependency(), Some("payments"));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(ctx.observation().calls.len(), 3);
    let decisions = events(&ctx, "retry_decision");
    let gave_up: Vec<&Value> = decisions.iter().map(|d| &d["give_up"]).collect();
    assert_eq!(
        gave_up,
        [&Value::Null, &Value::Null, &json!("circuit_open")]
    );
    assert_eq!(ctx.declared().unwrap().reason, "circuit_open");
    // Two retries were made and charged; the one not made was not (3 - 2, plus a few
    // milliseconds of refill).
    let balance = resilience.budget_balance("payments");
    assert!((0.99..1.5).contains(&balance), "balance {balance}");
}

#[test]
fn an_exhausted_budget_is_its_own_error_and_keeps_the_last_one() {
    let resilience = no_earned_retries(0.0, 10.0);
    let (tools, _, _) = flaky(10, || ToolError::Timeout {
        tool: "charge".into(),
    });
    let ctx = Ctx::builder().toolbox(tools).resilience(resilience).build();
    let result = block_on(
        ctx.tool("charge")
            .dependency("payments")
            .retry(quick(5))
            .call(json!({})),
    );
    let error = result.unwrap_err();
    assert_eq!(error.kind(), "retry_budget_exhausted", "{error:?}");
    assert!(!error.is_transient(), "retrying it would stack retries");
    assert!(
        error.effect_unknown(),
        "the last attempt timed out: {error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("payments") && text.contains("timed out"),
        "{text}"
    );
}

#[test]
fn a_call_refused_by_an_open_breaker_is_recorded_as_a_refused_call() {
    let (resilience, tools, calls, _) = payments_down_after_one_run();
    let dependent = Ctx::builder().toolbox(tools).resilience(resilience).build();
    let result = block_on(
        dependent
            .tool("charge")
            .idempotency_key("k-1")
            .dependency("payments")
            .retry(quick(3))
            .call(json!({ "cents": 5 })),
    );
    assert_eq!(result.unwrap_err().kind(), "circuit_open");
    assert_eq!(calls.load(Ordering::SeqCst), 3, "nothing ran");
    let obs = dependent.observation();
    assert_eq!(obs.calls.len(), 1, "{obs:?}");
    let refused = &obs.calls[0];
    assert_eq!(refused.source, tapedeck::observation::CallSource::Blocked);
    assert_eq!(refused.request, json!({ "cents": 5 }));
    assert_eq!(refused.idempotency_key.as_deref(), Some("k-1"));
    let error = refused.error.as_ref().unwrap();
    assert_eq!(error.kind, "circuit_open");
    assert!(error.message.contains("payments"), "{}", error.message);
    assert_eq!(
        obs.ledger[0].outcome,
        tapedeck::observation::LedgerOutcome::Blocked
    );
}

#[test]
fn rate_limits_are_retried_and_charged_but_do_not_open_the_breaker() {
    let throttled = || ToolError::RateLimited {
        tool: "charge".into(),
        retry_after: Some(Duration::from_millis(1)),
    };
    let resilience = Arc::new(Resilience::default());
    let (tools, calls, _) = flaky(100, throttled);
    let ctx = Ctx::builder()
        .toolbox(tools)
        .resilience(Arc::clone(&resilience))
        .build();
    let result = block_on(
        ctx.tool("charge")
            .dependency("payments")
            .retry(quick(5))
            .call(json!({})),
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        5,
        "five 429s, every one retried"
    );
    assert_eq!(result.unwrap_err().kind(), "rate_limited");
    assert_eq!(resilience.breaker_state("payments"), BreakerState::Closed);
    assert!(events(&ctx, "breaker").is_empty());

    // Every retry of a 429 is charged to the budget: two retries in a budget of two.
    let tight = no_earned_retries(2.0, 2.0);
    let (tools, calls, _) = flaky(100, throttled);
    let ctx = Ctx::builder().toolbox(tools).resilience(tight).build();
    let result = block_on(
        ctx.tool("charge")
            .dependency("payments")
            .retry(quick(5))
            .call(json!({})),
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(result.unwrap_err().kind(), "retry_budget_exhausted");
}

#[test]
fn retry_decisions_name_the_dependency() {
    let (tools, _, _) = flaky(1, unavailable);
    let ctx = Ctx::builder().toolbox(tools).build();
    block_on(
        ctx.tool("charge")
            .dependency("payments")
            .retry(quick(3))
            .call(json!({})),
    )
    .unwrap();
    let decisions = events(&ctx, "retry_decision");
    assert_eq!(decisions[0]["dependency"], "payments");
    block_on(ctx.tool("charge").retry(quick(3)).call(json!({}))).unwrap();
    assert_eq!(
        events(&ctx, "retry_decision").len(),
        1,
        "the second call succeeded at once"
    );
}

#[test]
fn a_fixture_can_tighten_the_breaker_and_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let down = json!({ "tool": "charge", "effect": "money", "request": { "order": "o-1" },
                       "fault": { "kind": "unavailable" } });
    let fx = fixture(dir.path(), json!([down, down]));
    std::fs::write(
        fx.dir.join("input.json"),
        r#"{"input": "o-1", "resilience": {"breaker": {"failure_threshold": 2, "cool_down_ms": 60000}, "budget": {"max_balance": 0}}}"#,
    )
    .unwrap();
    let fx = tapedeck::Fixture::load(&fx.dir).unwrap();
    let run = tapedeck::Replay::new(&fx)
        .mode(tapedeck::Mode::Strict)
        .run_blocking(&tapedeck::agent_fn(charging_agent));
    let obs = &run.observation;
    // The budget holds no retry: the first charge is one attempt. The second charge's failure
    // is the second in a row, which opens the breaker, so its retry is not made either. With
    // the defaults both charges would have retried into cassette misses.
    let opened: Vec<_> = obs.events.iter().filter(|e| e.kind == "breaker").collect();
    assert_eq!(opened.len(), 1, "{:?}", obs.events);
    assert_eq!(opened[0].data["to"], "open");
    let gave_up: Vec<&Value> = obs
        .events
        .iter()
        .filter(|e| e.kind == "retry_decision")
        .map(|e| &e.data["give_up"])
        .collect();
    assert_eq!(
        gave_up,
        [&json!("retry_budget_exhausted"), &json!("circuit_open")]
    );
    let kinds: Vec<&str> = obs
        .calls
        .iter()
        .map(|c| c.error.as_ref().map_or("ok", |e| e.kind.as_str()))
        .collect();
    assert_eq!(kinds, ["unavailable", "unavailable"]);
    assert!(obs.unused_interactions.is_empty() && run.misses.is_empty());
}

#[test]
fn a_fixture_can_start_with_a_breaker_the_fleet_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(dir.path(), json!([]));
    std::fs::write(
        fx.dir.join("input.json"),
        r#"{"input": "o-1", "resilience": {"breaker": {"open": ["payments"], "cool_down_ms": 1000}}}"#,
    )
    .unwrap();
    let fx = tapedeck::Fixture::load(&fx.dir).unwrap();
    let agent = async |ctx: &Ctx, order: String| -> Result<Value, ToolError> {
        let charge = || {
            ctx.tool("charge")
                .dependency("payments")
                .call(json!({ "order": order }))
        };
        let refused = charge().await.unwrap_err();
        assert_eq!(refused.kind(), "circuit_open");
        // After the cool-down the breaker admits a probe, which this cassette cannot answer.
        ctx.sleep(Duration::from_millis(1000)).await;
        charge().await
    };
    let run = tapedeck::Replay::new(&fx)
        .mode(tapedeck::Mode::Strict)
        .run_blocking(&tapedeck::agent_fn(agent));
    let calls = &run.observation.calls;
    let kinds: Vec<&str> = calls
        .iter()
        .map(|c| c.error.as_ref().map_or("ok", |e| e.kind.as_str()))
        .collect();
    assert_eq!(kinds, ["circuit_open", "cassette_miss"]);
    assert_eq!(
        calls[0].error.as_ref().unwrap().dependency.as_deref(),
        Some("payments")
    );
    let changes: Vec<(&Value, &Value)> = run
        .observation
        .events
        .iter()
        .filter(|e| e.kind == "breaker")
        .map(|e| (&e.data["from"], &e.data["to"]))
        .collect();
    assert_eq!(changes, [(&json!("open"), &json!("half_open"))]);
}

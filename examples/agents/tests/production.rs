//! The agents' production path: a real `Ctx` over a `Toolbox` of in-process fake services
//! (a payment API that deduplicates by idempotency key, a job queue, a ticket store).

use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tapedeck::observation::{CallSource, LedgerOutcome};
use tapedeck::resilience::{BreakerState, Resilience};
use tapedeck::{Ctx, Effect, ToolError, Toolbox, Verdict};
use tapedeck_example_agents::booking::{self, BookingRequest, ItineraryWrite, RetryKey};
use tapedeck_example_agents::queue_worker::{self, CompletionOrder, Job};
use tapedeck_example_agents::research::{self, ResearchRequest};

// ---------------------------------------------------------------- fake payment API

/// How the fake payment API misbehaves on the first charge call.
#[derive(Clone, Copy, PartialEq)]
enum FirstCharge {
    Ok,
    /// The charge is applied, then the answer is lost (timeout).
    TimeoutAfterSuccess,
    /// 429 with a short `Retry-After`.
    RateLimited,
    /// The payment API is down: every charge answers 503.
    Down,
}

#[derive(Default)]
struct PaymentState {
    /// Applied charges by idempotency key.
    charges: HashMap<String, Value>,
    calls: u32,
    confirmed: Vec<String>,
}

#[derive(Clone)]
struct PaymentApi {
    state: Arc<Mutex<PaymentState>>,
    first: FirstCharge,
    hold_amount: u64,
}

impl PaymentApi {
    fn new(first: FirstCharge) -> PaymentApi {
        PaymentApi {
            state: Arc::default(),
            first,
            hold_amount: 41_200,
        }
    }

    fn applied_charges(&self) -> usize {
        self.state.lock().unwrap().charges.len()
    }

    fn toolbox(&self) -> Toolbox {
        let charge_api = self.clone();
        let confirm_api = self.clone();
        let hold_amount = self.hold_amount;
        Toolbox::new()
            .with("quote", Effect::Read, |call| async move {
                let nights = call.args["nights"].as_u64().unwrap_or(1);
                Ok(json!({ "quote_id": "q_1", "amount_cents": 20_600 * nights, "currency": call.args["currency"] }))
            })
            .with("hold", Effect::Write, move |call| async move {
                assert!(call.idempotency_key.is_some(), "holds carry a key");
                Ok(json!({ "hold_id": "h_1", "amount_cents": hold_amount }))
            })
            .with("charge", Effect::Money, move |call| {
                let api = charge_api.clone();
                async move { api.charge(call) }
            })
            .with("confirm", Effect::Write, move |call| {
                let api = confirm_api.clone();
                async move {
                    let charge = call.args["charge_id"].as_str().unwrap_or_default().to_string();
                    api.state.lock().unwrap().confirmed.push(charge);
                    Ok(json!({ "booking_id": "bk_1", "status": "confirmed" }))
                }
            })
    }

    fn charge(&self, call: tapedeck::ToolCall) -> Result<Value, ToolError> {
        let key = call
            .idempotency_key
            .clone()
            .ok_or_else(|| ToolError::Failed {
                tool: "charge".into(),
                message: "an Idempotency-Key header is required".into(),
            })?;
        let mut state = self.state.lock().unwrap();
        state.calls += 1;
        if self.first == FirstCharge::Down {
            return Err(ToolError::Unavailable {
                tool: "charge".into(),
            });
        }
        let first = state.calls == 1;
        if first && self.first == FirstCharge::RateLimited {
            return Err(ToolError::RateLimited {
                tool: "charge".into(),
                retry_after: Some(Duration::from_millis(5)),
            });
        }
        if let Some(stored) = state.charges.get(&key) {
            let mut replay = stored.clone();
            replay["idempotent_replayed"] = json!(true);
            return Ok(replay);
        }
        let id = format!("ch_{}", state.charges.len() + 1);
        let charge = json!({ "charge_id": id, "status": "succeeded", "amount_cents": call.args["amount_cents"] });
        state.charges.insert(key, charge.clone());
        if first && self.first == FirstCharge::TimeoutAfterSuccess {
            return Err(ToolError::Timeout {
                tool: "charge".into(),
            });
        }
        Ok(charge)
    }
}

fn booking_request(retry_key: RetryKey) -> BookingRequest {
    BookingRequest {
        task: "trip-4411".into(),
        customer_id: "cus_8812".into(),
        offer_id: "off_lisbon_riverside_dbl".into(),
        nights: 2,
        currency: "EUR".into(),
        max_price_cents: 45_000,
        retry_key,
        max_charge_attempts: 3,
        itinerary: None,
        itinerary_write: ItineraryWrite::Conditional,
    }
}

#[tokio::test]
async fn booking_retries_a_lost_charge_with_the_same_key_and_charges_once() {
    let api = PaymentApi::new(FirstCharge::TimeoutAfterSuccess);
    let ctx = Ctx::builder()
        .toolbox(api.toolbox())
        .task_id("trip-4411")
        .build();
    let receipt = booking::book(&ctx, booking_request(RetryKey::Stable))
        .await
        .expect("the retry returns the stored charge");
    assert_eq!(api.applied_charges(), 1);
    assert_eq!(receipt.charge_id, "ch_1");
    assert_eq!(receipt.charge_attempts, 2);
    let obs = ctx.observation();
    let keys: Vec<_> = obs
        .calls
        .iter()
        .filter(|c| c.tool == "charge")
        .map(|c| c.idempotency_key.clone().unwrap())
        .collect();
    assert_eq!(keys, ["trip-4411:charge", "trip-4411:charge"]);
    assert_eq!(obs.artifacts[0].path, "receipts/trip-4411.json");
    assert_eq!(api.state.lock().unwrap().confirmed, ["ch_1"]);
}

#[tokio::test]
async fn legacy_per_attempt_keys_charge_twice_after_a_lost_answer() {
    let api = PaymentApi::new(FirstCharge::TimeoutAfterSuccess);
    let ctx = Ctx::builder().toolbox(api.toolbox()).build();
    let receipt = booking::book(&ctx, booking_request(RetryKey::PerAttempt))
        .await
        .expect("the second charge succeeds");
    assert_eq!(
        api.applied_charges(),
        2,
        "the known weakness: a double charge"
    );
    assert_eq!(receipt.charge_id, "ch_2");
}

#[tokio::test]
async fn booking_honours_a_rate_limit_once() {
    let api = PaymentApi::new(FirstCharge::RateLimited);
    let ctx = Ctx::builder().toolbox(api.toolbox()).build();
    let receipt = booking::book(&ctx, booking_request(RetryKey::Stable))
        .await
        .unwrap();
    assert_eq!(receipt.charge_attempts, 2);
    assert_eq!(api.applied_charges(), 1);
    let decisions: Vec<_> = ctx
        .observation()
        .events
        .into_iter()
        .filter(|e| e.kind == "retry_decision")
        .map(|e| e.data)
        .collect();
    assert_eq!(decisions.len(), 1, "{decisions:?}");
    assert_eq!(decisions[0]["error"], "rate_limited");
    assert_eq!(decisions[0]["delay_ms"], 5, "Retry-After is honoured");
}

/// One breaker per dependency for the whole fleet: the first booking's three failed charges
/// open the `payments` breaker, and the next booking's charge is refused without reaching the
/// payment API; it never confirms, and its run is declared `blocked` (`circuit_open`).
#[tokio::test]
async fn an_open_payments_breaker_stops_the_next_booking_before_it_charges() {
    let api = PaymentApi::new(FirstCharge::Down);
    let fleet = Arc::new(Resilience::default());
    let run = |task: &str| {
        Ctx::builder()
            .toolbox(api.toolbox())
            .resilience(Arc::clone(&fleet))
            .task_id(task)
            .build()
    };
    let first = run("trip-4411");
    let err = booking::book(&first, booking_request(RetryKey::Stable))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unavailable"), "{err}");
    assert_eq!(api.state.lock().unwrap().calls, 3, "three attempts");
    assert_eq!(fleet.breaker_state(booking::PAYMENTS), BreakerState::Open);
    assert_eq!(
        first.declared(),
        None,
        "the first run failed on its own errors"
    );

    let second = run("trip-4412");
    let mut req = booking_request(RetryKey::Stable);
    req.task = "trip-4412".into();
    let err = booking::book(&second, req).await.unwrap_err();
    assert!(err.to_string().contains("circuit_open"), "{err}");
    assert_eq!(
        api.state.lock().unwrap().calls,
        3,
        "the API saw no new charge"
    );
    assert!(api.state.lock().unwrap().confirmed.is_empty());
    let declared = second.declared().unwrap();
    assert_eq!(
        (declared.verdict, declared.reason.as_str()),
        (Verdict::Blocked, "circuit_open")
    );
    // The refused charge is recorded as a call the runtime refused (nothing ran), so the run's
    // record shows which call the breaker stopped and why.
    let obs = second.observation();
    let tools: Vec<&str> = obs.calls.iter().map(|c| c.tool.as_str()).collect();
    assert_eq!(tools, ["quote", "hold", "charge"]);
    let refused = &obs.calls[2];
    assert_eq!(refused.source, CallSource::Blocked);
    let error = refused.error.as_ref().unwrap();
    assert_eq!(error.kind, "circuit_open");
    assert!(
        error.message.contains(booking::PAYMENTS),
        "{}",
        error.message
    );
    let charge = obs.ledger.iter().find(|e| e.tool == "charge").unwrap();
    assert_eq!(charge.outcome, LedgerOutcome::Blocked);
}

#[tokio::test]
async fn booking_refuses_a_quote_over_the_limit_before_any_side_effect() {
    let api = PaymentApi::new(FirstCharge::Ok);
    let ctx = Ctx::builder().toolbox(api.toolbox()).build();
    let mut req = booking_request(RetryKey::Stable);
    req.max_price_cents = 10_000;
    let err = booking::book(&ctx, req).await.unwrap_err();
    assert!(err.to_string().contains("above the limit"), "{err}");
    assert!(ctx.observation().ledger.is_empty());
}

// ---------------------------------------------------------------- fake job queue

#[derive(Default)]
struct QueueState {
    log: Vec<String>,
    results: HashMap<String, String>,
}

fn queue_tools(state: Arc<Mutex<QueueState>>, llm_fails: bool) -> Toolbox {
    let log = |state: &Arc<Mutex<QueueState>>, what: &str| {
        state.lock().unwrap().log.push(what.to_string());
    };
    let (s1, s2, s3, s4) = (state.clone(), state.clone(), state.clone(), state.clone());
    Toolbox::new()
        .with("claim", Effect::Write, move |call| {
            log(&s1, "claim");
            async move {
                Ok(json!({ "claimed": true, "lease_id": "lease_1", "ticket_id": format!("T-{}", call.args["job_id"].as_str().unwrap_or_default()) }))
            }
        })
        .with("get_ticket", Effect::Read, |_call| async move {
            Ok(json!({ "subject": "Invoice charged twice", "body": "We were billed twice for March.", "customer_tier": "enterprise" }))
        })
        .with("llm", Effect::Model, move |call| {
            async move {
                if llm_fails {
                    return Err(ToolError::Unavailable { tool: call.tool });
                }
                Ok(json!({ "text": "{\"category\":\"billing\",\"priority\":\"p1\",\"summary\":\"Duplicate invoice charge.\"}" }))
            }
        })
        .with("write_result", Effect::Write, move |call| {
            let path = call.args["path"].as_str().unwrap_or_default().to_string();
            let sha = call.args["sha256"].as_str().unwrap_or_default().to_string();
            s2.lock().unwrap().log.push("write_result".into());
            s2.lock().unwrap().results.insert(path, sha);
            async move { Ok(json!({ "stored": true })) }
        })
        .with("complete", Effect::Write, move |_call| {
            log(&s3, "complete");
            async move { Ok(json!({ "status": "done" })) }
        })
        .with("release", Effect::Write, move |_call| {
            log(&s4, "release");
            async move { Ok(json!({ "released": true })) }
        })
}

fn job(order: CompletionOrder) -> Job {
    Job {
        queue: "support-triage".into(),
        job_id: "job-20931".into(),
        worker_id: "worker-3".into(),
        model: "claude-3-5-haiku-20241022".into(),
        lease_seconds: 300,
        completion_order: order,
    }
}

#[tokio::test]
async fn worker_writes_the_result_before_completing() {
    let state = Arc::new(Mutex::new(QueueState::default()));
    let ctx = Ctx::builder()
        .toolbox(queue_tools(state.clone(), false))
        .build();
    let outcome = queue_worker::work(&ctx, job(CompletionOrder::WriteThenComplete))
        .await
        .unwrap();
    assert_eq!(outcome.status, "done");
    let state = state.lock().unwrap();
    assert_eq!(state.log, ["claim", "write_result", "complete"]);
    let obs = ctx.observation();
    assert_eq!(obs.artifacts[0].path, "results/job-20931.json");
    assert_eq!(
        state.results["results/job-20931.json"],
        obs.artifacts[0].sha256
    );
}

#[tokio::test]
async fn worker_releases_the_claim_when_processing_fails() {
    let state = Arc::new(Mutex::new(QueueState::default()));
    let ctx = Ctx::builder()
        .toolbox(queue_tools(state.clone(), true))
        .build();
    let err = queue_worker::work(&ctx, job(CompletionOrder::WriteThenComplete))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("claim released"), "{err}");
    assert_eq!(state.lock().unwrap().log, ["claim", "release"]);
}

#[tokio::test]
async fn legacy_order_completes_before_the_result_exists() {
    let state = Arc::new(Mutex::new(QueueState::default()));
    let ctx = Ctx::builder()
        .toolbox(queue_tools(state.clone(), false))
        .build();
    queue_worker::work(&ctx, job(CompletionOrder::CompleteThenWrite))
        .await
        .unwrap();
    assert_eq!(
        state.lock().unwrap().log,
        ["claim", "complete", "write_result"]
    );
}

// ---------------------------------------------------------------- research

fn research_request(topic: &str) -> ResearchRequest {
    ResearchRequest {
        topic: topic.into(),
        max_sources: 3,
        model: "gpt-4o-mini-2024-07-18".into(),
        max_tokens: 800,
        parallel_fetches: 1,
        fetch_attempts: 1,
    }
}

#[tokio::test]
async fn research_writes_a_cited_report_with_the_fake_tools() {
    let ctx = Ctx::builder().toolbox(research::research_tools()).build();
    let report = research::research(&ctx, research_request("SQLite WAL mode"))
        .await
        .unwrap();
    assert_eq!(report.sources.len(), 3);
    assert_eq!(report.report_path, "reports/sqlite-wal-mode.md");
    assert_eq!(report.findings["citations"], json!([1, 2, 3]));
    let obs = ctx.observation();
    let paths: Vec<_> = obs.artifacts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(
        paths,
        ["reports/sqlite-wal-mode.md", "reports/sqlite-wal-mode.json"]
    );
    assert!(
        obs.evidence
            .contains(&"/calls/0/response/hits/2/url".to_string())
    );
}

#[tokio::test]
async fn research_with_no_hits_returns_an_empty_result() {
    let ctx = Ctx::builder().toolbox(research::research_tools()).build();
    let report = research::research(&ctx, research_request("quantum tax law"))
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&report).unwrap(), json!({}));
    assert!(ctx.observation().artifacts.is_empty());
}

#[tokio::test]
async fn the_fake_model_cuts_off_at_max_tokens() {
    let ctx = Ctx::builder().toolbox(research::research_tools()).build();
    let mut req = research_request("idempotency keys");
    req.max_tokens = 40;
    let report = research::research(&ctx, req).await.unwrap();
    assert!(
        report.findings.is_string(),
        "the known weakness: raw text passed through"
    );
}

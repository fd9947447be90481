//! Replay engine: modes, matching, faults, deadlines, values, outcomes.

mod support;

use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::fixture;
use tapedeck::observation::{CallSource, LedgerOutcome, Outcome};
use tapedeck::{Ctx, Declared, Effect, Mode, Replay, ToolError, Toolbox, agent_fn};

fn search_cassette() -> Value {
    json!({"recorded_at": "2026-03-01T12:00:00Z", "interactions": [
        {"id": "s1", "tool": "search", "effect": "read", "request": {"q": "rust"}, "response": {"hits": ["a"]}, "duration_ms": 100, "usage": {"input_tokens": 3}},
        {"id": "m1", "tool": "llm", "effect": "model", "request": {"prompt": "sum"}, "response": "summary", "duration_ms": 400, "usage": {"input_tokens": 10, "output_tokens": 5, "cost_usd": 0.25}},
        {"id": "w1", "tool": "save", "effect": "write", "request": {"doc": "summary"}, "response": {"ok": true}, "idempotency_key": "k1", "duration_ms": 50}
    ]})
}

async fn research(ctx: &Ctx, query: String) -> Result<Value, ToolError> {
    let hits = ctx.call("search", json!({"q": query})).await?;
    let summary = ctx.call("llm", json!({"prompt": "sum"})).await?;
    ctx.tool("save")
        .idempotency_key("k1")
        .call(json!({"doc": summary}))
        .await?;
    Ok(json!({"hits": hits, "summary": summary}))
}

#[test]
fn cassette_mode_answers_every_call_and_observes_it() {
    let f = fixture(
        "research",
        json!({"input": "rust"}),
        json!({}),
        search_cassette(),
    );
    let run = Replay::new(&f).run_blocking(&agent_fn(research));
    let obs = &run.observation;
    assert_eq!(obs.outcome, Outcome::Returned);
    assert_eq!(
        obs.output,
        Some(json!({"hits": {"hits": ["a"]}, "summary": "summary"}))
    );
    let tools: Vec<_> = obs
        .calls
        .iter()
        .map(|c| (c.tool.as_str(), c.source, c.interaction.as_deref()))
        .collect();
    assert_eq!(
        tools,
        [
            ("search", CallSource::Cassette, Some("s1")),
            ("llm", CallSource::Cassette, Some("m1")),
            ("save", CallSource::Cassette, Some("w1"))
        ]
    );
    assert_eq!(
        obs.calls.iter().map(|c| c.started_ms).collect::<Vec<_>>(),
        [0, 100, 500]
    );
    assert_eq!(obs.elapsed_ms, 550);
    assert_eq!(obs.usage.input_tokens, 13);
    assert_eq!(obs.usage.output_tokens, 5);
    assert_eq!(obs.usage.cost_usd, 0.25);
    assert_eq!(obs.ledger.len(), 1, "only the write goes to the ledger");
    assert_eq!(obs.ledger[0].outcome, LedgerOutcome::Answered);
    assert_eq!(obs.ledger[0].idempotency_key.as_deref(), Some("k1"));
    assert!(obs.unused_interactions.is_empty());
    assert!(run.misses.is_empty());
}

#[test]
fn identical_calls_are_consumed_in_order_and_parallel_calls_match_in_any_order() {
    let cassette = json!({"interactions": [
        {"id": "a1", "tool": "fetch", "effect": "read", "request": {"u": "a"}, "response": 1, "duration_ms": 30},
        {"id": "b", "tool": "fetch", "effect": "read", "request": {"u": "b"}, "response": 2, "duration_ms": 50},
        {"id": "a2", "tool": "fetch", "effect": "read", "request": {"u": "a"}, "response": 3, "duration_ms": 10}
    ]});
    let f = fixture("par", json!({"input": null}), json!({}), cassette);
    let agent = async |ctx: &Ctx, _: Value| -> Result<Value, ToolError> {
        // b and a arrive in the opposite of recorded order, concurrently.
        let (b, a) = tokio::join!(
            ctx.call("fetch", json!({"u": "b"})),
            ctx.call("fetch", json!({"u": "a"}))
        );
        let again = ctx.call("fetch", json!({"u": "a"})).await?;
        Ok(json!([b?, a?, again]))
    };
    let run = Replay::new(&f).run_blocking(&agent_fn(agent));
    assert_eq!(run.observation.output, Some(json!([2, 1, 3])));
    let starts: Vec<_> = run.observation.calls.iter().map(|c| c.started_ms).collect();
    assert_eq!(
        starts,
        [0, 0, 50],
        "concurrent calls start together; the next starts after the slower one"
    );
    assert_eq!(run.observation.elapsed_ms, 60);
}

#[test]
fn a_miss_is_a_typed_error_with_a_report_and_nothing_runs() {
    let f = fixture("miss", json!({"input": "go"}), json!({}), search_cassette());
    let saved = Arc::new(AtomicUsize::new(0));
    let counter = saved.clone();
    let tools = Toolbox::new().with("save", Effect::Write, move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        async { Ok(json!({"ok": true})) }
    });
    let agent = async |ctx: &Ctx, q: String| -> Result<Value, ToolError> {
        match ctx.call("search", json!({"q": q})).await {
            Err(ToolError::CassetteMiss(report)) => {
                Ok(json!({"missed": report.tool, "nearest": report.nearest[0].interaction}))
            }
            other => panic!("expected a miss, got {other:?}"),
        }
    };
    for mode in [Mode::Cassette, Mode::Strict] {
        let run = Replay::new(&f)
            .mode(mode)
            .toolbox(tools.clone())
            .run_blocking(&agent_fn(agent));
        assert_eq!(
            run.observation.output,
            Some(json!({"missed": "search", "nearest": "s1"}))
        );
        assert_eq!(run.observation.calls[0].source, CallSource::Miss);
        assert_eq!(
            run.observation.calls[0].error.as_ref().unwrap().kind,
            "cassette_miss"
        );
        assert_eq!(run.misses.len(), 1);
        assert_eq!(run.misses[0].nearest[0].differences[0].path, "/q");
        assert_eq!(run.observation.unused_interactions, ["s1", "m1", "w1"]);
        let json: Value = serde_json::from_str(&run.misses[0].to_json()).unwrap();
        assert_eq!(json["unused"], 3);
        // Strict mode keeps the blocked read call as evidence; cassette mode only ledgers side effects.
        assert_eq!(
            run.observation.ledger.len(),
            usize::from(mode == Mode::Strict),
            "{mode}"
        );
    }
    assert_eq!(saved.load(Ordering::SeqCst), 0);
}

#[test]
fn strict_mode_blocks_unrecorded_side_effects_and_ledgers_them() {
    let f = fixture(
        "strict",
        json!({"input": null}),
        json!({}),
        json!({"interactions": []}),
    );
    let charged = Arc::new(AtomicUsize::new(0));
    let c = charged.clone();
    let tools = Toolbox::new().with("charge", Effect::Money, move |_| {
        c.fetch_add(1, Ordering::SeqCst);
        async { Ok(json!("charged")) }
    });
    let agent = async |ctx: &Ctx, _: Value| -> Result<(), ToolError> {
        ctx.tool("charge")
            .idempotency_key("order-1")
            .call(json!({"cents": 500}))
            .await?;
        Ok(())
    };
    for mode in Mode::ALL {
        let run = Replay::new(&f)
            .mode(mode)
            .toolbox(tools.clone())
            .run_blocking(&agent_fn(agent));
        let obs = &run.observation;
        assert!(matches!(obs.outcome, Outcome::Error { .. }), "{mode}");
        assert_eq!(obs.ledger.len(), 1, "{mode}");
        assert_eq!(obs.ledger[0].effect, Effect::Money);
        assert_eq!(obs.ledger[0].outcome, LedgerOutcome::Blocked);
        assert_eq!(obs.ledger[0].idempotency_key.as_deref(), Some("order-1"));
    }
    assert_eq!(
        charged.load(Ordering::SeqCst),
        0,
        "no mode may execute a money call"
    );
}

#[test]
fn live_mode_runs_reads_for_real_and_reports_the_difference() {
    let f = fixture(
        "live",
        json!({"input": "rust"}),
        json!({}),
        search_cassette(),
    );
    let writes = Arc::new(AtomicUsize::new(0));
    let w = writes.clone();
    let tools = Toolbox::new()
        .with("search", Effect::Read, |_| async {
            Ok(json!({"hits": ["a", "b"]}))
        })
        .with("llm", Effect::Model, |_| async { Ok(json!("summary")) })
        .with("save", Effect::Write, move |_| {
            w.fetch_add(1, Ordering::SeqCst);
            async { Ok(json!({"ok": "live"})) }
        });
    let run = Replay::new(&f)
        .mode(Mode::Live)
        .toolbox(tools)
        .run_blocking(&agent_fn(research));
    let calls = &run.observation.calls;
    assert_eq!(calls[0].source, CallSource::Live);
    let diff = calls[0].live_diff.as_ref().unwrap();
    assert_eq!(diff.len(), 1);
    assert_eq!(diff[0].path, "/hits/1");
    assert_eq!(
        calls[1].live_diff.as_ref().map(Vec::len),
        Some(0),
        "same model answer: empty diff"
    );
    assert_eq!(
        calls[2].source,
        CallSource::Cassette,
        "writes are answered from the cassette in live mode"
    );
    assert_eq!(calls[2].response.as_deref(), Some(&json!({"ok": true})));
    assert_eq!(writes.load(Ordering::SeqCst), 0);
}

#[test]
fn live_mode_runs_unrecorded_reads_but_not_unrecorded_writes() {
    let f = fixture(
        "live2",
        json!({"input": null}),
        json!({}),
        json!({"interactions": []}),
    );
    let tools = Toolbox::new()
        .with("search", Effect::Read, |_| async { Ok(json!("fresh")) })
        .with("save", Effect::Write, |_| async {
            panic!("a write must never run in live mode")
        });
    let agent = async |ctx: &Ctx, _: Value| -> Result<Value, ToolError> {
        let fresh = ctx.call("search", json!({})).await?;
        let save = ctx.call("save", json!({})).await;
        Ok(json!([fresh, save.is_err()]))
    };
    let run = Replay::new(&f)
        .mode(Mode::Live)
        .toolbox(tools)
        .run_blocking(&agent_fn(agent));
    assert_eq!(run.observation.output, Some(json!(["fresh", true])));
    assert_eq!(run.observation.calls[1].source, CallSource::Miss);
}

fn fault_fixture(fault: Value) -> tapedeck::Fixture {
    let mut interaction =
        json!({"id": "f", "tool": "pay", "effect": "money", "request": {}, "duration_ms": 5});
    interaction["fault"] = fault.clone();
    if matches!(
        fault["kind"].as_str(),
        Some("slow" | "timeout_after_success")
    ) {
        interaction["response"] = json!({"paid": true});
    }
    fixture(
        "fault",
        json!({"input": null}),
        json!({}),
        json!({"interactions": [interaction]}),
    )
}

async fn pay(ctx: &Ctx, _: Value) -> Result<Value, String> {
    match ctx.tool("pay").idempotency_key("p1").call(json!({})).await {
        Ok(v) => Ok(v),
        Err(e) => Ok(
            json!({"kind": e.kind(), "transient": e.is_transient(), "retry_after_ms": e.retry_after().map(|d| d.as_millis() as u64), "text": e.to_string()}),
        ),
    }
}

#[test]
fn every_fault_kind_is_delivered_as_its_typed_error() {
    let cases = [
        (
            json!({"kind": "timeout"}),
            "timeout",
            LedgerOutcome::Unknown,
        ),
        (
            json!({"kind": "rate_limited", "retry_after_ms": 1500}),
            "rate_limited",
            LedgerOutcome::Failed,
        ),
        (
            json!({"kind": "unavailable"}),
            "unavailable",
            LedgerOutcome::Failed,
        ),
        (
            json!({"kind": "connection_reset"}),
            "connection_reset",
            LedgerOutcome::Unknown,
        ),
        (
            json!({"kind": "invalid_response"}),
            "invalid_response",
            LedgerOutcome::Unknown,
        ),
        (
            json!({"kind": "truncated"}),
            "invalid_response",
            LedgerOutcome::Unknown,
        ),
        (
            json!({"kind": "timeout_after_success"}),
            "timeout",
            LedgerOutcome::AppliedUnconfirmed,
        ),
    ];
    for (fault, kind, ledger) in cases {
        let f = fault_fixture(fault.clone());
        let run = Replay::new(&f).run_blocking(&agent_fn(pay));
        let out = run.observation.output.clone().unwrap();
        assert_eq!(out["kind"], kind, "{fault}");
        assert_eq!(run.observation.ledger[0].outcome, ledger, "{fault}");
        assert_eq!(
            run.observation.calls[0].fault.map(|f| f.as_str()),
            fault["kind"].as_str()
        );
        if fault["kind"] == "rate_limited" {
            assert_eq!(out["retry_after_ms"], 1500);
        }
        if fault["kind"] == "truncated" {
            assert!(out["text"].as_str().unwrap().contains("truncated"));
        }
    }
}

#[test]
fn a_slow_fault_delivers_the_response_late_on_the_virtual_clock() {
    let f = fault_fixture(json!({"kind": "slow", "delay_ms": 2500}));
    let run = Replay::new(&f).run_blocking(&agent_fn(pay));
    assert_eq!(run.observation.output, Some(json!({"paid": true})));
    assert_eq!(run.observation.elapsed_ms, 2500);
    assert_eq!(run.observation.ledger[0].outcome, LedgerOutcome::Answered);
}

#[test]
fn recorded_errors_are_typed_too() {
    for (kind, want) in [
        ("timeout", "timeout"),
        ("rate_limited", "rate_limited"),
        ("unavailable", "unavailable"),
        ("connection_reset", "connection_reset"),
        ("invalid_response", "invalid_response"),
        ("truncated", "invalid_response"),
        ("failed", "failed"),
    ] {
        let cassette = json!({"interactions": [{"tool": "pay", "effect": "money", "request": {}, "error": {"kind": kind, "message": "boom", "retry_after_ms": 7}}]});
        let f = fixture("err", json!({"input": null}), json!({}), cassette);
        let run = Replay::new(&f).run_blocking(&agent_fn(pay));
        assert_eq!(
            run.observation.output.as_ref().unwrap()["kind"],
            want,
            "{kind}"
        );
    }
}

#[test]
fn the_deadline_stops_work_on_the_virtual_clock() {
    let cassette = json!({"interactions": [
        {"tool": "step", "effect": "read", "request": {"n": 0}, "response": 0, "duration_ms": 600},
        {"tool": "step", "effect": "read", "request": {"n": 1}, "response": 1, "duration_ms": 600},
        {"tool": "step", "effect": "read", "request": {"n": 2}, "response": 2, "duration_ms": 600}
    ]});
    let f = fixture(
        "deadline",
        json!({"input": null, "timeout_seconds": 1}),
        json!({}),
        cassette,
    );
    let agent = async |ctx: &Ctx, _: Value| -> Result<Value, String> {
        let mut seen = Vec::new();
        for n in 0..3 {
            let remaining = ctx.remaining().unwrap().as_millis() as u64;
            match ctx.call("step", json!({"n": n})).await {
                Ok(v) => seen.push(json!({"ok": v, "remaining": remaining})),
                Err(e) => seen.push(json!({"err": e.kind(), "remaining": remaining})),
            }
        }
        Ok(Value::Array(seen))
    };
    let run = Replay::new(&f).run_blocking(&agent_fn(agent));
    assert_eq!(
        run.observation.output,
        Some(
            json!([{"ok": 0, "remaining": 1000}, {"err": "deadline_exceeded", "remaining": 400}, {"err": "deadline_exceeded", "remaining": 0}])
        )
    );
    assert_eq!(run.observation.elapsed_ms, 1000);
    assert_eq!(run.observation.deadline_ms, Some(1000));
    assert_eq!(
        run.observation.calls[2].source,
        CallSource::Blocked,
        "a call after the deadline never starts"
    );
    assert_eq!(run.observation.unused_interactions.len(), 1);
}

#[test]
fn the_allowlist_blocks_other_tools() {
    let f = fixture(
        "allow",
        json!({"input": "rust", "tool_allowlist": ["search"]}),
        json!({}),
        search_cassette(),
    );
    let run = Replay::new(&f).run_blocking(&agent_fn(research));
    let call = &run.observation.calls[1];
    assert_eq!(call.source, CallSource::Blocked);
    assert!(
        call.error
            .as_ref()
            .unwrap()
            .message
            .contains("not in the tool allowlist (search)"),
        "{call:?}"
    );
    assert!(
        matches!(&run.observation.outcome, Outcome::Error { message } if message.contains("blocked"))
    );
}

#[test]
fn values_replay_recorded_then_deterministic() {
    let cassette = json!({"recorded_at": "2026-05-01T00:00:00Z", "values": {"now": ["2026-05-01T00:00:07Z"], "uuid": ["67e55044-10b1-426f-9247-bb680e5fe0c8"], "random": [0.5]}, "interactions": []});
    let f = fixture("values", json!({"input": null}), json!({}), cassette);
    let agent = async |ctx: &Ctx, _: Value| -> Result<Value, String> {
        let first = humantime::format_rfc3339(ctx.now()).to_string();
        ctx.sleep(Duration::from_secs(3)).await;
        let second = humantime::format_rfc3339(ctx.now()).to_string();
        Ok(json!([
            first,
            second,
            ctx.uuid().to_string(),
            ctx.random(),
            ctx.uuid().to_string(),
            ctx.random()
        ]))
    };
    let a = Replay::new(&f).run_blocking(&agent_fn(agent));
    let b = Replay::new(&f).run_blocking(&agent_fn(agent));
    let out = a.observation.output.clone().unwrap();
    assert_eq!(out[0], "2026-05-01T00:00:07Z");
    assert_eq!(
        out[1], "2026-05-01T00:00:03Z",
        "after recorded values run out, time is the virtual clock"
    );
    assert_eq!(out[2], "67e55044-10b1-426f-9247-bb680e5fe0c8");
    assert_eq!(out[3], 0.5);
    assert_eq!(
        a.observation.output, b.observation.output,
        "replays are deterministic"
    );
    assert_eq!(a.captured.uuid.len(), 2);
}

#[test]
fn panics_errors_and_declarations_are_observed() {
    let f = fixture(
        "outcomes",
        json!({"input": null}),
        json!({}),
        json!({"interactions": []}),
    );
    let panics = async |_: &Ctx, _: Value| -> Result<(), String> { panic!("index out of range") };
    let run = Replay::new(&f).run_blocking(&agent_fn(panics));
    assert_eq!(
        run.observation.outcome,
        Outcome::Panicked {
            message: "index out of range".into()
        }
    );

    let errs = async |_: &Ctx, _: Value| -> Result<(), String> { Err("no results".into()) };
    assert_eq!(
        Replay::new(&f)
            .run_blocking(&agent_fn(errs))
            .observation
            .outcome,
        Outcome::Error {
            message: "no results".into()
        }
    );

    let returns_declared = async |_: &Ctx, _: Value| -> Result<(), Declared> {
        Err(Declared::blocked("circuit_open"))
    };
    let run = Replay::new(&f).run_blocking(&agent_fn(returns_declared));
    assert_eq!(
        run.observation.outcome,
        Outcome::Declared {
            verdict: tapedeck::Verdict::Blocked,
            reason: "circuit_open".into()
        }
    );

    let declares = async |ctx: &Ctx, _: Value| -> Result<u8, String> {
        ctx.declare(Declared::degraded("partial_results"));
        Ok(7)
    };
    let run = Replay::new(&f).run_blocking(&agent_fn(declares));
    assert_eq!(
        run.observation.outcome,
        Outcome::Declared {
            verdict: tapedeck::Verdict::Degraded,
            reason: "partial_results".into()
        }
    );
    assert_eq!(run.observation.output, Some(json!(7)));

    let wrong_input = async |_: &Ctx, _: Vec<u8>| -> Result<(), String> { Ok(()) };
    let run = Replay::new(&f).run_blocking(&agent_fn(wrong_input));
    assert!(
        matches!(&run.observation.outcome, Outcome::Harness { message } if message.contains("does not fit the agent's input type"))
    );
}

#[test]
fn json_requests_are_sent_as_they_are() {
    let cassette = json!({"interactions": [{"tool": "lookup", "effect": "read", "request": {"id": 7}, "response": {"price": 12}}]});
    let f = fixture("json", json!({"input": null}), json!({}), cassette);
    let agent = async |ctx: &Ctx, _: Value| -> Result<Value, String> {
        let (index, response) = ctx
            .tool("lookup")
            .call_json_indexed(json!({"id": 7}))
            .await
            .map_err(|e| e.to_string())?;
        Ok(json!({"index": index, "response": response}))
    };
    let obs = Replay::new(&f).run_blocking(&agent_fn(agent)).observation;
    assert_eq!(
        obs.output,
        Some(json!({"index": 0, "response": {"price": 12}}))
    );
    assert_eq!(obs.calls[0].request, json!({"id": 7}));
    assert_eq!(obs.calls[0].interaction.as_deref(), Some("#0"));
}

#[test]
fn shared_responses_are_the_observed_responses_not_copies() {
    let cassette = json!({"interactions": [
        {"tool": "lookup", "effect": "read", "request": {"id": 7}, "response": {"price": 12}},
        {"tool": "lookup", "effect": "read", "request": {"id": 8}, "response": {"price": 13}},
        {"tool": "lookup", "effect": "read", "request": {"id": 9}, "response": {"price": 14}}
    ]});
    let f = fixture("shared", json!({"input": null}), json!({}), cassette);
    let kept = Arc::new(std::sync::Mutex::new(Vec::new()));
    let k = kept.clone();
    let agent = async move |ctx: &Ctx, _: Value| -> Result<Value, String> {
        let first = ctx.tool("lookup").call_shared(json!({"id": 7})).await;
        let (index, second) = ctx
            .tool("lookup")
            .call_json_shared_indexed(json!({"id": 8}))
            .await
            .map_err(|e| e.to_string())?;
        let third = ctx
            .tool("lookup")
            .call_shared_indexed(json!({"id": 9}))
            .await;
        let (first, (_, third)) = (first.map_err(|e| e.to_string())?, third.unwrap());
        let prices = json!([first["price"], second["price"], third["price"]]);
        k.lock().unwrap().extend([first, second, third]);
        Ok(json!({"index": index, "prices": prices}))
    };
    let obs = Replay::new(&f).run_blocking(&agent_fn(agent)).observation;
    assert_eq!(
        obs.output,
        Some(json!({"index": 1, "prices": [12, 13, 14]}))
    );
    let kept = kept.lock().unwrap();
    for (call, shared) in obs.calls.iter().zip(kept.iter()) {
        let observed = call.response.as_ref().unwrap();
        assert!(Arc::ptr_eq(observed, shared), "call {}", call.index);
    }
}

#[test]
fn typed_responses_deserialize_and_a_misfit_is_an_invalid_response() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Price {
        price: u32,
    }
    let cassette = json!({"interactions": [
        {"tool": "lookup", "effect": "read", "request": {"id": 7}, "response": {"price": 12}},
        {"tool": "lookup", "effect": "read", "request": {"id": 8}, "response": {"price": "twelve"}}
    ]});
    let f = fixture("typed", json!({"input": null}), json!({}), cassette);
    let agent = async |ctx: &Ctx, _: Value| -> Result<Value, String> {
        let good: Price = ctx
            .tool("lookup")
            .call_as(json!({"id": 7}))
            .await
            .map_err(|e| e.to_string())?;
        assert_eq!(good, Price { price: 12 });
        match ctx.tool("lookup").call_as::<Price>(json!({"id": 8})).await {
            Err(ToolError::InvalidResponse { tool, message }) => Ok(json!([tool, message])),
            other => Err(format!("expected an invalid response, got {other:?}")),
        }
    };
    let obs = Replay::new(&f).run_blocking(&agent_fn(agent)).observation;
    let output = obs.output.expect("the agent returns");
    assert_eq!(output[0], "lookup");
    let message = output[1].as_str().unwrap();
    assert!(
        message.contains("invalid type: string \"twelve\""),
        "{message}"
    );
    // The misfit is the agent's problem, not the call's: the call itself answered.
    assert_eq!(
        obs.calls[1].response.as_deref(),
        Some(&json!({"price": "twelve"}))
    );
}
#[test]
fn artifacts_evidence_and_events_are_observed() {
    let cassette = json!({"interactions": [{"tool": "lookup", "effect": "read", "request": {}, "response": {"price": 12}}]});
    let f = fixture(
        "art",
        json!({"input": null, "state": {"order": {"id": 7}}}),
        json!({}),
        cassette,
    );
    let agent = async |ctx: &Ctx, _: Value| -> Result<(), String> {
        let (index, _) = ctx
            .tool("lookup")
            .call_indexed(json!({}))
            .await
            .map_err(|e| e.to_string())?;
        ctx.evidence(format!("/calls/{index}/response/price"));
        ctx.evidence("/state/order/id");
        ctx.event("checkpoint", json!({"step": 1}));
        ctx.artifact_json("report/summary.json", &json!({"price": 12}))
            .map_err(|e| e.to_string())?;
        ctx.artifact("notes.txt", "hello")
            .map_err(|e| e.to_string())?;
        assert!(ctx.artifact("../escape.txt", "x").is_err());
        assert_eq!(ctx.state().unwrap()["order"]["id"], 7);
        Ok(())
    };
    let obs = Replay::new(&f).run_blocking(&agent_fn(agent)).observation;
    assert_eq!(obs.evidence, ["/calls/0/response/price", "/state/order/id"]);
    assert_eq!(obs.events[0].kind, "checkpoint");
    assert_eq!(obs.artifacts.len(), 2);
    assert_eq!(obs.artifacts[0].path, "report/summary.json");
    assert_eq!(obs.artifacts[0].content, Some(json!({"price": 12})));
    assert_eq!(obs.artifacts[1].content, Some(json!("hello")));
    assert_eq!(
        obs.artifacts[1].sha256,
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    let doc = obs.evidence_document(f.input.state.as_deref());
    assert_eq!(
        tapedeck::json_pointer::Pointer::parse("/calls/0/response/price")
            .unwrap()
            .resolve(&doc),
        Some(&json!(12))
    );
}

#[test]
fn volatile_request_paths_are_ignored_by_matching() {
    let cassette = json!({"interactions": [{"tool": "post", "effect": "network", "request": {"body": "hi", "nonce": "abc"}, "response": "sent"}]});
    let agent = async |ctx: &Ctx, _: Value| -> Result<Value, ToolError> {
        ctx.call("post", json!({"body": "hi", "nonce": "xyz"}))
            .await
    };
    let strict = fixture("v1", json!({"input": null}), json!({}), cassette.clone());
    assert!(matches!(
        Replay::new(&strict)
            .run_blocking(&agent_fn(agent))
            .observation
            .outcome,
        Outcome::Error { .. }
    ));
    let lenient = fixture(
        "v2",
        json!({"input": null}),
        json!({"volatile": ["/calls/*/request/nonce"]}),
        cassette,
    );
    assert_eq!(
        Replay::new(&lenient)
            .run_blocking(&agent_fn(agent))
            .observation
            .output,
        Some(json!("sent"))
    );
}

#[test]
fn a_volatile_request_path_naming_one_call_is_ignored_by_matching_that_call_only() {
    let cassette = json!({"interactions": [
        {"tool": "post", "effect": "network", "request": {"body": "a", "nonce": "n0"}, "response": "first"},
        {"tool": "post", "effect": "network", "request": {"body": "b", "nonce": "n1"}, "response": "second"},
    ]});
    let fixture = fixture(
        "v3",
        json!({"input": null}),
        json!({"volatile": ["/calls/1/request/nonce"]}),
        cassette,
    );
    let agent = async |ctx: &Ctx, input: Value| -> Result<Value, ToolError> {
        let first = ctx
            .call("post", json!({"body": "a", "nonce": input["nonces"][0]}))
            .await?;
        let second = ctx
            .call("post", json!({"body": "b", "nonce": input["nonces"][1]}))
            .await?;
        Ok(json!([first, second]))
    };
    let run = |nonces: Value| {
        Replay::new(&fixture)
            .input(json!({ "nonces": nonces }))
            .run_blocking(&agent_fn(agent))
    };
    let second_differs = run(json!(["n0", "fresh"]));
    assert_eq!(
        second_differs.observation.output,
        Some(json!(["first", "second"]))
    );
    let first_differs = run(json!(["fresh", "n1"]));
    assert!(
        matches!(first_differs.observation.outcome, Outcome::Error { .. }),
        "the pointer names call 1, not call 0: {:?}",
        first_differs.observation.outcome
    );
    let miss = &first_differs.misses[0];
    assert_eq!(miss.nearest[0].differences[0].path, "/nonce");
}

#[test]
fn the_same_agent_runs_in_production_with_real_tools() {
    let saves = Arc::new(AtomicUsize::new(0));
    let s = saves.clone();
    let tools = Toolbox::new()
        .with("search", Effect::Read, |call| async move {
            Ok(json!({"hits": [call.args["q"]]}))
        })
        .with("llm", Effect::Model, |_| async { Ok(json!("summary")) })
        .with("save", Effect::Write, move |call| {
            assert_eq!(call.idempotency_key.as_deref(), Some("k1"));
            s.fetch_add(1, Ordering::SeqCst);
            async { Ok(json!({"ok": true})) }
        });
    let ctx = Ctx::builder().toolbox(tools).task_id("t-1").build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let output = runtime.block_on(research(&ctx, "rust".into())).unwrap();
    assert_eq!(
        output,
        json!({"hits": {"hits": ["rust"]}, "summary": "summary"})
    );
    assert_eq!(saves.load(Ordering::SeqCst), 1);
    let obs = ctx.observation();
    assert!(obs.calls.iter().all(|c| c.source == CallSource::Live));
    assert_eq!(obs.ledger[0].outcome, LedgerOutcome::Answered);
    assert_eq!(ctx.mode(), None);
}

#[test]
fn production_calls_are_bounded_by_the_deadline_and_unknown_tools_are_blocked() {
    let tools = Toolbox::new().with("slow", Effect::Read, |_| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(json!(null))
    });
    let ctx = Ctx::builder()
        .toolbox(tools)
        .timeout(Duration::from_millis(20))
        .build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        assert!(matches!(
            ctx.call("slow", json!({})).await,
            Err(ToolError::DeadlineExceeded { .. })
        ));
        assert!(matches!(
            ctx.call("nope", json!({})).await,
            Err(ToolError::DeadlineExceeded { .. } | ToolError::Blocked { .. })
        ));
    });
    let unbounded = Ctx::builder().build();
    let err = runtime
        .block_on(unbounded.call("nope", json!({})))
        .unwrap_err();
    assert!(
        matches!(&err, ToolError::Blocked { reason, .. } if reason.contains("no tool `nope` is registered")),
        "{err}"
    );
}

#[test]
fn concurrent_side_effects_stay_in_call_order_in_the_ledger() {
    let tools = Toolbox::new()
        .with("slow_write", Effect::Write, |_| async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            Ok(json!("slow"))
        })
        .with("fast_write", Effect::Write, |_| async { Ok(json!("fast")) });
    let ctx = Ctx::builder().toolbox(tools).build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (a, b) = tokio::join!(
            ctx.tool("slow_write").idempotency_key("k").call(json!({})),
            ctx.tool("fast_write").idempotency_key("k").call(json!({}))
        );
        a.unwrap();
        b.unwrap();
        ctx.tool("slow_write")
            .idempotency_key("k")
            .call(json!({}))
            .await
            .unwrap();
    });
    let obs = ctx.observation();
    let calls: Vec<(usize, &str)> = obs
        .calls
        .iter()
        .map(|c| (c.index, c.tool.as_str()))
        .collect();
    assert_eq!(
        calls,
        [(0, "slow_write"), (1, "fast_write"), (2, "slow_write")]
    );
    let ledger: Vec<(usize, u32)> = obs.ledger.iter().map(|e| (e.call, e.attempt)).collect();
    assert_eq!(
        ledger,
        [(0, 1), (1, 1), (2, 2)],
        "attempts count per tool and key, in call order"
    );
}

#[test]
fn a_status_declared_before_an_error_wins_over_the_error() {
    let f = fixture(
        "declared_err",
        json!({"input": null}),
        json!({}),
        json!({"interactions": []}),
    );
    let agent = async |ctx: &Ctx, _: Value| -> Result<(), String> {
        ctx.declare(Declared::blocked("retry_budget_exhausted"));
        Err("gave up".into())
    };
    let run = Replay::new(&f).run_blocking(&agent_fn(agent));
    assert_eq!(
        run.observation.outcome,
        Outcome::Declared {
            verdict: tapedeck::Verdict::Blocked,
            reason: "retry_budget_exhausted".into()
        }
    );
}

#[test]
fn a_call_future_stays_small_so_wrapping_it_is_cheap() {
    // Every layer that wraps a call (the agent's own async fns, join_all, the retry loop)
    // moves the whole future; the real-tool and retry paths are boxed so that a replayed
    // call's future stays small: 1,296 to 1,584 bytes when this was written, in debug and
    // release builds alike (3,968 before the boxing). The bound leaves room for small
    // additions and catches an inlined real-tool or retry path.
    let f = fixture(
        "sizes",
        json!({"input": null}),
        json!({}),
        json!({"interactions": []}),
    );
    let sizes = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = sizes.clone();
    let agent = async move |ctx: &Ctx, _: Value| -> Result<Value, String> {
        let futures = [
            std::mem::size_of_val(&ctx.tool("t").call(json!({}))),
            std::mem::size_of_val(&ctx.tool("t").call_shared(json!({}))),
            std::mem::size_of_val(&ctx.tool("t").call_json_shared_indexed(json!({}))),
            std::mem::size_of_val(&ctx.tool("t").call_as::<Value>(json!({}))),
            std::mem::size_of_val(&ctx.call("t", json!({}))),
        ];
        s.lock().unwrap().extend(futures);
        Ok(Value::Null)
    };
    Replay::new(&f).run_blocking(&agent_fn(agent));
    let sizes = sizes.lock().unwrap();
    assert_eq!(sizes.len(), 5);
    for size in sizes.iter() {
        assert!(*size <= 2048, "a call future is {size} bytes: {sizes:?}");
    }
}

/// Runs on one thread share a runtime only while they leave nothing behind: a task an agent
/// spawned and left pending ends with its run, and the next run is not disturbed by it.
#[test]
fn tasks_an_agent_leaves_running_end_with_its_run() {
    struct Guard(Arc<AtomicUsize>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let dropped = Arc::new(AtomicUsize::new(0));
    let f = fixture(
        "leak",
        json!({"input": null}),
        json!({}),
        json!({"interactions": []}),
    );
    let leaves_a_task = {
        let dropped = Arc::clone(&dropped);
        move |_ctx: &Ctx, _: Value| {
            let guard = Guard(Arc::clone(&dropped));
            async move {
                tokio::spawn(async move {
                    let _guard = guard;
                    std::future::pending::<()>().await;
                });
                Ok::<Value, ToolError>(json!("left one running"))
            }
        }
    };
    let first = Replay::new(&f).run_blocking(&agent_fn(leaves_a_task));
    assert_eq!(first.observation.output, Some(json!("left one running")));
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "the pending task ended with its run"
    );
    let finishes = async |_: &Ctx, _: Value| -> Result<Value, ToolError> {
        Ok(tokio::spawn(async { 7 })
            .await
            .map_or(json!(null), |n| json!(n)))
    };
    for _ in 0..2 {
        let run = Replay::new(&f).run_blocking(&agent_fn(finishes));
        assert_eq!(run.observation.output, Some(json!(7)));
    }
}

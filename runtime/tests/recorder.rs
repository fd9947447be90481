//! The production recorder over a real SQLite store and real files.

use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tapedeck::artifact::{committed_dir, read_committed, read_manifest, staging_dir};
use tapedeck::contract::Contract;
use tapedeck::replay::block_on;
use tapedeck::run::{
    PayloadCapture, PayloadRules, Recorder, RecorderConfig, RecorderError, RunEnvelope,
};
use tapedeck::store::{SqliteStore, Store};
use tapedeck::{Ctx, Effect, ToolError, Toolbox, Verdict, watchdog};

struct Setup {
    _dir: tempfile::TempDir,
    recorder: Recorder,
    root: std::path::PathBuf,
}

fn setup() -> Setup {
    setup_with(PayloadRules::default())
}

fn setup_with(payloads: PayloadRules) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(dir.path().join("runs.sqlite")).unwrap());
    let root = dir.path().join("artifacts");
    let config = RecorderConfig::default()
        .artifact_root(&root)
        .code_version("abc123")
        .payloads(payloads);
    Setup {
        recorder: Recorder::with_config(store, config),
        root,
        _dir: dir,
    }
}

fn tools() -> Toolbox {
    Toolbox::new()
        .with("get_order", Effect::Read, |call| async move {
            Ok(json!({ "id": call.args["id"], "status": "paid", "amount": 30 }))
        })
        .with("refund", Effect::Money, |call| async move {
            Ok(json!({ "refund_id": "rf-1", "key": call.idempotency_key }))
        })
}

fn contract(value: Value) -> Contract {
    serde_json::from_value(value).unwrap()
}

async fn refund_agent(ctx: &Ctx, order: &str) -> Result<Value, ToolError> {
    let (index, found) = ctx
        .tool("get_order")
        .call_indexed(json!({ "id": order }))
        .await?;
    ctx.evidence(format!("/calls/{index}/response/status"));
    let refund = ctx
        .tool("refund")
        .idempotency_key(format!("refund-{order}"))
        .call(json!({ "order": order, "amount": found["amount"] }))
        .await?;
    ctx.artifact_json("receipts/refund.json", &refund).unwrap();
    ctx.event("checkpoint", json!({ "step": "refunded" }));
    Ok(refund)
}

#[test]
fn a_passed_run_writes_its_record_first_and_commits_its_artifacts() {
    let s = setup();
    let envelope = RunEnvelope::new("refund_agent", json!("o-1"))
        .task_id("refund-o-1")
        .model("model-x")
        .contract(contract(
            json!({ "artifacts": { "required": [{ "path": "receipts/refund.json" }] } }),
        ));
    let store = s.recorder.store();
    let record = block_on(s.recorder.run(envelope, tools(), async |ctx| {
        // The record exists, open, before the agent does anything.
        let open = store.run(ctx.run_id().unwrap()).unwrap().unwrap();
        assert_eq!(open.closed_at, None);
        assert_eq!(open.status, None);
        refund_agent(ctx, "o-1").await
    }))
    .unwrap();
    assert_eq!(record.status, Some(Verdict::Passed), "{record:?}");
    assert_eq!(record.code_version.as_deref(), Some("abc123"));
    assert_eq!(record.model.as_deref(), Some("model-x"));
    assert!(record.output_sha256.is_some());
    let stored = store.run(&record.run_id).unwrap().unwrap();
    assert_eq!(stored, record);
    // Artifacts: committed, listed in the manifest, readable only through it.
    let manifest = read_manifest(&s.root, &record.run_id).unwrap().unwrap();
    assert_eq!(manifest.artifacts.len(), 1);
    assert_eq!(
        record.artifact_refs,
        vec![format!(
            "receipts/refund.json@{}",
            manifest.artifacts[0].sha256
        )]
    );
    let bytes = read_committed(&s.root, &record.run_id, "receipts/refund.json").unwrap();
    assert!(String::from_utf8(bytes).unwrap().contains("rf-1"));
    assert!(!staging_dir(&s.root, &record.run_id).exists());
    // Events, in order.
    let events = store.events(&record.run_id).unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "run_started",
            "tool_call",
            "evidence",
            "tool_call",
            "artifact",
            "checkpoint",
            "run_closed"
        ]
    );
    assert_eq!(events[0].data["input"], json!("o-1"));
    assert_eq!(events[1].data["tool"], json!("get_order"));
    assert_eq!(events[3].data["idempotency_key"], json!("refund-o-1"));
    assert_eq!(events[6].data["status"], json!("passed"));
    assert!(events.windows(2).all(|w| w[0].seq + 1 == w[1].seq));
}

#[test]
fn a_tampered_committed_artifact_is_not_trusted() {
    let s = setup();
    let record = block_on(s.recorder.run(
        RunEnvelope::new("refund_agent", json!("o-1")),
        tools(),
        async |ctx| refund_agent(ctx, "o-1").await,
    ))
    .unwrap();
    let file = committed_dir(&s.root, &record.run_id).join("receipts/refund.json");
    std::fs::write(&file, "{}").unwrap();
    let error = read_committed(&s.root, &record.run_id, "receipts/refund.json").unwrap_err();
    assert!(
        error.to_string().contains("does not match the manifest"),
        "{error}"
    );
    let error = read_committed(&s.root, &record.run_id, "receipts/other.json").unwrap_err();
    assert!(error.to_string().contains("does not list it"), "{error}");
}

#[test]
fn a_run_that_fails_its_contract_discards_its_artifacts() {
    let s = setup();
    let envelope = RunEnvelope::new("refund_agent", json!("o-1")).contract(contract(
        json!({ "artifacts": { "required": [{ "path": "receipts/missing.json" }] } }),
    ));
    let record = block_on(s.recorder.run(envelope, tools(), async |ctx| {
        refund_agent(ctx, "o-1").await
    }))
    .unwrap();
    assert_eq!(record.status, Some(Verdict::Failed));
    assert!(
        record.reasons.contains(&"missing_artifact_ref".to_string()),
        "{:?}",
        record.reasons
    );
    assert!(record.artifact_refs.is_empty());
    assert_eq!(read_manifest(&s.root, &record.run_id).unwrap(), None);
    assert!(!staging_dir(&s.root, &record.run_id).exists());
    assert!(!committed_dir(&s.root, &record.run_id).exists());
}

#[test]
fn without_a_contract_a_done_without_evidence_is_not_passed() {
    let s = setup();
    let run = |contract: Option<Contract>, agent: fn(&Ctx) -> Value| {
        let mut envelope = RunEnvelope::new("lookup_agent", json!("o-1"));
        envelope.contract = contract;
        block_on(s.recorder.run(envelope, tools(), async move |ctx| {
            ctx.call("get_order", json!({ "id": "o-1" })).await?;
            Ok::<_, ToolError>(agent(ctx))
        }))
        .unwrap()
    };
    // Claims done, proves nothing: failed, an unverified claim.
    let bare = run(None, |_| Value::Null);
    assert_eq!(bare.status, Some(Verdict::Failed), "{bare:?}");
    assert_eq!(bare.reasons, ["empty_output", "missing_artifact_ref"]);
    assert_eq!(
        bare.failure_class,
        Some(tapedeck::FailureClass::SilentDrift)
    );
    assert!(
        bare.failure_reason
            .as_deref()
            .unwrap()
            .contains("ctx.evidence"),
        "{bare:?}"
    );
    let text_only = run(None, |_| json!("refund issued"));
    assert_eq!(text_only.reasons, ["missing_artifact_ref"]);
    // A cited evidence path, or an artifact, is proof.
    let cited = run(None, |ctx| {
        ctx.evidence("/calls/0/response/status");
        json!("paid")
    });
    assert_eq!(cited.status, Some(Verdict::Passed), "{cited:?}");
    let written = run(None, |ctx| {
        ctx.artifact("answer.txt", "paid").unwrap();
        Value::Null
    });
    assert_eq!(written.status, Some(Verdict::Passed), "{written:?}");
    assert_eq!(written.artifact_refs.len(), 1);
    // A contract of the agent's own says what completion means instead.
    let own = run(Some(Contract::default()), |_| json!("refund issued"));
    assert_eq!(own.status, Some(Verdict::Passed), "{own:?}");
}

#[test]
fn an_error_is_failed_and_a_declared_status_is_kept() {
    let s = setup();
    let record = block_on(s.recorder.run(
        RunEnvelope::new("agent", json!(null)),
        Toolbox::new(),
        async |ctx| ctx.call("nowhere", json!({})).await,
    ))
    .unwrap();
    assert_eq!(record.status, Some(Verdict::Failed));
    assert!(record.failure_reason.is_some());

    let record = block_on(s.recorder.run(
        RunEnvelope::new("agent", json!(null)),
        Toolbox::new(),
        async |_ctx| Err::<(), _>(tapedeck::Declared::blocked("no_credentials")),
    ))
    .unwrap();
    assert_eq!(record.status, Some(Verdict::Blocked));
}

#[test]
fn a_panicking_agent_is_closed_as_failed() {
    tapedeck::replay::quiet_caught_agent_panics();
    let s = setup();
    let record = block_on(s.recorder.run(
        RunEnvelope::new("agent", json!(null)),
        tools(),
        async |ctx| -> Result<(), ToolError> {
            ctx.artifact("half.txt", "half").unwrap();
            panic!("boom")
        },
    ))
    .unwrap();
    assert_eq!(record.status, Some(Verdict::Failed));
    assert!(record.reasons.contains(&"agent_panicked".to_string()));
    assert_eq!(
        record.failure_reason.as_deref().map(|r| r.contains("boom")),
        Some(true)
    );
    assert!(!staging_dir(&s.root, &record.run_id).exists());
    assert_eq!(read_manifest(&s.root, &record.run_id).unwrap(), None);
    // The panic is an event of the run, just before it closed.
    s.recorder.flush();
    let events = s.recorder.store().events(&record.run_id).unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds[kinds.len() - 2..],
        ["exception", "run_closed"],
        "{kinds:?}"
    );
    let exception = &events[events.len() - 2].data;
    assert_eq!(exception["kind"], "panic");
    assert!(
        exception["message"].as_str().unwrap().contains("boom"),
        "{exception}"
    );
}

#[test]
fn a_run_dropped_without_close_is_closed_by_its_guard() {
    let s = setup();
    let run = s
        .recorder
        .start(RunEnvelope::new("agent", json!(null)), tools())
        .unwrap();
    let run_id = run.run_id().to_string();
    block_on(async {
        run.ctx()
            .tool("refund")
            .idempotency_key("k")
            .call(json!({ "order": "o-1" }))
            .await
            .unwrap();
    });
    drop(run);
    let record = s.recorder.store().run(&run_id).unwrap().unwrap();
    assert_eq!(record.status, Some(Verdict::Inconclusive));
    assert_eq!(record.reasons, ["run_not_closed"]);
    // A refund went out before the run was dropped: that is a partial write.
    assert_eq!(
        record.failure_class,
        Some(tapedeck::FailureClass::PartialWrite)
    );
    assert!(record.closed_at.is_some());
}

#[test]
fn a_cancelled_run_future_is_closed_by_its_guard() {
    let s = setup();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ids = std::sync::Mutex::new(None);
    runtime.block_on(async {
        let run = s.recorder.run(
            RunEnvelope::new("agent", json!(null)),
            Toolbox::new(),
            async |ctx| {
                *ids.lock().unwrap() = ctx.run_id().map(str::to_string);
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Ok::<_, ToolError>(())
            },
        );
        // The caller gives up after a moment: the future is dropped mid-run.
        let _ = tokio::time::timeout(Duration::from_millis(20), run).await;
    });
    let run_id = ids.lock().unwrap().clone().unwrap();
    let record = s.recorder.store().run(&run_id).unwrap().unwrap();
    assert_eq!(record.status, Some(Verdict::Inconclusive));
    assert_eq!(
        record.failure_class,
        Some(tapedeck::FailureClass::CleanAbort)
    );
}

#[test]
fn hash_capture_keeps_no_payload_but_proves_it() {
    let mut rules = PayloadRules::default();
    rules.tools.insert("get_order".into(), PayloadCapture::Hash);
    let s = setup_with(rules);
    let record = block_on(s.recorder.run(
        RunEnvelope::new("refund_agent", json!("o-1")),
        tools(),
        async |ctx| refund_agent(ctx, "o-1").await,
    ))
    .unwrap();
    let events = s.recorder.store().events(&record.run_id).unwrap();
    let get = events
        .iter()
        .find(|e| e.data["tool"] == "get_order")
        .unwrap();
    assert!(
        get.data["request"]["sha256"].as_str().unwrap().len() == 64,
        "{}",
        get.data
    );
    assert!(get.data["response"].get("status").is_none());
    let refund = events.iter().find(|e| e.data["tool"] == "refund").unwrap();
    assert_eq!(refund.data["request"]["order"], json!("o-1"));
}

#[test]
fn a_child_run_joins_the_trace_and_inherits_the_deadline() {
    let s = setup();
    let recorder = s.recorder.clone();
    let parent = block_on(s.recorder.run(
        RunEnvelope::new("planner", json!(null)).timeout(Duration::from_secs(30)),
        Toolbox::new(),
        async |ctx| {
            let child = RunEnvelope::new("worker", json!(null))
                .timeout(Duration::from_secs(600))
                .child_of(ctx);
            recorder
                .run(child, Toolbox::new(), async |c| {
                    Ok::<_, ToolError>(c.remaining())
                })
                .await
        },
    ))
    .unwrap();
    let child = s
        .recorder
        .store()
        .runs(&tapedeck::store::RunQuery {
            agent_name: Some("worker".into()),
            ..Default::default()
        })
        .unwrap()
        .remove(0);
    assert_eq!(child.parent_run_id.as_deref(), Some(parent.run_id.as_str()));
    assert_eq!(child.trace_id, parent.trace_id);
    assert_eq!(parent.trace_id.as_ref().map(String::len), Some(32));
    assert!(child.timeout_seconds.unwrap() <= 30, "{child:?}");
}

#[test]
fn the_watchdog_closes_an_abandoned_run_once_and_removes_its_staging() {
    let s = setup();
    let run = s
        .recorder
        .start(
            RunEnvelope::new("agent", json!(null)).timeout(Duration::from_secs(10)),
            tools(),
        )
        .unwrap();
    run.ctx().artifact("partial.txt", "half written").unwrap();
    let run_id = run.run_id().to_string();
    assert!(staging_dir(&s.root, &run_id).join("partial.txt").exists());
    let store = s.recorder.store();
    let grace = Duration::from_secs(60);

    // Inside timeout + grace: nothing happens.
    let early =
        watchdog::sweep_at(store, grace, SystemTime::now() + Duration::from_secs(30)).unwrap();
    assert!(early.abandoned.is_empty());

    let later = SystemTime::now() + Duration::from_secs(120);
    let report = watchdog::sweep_at(store, grace, later).unwrap();
    assert_eq!(report.abandoned.len(), 1);
    let record = store.run(&run_id).unwrap().unwrap();
    assert_eq!(record.status, Some(Verdict::Failed));
    assert_eq!(
        record.failure_class,
        Some(tapedeck::FailureClass::RunAbandoned)
    );
    assert_eq!(record.reasons, ["run_abandoned"]);
    assert!(!staging_dir(&s.root, &run_id).exists());
    let alerts = store.alerts(None).unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].run_id.as_deref(), Some(run_id.as_str()));

    // Idempotent.
    let again = watchdog::sweep_at(store, grace, later).unwrap();
    assert!(again.abandoned.is_empty());
    assert_eq!(store.alerts(None).unwrap().len(), 1);

    // The process comes back and tries to close: the watchdog's decision stands.
    let error = run.close(Ok::<_, ToolError>(json!("done"))).unwrap_err();
    assert!(
        matches!(error, RecorderError::AlreadyClosed { .. }),
        "{error}"
    );
    assert_eq!(
        store.run(&run_id).unwrap().unwrap().status,
        Some(Verdict::Failed)
    );
    assert_eq!(read_manifest(&s.root, &run_id).unwrap(), None);
    assert!(!committed_dir(&s.root, &run_id).exists());
}

#[test]
fn artifact_paths_cannot_escape_the_root() {
    let s = setup();
    let run = s
        .recorder
        .start(RunEnvelope::new("agent", json!(null)), tools())
        .unwrap();
    for bad in ["../x", "/etc/passwd", "a/../../x"] {
        assert!(run.ctx().artifact(bad, "x").is_err(), "{bad}");
    }
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        run.ctx().artifact("d/ok.txt", "x").unwrap();
        let staging = staging_dir(&s.root, run.run_id());
        std::os::unix::fs::symlink(outside.path(), staging.join("link")).unwrap();
        let error = run.ctx().artifact("link/evil.txt", "x").unwrap_err();
        assert!(error.to_string().contains("symbolic link"), "{error}");
        assert!(!outside.path().join("evil.txt").exists());
    }
    let _ = Path::new("");
    drop(run);
}

#[test]
fn payloads_are_redacted_before_they_reach_the_store() {
    let s = setup();
    let key = ["gh", "p_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"].concat();
    let tools = Toolbox::new().with("fetch", Effect::Read, |call| async move {
        Ok(json!({ "echo": call.args["auth"] }))
    });
    let record = block_on(s.recorder.run(
        RunEnvelope::new("agent", json!({ "api_key": key.clone() })),
        tools,
        async |ctx| {
            ctx.call("fetch", json!({ "auth": format!("Bearer {key}") }))
                .await?;
            ctx.event("note", json!({ "password": "hunter2" }));
            Ok::<_, ToolError>(())
        },
    ))
    .unwrap();
    let events = s.recorder.store().events(&record.run_id).unwrap();
    let text = serde_json::to_string(&events).unwrap();
    assert!(!text.contains(&key), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("<redacted:github_token:1>"), "{text}");
    // One secret, one placeholder, across the input, the request and the response.
    let call = events.iter().find(|e| e.kind == "tool_call").unwrap();
    assert_eq!(
        call.data["request"]["auth"],
        "Bearer <redacted:github_token:1>"
    );
    assert_eq!(
        call.data["response"]["echo"],
        "Bearer <redacted:github_token:1>"
    );
}

#[test]
fn a_call_refused_by_an_open_breaker_is_in_the_run_record() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(dir.path().join("runs.sqlite")).unwrap());
    let config = RecorderConfig::default().artifact_root(dir.path().join("artifacts"));
    // Another run of the fleet already saw the payment API fail three times.
    for _ in 0..3 {
        config.resilience.failure("payments", Duration::ZERO);
    }
    let recorder = Recorder::with_config(Arc::clone(&store), config);
    let record = block_on(recorder.run(
        RunEnvelope::new("refund", json!("o-1")),
        tools(),
        async |ctx| {
            ctx.tool("refund")
                .idempotency_key("refund-o-1")
                .dependency("payments")
                .call(json!({ "order": "o-1" }))
                .await
        },
    ))
    .unwrap();
    assert_eq!(record.status, Some(Verdict::Blocked));
    assert!(
        record.reasons.iter().any(|r| r == "circuit_open"),
        "{:?}",
        record.reasons
    );
    let events = store.events(&record.run_id).unwrap();
    let call = events.iter().find(|e| e.kind == "tool_call").unwrap();
    assert_eq!(call.data["tool"], "refund");
    assert_eq!(call.data["source"], "blocked");
    assert_eq!(call.data["error"]["kind"], "circuit_open");
    assert!(
        call.data["error"]["message"]
            .as_str()
            .unwrap()
            .contains("payments")
    );
}

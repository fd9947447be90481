//! What every [`Store`] backend must do, case by case, each on a fresh store: `tests/store.rs`
//! runs the cases on SQLite and `tests/store_postgres.rs` on PostgreSQL ([`conformance_tests!`]).

use serde_json::json;
use tapedeck::fixture::Tier;
use tapedeck::resilience::idempotency::{Begin, Finish, StoredOutcome};
use tapedeck::store::migrations::MIGRATIONS;
use tapedeck::store::{
    Alert, Heartbeat, Override, RunQuery, RunRecord, RunType, Store, StoredEvent,
};
use tapedeck::{FailureClass, Verdict};

/// One `#[test]` per case, each on the fresh store that `$fresh()` returns as
/// `Some((guard, store))` (the guard lives as long as the test: a temporary directory, say) or
/// `None` to skip.
#[macro_export]
macro_rules! conformance_tests {
    ($fresh:path) => {
        $crate::conformance_tests!(@cases $fresh;
            round_trip, queries, close_and_overdue, events, alerts, heartbeats_and_overrides,
            sessions, shared_state, idempotency);
    };
    (@cases $fresh:path; $($case:ident),*) => {
        $(
            #[test]
            fn $case() {
                let Some((_guard, store)) = $fresh() else { return };
                store_conformance::$case(&*store);
            }
        )*
    };
}

/// A record with every field set, for fixture `fixture`.
pub fn full_record(fixture: &str, status: Verdict) -> RunRecord {
    let mut r = RunRecord::start("refund", RunType::Replay);
    r.task_id = Some("task-1".into());
    r.attempt = 2;
    r.fixture_id = Some(fixture.into());
    r.closed_at = Some("2026-10-01T00:00:01.000Z".into());
    r.code_version = Some("abc123".into());
    r.model = Some("large-2026".into());
    r.prompt_version = Some("v7".into());
    r.tool_allowlist = Some(vec!["get_order".into(), "refund".into()]);
    r.timeout_seconds = Some(30);
    r.input_sha256 = Some("aa".repeat(32));
    r.output_sha256 = Some("bb".repeat(32));
    r.state_refs = vec!["fixture:readme/x/input.json#/state".into()];
    r.artifact_refs = vec!["reports/a.md@".to_string() + &"cc".repeat(32)];
    r.status = Some(status);
    r.failure_class = (status != Verdict::Passed).then_some(FailureClass::SilentDrift);
    r.failure_reason = Some("the output text does not contain \"42\"".into());
    r.reasons = vec!["output_mismatch".into()];
    r.tokens_in = 1200;
    r.tokens_out = 300;
    r.cost_usd = 0.0125;
    r.trace_id = Some("4bf92f3577b34da6a3ce929d0e0e4736".into());
    r.parent_run_id = Some("01928f3e-7a1b-7c3d-9e4f-5a6b7c8d9e0f".into());
    r.tier = Some(Tier::Hourly);
    r.session_id = Some("session-0".into());
    r.proven = Some(true);
    r.expectation_met = Some(false);
    r
}

/// A conformance case.
pub fn round_trip(store: &dyn Store) {
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
    let record = full_record("readme/x", Verdict::Failed);
    store.insert_run(&record).unwrap();
    assert_eq!(store.run(&record.run_id).unwrap(), Some(record.clone()));
    assert_eq!(store.run("no-such-run").unwrap(), None);
    let bare = RunRecord::start("refund", RunType::Production);
    store.insert_run(&bare).unwrap();
    assert_eq!(store.run(&bare.run_id).unwrap(), Some(bare));

    let batch = [
        full_record("batch/a", Verdict::Passed),
        full_record("batch/b", Verdict::Failed),
    ];
    store.insert_runs(&batch).unwrap();
    for r in &batch {
        assert_eq!(store.run(&r.run_id).unwrap().as_ref(), Some(r));
    }
    // A batch with a run already stored writes none of its records.
    let again = [full_record("batch/c", Verdict::Passed), batch[0].clone()];
    assert!(store.insert_runs(&again).is_err());
    assert_eq!(store.run(&again[0].run_id).unwrap(), None, "rolled back");
}

fn at(minute: u32) -> String {
    format!("2026-10-01T00:{minute:02}:00.000Z")
}

/// A conformance case.
pub fn queries(store: &dyn Store) {
    let mut records = Vec::new();
    for (i, (fixture, status, run_type)) in [
        ("s/a", Verdict::Passed, RunType::Replay),
        ("s/a", Verdict::Failed, RunType::Replay),
        ("s/b", Verdict::Passed, RunType::Replay),
        ("s/a", Verdict::Passed, RunType::Canary),
    ]
    .into_iter()
    .enumerate()
    {
        let mut r = full_record(fixture, status);
        r.run_type = run_type;
        r.started_at = at(i as u32 + 1);
        r.session_id = Some(format!("session-{i}"));
        store.insert_run(&r).unwrap();
        records.push(r);
    }
    let mut open_run = RunRecord::start("triage", RunType::Production);
    open_run.started_at = "2020-01-01T00:00:00.000Z".into();
    store.insert_run(&open_run).unwrap();

    let ids = |q: RunQuery| -> Vec<String> {
        store
            .runs(&q)
            .unwrap()
            .into_iter()
            .map(|r| r.run_id)
            .collect()
    };
    let id = |i: usize| records[i].run_id.clone();
    assert_eq!(
        ids(RunQuery::default()),
        [id(3), id(2), id(1), id(0), open_run.run_id.clone()],
        "newest first"
    );
    let q = RunQuery {
        run_type: Some(RunType::Replay),
        fixture_id: Some("s/a".into()),
        ..Default::default()
    };
    assert_eq!(ids(q), [id(1), id(0)]);
    let q = RunQuery {
        status: Some(Verdict::Failed),
        ..Default::default()
    };
    assert_eq!(ids(q), [id(1)]);
    let q = RunQuery {
        agent_name: Some("triage".into()),
        ..Default::default()
    };
    assert_eq!(ids(q), [open_run.run_id.clone()]);
    let q = RunQuery {
        open: Some(true),
        ..Default::default()
    };
    assert_eq!(ids(q), [open_run.run_id.clone()]);
    let q = RunQuery {
        since: Some(at(2)),
        until: Some(at(4)),
        ..Default::default()
    };
    assert_eq!(ids(q), [id(2), id(1)], "since is inclusive, until is not");
    let q = RunQuery {
        session_id: Some("session-2".into()),
        ..Default::default()
    };
    assert_eq!(ids(q), [id(2)]);
    let q = RunQuery {
        limit: Some(2),
        ..Default::default()
    };
    assert_eq!(ids(q), [id(3), id(2)]);
}

/// A conformance case.
pub fn close_and_overdue(store: &dyn Store) {
    let mut run = RunRecord::start("refund", RunType::Production);
    run.started_at = at(0);
    run.timeout_seconds = Some(60);
    run.fixture_id = Some("prod/x".into());
    let root = std::path::Path::new("/var/tapedeck/artifacts");
    store.open_run(&run, Some(root)).unwrap();

    let overdue = store.overdue_runs(&at(2)).unwrap();
    assert_eq!(overdue.len(), 1, "{overdue:?}");
    assert_eq!(overdue[0].record.run_id, run.run_id);
    assert_eq!(overdue[0].deadline_at, "2026-10-01T00:01:00.000Z");
    assert_eq!(overdue[0].artifact_root.as_deref(), Some(root));
    assert!(store.overdue_runs(&at(1)).unwrap().is_empty(), "not yet");

    let mut closed = run.clone();
    closed.closed_at = Some(at(3));
    closed.status = Some(Verdict::Failed);
    closed.failure_class = Some(FailureClass::Timeout);
    closed.reasons = vec!["watchdog".into()];
    closed.tokens_in = 7;
    assert!(store.close_run(&closed).unwrap(), "the first closer wins");
    let mut late = closed.clone();
    late.status = Some(Verdict::Passed);
    assert!(!store.close_run(&late).unwrap(), "the second closer loses");
    assert_eq!(store.run(&run.run_id).unwrap(), Some(closed));
    assert!(store.overdue_runs(&at(9)).unwrap().is_empty());
}

/// A conformance case.
pub fn events(store: &dyn Store) {
    let event = |run_id: &str, seq: u64, data| StoredEvent {
        run_id: run_id.into(),
        seq,
        kind: "tool_call".into(),
        at: at(seq as u32),
        data,
    };
    store.append_events(&[]).unwrap();
    store
        .append_events(&[
            event("r1", 1, json!({"tool": "b"})),
            event("r1", 0, json!({"tool": "a", "n": [1, 2]})),
            event("r2", 0, json!("other run")),
        ])
        .unwrap();
    // A batch that repeats a stored event (a retried flush) keeps the first.
    store
        .append_events(&[event("r1", 1, json!("again")), event("r1", 2, json!(null))])
        .unwrap();
    let stored = store.events("r1").unwrap();
    let seen: Vec<_> = stored.iter().map(|e| (e.seq, e.data.clone())).collect();
    assert_eq!(
        seen,
        [
            (0, json!({"tool": "a", "n": [1, 2]})),
            (1, json!({"tool": "b"})),
            (2, json!(null))
        ]
    );
    assert!(store.events("r3").unwrap().is_empty());

    // Large batches (written a hundred rows per statement) keep order and the first copy too.
    let many = |seqs: std::ops::Range<u64>, tag: &str| -> Vec<StoredEvent> {
        seqs.map(|seq| event("r4", seq, json!({ "tag": tag, "seq": seq })))
            .collect()
    };
    store.append_events(&many(0..250, "first")).unwrap();
    store.append_events(&many(50..350, "again")).unwrap();
    let stored = store.events("r4").unwrap();
    assert_eq!(stored.len(), 350);
    assert!(stored.iter().enumerate().all(|(i, e)| e.seq == i as u64));
    let tag = |seq: usize| stored[seq].data["tag"].clone();
    assert_eq!(
        (tag(0), tag(249), tag(250), tag(349)),
        (
            json!("first"),
            json!("first"),
            json!("again"),
            json!("again")
        )
    );
}

/// A conformance case.
pub fn alerts(store: &dyn Store) {
    let alert = |id: &str, minute: u32, class| Alert {
        alert_id: id.into(),
        kind: "silent_failure".into(),
        run_id: Some(format!("run-{id}")),
        agent_name: Some("refund".into()),
        failure_class: class,
        at: at(minute),
        message: format!("alert {id}"),
    };
    let first = alert("a", 5, Some(FailureClass::SilentDrift));
    let second = alert("b", 1, None);
    store.insert_alert(&first).unwrap();
    store.insert_alert(&second).unwrap();
    assert_eq!(store.alerts(None).unwrap(), [second, first.clone()]);
    assert_eq!(store.alerts(Some(&at(2))).unwrap(), [first]);
}

/// A conformance case.
pub fn heartbeats_and_overrides(store: &dyn Store) {
    let beat = |session: &str, tier, phase: &str, minute| Heartbeat {
        session_id: session.into(),
        tier,
        phase: phase.into(),
        at: at(minute),
    };
    store
        .record_heartbeat(&beat("s1", Tier::Critical, "started", 1))
        .unwrap();
    store
        .record_heartbeat(&beat("s2", Tier::Critical, "started", 15))
        .unwrap();
    store
        .record_heartbeat(&beat("s2", Tier::Critical, "finished", 16))
        .unwrap();
    // The same session and phase again moves its time.
    store
        .record_heartbeat(&beat("s2", Tier::Critical, "finished", 17))
        .unwrap();
    let last = store.last_heartbeats().unwrap();
    assert_eq!(
        last,
        [
            beat("s2", Tier::Critical, "started", 15),
            beat("s2", Tier::Critical, "finished", 17)
        ]
    );

    let cover = |id: &str, until: u32| Override {
        override_id: id.into(),
        fixtures: "booking/*".into(),
        who: "oncall".into(),
        why: "vendor outage".into(),
        created_at: at(until - 1),
        until: at(until),
    };
    store.insert_override(&cover("o1", 10)).unwrap();
    store.insert_override(&cover("o2", 30)).unwrap();
    assert_eq!(store.active_overrides(&at(5)).unwrap().len(), 2);
    assert_eq!(store.active_overrides(&at(20)).unwrap(), [cover("o2", 30)]);
    assert!(store.active_overrides(&at(30)).unwrap().is_empty());
}

/// A conformance case.
pub fn sessions(store: &dyn Store) {
    let record = |fixture: &str, attempt, status, minute| {
        let mut r = full_record(fixture, status);
        r.run_type = RunType::Canary;
        r.session_id = Some("s-1".into());
        r.attempt = attempt;
        r.started_at = at(minute);
        r.closed_at = Some(at(minute));
        r
    };
    let retried = record("f/a", 2, Verdict::Passed, 2);
    let failing = record("f/b", 1, Verdict::Failed, 3);
    for r in [&record("f/a", 1, Verdict::Failed, 1), &retried, &failing] {
        store.insert_run(r).unwrap();
    }
    assert_eq!(store.finalize_session("s-1").unwrap(), 3);
    let finality = |r: &RunRecord| store.run(&r.run_id).unwrap().unwrap().finality;
    assert_eq!(finality(&retried), Some(tapedeck::store::Finality::Final));
    let history = store.session_history(10).unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(
        (
            history[0].passing,
            history[0].failing,
            history[0].at.clone()
        ),
        (1, 1, at(2))
    );
    let latest: Vec<_> = store
        .latest_results(RunType::Canary)
        .unwrap()
        .into_iter()
        .map(|r| r.run_id)
        .collect();
    assert_eq!(latest, [retried.run_id.clone(), failing.run_id.clone()]);

    let mut bad = full_record("p/x", Verdict::Failed);
    bad.run_type = RunType::Production;
    bad.started_at = at(7);
    let mut later = bad.clone();
    later.run_id = format!("{}-later", bad.run_id);
    later.started_at = at(8);
    store.insert_run(&later).unwrap();
    store.insert_run(&bad).unwrap();
    let first = store.first_bad_runs(&at(0)).unwrap();
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(
        (
            first[0].failure_class,
            &first[0].run_id,
            &first[0].started_at
        ),
        (FailureClass::SilentDrift, &bad.run_id, &at(7))
    );
    assert!(store.first_bad_runs(&at(9)).unwrap().is_empty());
}

/// A conformance case.
pub fn shared_state(store: &dyn Store) {
    assert_eq!(store.state_get("k").unwrap(), None);
    assert_eq!(
        store.state_put("k", None, &json!({"n": 1})).unwrap(),
        Some(1)
    );
    assert_eq!(
        store.state_put("k", None, &json!(0)).unwrap(),
        None,
        "exists"
    );
    assert_eq!(
        store.state_put("k", Some(1), &json!({"n": 2})).unwrap(),
        Some(2)
    );
    assert_eq!(
        store.state_put("k", Some(1), &json!(0)).unwrap(),
        None,
        "stale version"
    );
    let current = store.state_get("k").unwrap().unwrap();
    assert_eq!((current.version, current.value), (2, json!({"n": 2})));
}

/// A conformance case.
pub fn idempotency(store: &dyn Store) {
    let done = StoredOutcome::Response(json!({"charged": 42}));
    assert_eq!(
        store.idempotency_begin("k1", "f1", Some("run-1")).unwrap(),
        Begin::Execute
    );
    assert_eq!(
        store.idempotency_begin("k1", "f1", None).unwrap(),
        Begin::InUse
    );
    assert_eq!(
        store.idempotency_begin("k1", "f2", None).unwrap(),
        Begin::Reused
    );
    store
        .idempotency_finish("k1", &Finish::Completed(done.clone()))
        .unwrap();
    assert_eq!(
        store.idempotency_begin("k1", "f1", None).unwrap(),
        Begin::Replay(done)
    );

    // A run's keys in flight are released when its process is gone; one caller reclaims.
    assert_eq!(
        store.idempotency_begin("k2", "f", Some("run-2")).unwrap(),
        Begin::Execute
    );
    assert_eq!(store.idempotency_release_run("run-2").unwrap(), 1);
    assert_eq!(store.idempotency_release_run("run-2").unwrap(), 0);
    assert_eq!(
        store.idempotency_begin("k2", "f", None).unwrap(),
        Begin::Execute
    );
    assert_eq!(
        store.idempotency_begin("k2", "f", None).unwrap(),
        Begin::InUse
    );

    // A key claimed outside a run is released once its lease ran out.
    assert_eq!(
        store.idempotency_begin("k3", "f", None).unwrap(),
        Begin::Execute
    );
    assert_eq!(
        store
            .idempotency_release_stale("2000-01-01T00:00:00Z")
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .idempotency_release_stale("2999-01-01T00:00:00Z")
            .unwrap(),
        2,
        "k2 and k3, both claimed without a run"
    );
    store
        .idempotency_finish("k3", &Finish::Unconfirmed)
        .unwrap();
    assert_eq!(
        store.idempotency_begin("k3", "f", None).unwrap(),
        Begin::Execute
    );
}

/// Opens another store on the same database: another connection, as another process has.
pub type Opener<'a> = &'a (dyn Fn() -> Box<dyn Store> + Sync);

/// Writers on separate connections increment one shared record by compare-and-swap: every
/// increment lands, none is lost.
pub fn concurrent_increments_all_land(open: Opener<'_>) {
    const WRITERS: u64 = 4;
    const INCREMENTS: u64 = 25;
    std::thread::scope(|scope| {
        for _ in 0..WRITERS {
            scope.spawn(|| {
                let store = open();
                for _ in 0..INCREMENTS {
                    tapedeck::store::shared::update(&*store, "counter", 1000, |current| {
                        json!(current.and_then(serde_json::Value::as_u64).unwrap_or(0) + 1)
                    })
                    .unwrap();
                }
            });
        }
    });
    let record = open().state_get("counter").unwrap().unwrap();
    assert_eq!(record.value, json!(WRITERS * INCREMENTS));
    assert_eq!(record.version, WRITERS * INCREMENTS);
}

/// Callers on separate connections claim one idempotency key at once: exactly one executes,
/// and after it is released as unconfirmed, exactly one reclaims it.
pub fn concurrent_claims_execute_once(open: Opener<'_>) {
    const CALLERS: usize = 8;
    let claim = || -> Vec<Begin> {
        std::thread::scope(|scope| {
            let callers: Vec<_> = (0..CALLERS)
                .map(|_| {
                    let store = open();
                    scope.spawn(move || {
                        store
                            .idempotency_begin("charge-7", "f", Some("run-9"))
                            .unwrap()
                    })
                })
                .collect();
            callers.into_iter().map(|c| c.join().unwrap()).collect()
        })
    };
    let executed = |answers: &[Begin]| answers.iter().filter(|b| **b == Begin::Execute).count();
    let first = claim();
    assert_eq!(executed(&first), 1, "{first:?}");
    assert_eq!(open().idempotency_release_run("run-9").unwrap(), 1);
    let second = claim();
    assert_eq!(executed(&second), 1, "{second:?}");
    assert!(
        second
            .iter()
            .all(|b| matches!(b, Begin::Execute | Begin::InUse))
    );
}

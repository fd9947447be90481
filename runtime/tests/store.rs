//! The SQLite run store: migrations, WAL, round trips, queries, concurrent writers.

use std::sync::Arc;
use tapedeck::store::migrations::MIGRATIONS;
use tapedeck::store::{RunQuery, RunRecord, RunType, SqliteStore, Store, StoreError, open};
use tapedeck::{FailureClass, Verdict};

fn full_record(fixture: &str, status: Verdict) -> RunRecord {
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
    r
}

#[test]
fn a_record_round_trips_with_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("nested/dir/runs.sqlite")).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
    let record = full_record("readme/x", Verdict::Failed);
    store.insert_run(&record).unwrap();
    assert_eq!(store.run(&record.run_id).unwrap(), Some(record.clone()));
    assert_eq!(store.run("no-such-run").unwrap(), None);
    assert!(
        dir.path().join("nested/dir/runs.sqlite-wal").exists(),
        "WAL mode is set explicitly"
    );
}

#[test]
fn queries_filter_by_type_fixture_status_and_openness() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("runs.sqlite")).unwrap();
    store
        .insert_run(&full_record("s/a", Verdict::Passed))
        .unwrap();
    store
        .insert_run(&full_record("s/a", Verdict::Failed))
        .unwrap();
    store
        .insert_run(&full_record("s/b", Verdict::Passed))
        .unwrap();
    let mut canary = full_record("s/a", Verdict::Passed);
    canary.run_type = RunType::Canary;
    store.insert_run(&canary).unwrap();
    let mut open_run = RunRecord::start("refund", RunType::Production);
    open_run.started_at = "2020-01-01T00:00:00.000Z".into();
    store.insert_run(&open_run).unwrap();

    let count = |q: RunQuery| store.runs(&q).unwrap().len();
    assert_eq!(count(RunQuery::default()), 5);
    assert_eq!(
        count(RunQuery {
            run_type: Some(RunType::Replay),
            fixture_id: Some("s/a".into()),
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        count(RunQuery {
            status: Some(Verdict::Failed),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        count(RunQuery {
            run_type: Some(RunType::Canary),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        count(RunQuery {
            open: Some(true),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        count(RunQuery {
            since: Some("2021-01-01T00:00:00Z".into()),
            ..Default::default()
        }),
        4
    );
    assert_eq!(
        count(RunQuery {
            limit: Some(2),
            ..Default::default()
        }),
        2
    );
    let newest = store.runs(&RunQuery::default()).unwrap();
    assert!(
        newest
            .windows(2)
            .all(|w| w[0].started_at >= w[1].started_at),
        "newest first"
    );
}

#[test]
fn reopening_keeps_records_and_does_not_migrate_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.sqlite");
    let record = full_record("s/a", Verdict::Passed);
    SqliteStore::open(&path)
        .unwrap()
        .insert_run(&record)
        .unwrap();
    let again = SqliteStore::open(&path).unwrap();
    assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len() as u32);
    assert_eq!(
        again.run(&record.run_id).unwrap().unwrap().run_id,
        record.run_id
    );
}

#[test]
fn concurrent_writers_on_separate_connections_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = Arc::new(dir.path().join("runs.sqlite"));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let path = Arc::clone(&path);
            std::thread::spawn(move || {
                let store = SqliteStore::open(path.as_path()).unwrap();
                for i in 0..50 {
                    store
                        .insert_run(&full_record(&format!("w{w}/f{i}"), Verdict::Passed))
                        .unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let store = SqliteStore::open(path.as_path()).unwrap();
    assert_eq!(store.runs(&RunQuery::default()).unwrap().len(), 200);
}

#[test]
fn urls_and_unreadable_values_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("u.sqlite").display());
    assert_eq!(
        open(&url).unwrap().schema_version().unwrap(),
        MIGRATIONS.len() as u32
    );
    let pg = open("postgres://db/runs").expect_err("postgres is refused");
    assert!(
        matches!(pg, StoreError::Unsupported(ref m) if m.contains("PostgreSQL")),
        "{pg}"
    );
    assert!(open("  ").is_err());

    let path = dir.path().join("c.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    let record = full_record("s/a", Verdict::Passed);
    store.insert_run(&record).unwrap();
    let raw = hand_edit_status(&path, &record.run_id);
    assert!(raw, "edited");
    let err = store.run(&record.run_id).unwrap_err();
    assert!(
        err.to_string()
            .contains("status \"greenish\" is not a known value"),
        "{err}"
    );
}

/// Corrupts a row's status through a second connection, as a hand edit would.
fn hand_edit_status(path: &std::path::Path, run_id: &str) -> bool {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute(
        "UPDATE runs SET status = 'greenish' WHERE run_id = ?1",
        [run_id],
    )
    .unwrap()
        == 1
}

#[test]
fn runs_are_found_by_status_agent_and_time_window() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("runs.sqlite")).unwrap();
    for (minute, agent, status) in [
        (0, "a", Verdict::Passed),
        (10, "a", Verdict::Failed),
        (20, "b", Verdict::Failed),
    ] {
        let mut r = full_record("s/x", status);
        r.run_id = format!("run-{minute}");
        r.agent_name = agent.into();
        r.started_at = format!("2026-11-22T12:{minute:02}:00.000Z");
        store.insert_run(&r).unwrap();
    }
    let ids = |q: RunQuery| -> Vec<String> {
        store
            .runs(&q)
            .unwrap()
            .into_iter()
            .map(|r| r.run_id)
            .collect()
    };
    assert_eq!(
        ids(RunQuery {
            status: Some(Verdict::Failed),
            ..Default::default()
        }),
        ["run-20", "run-10"]
    );
    assert_eq!(
        ids(RunQuery {
            agent_name: Some("a".into()),
            since: Some("2026-11-22T12:05:00Z".into()),
            until: Some("2026-11-22T12:15:00Z".into()),
            ..Default::default()
        }),
        ["run-10"]
    );
}

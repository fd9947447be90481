//! Crash and concurrency tests with real processes over one real SQLite store.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};
use tapedeck::artifact::{committed_dir, read_manifest, staging_dir};
use tapedeck::resilience::idempotency::{Begin, request_fingerprint};
use tapedeck::store::{RunQuery, SqliteStore, Store};
use tapedeck::{FailureClass, Verdict, watchdog};

const CHILD: &str = env!("CARGO_BIN_EXE_tapedeck-record-child");

fn child(store: &Path, artifacts: &Path) -> Command {
    let mut command = Command::new(CHILD);
    command.arg(store).arg(artifacts);
    command
}

#[test]
fn a_process_killed_mid_run_leaves_a_run_the_watchdog_closes_and_no_visible_artifact() {
    let dir = tempfile::tempdir().unwrap();
    let (store_path, artifacts) = (dir.path().join("runs.sqlite"), dir.path().join("artifacts"));
    let mut process = child(&store_path, &artifacts)
        .arg("hang")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(process.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let run_id = line.trim().to_string();
    assert!(!run_id.is_empty(), "the child printed no run id");
    assert!(
        staging_dir(&artifacts, &run_id)
            .join("report/partial.json")
            .exists()
    );

    // SIGKILL: no destructor, no guard, no flush.
    process.kill().unwrap();
    process.wait().unwrap();

    let store = SqliteStore::open(&store_path).unwrap();
    let open = store.run(&run_id).unwrap().unwrap();
    assert_eq!(
        open.closed_at, None,
        "the run is left open by the dead process"
    );
    // run_started, artifact, checkpoint: flushed before the kill, so they survive it.
    assert_eq!(store.events(&run_id).unwrap().len(), 3);

    let report = watchdog::sweep_at(
        &store,
        Duration::from_secs(5),
        SystemTime::now() + Duration::from_secs(10),
    )
    .unwrap();
    assert_eq!(report.abandoned.len(), 1);
    let closed = store.run(&run_id).unwrap().unwrap();
    assert_eq!(closed.status, Some(Verdict::Failed));
    assert_eq!(closed.failure_class, Some(FailureClass::RunAbandoned));
    assert!(!staging_dir(&artifacts, &run_id).exists());
    assert!(!committed_dir(&artifacts, &run_id).exists());
    assert_eq!(read_manifest(&artifacts, &run_id).unwrap(), None);
    assert_eq!(store.alerts(None).unwrap().len(), 1);

    // The charge it had in flight is unknown, not in flight forever: the watchdog released the
    // key as unconfirmed, so the retried task claims it (and the service deduplicates).
    assert_eq!(report.keys_released, 1);
    let fingerprint = request_fingerprint(&serde_json::json!({ "cents": 41200 }));
    assert_eq!(
        store
            .idempotency_begin("charge-booking-7", &fingerprint, Some("retry"))
            .unwrap(),
        Begin::Execute
    );
}

#[test]
fn several_processes_writing_one_store_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store_path, artifacts) = (dir.path().join("runs.sqlite"), dir.path().join("artifacts"));
    const PROCESSES: usize = 4;
    const RUNS: usize = 15;
    const EVENTS: usize = 200;
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            child(&store_path, &artifacts)
                .args(["burst", &RUNS.to_string(), &EVENTS.to_string()])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let store = SqliteStore::open(&store_path).unwrap();
    let runs = store.runs(&RunQuery::default()).unwrap();
    assert_eq!(runs.len(), PROCESSES * RUNS);
    for run in &runs {
        assert_eq!(run.status, Some(Verdict::Passed), "{run:?}");
        // run_started + EVENTS ticks + artifact + run_closed
        assert_eq!(
            store.events(&run.run_id).unwrap().len(),
            EVENTS + 3,
            "{}",
            run.run_id
        );
        assert_eq!(
            read_manifest(&artifacts, &run.run_id)
                .unwrap()
                .unwrap()
                .artifacts
                .len(),
            1
        );
    }
}

//! The SQLite run store: the conformance cases every backend passes, then what is SQLite's own
//! (the file, WAL, reopening, concurrent writers, hand-edited rows).

use std::sync::Arc;
use tapedeck::Verdict;
use tapedeck::store::migrations::MIGRATIONS;
use tapedeck::store::{RunQuery, SqliteStore, Store, open};

mod store_conformance;
use store_conformance::full_record;

fn fresh() -> Option<(tempfile::TempDir, Box<dyn Store>)> {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("runs.sqlite")).unwrap();
    Some((dir, Box::new(store)))
}

mod conformance {
    use super::{fresh, store_conformance};
    crate::conformance_tests!(fresh);
}

#[test]
fn the_file_and_its_folders_are_created_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("nested/dir/runs.sqlite")).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
    store
        .insert_run(&full_record("readme/x", Verdict::Failed))
        .unwrap();
    assert!(
        dir.path().join("nested/dir/runs.sqlite-wal").exists(),
        "WAL mode is set explicitly"
    );
}

#[test]
fn concurrent_increments_and_claims_from_separate_connections() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.sqlite");
    let open = || Box::new(SqliteStore::open(&path).unwrap()) as Box<dyn Store>;
    store_conformance::concurrent_increments_all_land(&open);
    store_conformance::concurrent_claims_execute_once(&open);
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
    // Nothing listens on port 1: refused at once with the `postgres` feature, and without it
    // the URL is refused for want of the feature. Either way the password stays out.
    let pg = open("postgres://canary:s3cret@127.0.0.1:1/runs")
        .expect_err("no server")
        .to_string();
    assert!(
        pg.contains("postgres://canary:***@127.0.0.1:1/runs"),
        "{pg}"
    );
    assert!(!pg.contains("s3cret"), "{pg}");
    if cfg!(feature = "postgres") {
        assert!(pg.contains("onnect"), "names the failed connection: {pg}");
    } else {
        assert!(pg.contains("`postgres` feature"), "{pg}");
    }
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

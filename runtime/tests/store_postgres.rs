//! The PostgreSQL run store, against a real server: the conformance cases every backend
//! passes, then what is PostgreSQL's own (concurrent openers of a fresh database, use from
//! async code, a connection the server ends, errors without the password).
//!
//! The server is the one `TAPEDECK_TEST_POSTGRES` names (see `support_postgres`).
#![cfg(feature = "postgres")]

mod store_conformance;
mod support_postgres;

use store_conformance::full_record;
use support_postgres::{Database, admin};
use tapedeck::Verdict;
use tapedeck::store::migrations::MIGRATIONS;
use tapedeck::store::{PostgresStore, RunQuery, Store, StoreError};

fn fresh() -> Option<(Database, Box<dyn Store>)> {
    let db = Database::create()?;
    let store = PostgresStore::open(&db.url()).unwrap();
    Some((db, Box::new(store)))
}

mod conformance {
    use super::{fresh, store_conformance};
    crate::conformance_tests!(fresh);
}

#[test]
fn concurrent_openers_of_a_fresh_database_migrate_once_and_lose_no_write() {
    let Some(db) = Database::create() else { return };
    let url = db.url();
    std::thread::scope(|scope| {
        for w in 0..4 {
            let url = &url;
            scope.spawn(move || {
                let store = PostgresStore::open(url).unwrap();
                for i in 0..50 {
                    store
                        .insert_run(&full_record(&format!("w{w}/f{i}"), Verdict::Passed))
                        .unwrap();
                }
            });
        }
    });
    let store = PostgresStore::open(&url).unwrap();
    assert_eq!(store.runs(&RunQuery::default()).unwrap().len(), 200);
    let applied: i64 = admin(&url)
        .query_one("SELECT COUNT(*) FROM schema_migrations", &[])
        .unwrap()
        .get(0);
    assert_eq!(
        applied,
        MIGRATIONS.len() as i64,
        "each migration applied once"
    );
}

#[test]
fn concurrent_increments_and_claims_from_separate_connections() {
    let Some(db) = Database::create() else { return };
    let url = db.url();
    let open = || Box::new(PostgresStore::open(&url).unwrap()) as Box<dyn Store>;
    store_conformance::concurrent_increments_all_land(&open);
    store_conformance::concurrent_claims_execute_once(&open);
}

#[test]
fn the_store_works_from_inside_an_async_runtime() {
    let Some(db) = Database::create() else { return };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let record = full_record("async/a", Verdict::Passed);
    let read = runtime.block_on(async {
        let store = PostgresStore::open(&db.url()).unwrap();
        store.insert_run(&record).unwrap();
        let read = store.run(&record.run_id).unwrap();
        drop(store);
        read
    });
    assert_eq!(read, Some(record));
}

#[test]
fn a_connection_the_server_ends_is_reported_once_then_replaced() {
    let Some(db) = Database::create() else { return };
    let store = PostgresStore::open(&db.url()).unwrap();
    let first = full_record("conn/a", Verdict::Passed);
    store.insert_run(&first).unwrap();
    let ended: i64 = admin(&db.server)
        .query_one(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1",
            &[&db.name],
        )
        .unwrap()
        .get(0);
    assert_eq!(ended, 1, "the store holds one connection");
    let err = store
        .run(&first.run_id)
        .expect_err("the ended connection is reported, not hidden");
    assert!(matches!(err, StoreError::Postgres { .. }), "{err}");
    assert_eq!(
        store.run(&first.run_id).unwrap(),
        Some(first),
        "the next call connects again"
    );
}

#[test]
fn errors_name_the_url_without_its_password_and_give_the_server_message() {
    let Some(db) = Database::create() else { return };
    let url = db.url();
    let (scheme, rest) = url.split_once("://").unwrap();
    let (user, host) = rest.split_once('@').unwrap_or(("postgres", rest));
    let user = user.split(':').next().unwrap();
    let missing = format!("{scheme}://{user}:hunter2@{}_missing", host);
    let err = PostgresStore::open(&missing)
        .expect_err("no such database")
        .to_string();
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.contains(&format!("{user}:***@")), "{err}");
    assert!(
        err.contains("does not exist"),
        "the server's message: {err}"
    );
    assert!(err.contains("FATAL"), "{err}");
}

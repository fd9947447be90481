//! The monitor report over a store of one million canary runs and ten thousand fixtures.
//!
//! `cargo bench -p tapedeck --bench monitor` (the store is generated once, about a minute, into
//! `target/tapedeck-bench/monitor-1m.sqlite`, and reused). With `TAPEDECK_BENCH_POSTGRES` naming
//! a database (and `--features postgres`), the same report is measured over PostgreSQL too; that
//! database is filled once (several minutes) and reused.

use criterion::{Criterion, criterion_group, criterion_main};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};
use tapedeck::canary::{CanaryConfig, KnownFixture, MonitorInput, monitor};
use tapedeck::fixture::Tier;
use tapedeck::store::{Alert, Heartbeat, RunQuery, RunRecord, RunType, Store, time};
use tapedeck::{FailureClass, Verdict};

const FIXTURES: usize = 10_000;
const SESSIONS: usize = 100;

fn fixture_id(i: usize) -> String {
    format!("suite{:02}/fixture-{i:05}", i % 40)
}

fn tier_of(i: usize) -> Tier {
    match i % 10 {
        0 => Tier::Critical,
        1..=3 => Tier::Hourly,
        _ => Tier::Daily,
    }
}

fn generate(store: &dyn Store, start: SystemTime) {
    for session in 0..SESSIONS {
        let session_id = format!("session-{session:03}");
        let at = start + Duration::from_secs(session as u64 * 900);
        let batch: Vec<RunRecord> = (0..FIXTURES)
            .map(|i| {
                let mut r = RunRecord::start("agent", RunType::Canary);
                r.fixture_id = Some(fixture_id(i));
                r.tier = Some(tier_of(i));
                r.session_id = Some(session_id.clone());
                r.started_at = time::rfc3339(at + Duration::from_millis(i as u64));
                r.closed_at = Some(r.started_at.clone());
                let failing = (i + session) % 97 == 0;
                r.status = Some(if failing {
                    Verdict::Failed
                } else {
                    Verdict::Passed
                });
                r.failure_class = failing.then_some(FailureClass::PartialWrite);
                r.proven = Some(i % 3 != 0);
                r
            })
            .collect();
        store.insert_runs(&batch).unwrap();
        store.finalize_session(&session_id).unwrap();
        for tier in Tier::ALL {
            for phase in ["started", "finished"] {
                store
                    .record_heartbeat(&Heartbeat {
                        session_id: session_id.clone(),
                        tier,
                        phase: phase.into(),
                        at: time::rfc3339(at),
                    })
                    .unwrap();
            }
        }
        let mut alert = Alert::now("canary_failed", "generated");
        alert.failure_class = Some(FailureClass::PartialWrite);
        alert.at = time::rfc3339(at);
        store.insert_alert(&alert).unwrap();
    }
}

/// Whether the last generated session was written (a store filled by an interrupted run is not).
fn complete(store: &dyn Store) -> bool {
    store
        .runs(&RunQuery {
            session_id: Some(format!("session-{:03}", SESSIONS - 1)),
            limit: Some(1),
            ..Default::default()
        })
        .is_ok_and(|r| r.len() == 1)
}

fn monitor_over_a_million_runs(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/tapedeck-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("monitor-1m.sqlite");
    let start = time::parse("2026-01-01T00:00:00Z").unwrap();
    let sqlite = match tapedeck::store::open(&path.to_string_lossy()) {
        Ok(s) if complete(&*s) => s,
        _ => {
            let _ = std::fs::remove_file(&path);
            let s = tapedeck::store::open(&path.to_string_lossy()).unwrap();
            generate(&*s, start);
            s
        }
    };
    let mut stores = vec![("", sqlite)];
    match std::env::var("TAPEDECK_BENCH_POSTGRES") {
        Ok(url) if !url.is_empty() => {
            let postgres = tapedeck::store::open(&url).unwrap_or_else(|e| panic!("{e}"));
            if !complete(&*postgres) {
                generate(&*postgres, start);
            }
            stores.push((", PostgreSQL", postgres));
        }
        _ => {
            eprintln!("PostgreSQL skipped: set TAPEDECK_BENCH_POSTGRES=postgres://… to measure it")
        }
    }
    let inventory: Vec<KnownFixture> = (0..FIXTURES)
        .map(|i| KnownFixture {
            fixture_id: fixture_id(i),
            tier: tier_of(i),
        })
        .collect();
    let config = CanaryConfig::default();
    let now = start + Duration::from_secs(SESSIONS as u64 * 900);
    let mut group = c.benchmark_group("monitor");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    for (backend, store) in &stores {
        let name = format!("report over 1,000,000 runs and 10,000 fixtures{backend}");
        group.bench_function(name, |b| {
            b.iter(|| {
                let report = monitor(
                    &**store,
                    &MonitorInput {
                        config: &config,
                        inventory: &inventory,
                        listed: true,
                        store_label: "bench".into(),
                        now,
                        errors: Vec::new(),
                    },
                )
                .unwrap();
                assert_eq!(report.fixtures.len(), FIXTURES);
                report
            })
        });
    }
    group.finish();
}

criterion_group!(benches, monitor_over_a_million_runs);
criterion_main!(benches);

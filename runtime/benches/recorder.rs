//! The recorder's costs: what one event costs the agent (caller's path), and how many events
//! per second the batching writer sustains into a real SQLite store, and into PostgreSQL when
//! `TAPEDECK_BENCH_POSTGRES` names a database (with the `postgres` feature).
//!
//! `cargo bench -p tapedeck --bench recorder`
//! `TAPEDECK_BENCH_POSTGRES=postgres://… cargo bench -p tapedeck --features postgres --bench recorder`

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tapedeck::Toolbox;
use tapedeck::run::{Recorder, RecorderConfig, RunEnvelope};
use tapedeck::store::{SqliteStore, Store};

fn recorder(dir: &tempfile::TempDir) -> Recorder {
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(dir.path().join("runs.sqlite")).unwrap());
    recorder_into(store, dir)
}

fn recorder_into(store: Arc<dyn Store>, dir: &tempfile::TempDir) -> Recorder {
    Recorder::with_config(
        store,
        RecorderConfig::default().artifact_root(dir.path().join("artifacts")),
    )
}

/// Events per run in the caller's-path benchmark: runs are short-lived, so a fresh run per batch
/// keeps the measurement about one event rather than about a journal of millions.
const EVENTS_PER_RUN: u64 = 1_000;

fn per_event_on_the_callers_path(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let recorder = recorder(&dir);
    let mut group = c.benchmark_group("recorder");
    group.throughput(Throughput::Elements(EVENTS_PER_RUN));
    group.bench_function("ctx.event, caller's path (1000 events/run)", |b| {
        b.iter_batched(
            || {
                recorder
                    .start(RunEnvelope::new("bench", json!(null)), Toolbox::new())
                    .unwrap()
            },
            |run| {
                for n in 0..EVENTS_PER_RUN {
                    run.ctx()
                        .event("checkpoint", json!({ "step": n, "note": "fetched order" }));
                }
                run
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("ctx.event, no recorder (baseline, 1000 events/run)", |b| {
        b.iter_batched(
            || tapedeck::Ctx::builder().build(),
            |ctx| {
                for n in 0..EVENTS_PER_RUN {
                    ctx.event("checkpoint", json!({ "step": n, "note": "fetched order" }));
                }
                ctx
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
    recorder.flush();
}

fn sustained_events_per_second(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    sustained(c, "sustained 100k events into SQLite", &recorder(&dir));
    match std::env::var("TAPEDECK_BENCH_POSTGRES") {
        Ok(url) if !url.is_empty() => {
            let store = tapedeck::store::open(&url).unwrap_or_else(|e| panic!("{e}"));
            let recorder = recorder_into(Arc::from(store), &dir);
            sustained(c, "sustained 100k events into PostgreSQL", &recorder);
        }
        _ => {
            eprintln!("PostgreSQL skipped: set TAPEDECK_BENCH_POSTGRES=postgres://… to measure it")
        }
    }
}

fn sustained(c: &mut Criterion, name: &str, recorder: &Recorder) {
    const EVENTS: u64 = 100_000;
    let mut group = c.benchmark_group("recorder");
    group.throughput(Throughput::Elements(EVENTS));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function(name, |b| {
        b.iter_batched(
            || {
                recorder
                    .start(RunEnvelope::new("bench", json!(null)), Toolbox::new())
                    .unwrap()
            },
            |run| {
                let started = Instant::now();
                for n in 0..EVENTS {
                    run.ctx().event("tick", json!({ "n": n }));
                }
                recorder.flush();
                let elapsed = started.elapsed();
                drop(run);
                elapsed
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(
    benches,
    per_event_on_the_callers_path,
    sustained_events_per_second
);
criterion_main!(benches);

//! End-to-end replay cost of one realistic fixture (4 files, ~10 KB, 15 interactions) versus
//! only reading and parsing the same four files.
//!
//! Run: `cargo bench -p tapedeck --bench replay`

use common::{fixture_dir, parse_only, parse_values, research};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tapedeck::contract::Validators;
use tapedeck::{Fixture, Replay, agent_fn};

mod common;

fn bench(c: &mut Criterion) {
    let dir = fixture_dir();
    let agent = agent_fn(research);
    let validators = Validators::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // Sanity: the fixture passes, so the benchmark measures the real path.
    let fixture = Fixture::load(&dir).expect("bench fixture loads");
    let run = runtime.block_on(Replay::new(&fixture).run(&agent));
    let judgement = fixture.judge(&run.observation, &validators);
    assert!(
        judgement.meets(&fixture.expected).ok,
        "bench fixture must pass:\n{judgement}"
    );

    c.bench_function("parse_only (read + serde the 4 files)", |b| {
        b.iter(|| black_box(parse_only(black_box(&dir))))
    });
    c.bench_function(
        "parse_values (read + serde_json::Value, the 4 files)",
        |b| b.iter(|| black_box(parse_values(black_box(&dir)))),
    );
    c.bench_function("load (strict Fixture::load)", |b| {
        b.iter(|| black_box(Fixture::load(black_box(&dir)).unwrap()))
    });
    c.bench_function("replay only (loaded fixture)", |b| {
        b.iter(|| black_box(runtime.block_on(Replay::new(&fixture).run(&agent))))
    });
    c.bench_function("judge only (replayed observation)", |b| {
        b.iter(|| black_box(fixture.judge(&run.observation, &validators)))
    });
    c.bench_function("replay_end_to_end (load + replay + judge)", |b| {
        b.iter(|| {
            let fixture = Fixture::load(black_box(&dir)).unwrap();
            let run = runtime.block_on(Replay::new(&fixture).run(&agent));
            let judgement = fixture.judge(&run.observation, &validators);
            black_box(judgement.meets(&fixture.expected).ok)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

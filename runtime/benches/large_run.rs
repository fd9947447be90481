//! A run with many calls: recording N keyless writes through a production `Ctx` and taking its
//! observation (which numbers the ledger's attempts), and judging that observation against a
//! contract with the tool, effect and sequence rules. The time per call should not grow with N.
//!
//! `cargo bench -p tapedeck --bench large_run`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;
use tapedeck::contract::{Contract, JudgeInput, Validators, judge};
use tapedeck::observation::Observation;
use tapedeck::replay::block_on;
use tapedeck::{Ctx, Effect, Toolbox};

const SIZES: [u64; 3] = [100, 1_000, 10_000];

/// N writes; every tenth request repeats the one before it (a retry).
fn run(n: u64) -> Observation {
    let tools = Toolbox::new().with("send", Effect::Write, |call| async move { Ok(call.args) });
    let ctx = Ctx::builder().toolbox(tools).build();
    block_on(async {
        for i in 0..n {
            let to = if i % 10 == 9 { i - 1 } else { i };
            ctx.call("send", json!({ "to": to })).await.unwrap();
        }
    });
    ctx.observation()
}

fn recording(c: &mut Criterion) {
    let mut group = c.benchmark_group("large_run/record");
    for n in SIZES {
        group.throughput(Throughput::Elements(n));
        group.bench_with_input(BenchmarkId::new("keyless writes", n), &n, |b, &n| {
            b.iter(|| run(n))
        });
    }
    group.finish();
}

fn judging(c: &mut Criterion) {
    let contract: Contract = serde_json::from_value(json!({
        "verdict": ["passed", "failed"],
        "volatile": ["/calls/*/request/nonce"],
        "tools": {
            "required": [{"name": "send"}],
            "max_identical_calls": 1,
            "sequence": {"mode": "in_order", "steps": ["send", "send"]},
        },
        "effects": {"max_applied": {"write": 5}, "require_idempotency_key": ["write"]},
        "evidence": {"must_resolve": true},
    }))
    .expect("a valid contract");
    let validators = Validators::new();
    let mut group = c.benchmark_group("large_run/judge");
    for n in SIZES {
        let observation = run(n);
        group.throughput(Throughput::Elements(n));
        group.bench_with_input(BenchmarkId::new("calls", n), &observation, |b, obs| {
            b.iter(|| judge(&contract, &JudgeInput::new(obs, &validators)))
        });
    }
    group.finish();
}

criterion_group!(benches, recording, judging);
criterion_main!(benches);

//! A run with many side effects: N keyless writes through a production `Ctx`, then its
//! observation (which numbers the ledger's attempts). The time per call should not grow with N.
//!
//! `cargo bench -p tapedeck --bench ledger`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;
use tapedeck::replay::block_on;
use tapedeck::{Ctx, Effect, Toolbox};

fn many_side_effects(c: &mut Criterion) {
    let mut group = c.benchmark_group("ledger");
    for n in [100u64, 1_000, 10_000] {
        group.throughput(Throughput::Elements(n));
        group.bench_with_input(BenchmarkId::new("keyless writes", n), &n, |b, &n| {
            b.iter(|| {
                let tools =
                    Toolbox::new().with("send", Effect::Write, |call| async move { Ok(call.args) });
                let ctx = Ctx::builder().toolbox(tools).build();
                block_on(async {
                    for i in 0..n {
                        // Every tenth request repeats an earlier one: those are retries.
                        let to = if i % 10 == 9 { i - 1 } else { i };
                        ctx.call("send", json!({ "to": to })).await.unwrap();
                    }
                });
                ctx.observation()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, many_side_effects);
criterion_main!(benches);

//! The overhead of the retry / budget / breaker / deadline layer on a call that succeeds.
//!
//! `cargo bench -p tapedeck --bench resilience`

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use std::time::Duration;
use tapedeck::replay::block_on;
use tapedeck::resilience::RetryPolicy;
use tapedeck::{Ctx, Effect, Toolbox};

fn overhead_per_call(c: &mut Criterion) {
    let tools = Toolbox::new().with("quote", Effect::Read, |call| async move { Ok(call.args) });
    let ctx = Ctx::builder()
        .toolbox(tools)
        .timeout(Duration::from_secs(3600))
        .build();
    let mut group = c.benchmark_group("resilience");
    group.bench_function("plain call", |b| {
        b.iter(|| block_on(ctx.call("quote", json!({ "sku": "A-1" }))).unwrap())
    });
    group.bench_function("call with retry, budget, breaker and deadline", |b| {
        b.iter(|| {
            block_on(
                ctx.tool("quote")
                    .retry(RetryPolicy::default())
                    .call(json!({ "sku": "A-1" })),
            )
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, overhead_per_call);
criterion_main!(benches);

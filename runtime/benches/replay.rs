//! End-to-end replay cost of one realistic fixture (4 files, ~10 KB, 15 interactions) versus
//! only reading and parsing the same four files.
//!
//! Run: `cargo bench -p tapedeck --bench replay`

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use tapedeck::contract::{JudgeInput, Validators, judge};
use tapedeck::fixture::{FixtureInput, Notes};
use tapedeck::{Cassette, Contract, Ctx, Fixture, Replay, ToolError, agent_fn};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/fixtures/research_report")
}

/// The agent the fixture was recorded from: search and fetch each topic, summarise in three
/// batches, save the report, notify.
async fn research(ctx: &Ctx, input: Value) -> Result<Value, ToolError> {
    let topics: Vec<String> = serde_json::from_value(input["topics"].clone()).unwrap_or_default();
    let mut sources = Vec::new();
    for topic in &topics {
        let (index, hits) = ctx
            .tool("search")
            .call_indexed(json!({"query": topic, "limit": 5}))
            .await?;
        let url = hits["hits"][0]["url"].clone();
        ctx.evidence(format!("/calls/{index}/response/hits/0/url"));
        ctx.call("fetch", json!({"url": url})).await?;
        sources.push(url);
    }
    let mut summary = String::new();
    for batch in 0..3 {
        let text = ctx.call("llm", json!({"model": "large-2026", "prompt": format!("Summarise findings batch {batch}"), "temperature": 0})).await?;
        summary.push_str(text["text"].as_str().unwrap_or_default());
    }
    ctx.evidence("/state/customer/id");
    ctx.artifact("reports/c-1042.md", format!("# Findings\n\n{summary}\n"))
        .map_err(|e| ToolError::Failed {
            tool: "artifact".into(),
            message: e.to_string(),
        })?;
    ctx.tool("save_report")
        .idempotency_key("task-77:save")
        .call(json!({"path": "reports/c-1042.md", "sections": 3}))
        .await?;
    ctx.tool("notify")
        .idempotency_key("task-77:notify")
        .call(json!({"channel": "#reliability", "text": "Report ready"}))
        .await?;
    Ok(json!({"customer_id": input["customer_id"], "summary": summary, "sources": sources}))
}

fn parse_only(dir: &Path) -> (FixtureInput, Contract, Cassette, Notes) {
    let read = |name: &str| std::fs::read(dir.join(name)).expect("bench fixture file");
    (
        serde_json::from_slice(&read("input.json")).unwrap(),
        serde_json::from_slice(&read("expected.json")).unwrap(),
        serde_json::from_slice(&read("tool_cassettes.json")).unwrap(),
        serde_json::from_slice(&read("notes.json")).unwrap(),
    )
}

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
    let judgement = judge(
        &fixture.expected,
        &JudgeInput {
            observation: &run.observation,
            state: fixture.input.state.as_ref(),
            validators: &validators,
        },
    );
    assert!(
        judgement.meets(&fixture.expected).ok,
        "bench fixture must pass:\n{judgement}"
    );

    c.bench_function("parse_only (read + serde the 4 files)", |b| {
        b.iter(|| black_box(parse_only(black_box(&dir))))
    });
    c.bench_function("load (strict Fixture::load)", |b| {
        b.iter(|| black_box(Fixture::load(black_box(&dir)).unwrap()))
    });
    c.bench_function("replay only (loaded fixture)", |b| {
        b.iter(|| black_box(runtime.block_on(Replay::new(&fixture).run(&agent))))
    });
    c.bench_function("judge only (replayed observation)", |b| {
        b.iter(|| {
            black_box(judge(
                &fixture.expected,
                &JudgeInput {
                    observation: &run.observation,
                    state: fixture.input.state.as_ref(),
                    validators: &validators,
                },
            ))
        })
    });
    c.bench_function("replay_end_to_end (load + replay + judge)", |b| {
        b.iter(|| {
            let fixture = Fixture::load(black_box(&dir)).unwrap();
            let run = runtime.block_on(Replay::new(&fixture).run(&agent));
            let judgement = judge(
                &fixture.expected,
                &JudgeInput {
                    observation: &run.observation,
                    state: fixture.input.state.as_ref(),
                    validators: &validators,
                },
            );
            black_box(judgement.meets(&fixture.expected).ok)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

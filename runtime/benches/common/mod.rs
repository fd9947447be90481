//! Shared by the replay benchmarks: the bench fixture, its agent, and the parse-only baseline.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use tapedeck::fixture::{FixtureInput, Notes};
use tapedeck::{Cassette, Contract, Ctx, ToolError};

/// The bench fixture: 4 files, ~14 KB, 15 interactions of mixed effects.
pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/fixtures/research_report")
}

/// Only reading the four files and parsing them into Values: the cheapest possible look at the
/// fixture.
pub fn parse_values(dir: &Path) -> [Value; 4] {
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join(name)).expect("bench fixture file")).unwrap()
    };
    [
        read("input.json"),
        read("expected.json"),
        read("tool_cassettes.json"),
        read("notes.json"),
    ]
}

/// The agent the fixture was recorded from: search and fetch each topic, summarise in three
/// batches, save the report, notify. It only reads responses, so it takes them shared
/// (`call_shared`), as an agent that cares about copies would.
pub async fn research(ctx: &Ctx, input: Value) -> Result<Value, ToolError> {
    let topics: Vec<String> = serde_json::from_value(input["topics"].clone()).unwrap_or_default();
    let mut sources = Vec::new();
    for topic in &topics {
        let (index, hits) = ctx
            .tool("search")
            .call_shared_indexed(json!({"query": topic, "limit": 5}))
            .await?;
        let url = hits["hits"][0]["url"].clone();
        ctx.evidence(format!("/calls/{index}/response/hits/0/url"));
        ctx.tool("fetch").call_shared(json!({"url": url})).await?;
        sources.push(url);
    }
    let mut summary = String::new();
    for batch in 0..3 {
        let text = ctx.tool("llm").call_shared(json!({"model": "large-2026", "prompt": format!("Summarise findings batch {batch}"), "temperature": 0})).await?;
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
        .call_shared(json!({"path": "reports/c-1042.md", "sections": 3}))
        .await?;
    ctx.tool("notify")
        .idempotency_key("task-77:notify")
        .call_shared(json!({"channel": "#reliability", "text": "Report ready"}))
        .await?;
    Ok(json!({"customer_id": input["customer_id"], "summary": summary, "sources": sources}))
}

/// Reads the four files and parses them into the typed models with `serde_json::from_slice`.
pub fn parse_only(dir: &Path) -> (FixtureInput, Contract, Cassette, Notes) {
    parse_typed(dir, false)
}

/// [`parse_only`] with each file read as a `String` (one UTF-8 check per file) and parsed as a
/// `str`: the fastest plain parse, which `serde_json` does not have to validate string by string.
pub fn parse_only_str(dir: &Path) -> (FixtureInput, Contract, Cassette, Notes) {
    parse_typed(dir, true)
}

fn parse_typed(dir: &Path, as_str: bool) -> (FixtureInput, Contract, Cassette, Notes) {
    fn one<T: serde::de::DeserializeOwned>(dir: &Path, name: &str, as_str: bool) -> T {
        let bytes = std::fs::read(dir.join(name)).expect("bench fixture file");
        if as_str {
            serde_json::from_str(&String::from_utf8(bytes).unwrap()).unwrap()
        } else {
            serde_json::from_slice(&bytes).unwrap()
        }
    }
    (
        one(dir, "input.json", as_str),
        one(dir, "expected.json", as_str),
        one(dir, "tool_cassettes.json", as_str),
        one(dir, "notes.json", as_str),
    )
}

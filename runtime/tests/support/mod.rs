//! Shared helpers for the runtime's integration tests.
#![allow(dead_code)]

use serde::Deserialize;
use serde_json::{Value, json};
use tapedeck::Ctx;
use tapedeck::Fixture;
use tapedeck::fixture::{FixtureInput, Notes};

/// Builds a fixture from JSON values of its files (the loader is tested separately).
pub fn fixture(id: &str, input: Value, expected: Value, cassette: Value) -> Fixture {
    let input: FixtureInput = serde_json::from_value(input).expect("test input.json");
    let expected = serde_json::from_value(expected).expect("test expected.json");
    let mut cassette_value = cassette;
    if cassette_value.get("format_version").is_none() {
        cassette_value["format_version"] = 1.into();
    }
    let cassette: tapedeck::Cassette =
        serde_json::from_value(cassette_value).expect("test tool_cassettes.json");
    Fixture {
        id: id.to_string(),
        dir: std::path::PathBuf::from(id),
        input,
        expected,
        cassette: std::sync::Arc::new(cassette),
        notes: Notes::default(),
    }
}

/// The input of [`call_list`]: calls to make, in order.
#[derive(Deserialize)]
pub struct Calls {
    /// The calls.
    pub calls: Vec<Call>,
}

/// One call of [`call_list`].
#[derive(Deserialize)]
pub struct Call {
    /// The tool.
    pub tool: String,
    /// Its arguments.
    pub args: Value,
    /// An idempotency key.
    pub key: Option<String>,
}

/// A minimal agent for tests over fixture folders: makes each call in order and reports each
/// result or error kind as `{"results": [...]}`; with `stop_on_error`, the first error ends the run.
pub async fn call_list(ctx: &Ctx, input: Calls, stop_on_error: bool) -> Result<Value, String> {
    let mut results = Vec::new();
    for call in input.calls {
        let mut handle = ctx.tool(&call.tool);
        if let Some(key) = call.key {
            handle = handle.idempotency_key(key);
        }
        results.push(match handle.call(call.args).await {
            Ok(v) => json!({"ok": v}),
            Err(e) if stop_on_error => return Err(e.to_string()),
            Err(e) => json!({"err": e.kind(), "retry_after_ms": e.retry_after().map(|d| d.as_millis() as u64)}),
        });
    }
    Ok(json!({ "results": results }))
}

//! One generated fixture: a script of 5–20 recorded tool calls with mixed effects and
//! occasional faults, its cassette, a contract it meets (or, for every tenth fixture, a caught
//! double charge) and notes.

use super::rng::Rng;
use super::text::paragraph;
use super::tools::{ALL, CallShape, Tool};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// The four files of one fixture, as JSON values.
#[derive(Debug, Clone)]
pub struct GeneratedFixture {
    /// The fixture id (`f00042`).
    pub id: String,
    /// `input.json`.
    pub input: Value,
    /// `expected.json`.
    pub expected: Value,
    /// `tool_cassettes.json`.
    pub cassette: Value,
    /// `notes.json`.
    pub notes: Value,
    /// Whether the fixture demonstrates a caught bug (a retried charge with a new key).
    pub caught: bool,
    /// How many interactions its cassette holds.
    pub interactions: usize,
    /// How many of them carry a fault.
    pub faults: usize,
}

/// Every tenth fixture demonstrates a caught double charge.
const CAUGHT_EVERY: usize = 10;
/// Percent of calls recorded with a fault before their answer.
const FAULT_PERCENT: u64 = 15;

/// The accumulating parts of a fixture.
struct Builder {
    task: String,
    rng: Rng,
    steps: Vec<Value>,
    interactions: Vec<Value>,
    faults: usize,
    tools: BTreeSet<&'static str>,
    keyed_effects: BTreeSet<&'static str>,
    charges: u64,
    tokens: u64,
    cost: f64,
}

impl Builder {
    fn interaction(
        &mut self,
        tool: Tool,
        shape: &CallShape,
        key: Option<&str>,
    ) -> Map<String, Value> {
        let mut i = Map::new();
        i.insert("id".into(), json!(format!("i{}", self.interactions.len())));
        i.insert("tool".into(), json!(tool.name()));
        i.insert("effect".into(), json!(tool.effect()));
        i.insert("request".into(), shape.request.clone());
        i.insert("duration_ms".into(), json!(tool.duration_ms(&mut self.rng)));
        if let Some(key) = key {
            i.insert("idempotency_key".into(), json!(key));
        }
        i
    }

    fn answered(&mut self, tool: Tool, shape: &CallShape, key: Option<&str>) {
        let mut i = self.interaction(tool, shape, key);
        i.insert("response".into(), shape.response.clone());
        if let Some(usage) = &shape.usage {
            i.insert("usage".into(), usage.clone());
            self.tokens += usage["input_tokens"].as_u64().unwrap_or(0)
                + usage["output_tokens"].as_u64().unwrap_or(0);
            self.cost += usage["cost_usd"].as_f64().unwrap_or(0.0);
        }
        self.interactions.push(Value::Object(i));
    }

    fn faulted(&mut self, tool: Tool, shape: &CallShape, key: Option<&str>, fault: Value) {
        let mut i = self.interaction(tool, shape, key);
        if fault["kind"] == "timeout_after_success" {
            i.insert("response".into(), shape.response.clone());
        }
        i.insert("fault".into(), fault);
        self.interactions.push(Value::Object(i));
        self.faults += 1;
    }

    /// A fault for `tool`: lost answers only where a side effect can happen.
    fn fault(&mut self, tool: Tool) -> Value {
        let kinds: &[&str] = if tool.keyed() {
            &[
                "timeout_after_success",
                "rate_limited",
                "unavailable",
                "connection_reset",
                "timeout",
                "slow",
            ]
        } else {
            &[
                "rate_limited",
                "unavailable",
                "connection_reset",
                "timeout",
                "slow",
            ]
        };
        match *self.rng.pick(kinds) {
            "rate_limited" => {
                json!({ "kind": "rate_limited", "retry_after_ms": self.rng.range(100, 1500) })
            }
            "slow" => json!({ "kind": "slow", "delay_ms": self.rng.range(1500, 6000) }),
            kind => json!({ "kind": kind }),
        }
    }

    /// Records call number `n` of `tool` (its step, its interactions); `budget` is how many
    /// interactions it may use. Returns how many it used.
    fn call(&mut self, tool: Tool, n: usize, budget: usize) -> usize {
        let shape = tool.shape(&mut self.rng, n);
        let key = tool
            .keyed()
            .then(|| format!("{}:step{n}:{}", self.task, tool.name()));
        let mut step = json!({
            "call": tool.name(),
            "args": shape.request,
            "save_as": format!("c{n}"),
            "retries": 2,
        });
        if let Some(key) = &key {
            step["idempotency_key"] = json!(key);
            self.keyed_effects.insert(tool.effect());
        }
        self.steps.push(step);
        self.tools.insert(tool.name());
        if tool == Tool::Charge {
            self.charges += 1;
        }
        let mut used = 0;
        if budget >= 2 && self.rng.chance(FAULT_PERCENT) {
            let fault = self.fault(tool);
            if fault["kind"] == "slow" {
                let mut i = self.interaction(tool, &shape, key.as_deref());
                i.insert("response".into(), shape.response.clone());
                i.insert("fault".into(), fault);
                self.interactions.push(Value::Object(i));
                self.faults += 1;
                return 1;
            }
            self.faulted(tool, &shape, key.as_deref(), fault);
            used += 1;
        }
        self.answered(tool, &shape, key.as_deref());
        used + 1
    }

    /// The bug: a charge whose answer was lost is not retried with its key; a new charge with
    /// a fresh key follows, so the card is charged twice.
    fn double_charge(&mut self, n: usize) {
        let shape = Tool::Charge.shape(&mut self.rng, n);
        let first = format!("{}:charge:attempt1", self.task);
        let second = format!("{}:charge:attempt2", self.task);
        self.steps.push(json!({
            "call": "charge", "args": shape.request, "save_as": "first_charge",
            "idempotency_key": first, "on_error": "continue",
        }));
        self.steps.push(json!({
            "call": "charge", "args": shape.request, "save_as": format!("c{n}"),
            "idempotency_key": second,
        }));
        self.faulted(
            Tool::Charge,
            &shape,
            Some(&first),
            json!({ "kind": "timeout_after_success" }),
        );
        self.answered(Tool::Charge, &shape, Some(&second));
        self.tools.insert("charge");
        self.keyed_effects.insert("money");
        self.charges += 1;
    }
}

/// Generates fixture number `index` of the suite seeded with `seed`.
pub fn generate(index: usize, seed: u64) -> GeneratedFixture {
    let id = format!("f{index:05}");
    let caught = index % CAUGHT_EVERY == CAUGHT_EVERY - 1;
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0xa076_1d64_78bd_642f));
    let target = rng.range(5, 20) as usize;
    let mut b = Builder {
        task: id.clone(),
        rng,
        steps: Vec::new(),
        interactions: Vec::new(),
        faults: 0,
        tools: BTreeSet::new(),
        keyed_effects: BTreeSet::new(),
        charges: 0,
        tokens: 0,
        cost: 0.0,
    };
    // Reserve the tail: a model call (the summary) and, for a caught fixture, the double charge.
    let tail = if caught { 3 } else { 1 };
    let mut n = 0;
    b.call(Tool::Search, n, 1);
    b.steps.push(json!({ "evidence": "$c0/hits/0/url" }));
    b.steps.push(json!({ "evidence": "/state/customer/id" }));
    while b.interactions.len() + tail < target {
        n += 1;
        let tool = *b.rng.pick(&ALL);
        let left = target - tail - b.interactions.len();
        b.call(tool, n, left);
        if b.rng.chance(20) {
            b.steps
                .push(json!({ "event": "progress", "data": { "step": n } }));
        }
    }
    n += 1;
    let summary = n;
    b.call(Tool::Llm, summary, 1);
    if caught {
        n += 1;
        b.double_charge(n);
    }
    b.steps
        .push(json!({ "artifact": "report.md", "content": format!("$c{summary}/text") }));
    b.steps
        .push(json!({ "artifact": "sources.json", "from": "c0" }));
    b.steps.push(json!({ "output": {
        "status": "done",
        "summary": format!("$c{summary}/text"),
        "top_source": "$c0/hits/0/url",
    }}));
    finish(id, caught, b)
}

fn finish(id: String, caught: bool, mut b: Builder) -> GeneratedFixture {
    let calls = b.interactions.len();
    let required: Vec<Value> = b
        .tools
        .iter()
        .map(|t| json!({ "name": t, "min": 1 }))
        .collect();
    let mut expected = json!({
        "cassette": { "all_consumed": true },
        "tools": { "required": required, "max_calls": calls, "max_identical_calls": 3 },
        "effects": {
            "max_applied": { "money": b.charges },
            "require_idempotency_key": b.keyed_effects.iter().collect::<Vec<_>>(),
            "unconfirmed": "failed",
        },
        "artifacts": {
            "required": [
                { "path": "report.md", "non_empty": true },
                { "path": "sources.json", "contains": "https://" },
            ],
            "forbidden_paths": ["**/*.key", "../**"],
        },
        "evidence": { "min_paths": 2, "must_resolve": true },
        "budget": {
            "max_tool_calls": calls,
            "max_tokens": b.tokens + 2000,
            "max_cost_usd": ((b.cost + 0.05) * 1000.0).ceil() / 1000.0,
        },
        "output": { "non_empty": true, "partial": { "status": "done" } },
        "volatile": ["/calls/*/response/request_id"],
    });
    if caught {
        expected["verdict"] = json!(["failed"]);
        expected["reasons"] = json!({ "required": ["duplicate_side_effect"] });
    } else {
        expected["reasons"] = json!({ "forbidden": ["duplicate_side_effect", "cassette_miss"] });
    }
    let tools: Vec<&str> = b.tools.iter().copied().collect();
    let history: Vec<Value> = (0..3)
        .map(|i| json!({ "order": format!("o-{}", 1000 + i), "note": paragraph(&mut b.rng, 40) }))
        .collect();
    let input = json!({
        "task_id": id,
        "input": { "steps": b.steps },
        "state": { "customer": { "id": format!("c-{}", b.rng.range(100, 999)), "plan": "pro", "history": history } },
        "prompt_version": "support-v7",
        "model": "gpt-5-mini",
        "tool_allowlist": tools,
        "timeout_seconds": 600,
    });
    let cassette = json!({
        "format_version": 1,
        "recorded_with": concat!("tapedeck-example-scripted ", env!("CARGO_PKG_VERSION"), " (bench-fixtures)"),
        "recorded_at": "2026-11-02T09:00:00Z",
        "interactions": b.interactions,
    });
    let tier = match b.rng.range(0, 9) {
        0 => "critical",
        1..=3 => "hourly",
        _ => "daily",
    };
    let description = if caught {
        "Generated: a charge's answer is lost and the agent charges again with a new key; the contract catches the double charge."
    } else {
        "Generated: a multi-tool run with mixed effects and recorded faults that the agent survives."
    };
    let mut notes = json!({ "description": description, "tier": tier, "owner": "bench", "created_at": "2026-11-02T09:00:00Z" });
    if caught {
        notes["failure_class"] = json!("partial_write");
    }
    GeneratedFixture {
        id,
        input,
        expected,
        cassette,
        notes,
        caught,
        interactions: calls,
        faults: b.faults,
    }
}

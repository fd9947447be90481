//! Loading a fixture (strict parse, duplicate-key check, semantic checks) against plain
//! `serde_json` parsing of the same four files into `Value`s. The strict load must stay
//! within 1.5x of the plain parse.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::hint::black_box;
use std::path::Path;
use tapedeck::Fixture;
use tapedeck::fixture::to_canonical_json;

const FILES: [&str; 4] = [
    "input.json",
    "expected.json",
    "tool_cassettes.json",
    "notes.json",
];

fn write_fixture(dir: &Path, interactions: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let state: serde_json::Map<String, Value> = (0..200)
        .map(|i| {
            (
                format!("order_{i}"),
                json!({"id": i, "total": 12.5 + i as f64, "items": [{"sku": "a", "qty": 2}], "note": "späte Gebühr"}),
            )
        })
        .collect();
    let input =
        json!({"task_id": "t", "input": {"customer": "c_17", "question": "why?"}, "state": state});
    let calls: Vec<Value> = (0..interactions)
        .map(|i| {
            json!({
                "id": format!("call_{i}"),
                "tool": if i % 2 == 0 { "lookup_invoice" } else { "search" },
                "effect": "read",
                "request": {"invoice": format!("inv_{i}"), "filters": {"lang": "en", "limit": 10}},
                "response": {"amount": 12.5, "lines": [{"desc": "late fee", "cents": 1250}, {"desc": "base", "cents": 9900}], "ok": true, "meta": null},
                "duration_ms": 120,
                "usage": {"input_tokens": 100, "output_tokens": 20, "cost_usd": 0.001}
            })
        })
        .collect();
    let cassette = json!({"format_version": 1, "recorded_at": "2026-11-20T09:15:00Z", "values": {"now": ["2026-11-20T09:15:01Z"], "random": [0.25]}, "interactions": calls});
    let expected = json!({"verdict": ["passed"], "tools": {"required": [{"name": "search", "min": 1}]}, "output": {"regex": "^ok", "schema": {"type": "object"}}, "volatile": ["/calls/*/request/nonce"]});
    let notes =
        json!({"description": "bench", "tier": "daily", "created_at": "2026-11-21T10:00:00Z"});
    for (name, value) in FILES.iter().zip([input, expected, cassette, notes]) {
        std::fs::write(dir.join(name), to_canonical_json(&value)).unwrap();
    }
}

fn plain_parse(dir: &Path) -> Vec<Value> {
    FILES
        .iter()
        .map(|name| serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap())
        .collect()
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    for interactions in [10, 2000] {
        let dir = tmp.path().join(format!("bench_{interactions}"));
        write_fixture(&dir, interactions);
        Fixture::load(&dir).expect("bench fixture is valid");
        let mut group = c.benchmark_group(format!("fixture_{interactions}_interactions"));
        group.bench_function("plain_serde_value", |b| {
            b.iter(|| black_box(plain_parse(black_box(&dir))))
        });
        group.bench_function("fixture_load_strict", |b| {
            b.iter(|| black_box(Fixture::load(black_box(&dir)).unwrap()))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Shared helpers for the runtime's integration tests.
#![allow(dead_code)]

use serde_json::Value;
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

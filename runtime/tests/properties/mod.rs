//! Strategies shared by the property tests: arbitrary JSON biased towards the fixture
//! vocabulary, fixture folders in temp dirs, and mutations of a valid fixture.
#![allow(dead_code)]

pub mod observation;
pub mod replay;

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use tapedeck::Fixture;

/// The four fixture files.
pub const FILES: [&str; 4] = [
    "input.json",
    "expected.json",
    "tool_cassettes.json",
    "notes.json",
];

/// Bounded (256 cases; `PROPTEST_CASES` asks for more when hunting locally) and without
/// persistence files, so that CI stays fast and the tree clean.
pub fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Keys of every fixture model (and of JSON Schema), so that generated objects reach past the
/// top level of the schemas. Separated by whitespace.
const KEYS: &str = "\
    input state task_id prompt_version model tool_allowlist timeout_seconds format_version \
    recorded_with recorded_at source_run_id redactions values now uuid random interactions \
    id tool effect request response error fault kind message retry_after_ms delay_ms \
    idempotency_key duration_ms usage input_tokens output_tokens cost_usd placeholder \
    detector locations verdict reasons required forbidden output non_empty schema partial \
    contains regex artifacts min_count path forbidden_paths evidence min_paths must_resolve \
    tools name min max allowed sequence mode steps before args value ignore max_calls \
    max_identical_calls effects max_applied require_idempotency_key unconfirmed cassette \
    all_consumed budget max_tool_calls max_tokens max_cost_usd max_duration_ms deadline \
    no_calls_after_deadline validators volatile snapshot failure_class description tier \
    created_at proof failed_on passed_on code_version at owner type properties items \
    pattern $ref enum const minimum money read write";

/// Strings with meaning somewhere in a fixture: enum values, timestamps, pointers, globs,
/// regexes (valid and not), schema type names. Separated by `|`.
const WORDS: &str = "\
    read|model|write|money|account|timeout|rate_limited|slow|timeout_after_success|failed|\
    passed|degraded|blocked|exact|in_order|unordered|subset|superset|partial|critical|\
    hourly|daily|inconclusive|2026-01-01T00:00:00Z|9999-12-31T23:59:59Z|\
    1970-01-01T00:00:00Z|/state/a|/calls/0/response|/calls/*/request/id|*||/|~|~2|**/*.tmp|\
    [|(|^a+$|\\|object|string|integer|numbr|#|#/definitions/x|search|charge|../x|/abs|\
    a\u{0}b|é|🧾";

/// Any string, biased towards [`WORDS`] and short ASCII.
pub fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(WORDS.split('|').collect::<Vec<_>>()).prop_map(String::from),
        2 => "[a-z_/*~0-9.]{0,12}",
        1 => any::<String>(),
    ]
}

/// An object key, mostly from [`KEYS`].
pub fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYS.split_whitespace().collect::<Vec<_>>())
            .prop_map(String::from),
        1 => arb_string(),
    ]
}

/// A number, with the extremes.
pub fn arb_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![0u64, 1, 2, u32::MAX as u64, u64::MAX, i64::MAX as u64])
            .prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
    ]
}

/// Any JSON value, up to four levels deep.
pub fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        arb_number(),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(arb_key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A document for a fixture file: mostly an object with fixture keys.
pub fn arb_document() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::collection::btree_map(arb_key(), arb_json(), 0..8)
            .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        1 => arb_json(),
    ]
}

/// A fresh fixture folder `<tmp>/case` with a valid `input.json`.
pub fn fixture_dir(tmp: &Path) -> PathBuf {
    let dir = tmp.join("case");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("input.json"), r#"{"input": 1}"#).unwrap();
    dir
}

/// Loads `dir`; on failure, every error must name `file` (in the error and in its text).
pub fn load_naming(dir: &Path, file: &str) -> Result<Option<Fixture>, TestCaseError> {
    let path = dir.join(file);
    match Fixture::load(dir) {
        Ok(fixture) => Ok(Some(fixture)),
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            for error in &errors {
                prop_assert_eq!(&error.file, &path, "{}", error);
                let text = error.to_string();
                prop_assert!(text.starts_with(&path.display().to_string()), "{}", text);
                prop_assert!(!error.message.is_empty(), "{}", text);
            }
            Ok(None)
        }
    }
}

/// The valid fixture the mutation tests start from (every file, every contract key).
pub fn valid_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/loading/valid/full")
}

/// Copies the valid fixture's four files to `<tmp>/full`.
pub fn copy_valid(tmp: &Path) -> PathBuf {
    let dir = tmp.join("full");
    std::fs::create_dir_all(&dir).unwrap();
    for file in FILES {
        std::fs::copy(valid_fixture().join(file), dir.join(file)).unwrap();
    }
    dir
}

/// One change to one file of a valid fixture.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Overwrite one byte.
    CorruptByte(prop::sample::Index, u8),
    /// Cut the file short.
    Truncate(prop::sample::Index),
    /// Remove one object member, anywhere.
    DeleteKey(prop::sample::Index),
    /// Replace one value, anywhere, with another (usually of another type).
    Replace(prop::sample::Index, Value),
}

/// Any [`Mutation`], with the file it applies to.
pub fn arb_mutation() -> impl Strategy<Value = (&'static str, Mutation)> {
    let mutation = prop_oneof![
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::CorruptByte(i, b)),
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        any::<prop::sample::Index>().prop_map(Mutation::DeleteKey),
        (any::<prop::sample::Index>(), arb_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
    ];
    (prop::sample::select(FILES.to_vec()), mutation)
}

/// Applies `mutation` to `text` (a JSON document).
pub fn mutate(text: &[u8], mutation: &Mutation) -> Vec<u8> {
    let mut bytes = text.to_vec();
    match mutation {
        Mutation::CorruptByte(i, b) => {
            let at = i.index(bytes.len());
            bytes[at] = *b;
            bytes
        }
        Mutation::Truncate(i) => {
            bytes.truncate(i.index(bytes.len()));
            bytes
        }
        Mutation::DeleteKey(i) => {
            let mut value: Value = serde_json::from_slice(text).unwrap();
            let members = pointers(&value, true);
            if let Some((parent, key)) = members.get(i.index(members.len().max(1)))
                && let Some(Value::Object(map)) = value.pointer_mut(parent)
            {
                map.remove(key);
            }
            serde_json::to_vec_pretty(&value).unwrap()
        }
        Mutation::Replace(i, replacement) => {
            let mut value: Value = serde_json::from_slice(text).unwrap();
            let all = pointers(&value, false);
            if let Some((parent, key)) = all.get(i.index(all.len().max(1))) {
                match value.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.insert(key.clone(), replacement.clone());
                    }
                    Some(Value::Array(items)) => {
                        items[key.parse::<usize>().unwrap()] = replacement.clone();
                    }
                    _ => {}
                }
            }
            serde_json::to_vec_pretty(&value).unwrap()
        }
    }
}

/// Every (parent pointer, key or index) in `value`; only object members with `members_only`.
fn pointers(value: &Value, members_only: bool) -> Vec<(String, String)> {
    fn walk(value: &Value, at: &str, members_only: bool, out: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    out.push((at.to_string(), key.clone()));
                    let escaped = key.replace('~', "~0").replace('/', "~1");
                    walk(child, &format!("{at}/{escaped}"), members_only, out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    if !members_only {
                        out.push((at.to_string(), i.to_string()));
                    }
                    walk(child, &format!("{at}/{i}"), members_only, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "", members_only, &mut out);
    out
}

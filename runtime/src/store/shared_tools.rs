//! Shared records as tools: [`register`] adds `<name>_get` (read) and `<name>_put` (write) to a
//! [`Toolbox`], backed by a [`Store`]'s versioned compare-and-swap (see [`super::shared`]).
//! Agents reach shared state through ordinary tool calls, so production runs the
//! compare-and-swap in the store (SQLite) while replay answers from the cassette.
//!
//! The protocol (records live under `<name>/<key>` in the store):
//!
//! - `<name>_get {"key"}` → `{"key", "version", "value"}`; version 0 and value `null` when the
//!   record does not exist yet.
//! - `<name>_put {"key", "expected_version", "value"}` → `{"key", "written": true, "version"}`
//!   when the record was still at `expected_version` (0: it must not exist yet), else
//!   `{"key", "written": false, "conflict": {"expected", "current"}}`: another writer got there
//!   first, nothing was written, and the caller re-reads and re-applies its change.
//!   A put without `expected_version` (a blind write, the lost-update bug) is refused.
//!
//! ```
//! use std::sync::Arc;
//! use tapedeck::{Effect, Toolbox, store::{SqliteStore, shared_tools}};
//! # let dir = tempfile::tempdir().unwrap();
//! let store = Arc::new(SqliteStore::open(dir.path().join("runs.sqlite")).unwrap());
//! let tools = shared_tools::register(Toolbox::new(), "itinerary", store);
//! assert_eq!(tools.effect_of("itinerary_put"), Some(Effect::Write));
//! ```

use super::Store;
use crate::effect::Effect;
use crate::tool_error::ToolError;
use crate::toolbox::{ToolCall, Toolbox};
use serde_json::{Value, json};
use std::sync::Arc;

/// Adds `<name>_get` and `<name>_put` over `store` to `toolbox` (see the module docs).
pub fn register(toolbox: Toolbox, name: &str, store: Arc<dyn Store>) -> Toolbox {
    let prefix = name.to_string();
    let (get_store, get_prefix) = (Arc::clone(&store), prefix.clone());
    toolbox
        .with(format!("{name}_get"), Effect::Read, move |call| {
            let result = get(&*get_store, &get_prefix, &call);
            async move { result }
        })
        .with(format!("{name}_put"), Effect::Write, move |call| {
            let result = put(&*store, &prefix, &call);
            async move { result }
        })
}

fn get(store: &dyn Store, prefix: &str, call: &ToolCall) -> Result<Value, ToolError> {
    let key = key_of(call)?;
    let record = store
        .state_get(&format!("{prefix}/{key}"))
        .map_err(|e| failed(call, format!("the store failed: {e}")))?;
    Ok(match record {
        Some(r) => json!({ "key": key, "version": r.version, "value": r.value }),
        None => json!({ "key": key, "version": 0, "value": null }),
    })
}

fn put(store: &dyn Store, prefix: &str, call: &ToolCall) -> Result<Value, ToolError> {
    let key = key_of(call)?;
    let expected = call.args["expected_version"].as_u64().ok_or_else(|| {
        failed(
            call,
            "`expected_version` is required (0 creates the record): a blind write could \
             overwrite another writer's update"
                .into(),
        )
    })?;
    let value = call.args.get("value").cloned().unwrap_or(Value::Null);
    let stored_key = format!("{prefix}/{key}");
    let store_error = |e| failed(call, format!("the store failed: {e}"));
    let written = store
        .state_put(&stored_key, (expected > 0).then_some(expected), &value)
        .map_err(store_error)?;
    Ok(match written {
        Some(version) => json!({ "key": key, "written": true, "version": version }),
        None => {
            let current = store
                .state_get(&stored_key)
                .map_err(store_error)?
                .map_or(0, |r| r.version);
            json!({ "key": key, "written": false,
                    "conflict": { "expected": expected, "current": current } })
        }
    })
}

fn key_of(call: &ToolCall) -> Result<&str, ToolError> {
    call.args["key"]
        .as_str()
        .filter(|k| !k.is_empty())
        .ok_or_else(|| failed(call, "`key` (a non-empty string) is required".into()))
}

fn failed(call: &ToolCall, message: String) -> ToolError {
    ToolError::Failed {
        tool: call.tool.clone(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::block_on;
    use crate::store::SqliteStore;

    fn tools() -> (Toolbox, Arc<SqliteStore>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join("runs.sqlite")).unwrap());
        let tools = register(
            Toolbox::new(),
            "itinerary",
            Arc::clone(&store) as Arc<dyn Store>,
        );
        (tools, store, dir)
    }

    fn call(tools: &Toolbox, tool: &str, args: Value) -> Result<Value, ToolError> {
        let call = ToolCall {
            tool: tool.into(),
            args,
            idempotency_key: None,
            remaining: None,
        };
        block_on(tools.invoke(call).expect("registered"))
    }

    #[test]
    fn registers_a_read_and_a_write_tool() {
        let (tools, _, _dir) = tools();
        assert_eq!(tools.names(), ["itinerary_get", "itinerary_put"]);
        assert_eq!(tools.effect_of("itinerary_get"), Some(Effect::Read));
        assert_eq!(tools.effect_of("itinerary_put"), Some(Effect::Write));
    }

    #[test]
    fn a_record_is_created_read_and_updated_by_version() {
        let (tools, store, _dir) = tools();
        let absent = call(&tools, "itinerary_get", json!({ "key": "trip-1" })).unwrap();
        assert_eq!(
            absent,
            json!({ "key": "trip-1", "version": 0, "value": null })
        );
        let created = json!({ "key": "trip-1", "expected_version": 0, "value": { "items": [1] } });
        assert_eq!(
            call(&tools, "itinerary_put", created).unwrap(),
            json!({ "key": "trip-1", "written": true, "version": 1 })
        );
        let updated =
            json!({ "key": "trip-1", "expected_version": 1, "value": { "items": [1, 2] } });
        assert_eq!(
            call(&tools, "itinerary_put", updated).unwrap()["version"],
            2
        );
        assert_eq!(
            call(&tools, "itinerary_get", json!({ "key": "trip-1" })).unwrap(),
            json!({ "key": "trip-1", "version": 2, "value": { "items": [1, 2] } })
        );
        // Records are namespaced by the tool name in the store.
        let stored = store.state_get("itinerary/trip-1").unwrap().unwrap();
        assert_eq!(
            (stored.version, stored.value),
            (2, json!({ "items": [1, 2] }))
        );
    }

    #[test]
    fn a_stale_write_answers_a_conflict_and_writes_nothing() {
        let (tools, store, _dir) = tools();
        let first = json!({ "key": "trip-1", "expected_version": 0, "value": "a" });
        call(&tools, "itinerary_put", first).unwrap();
        // Another writer moves the record on while we still hold version 1.
        store
            .state_put("itinerary/trip-1", Some(1), &json!("theirs"))
            .unwrap();
        let stale = json!({ "key": "trip-1", "expected_version": 1, "value": "ours" });
        assert_eq!(
            call(&tools, "itinerary_put", stale).unwrap(),
            json!({ "key": "trip-1", "written": false,
                    "conflict": { "expected": 1, "current": 2 } })
        );
        let create_again = json!({ "key": "trip-1", "expected_version": 0, "value": "x" });
        assert_eq!(
            call(&tools, "itinerary_put", create_again).unwrap()["conflict"],
            json!({ "expected": 0, "current": 2 })
        );
        assert_eq!(
            store.state_get("itinerary/trip-1").unwrap().unwrap().value,
            json!("theirs")
        );
    }

    #[test]
    fn blind_writes_and_missing_keys_are_refused() {
        let (tools, store, _dir) = tools();
        let blind = call(
            &tools,
            "itinerary_put",
            json!({ "key": "trip-1", "value": 1 }),
        );
        let Err(ToolError::Failed { tool, message }) = blind else {
            panic!("{blind:?}");
        };
        assert_eq!(tool, "itinerary_put");
        assert!(message.contains("expected_version"), "{message}");
        assert_eq!(store.state_get("itinerary/trip-1").unwrap(), None);
        for args in [json!({}), json!({ "key": "" }), json!({ "key": 7 })] {
            let result = call(&tools, "itinerary_get", args.clone());
            assert!(matches!(result, Err(ToolError::Failed { .. })), "{args}");
        }
    }
}

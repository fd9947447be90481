//! The trip itinerary: one shared record per trip that several agents append to (the hotel
//! booking, the flight booking, the traveller's app), read-modify-written under optimistic
//! concurrency.
//!
//! The tools speak the protocol of [`tapedeck::store::shared_tools`] (which also implements
//! them over the store in production): `itinerary_get {key}` → `{key, version, value}` and
//! `itinerary_put {key, expected_version, value}` → `{key, written: true, version}`, or
//! `{key, written: false, conflict: {expected, current}}` when another writer got there first.
//!
//! The agent adds its booking to the version it read and writes on that version only. On a
//! conflict it records a `write_conflict` event, re-reads and re-applies, at most
//! [`MAX_WRITES`] times: a lost update is detected and retried, never silent. Every put carries
//! the key `<task>:itinerary@<expected version>`, stable for a retry of the same write.
//!
//! Legacy ([`ItineraryWrite::Blind`]): the put has no expected version. The old itinerary
//! service accepted it and overwrote whatever was written since the read; the validator
//! `no_lost_update` ([`crate::lost_update`]) catches that in a replay.

use super::{BookingError, parse};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tapedeck::resilience::RetryPolicy;
use tapedeck::{Ctx, ToolError, ToolHandle};

/// The dependency of the itinerary service.
pub const ITINERARY: &str = "itinerary";

/// Writes (read, change, put) before a conflicting itinerary is given up.
pub const MAX_WRITES: u32 = 3;

/// How the itinerary is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItineraryWrite {
    /// On the version read, re-read and re-applied on a conflict (correct).
    #[default]
    Conditional,
    /// Legacy: without an expected version, overwriting concurrent updates.
    Blind,
}

#[derive(Debug, Deserialize)]
struct Record {
    version: u64,
    #[serde(default)]
    value: Value,
}

#[derive(Debug, Deserialize)]
struct Conflict {
    expected: u64,
    current: u64,
}

#[derive(Debug, Deserialize)]
struct PutAnswer {
    written: bool,
    #[serde(default)]
    version: Option<u64>,
    #[serde(default)]
    conflict: Option<Conflict>,
}

/// Adds `item` to the itinerary `key`; returns the version that holds it.
pub(super) async fn record(
    ctx: &Ctx,
    task: &str,
    key: &str,
    item: Value,
    mode: ItineraryWrite,
) -> Result<u64, BookingError> {
    for attempt in 1..=MAX_WRITES {
        let (_, read) = service(ctx, "itinerary_get")
            .call_indexed(json!({ "key": key }))
            .await?;
        let read: Record = parse("itinerary_get", read)?;
        let value = with_item(read.value, &item);
        let (request, idempotency_key) = match mode {
            ItineraryWrite::Conditional => (
                json!({ "key": key, "expected_version": read.version, "value": value }),
                format!("{task}:itinerary@{}", read.version),
            ),
            ItineraryWrite::Blind => (
                json!({ "key": key, "value": value }),
                format!("{task}:itinerary"),
            ),
        };
        let (put_call, answer) = service(ctx, "itinerary_put")
            .idempotency_key(idempotency_key)
            .call_indexed(request)
            .await?;
        match parse::<PutAnswer>("itinerary_put", answer)? {
            PutAnswer {
                written: true,
                version: Some(version),
                ..
            } => {
                ctx.evidence(format!("/calls/{put_call}/response/version"));
                return Ok(version);
            }
            PutAnswer {
                conflict: Some(conflict),
                ..
            } => ctx.event(
                "write_conflict",
                json!({ "record": key, "attempt": attempt,
                        "expected": conflict.expected, "current": conflict.current }),
            ),
            other => {
                return Err(ToolError::InvalidResponse {
                    tool: "itinerary_put".into(),
                    message: format!("neither written nor a conflict: {other:?}"),
                }
                .into());
            }
        }
    }
    Err(BookingError::ItineraryConflict {
        key: key.to_string(),
        attempts: MAX_WRITES,
    })
}

/// A call to the itinerary service, retried by the runtime on transient errors.
fn service<'a>(ctx: &'a Ctx, tool: &'a str) -> ToolHandle<'a> {
    ctx.tool(tool)
        .dependency(ITINERARY)
        .retry(RetryPolicy::attempts(3))
}

/// The itinerary `value` with `item` in its `items` (once: an item with the same `booking_id`
/// is not added again). Everything else in the record is kept as read.
fn with_item(value: Value, item: &Value) -> Value {
    let mut record = match value {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    let items = record
        .entry("items")
        .or_insert_with(|| Value::Array(Vec::new()));
    if !items.is_array() {
        *items = Value::Array(Vec::new());
    }
    if let Value::Array(list) = items
        && !list.iter().any(|i| i["booking_id"] == item["booking_id"])
    {
        list.push(item.clone());
    }
    Value::Object(record)
}

#[cfg(test)]
mod tests {
    use super::with_item;
    use serde_json::json;

    #[test]
    fn the_item_is_added_once_and_the_rest_is_kept() {
        let item = json!({ "booking_id": "bk_1" });
        let read = json!({ "trip": "t", "items": [{ "booking_id": "fl_9" }] });
        let once = with_item(read, &item);
        assert_eq!(
            once,
            json!({ "trip": "t", "items": [{ "booking_id": "fl_9" }, { "booking_id": "bk_1" }] })
        );
        assert_eq!(with_item(once.clone(), &item), once);
        assert_eq!(
            with_item(json!(null), &item),
            json!({ "items": [{ "booking_id": "bk_1" }] })
        );
    }
}

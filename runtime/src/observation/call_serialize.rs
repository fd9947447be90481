//! How a [`CallRecord`] serializes: like a derived struct (fields in key order), with the
//! recorded response marked.
//!
//! A response that a cassette delivered unchanged is the recorded interaction's response, byte
//! for byte. Serializers see it wrapped in the newtype struct [`RECORDED_RESPONSE`], which
//! `serde_json` (and every serializer that does not know the name) writes as the value itself,
//! so reports, run records and `to_value` are unchanged. The snapshot writer knows the name and
//! writes `"[recorded]"` instead: a snapshot records what the agent did, and what it was told is
//! already in `tool_cassettes.json` under the call's `interaction` id. This is the pattern
//! `serde_json::value::RawValue` uses for its own marker.

use super::{CallRecord, CallSource};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::Value;

/// The newtype-struct name that marks a response delivered unchanged from the cassette.
pub const RECORDED_RESPONSE: &str = "$tapedeck::RecordedResponse";

/// A response as the cassette recorded it.
struct Recorded<'a>(&'a Value);

impl Serialize for Recorded<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(RECORDED_RESPONSE, self.0)
    }
}

impl CallRecord {
    /// Whether `response` is the recorded interaction's response, delivered unchanged (a
    /// cassette answer; faults and recorded errors deliver no response).
    pub fn response_is_recorded(&self) -> bool {
        self.source == CallSource::Cassette && self.response.is_some()
    }
}

impl Serialize for CallRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let present = [
            self.response.is_some(),
            self.error.is_some(),
            self.interaction.is_some(),
            self.fault.is_some(),
            self.idempotency_key.is_some(),
            self.live_diff.is_some(),
        ];
        let len = 7 + present.iter().filter(|&&p| p).count();
        let mut s = serializer.serialize_struct("CallRecord", len)?;
        // In key order, so that the snapshot writer need not sort them.
        s.serialize_field("duration_ms", &self.duration_ms)?;
        s.serialize_field("effect", &self.effect)?;
        optional(&mut s, "error", &self.error)?;
        optional(&mut s, "fault", &self.fault)?;
        optional(&mut s, "idempotency_key", &self.idempotency_key)?;
        s.serialize_field("index", &self.index)?;
        optional(&mut s, "interaction", &self.interaction)?;
        optional(&mut s, "live_diff", &self.live_diff)?;
        s.serialize_field("request", &self.request)?;
        match &self.response {
            Some(response) if self.response_is_recorded() => {
                s.serialize_field("response", &Recorded(response))?
            }
            Some(response) => s.serialize_field("response", response)?,
            None => s.skip_field("response")?,
        }
        s.serialize_field("source", &self.source)?;
        s.serialize_field("started_ms", &self.started_ms)?;
        s.serialize_field("tool", &self.tool)?;
        s.end()
    }
}

/// Serializes `value` as field `key` when present, skips it when absent.
fn optional<S: SerializeStruct, T: Serialize>(
    s: &mut S,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), S::Error> {
    match value {
        Some(value) => s.serialize_field(key, value),
        None => s.skip_field(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cassette::FaultKind;
    use crate::effect::Effect;
    use serde_json::json;
    use std::sync::Arc;

    fn call(source: CallSource) -> CallRecord {
        CallRecord {
            index: 2,
            tool: "search".into(),
            effect: Effect::Read,
            request: json!({"q": "x"}),
            response: Some(Arc::new(json!({"hits": [1]}))),
            error: None,
            source,
            interaction: Some("i2".into()),
            fault: None,
            idempotency_key: None,
            started_ms: 5,
            duration_ms: 7,
            live_diff: None,
        }
    }

    #[test]
    fn serializes_like_the_derived_struct_with_absent_fields_skipped() {
        let value = serde_json::to_value(call(CallSource::Cassette)).unwrap();
        assert_eq!(
            value,
            json!({
                "index": 2, "tool": "search", "effect": "read", "request": {"q": "x"},
                "response": {"hits": [1]}, "source": "cassette", "interaction": "i2",
                "started_ms": 5, "duration_ms": 7
            })
        );
        let mut full = call(CallSource::Live);
        full.response = None;
        full.error = Some(crate::observation::CallError {
            kind: "timeout".into(),
            message: "m".into(),
            dependency: None,
        });
        full.fault = Some(FaultKind::Timeout);
        full.idempotency_key = Some("k".into());
        full.live_diff = Some(Vec::new());
        let value = serde_json::to_value(&full).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "duration_ms",
                "effect",
                "error",
                "fault",
                "idempotency_key",
                "index",
                "interaction",
                "live_diff",
                "request",
                "source",
                "started_ms",
                "tool"
            ]
        );
        assert_eq!(value["error"], json!({"kind": "timeout", "message": "m"}));
    }

    #[test]
    fn only_a_cassette_answer_is_recorded() {
        assert!(call(CallSource::Cassette).response_is_recorded());
        for source in [CallSource::Live, CallSource::Ledger] {
            assert!(!call(source).response_is_recorded(), "{source:?}");
        }
        let mut failed = call(CallSource::Cassette);
        failed.response = None;
        assert!(!failed.response_is_recorded());
    }
}

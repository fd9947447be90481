//! The journal: what a run did, accumulated call by call into an [`Observation`].

use super::ArtifactRef;
use crate::artifact::sha256_hex;
use crate::cassette::{MissReport, Usage};
use crate::observation::{
    ArtifactRecord, CallRecord, EventRecord, LedgerEntry, LedgerOutcome, Observation,
};
use crate::value_groups::ValueGroups;
use foldhash::HashMap;
use serde_json::Value;

/// The growing record of a run. Owned by the `Ctx` behind a lock.
#[derive(Debug, Default)]
pub struct Journal {
    pub(crate) calls: Vec<CallRecord>,
    pub(crate) ledger: Vec<LedgerEntry>,
    pub(crate) artifacts: Vec<ArtifactRecord>,
    pub(crate) evidence: Vec<String>,
    pub(crate) events: Vec<EventRecord>,
    pub(crate) usage: Usage,
    pub(crate) misses: Vec<MissReport>,
    pub(crate) declared: Option<crate::agent::Declared>,
}

impl Journal {
    /// An empty journal with room for `calls` calls and their ledger entries, so that a replay,
    /// which knows how many calls its cassette recorded, does not grow them as it goes (a call
    /// record is a few hundred bytes).
    pub fn with_room_for(calls: usize) -> Journal {
        Journal {
            calls: Vec::with_capacity(calls),
            ledger: Vec::with_capacity(calls),
            ..Journal::default()
        }
    }

    /// Records a finished call, and its ledger entry when `ledger` is set (side effects, and
    /// blocked calls kept as evidence). Concurrent calls may finish out of order; calls and the
    /// ledger stay in call (start) order, and attempts are numbered in that order when the
    /// observation is built.
    pub fn record_call(&mut self, call: CallRecord, ledger: Option<LedgerOutcome>) {
        let entry = ledger.map(|outcome| LedgerEntry {
            call: call.index,
            tool: call.tool.clone(),
            effect: call.effect,
            idempotency_key: call.idempotency_key.clone(),
            attempt: 1,
            outcome,
        });
        let position = self.calls.partition_point(|c| c.index < call.index);
        self.calls.insert(position, call);
        if let Some(entry) = entry {
            let position = self.ledger.partition_point(|e| e.call < entry.call);
            self.ledger.insert(position, entry);
        }
    }

    /// Records an artifact (a second write to the same path replaces the first).
    pub fn record_artifact(&mut self, path: String, bytes: Vec<u8>) -> ArtifactRef {
        let record = ArtifactRecord {
            sha256: sha256_hex(&bytes),
            size: bytes.len() as u64,
            content: artifact_content(&path, &bytes),
            path,
            bytes,
        };
        let written = ArtifactRef {
            path: record.path.clone(),
            sha256: record.sha256.clone(),
            size: record.size,
        };
        match self.artifacts.iter_mut().find(|a| a.path == record.path) {
            Some(existing) => *existing = record,
            None => self.artifacts.push(record),
        }
        written
    }

    /// Moves the contents out into an observation (the run is over; nothing is copied).
    pub fn take_observation(&mut self) -> Observation {
        let mut ledger = std::mem::take(&mut self.ledger);
        number_attempts(&mut ledger, &self.calls);
        Observation {
            artifacts: std::mem::take(&mut self.artifacts),
            calls: std::mem::take(&mut self.calls),
            ledger,
            evidence: std::mem::take(&mut self.evidence),
            events: std::mem::take(&mut self.events),
            usage: self.usage,
            ..Observation::default()
        }
    }

    /// Builds the observation (the journal keeps its contents).
    pub fn to_observation(&self) -> Observation {
        let mut ledger = self.ledger.clone();
        number_attempts(&mut ledger, &self.calls);
        Observation {
            artifacts: self.artifacts.clone(),
            calls: self.calls.clone(),
            ledger,
            evidence: self.evidence.clone(),
            events: self.events.clone(),
            usage: self.usage,
            ..Observation::default()
        }
    }
}

/// Numbers each ledger entry within its group, in call order: the same tool and idempotency
/// key, or, without a key, the same tool and an equal request. One pass, so a run with many
/// side effects is not slowed down by them. `calls` is in index order.
fn number_attempts(ledger: &mut [LedgerEntry], calls: &[CallRecord]) {
    let request_of = |index: usize| {
        calls
            .binary_search_by_key(&index, |c| c.index)
            .map_or(&Value::Null, |i| &calls[i].request)
    };
    let mut keyed: HashMap<(&str, &str), u32> = HashMap::default();
    let mut keyless = ValueGroups::with_capacity(ledger.len());
    let mut keyless_counts: Vec<u32> = Vec::with_capacity(ledger.len());
    let attempts: Vec<u32> = ledger
        .iter()
        .map(|entry| {
            let count = match &entry.idempotency_key {
                Some(key) => keyed.entry((&entry.tool, key)).or_default(),
                None => {
                    let group = keyless.group_of(&entry.tool, request_of(entry.call));
                    keyless_counts.resize(keyless.len(), 0);
                    &mut keyless_counts[group]
                }
            };
            *count += 1;
            *count
        })
        .collect();
    for (entry, attempt) in ledger.iter_mut().zip(attempts) {
        entry.attempt = attempt;
    }
}

/// What a snapshot shows of an artifact: JSON for `.json` files that parse, text for UTF-8.
fn artifact_content(path: &str, bytes: &[u8]) -> Option<Value> {
    if path.ends_with(".json")
        && let Ok(v) = serde_json::from_slice::<Value>(bytes)
    {
        return Some(v);
    }
    std::str::from_utf8(bytes)
        .ok()
        .map(|s| Value::String(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::effect::Effect;
    use crate::observation::CallSource;
    use serde_json::json;

    fn call(index: usize, tool: &str, request: Value, key: Option<&str>) -> CallRecord {
        CallRecord {
            index,
            tool: tool.into(),
            effect: Effect::Write,
            request,
            response: None,
            error: None,
            source: CallSource::Live,
            interaction: None,
            fault: None,
            idempotency_key: key.map(str::to_string),
            started_ms: 0,
            duration_ms: 0,
            live_diff: None,
        }
    }

    fn attempts(journal: &Journal) -> Vec<(usize, u32)> {
        journal
            .to_observation()
            .ledger
            .iter()
            .map(|e| (e.call, e.attempt))
            .collect()
    }

    #[test]
    fn attempts_count_per_tool_and_key_or_request_in_call_order() {
        let mut journal = Journal::default();
        // Finished out of order: 3 before 1.
        let calls = [
            call(0, "send", json!({"to": "a"}), None),
            call(3, "send", json!({"to": "a"}), None),
            call(1, "send", json!({"to": "b"}), None),
            call(2, "pay", json!({"to": "a"}), None),
            call(4, "send", json!({"to": "a"}), Some("k")),
            call(5, "send", json!({"to": "b"}), Some("k")),
            call(6, "send", json!({"to": "a"}), None),
        ];
        for c in calls {
            journal.record_call(c, Some(LedgerOutcome::Answered));
        }
        assert_eq!(
            attempts(&journal),
            [(0, 1), (1, 1), (2, 1), (3, 2), (4, 1), (5, 2), (6, 3)],
            "keyless calls group by tool and equal request, keyed ones by tool and key"
        );
        let taken = journal.take_observation();
        let numbers: Vec<u32> = taken.ledger.iter().map(|e| e.attempt).collect();
        assert_eq!(
            numbers,
            [1, 1, 1, 2, 1, 2, 3],
            "take_observation numbers alike"
        );
    }

    #[test]
    fn equal_requests_are_one_group_whatever_their_key_order() {
        let mut journal = Journal::default();
        let a: Value = serde_json::from_str(r#"{"x": 1, "y": [1, 2]}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"y": [1, 2], "x": 1}"#).unwrap();
        journal.record_call(call(0, "send", a, None), Some(LedgerOutcome::Answered));
        journal.record_call(call(1, "send", b, None), Some(LedgerOutcome::Answered));
        journal.record_call(call(2, "send", json!({"x": 2}), None), None);
        assert_eq!(attempts(&journal), [(0, 1), (1, 2)]);
    }
}

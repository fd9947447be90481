//! The journal: what a run did, accumulated call by call into an [`Observation`].

use crate::artifact::sha256_hex;
use crate::cassette::{MissReport, Usage};
use crate::observation::{
    ArtifactRecord, CallRecord, EventRecord, LedgerEntry, LedgerOutcome, Observation,
};
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
    /// Reserves the next call index.
    pub fn next_call_index(&self) -> usize {
        self.calls.len()
    }

    /// Records a finished call, and its ledger entry when its effect is a side effect (or when
    /// `force_ledger` says a blocked call must be kept as evidence).
    pub fn record_call(&mut self, call: CallRecord, ledger: Option<LedgerOutcome>) {
        if let Some(outcome) = ledger {
            let attempt = 1 + self
                .ledger
                .iter()
                .filter(|e| e.tool == call.tool && same_attempt_group(e, &call, &self.calls))
                .count() as u32;
            self.ledger.push(LedgerEntry {
                call: call.index,
                tool: call.tool.clone(),
                effect: call.effect,
                idempotency_key: call.idempotency_key.clone(),
                attempt,
                outcome,
            });
        }
        self.calls.push(call);
        // Calls may finish out of order when they run concurrently; keep index order.
        if self.calls.len() > 1
            && self.calls[self.calls.len() - 2].index > self.calls[self.calls.len() - 1].index
        {
            self.calls.sort_by_key(|c| c.index);
        }
    }

    /// Records an artifact (a second write to the same path replaces the first).
    pub fn record_artifact(&mut self, path: String, bytes: Vec<u8>) -> ArtifactRecord {
        let record = ArtifactRecord {
            sha256: sha256_hex(&bytes),
            size: bytes.len() as u64,
            content: artifact_content(&path, &bytes),
            path,
            bytes,
        };
        match self.artifacts.iter_mut().find(|a| a.path == record.path) {
            Some(existing) => *existing = record.clone(),
            None => self.artifacts.push(record.clone()),
        }
        record
    }

    /// Builds the observation (the journal keeps its contents).
    pub fn to_observation(&self) -> Observation {
        Observation {
            artifacts: self.artifacts.clone(),
            calls: self.calls.clone(),
            ledger: self.ledger.clone(),
            evidence: self.evidence.clone(),
            events: self.events.clone(),
            usage: self.usage,
            ..Observation::default()
        }
    }
}

/// Two ledger entries are attempts of the same logical call if they share an idempotency key,
/// or, without keys, the same request.
fn same_attempt_group(entry: &LedgerEntry, call: &CallRecord, calls: &[CallRecord]) -> bool {
    match (&entry.idempotency_key, &call.idempotency_key) {
        (Some(a), Some(b)) => a == b,
        (None, None) => calls
            .iter()
            .find(|c| c.index == entry.call)
            .is_some_and(|c| c.request == call.request),
        _ => false,
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

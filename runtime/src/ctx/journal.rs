//! The journal: what a run did, accumulated call by call into an [`Observation`].

use super::ArtifactRef;
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
    /// Records a finished call, and its ledger entry when `ledger` is set (side effects, and
    /// blocked calls kept as evidence). Concurrent calls may finish out of order; calls and the
    /// ledger stay in call (start) order, and attempts are numbered in that order.
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
            self.number_attempts();
        }
    }

    /// Numbers each ledger entry within its group: the same tool and idempotency key, or,
    /// without keys, the same tool and request.
    fn number_attempts(&mut self) {
        for i in 0..self.ledger.len() {
            let earlier = (0..i).filter(|&j| self.same_group(j, i)).count();
            self.ledger[i].attempt = earlier as u32 + 1;
        }
    }

    fn same_group(&self, a: usize, b: usize) -> bool {
        let (x, y) = (&self.ledger[a], &self.ledger[b]);
        if x.tool != y.tool {
            return false;
        }
        match (&x.idempotency_key, &y.idempotency_key) {
            (Some(k), Some(l)) => k == l,
            (None, None) => self.request_of(x.call) == self.request_of(y.call),
            _ => false,
        }
    }

    fn request_of(&self, index: usize) -> Option<&Value> {
        self.calls
            .iter()
            .find(|c| c.index == index)
            .map(|c| &c.request)
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
        Observation {
            artifacts: std::mem::take(&mut self.artifacts),
            calls: std::mem::take(&mut self.calls),
            ledger: std::mem::take(&mut self.ledger),
            evidence: std::mem::take(&mut self.evidence),
            events: std::mem::take(&mut self.events),
            usage: self.usage,
            ..Observation::default()
        }
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

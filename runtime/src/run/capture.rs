//! The capture of a production run: what its `Ctx` hands to the recorder while the agent works.
//!
//! Everything here is on the agent's path, so it only numbers the event, takes the time and puts
//! it on the writer's queue; redaction, formatting and disk happen on the writer thread.

use super::payload::RunPayloads;
use super::writer::{EventQueue, Message, PendingEvent};
use crate::artifact::{ArtifactError, StagingArea};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// The capture hook of one run.
pub(crate) struct Capture {
    run: Arc<RunPayloads>,
    trace_id: String,
    seq: AtomicU64,
    queue: EventQueue,
    staging: StagingArea,
}

impl Capture {
    pub fn new(
        run: Arc<RunPayloads>,
        trace_id: String,
        queue: EventQueue,
        staging: StagingArea,
    ) -> Capture {
        Capture {
            run,
            trace_id,
            seq: AtomicU64::new(0),
            queue,
            staging,
        }
    }

    pub fn run_id(&self) -> &str {
        self.run.run_id()
    }

    pub fn trace_id(&self) -> &str {
        &self.trace_id
    }

    pub fn staging(&self) -> &StagingArea {
        &self.staging
    }

    pub fn queue(&self) -> &EventQueue {
        &self.queue
    }

    /// Queues one event. Never blocks; if the writer is gone the event is dropped (the run is
    /// being torn down).
    pub fn emit(&self, kind: &str, data: Value) {
        self.emit_for_tool(kind, None, data);
    }

    /// Queues one event about a tool call (captured with that tool's payload mode).
    pub fn emit_for_tool(&self, kind: &str, tool: Option<&str>, data: Value) {
        let event = PendingEvent {
            run: Arc::clone(&self.run),
            seq: self.seq.fetch_add(1, Ordering::Relaxed),
            kind: kind.to_string(),
            at: SystemTime::now(),
            data,
            tool: tool.map(str::to_string),
        };
        let _ = self.queue.send(Message::Event(event));
    }

    /// Writes an artifact into the run's staging area.
    pub fn stage(&self, path: &str, bytes: &[u8]) -> Result<(), ArtifactError> {
        self.staging.write(path, bytes)
    }
}

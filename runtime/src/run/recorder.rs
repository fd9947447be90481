//! The recorder: opens runs (record first, then work), and closes them through the completion
//! validator.

use super::active::ActiveRun;
use super::capture::Capture;
use super::config::RecorderConfig;
use super::envelope::RunEnvelope;
use super::payload::RunPayloads;
use super::writer::EventWriter;
use crate::agent::into_return;
use crate::artifact::{StagingArea, sha256_hex};
use crate::ctx::Ctx;
use crate::fixture::FixtureResilience;
use crate::replay::CatchUnwind;
use crate::store::event::kind;
use crate::store::{RunRecord, RunType, Store, StoreError};
use crate::toolbox::Toolbox;
use serde::Serialize;
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

/// Why the recorder could not do something.
#[derive(Debug, thiserror::Error)]
pub enum RecorderError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The run was already closed by someone else (the watchdog, after its deadline).
    #[error(
        "run {run_id} was already closed (status {status}) before this close; its artifacts were not committed"
    )]
    AlreadyClosed {
        /// The run.
        run_id: String,
        /// The status it was closed with.
        status: String,
    },
}

pub(crate) struct Shared {
    pub store: Arc<dyn Store>,
    pub writer: EventWriter,
    pub config: RecorderConfig,
}

/// Captures production runs into a store.
///
/// ```no_run
/// use std::sync::Arc;
/// use tapedeck::{Ctx, Toolbox, run::{Recorder, RunEnvelope}, store::SqliteStore};
///
/// async fn agent(ctx: &Ctx, order: String) -> Result<String, tapedeck::ToolError> {
///     let found = ctx.call("get_order", serde_json::json!({ "id": order })).await?;
///     Ok(found.to_string())
/// }
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let recorder = Recorder::open(Arc::new(SqliteStore::open("target/tapedeck/runs.sqlite")?));
/// let envelope = RunEnvelope::new("refund_agent", serde_json::json!("o-1"));
/// let record = recorder
///     .run(envelope, Toolbox::new(), async |ctx| agent(ctx, "o-1".into()).await)
///     .await?;
/// println!("{} {:?}", record.run_id, record.status);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Recorder {
    shared: Arc<Shared>,
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// A recorder over `store` with the default configuration.
    pub fn open(store: Arc<dyn Store>) -> Recorder {
        Recorder::with_config(store, RecorderConfig::default())
    }

    /// A recorder over `store`.
    pub fn with_config(store: Arc<dyn Store>, config: RecorderConfig) -> Recorder {
        let writer = EventWriter::start(Arc::clone(&store));
        Recorder {
            shared: Arc::new(Shared {
                store,
                writer,
                config,
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        &*self.shared.store
    }

    /// The event writer (its counters, and `flush`).
    pub fn writer(&self) -> &EventWriter {
        &self.shared.writer
    }

    /// The configuration.
    pub fn config(&self) -> &RecorderConfig {
        &self.shared.config
    }

    /// Starts a run: writes the open run record (before any work), then returns the run with
    /// its live [`Ctx`]. Close it with [`ActiveRun::close`]; a run dropped without close is
    /// closed by its guard.
    pub fn start(
        &self,
        envelope: RunEnvelope,
        toolbox: Toolbox,
    ) -> Result<ActiveRun, RecorderError> {
        let config = &self.shared.config;
        let timeout = envelope.timeout.unwrap_or(config.default_timeout);
        let mut record = RunRecord::start(&envelope.agent_name, RunType::Production);
        record.task_id = envelope.task_id.clone();
        record.attempt = envelope.attempt;
        record.code_version = envelope
            .code_version
            .clone()
            .or_else(|| config.code_version.clone());
        record.model = envelope.model.clone();
        record.prompt_version = envelope.prompt_version.clone();
        record.tool_allowlist = envelope.tool_allowlist.clone();
        record.timeout_seconds = Some(timeout.as_secs_f64().ceil() as u64);
        record.input_sha256 = Some(sha256_hex(envelope.input.to_string().as_bytes()));
        record.state_refs = envelope.state_refs.clone();
        record.trace_id = Some(
            envelope
                .trace_id
                .clone()
                .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string()),
        );
        record.parent_run_id = envelope.parent_run_id.clone();
        self.shared
            .store
            .open_run(&record, Some(&config.artifact_root))?;

        let payloads = Arc::new(RunPayloads::new(
            record.run_id.clone(),
            config.payloads.clone(),
        ));
        let capture = Capture::new(
            payloads,
            record.trace_id.clone().unwrap_or_default(),
            self.shared.writer.queue(),
            StagingArea::new(&config.artifact_root, &record.run_id),
        );
        let resilience = FixtureResilience::from_config(&config.resilience.config());
        capture.emit(
            kind::RUN_STARTED,
            started_event(&envelope, &record, resilience.as_ref()),
        );
        let mut builder = Ctx::builder()
            .toolbox(toolbox)
            .timeout(timeout)
            .resilience(Arc::clone(&config.resilience))
            .idempotency_ledger(Arc::clone(&self.shared.store));
        if let Some(task) = &envelope.task_id {
            builder = builder.task_id(task);
        }
        if let Some(tools) = &envelope.tool_allowlist {
            builder = builder.allowlist(tools.clone());
        }
        if let Some(state) = &envelope.state {
            builder = builder.state(state.clone());
        }
        let ctx = builder.capture(capture).build();
        Ok(ActiveRun::new(
            Arc::clone(&self.shared),
            ctx,
            record,
            envelope,
        ))
    }

    /// Runs `agent` as one recorded run and closes it in every case: on return, on error, on
    /// panic (`failed`, `agent_panicked`), and — through the guard — when this future is dropped
    /// before it finishes.
    pub async fn run<O, E>(
        &self,
        envelope: RunEnvelope,
        toolbox: Toolbox,
        agent: impl AsyncFnOnce(&Ctx) -> Result<O, E>,
    ) -> Result<RunRecord, RecorderError>
    where
        O: Serialize,
        E: fmt::Display + 'static,
    {
        let run = self.start(envelope, toolbox)?;
        let ctx = run.ctx().clone();
        let returned = CatchUnwind(AssertUnwindSafe(Box::pin(agent(&ctx)))).await;
        run.close_with(returned.map(into_return))
    }

    /// Waits until every event queued so far is in the store.
    pub fn flush(&self) {
        self.shared.writer.flush();
    }
}

/// The `run_started` event: the envelope, so that a fixture can be built from the run, and the
/// retry budget and breaker numbers where they are not the defaults (`input.json`'s
/// `resilience`).
fn started_event(
    envelope: &RunEnvelope,
    record: &RunRecord,
    resilience: Option<&FixtureResilience>,
) -> serde_json::Value {
    let mut event = serde_json::json!({
        "agent_name": envelope.agent_name,
        "task_id": envelope.task_id,
        "attempt": envelope.attempt,
        "input": envelope.input,
        "state": envelope.state,
        "model": envelope.model,
        "prompt_version": envelope.prompt_version,
        "tool_allowlist": envelope.tool_allowlist,
        "timeout_seconds": record.timeout_seconds,
        "code_version": record.code_version,
        "trace_id": record.trace_id,
        "parent_run_id": record.parent_run_id,
        "contract": envelope.contract,
    });
    if let (Some(resilience), Some(map)) = (resilience, event.as_object_mut()) {
        map.insert(
            "resilience".into(),
            serde_json::to_value(resilience).unwrap_or_default(),
        );
    }
    event
}

//! `Ctx`: the agent's handle to tools, artifacts, evidence, time and randomness.
//!
//! The same agent code runs in production (tools run for real) and in replay (tools are
//! answered from a cassette); only the way a `Ctx` is built differs.

mod call;
pub mod clock;
mod deadline;
mod handle;
pub mod journal;
mod replay_backend;
mod resilient;
pub mod values;

pub use handle::ToolHandle;

use crate::agent::Declared;
use crate::artifact::{ArtifactError, normalize_path};
use crate::mode::Mode;
use crate::observation::{EventRecord, Observation};
use crate::resilience::Resilience;
use crate::run::capture::Capture;
use crate::store::event::kind as event_kind;
use crate::tool_error::ToolError;
use crate::toolbox::Toolbox;
use clock::Clock;
use foldhash::HashSet;
use journal::Journal;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};
use uuid::Uuid;
use values::ValueSource;

pub(crate) use replay_backend::ReplayBackend;

/// The agent's handle. Cheap to clone; clones share the same run.
#[derive(Clone)]
pub struct Ctx {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("mode", &self.mode())
            .field("task_id", &self.inner.task_id)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    backend: Backend,
    clock: Clock,
    values: Mutex<ValueSource>,
    journal: Mutex<Journal>,
    next_call: AtomicUsize,
    deadline_ms: Option<u64>,
    allowlist: Option<HashSet<String>>,
    task_id: Option<String>,
    state: Option<Arc<Map<String, Value>>>,
    started_at: SystemTime,
    capture: Option<Capture>,
    resilience: Arc<Resilience>,
    ledger: Option<Arc<dyn crate::store::Store>>,
}

pub(crate) enum Backend {
    /// Production: tools run for real.
    Direct(Toolbox),
    /// Replay: calls are answered from a cassette.
    Replay(Mutex<ReplayBackend>),
}

impl Backend {
    /// How many calls the cassette recorded (none in production).
    fn recorded_calls(&self) -> usize {
        match self {
            Backend::Direct(_) => 0,
            Backend::Replay(replay) => replay.lock().map_or(0, |r| r.recorded_calls()),
        }
    }
}

/// Builds a production `Ctx`: tools run for real, time is real.
#[derive(Debug, Default)]
pub struct CtxBuilder {
    toolbox: Toolbox,
    timeout: Option<Duration>,
    allowlist: Option<Vec<String>>,
    task_id: Option<String>,
    state: Option<Map<String, Value>>,
    capture: Option<Capture>,
    resilience: Option<Arc<Resilience>>,
    ledger: Option<Arc<dyn crate::store::Store>>,
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capture")
            .field("run_id", &self.run_id())
            .finish_non_exhaustive()
    }
}

impl CtxBuilder {
    /// The real tools.
    pub fn toolbox(mut self, toolbox: Toolbox) -> Self {
        self.toolbox = toolbox;
        self
    }

    /// The run's time budget; calls after it fail with [`ToolError::DeadlineExceeded`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The tools the agent may call; others are blocked.
    pub fn allowlist<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tools: I) -> Self {
        self.allowlist = Some(tools.into_iter().map(Into::into).collect());
        self
    }

    /// The task id.
    pub fn task_id(mut self, task_id: impl Into<String>) -> Self {
        self.task_id = Some(task_id.into());
        self
    }

    /// The state snapshot the agent works from (evidence paths `/state/...`).
    pub fn state(mut self, state: Map<String, Value>) -> Self {
        self.state = Some(state);
        self
    }

    /// The budgets and breakers the run's calls share (default: a fresh set for this ctx).
    /// Share one across the runs of a process so that a fleet sees one breaker per dependency.
    pub fn resilience(mut self, resilience: Arc<Resilience>) -> Self {
        self.resilience = Some(resilience);
        self
    }

    /// The idempotency ledger: side-effecting calls with a key are claimed in this store before
    /// they run (see [`crate::resilience::idempotency`]). The recorder sets its store.
    pub fn idempotency_ledger(mut self, store: Arc<dyn crate::store::Store>) -> Self {
        self.ledger = Some(store);
        self
    }

    /// Captures the run for the recorder.
    pub(crate) fn capture(mut self, capture: Capture) -> Self {
        self.capture = Some(capture);
        self
    }

    /// Builds the `Ctx`.
    pub fn build(self) -> Ctx {
        Ctx::new(Parts {
            backend: Backend::Direct(self.toolbox),
            clock: Clock::real(),
            values: ValueSource::live(),
            deadline_ms: self.timeout.map(clock::duration_ms),
            allowlist: self.allowlist,
            task_id: self.task_id,
            state: self.state.map(Arc::new),
            started_at: SystemTime::now(),
            capture: self.capture,
            resilience: self.resilience.unwrap_or_default(),
            ledger: self.ledger,
        })
    }
}

pub(crate) struct Parts {
    pub backend: Backend,
    pub clock: Clock,
    pub values: ValueSource,
    pub deadline_ms: Option<u64>,
    pub allowlist: Option<Vec<String>>,
    pub task_id: Option<String>,
    pub state: Option<Arc<Map<String, Value>>>,
    pub started_at: SystemTime,
    pub capture: Option<Capture>,
    pub resilience: Arc<Resilience>,
    pub ledger: Option<Arc<dyn crate::store::Store>>,
}

impl Ctx {
    /// A builder for a production `Ctx`.
    pub fn builder() -> CtxBuilder {
        CtxBuilder::default()
    }

    pub(crate) fn new(parts: Parts) -> Ctx {
        let journal = Journal::with_room_for(parts.backend.recorded_calls());
        Ctx {
            inner: Arc::new(Inner {
                backend: parts.backend,
                clock: parts.clock,
                values: Mutex::new(parts.values),
                journal: Mutex::new(journal),
                next_call: AtomicUsize::new(0),
                deadline_ms: parts.deadline_ms,
                allowlist: parts.allowlist.map(|v| v.into_iter().collect()),
                task_id: parts.task_id,
                state: parts.state,
                started_at: parts.started_at,
                capture: parts.capture,
                resilience: parts.resilience,
                ledger: parts.ledger,
            }),
        }
    }

    /// A handle for calling the tool `name`.
    pub fn tool<'a>(&'a self, name: &'a str) -> ToolHandle<'a> {
        ToolHandle::new(self, name)
    }

    /// Calls the tool `name` with JSON-serializable arguments.
    pub fn call<'a>(
        &'a self,
        name: &'a str,
        args: impl Serialize + 'a,
    ) -> impl Future<Output = Result<Value, ToolError>> + 'a {
        // Not an `async fn`: that would wrap (and move) the call's future once more.
        self.tool(name).call(args)
    }

    /// Writes an artifact (relative path, no `..`). In replay the content is kept in the
    /// observation; in production it goes to the run's staging area.
    pub fn artifact(
        &self,
        path: &str,
        content: impl AsRef<[u8]>,
    ) -> Result<ArtifactRef, ArtifactError> {
        self.artifact_bytes(path, content.as_ref().to_vec())
    }

    /// [`Ctx::artifact`] with the content already owned.
    fn artifact_bytes(&self, path: &str, bytes: Vec<u8>) -> Result<ArtifactRef, ArtifactError> {
        let path = normalize_path(path)?;
        if let Some(capture) = &self.inner.capture {
            capture.stage(&path, &bytes)?;
        }
        let written = self.journal().record_artifact(path, bytes);
        if let Some(capture) = &self.inner.capture {
            capture.emit(
                event_kind::ARTIFACT,
                serde_json::json!({ "path": written.path, "sha256": written.sha256, "size": written.size }),
            );
        }
        Ok(written)
    }

    /// Writes a JSON artifact (pretty-printed, trailing newline).
    pub fn artifact_json(
        &self,
        path: &str,
        value: &impl Serialize,
    ) -> Result<ArtifactRef, ArtifactError> {
        let mut text = serde_json::to_string_pretty(value).map_err(|e| ArtifactError::Io {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        text.push('\n');
        self.artifact_bytes(path, text.into_bytes())
    }

    /// Cites evidence: a JSON Pointer into what the run saw, `/state/...` or
    /// `/calls/<i>/response/...` (see [`ToolHandle::call_indexed`] for a call's index).
    pub fn evidence(&self, path: impl Into<String>) {
        let path = path.into();
        if let Some(capture) = &self.inner.capture {
            capture.emit(event_kind::EVIDENCE, serde_json::json!({ "path": path }));
        }
        self.journal().evidence.push(path);
    }

    /// Emits an event (checkpoint, decision, anything worth seeing in the run's record).
    pub fn event(&self, kind: impl Into<String>, data: impl Serialize) {
        let kind = kind.into();
        let data = serde_json::to_value(data).unwrap_or(Value::Null);
        let at_ms = self.inner.clock.elapsed_ms();
        if let Some(capture) = &self.inner.capture {
            capture.emit(&kind, data.clone());
        }
        self.journal()
            .events
            .push(EventRecord { kind, data, at_ms });
    }

    /// Declares the run's status (blocked, degraded, ...) with a reason. The last declaration wins.
    pub fn declare(&self, declared: Declared) {
        if let Some(capture) = &self.inner.capture {
            capture.emit(
                event_kind::DECLARED,
                serde_json::json!({ "verdict": declared.verdict, "reason": declared.reason }),
            );
        }
        self.journal().declared = Some(declared);
    }

    /// The current time: the system clock in production, recorded or virtual time in replay.
    pub fn now(&self) -> SystemTime {
        let elapsed = Duration::from_millis(self.inner.clock.elapsed_ms());
        self.values().now(elapsed)
    }

    /// A new UUID (v7 in production; recorded or seeded in replay).
    pub fn uuid(&self) -> Uuid {
        self.values().uuid()
    }

    /// A random number in `[0, 1)` (recorded or seeded in replay).
    pub fn random(&self) -> f64 {
        self.values().random()
    }

    /// Time since the run started (virtual in replay).
    pub fn elapsed(&self) -> Duration {
        Duration::from_millis(self.inner.clock.elapsed_ms())
    }

    /// The run's deadline as a point in time, if it has one.
    pub fn deadline(&self) -> Option<SystemTime> {
        self.inner
            .deadline_ms
            .map(|ms| values::later(self.inner.started_at, Duration::from_millis(ms)))
    }

    /// Time left before the deadline (zero once it passed), if the run has one.
    pub fn remaining(&self) -> Option<Duration> {
        self.inner
            .deadline_ms
            .map(|ms| Duration::from_millis(ms.saturating_sub(self.inner.clock.elapsed_ms())))
    }

    /// Sleeps (virtually in replay: no real waiting, the clock moves).
    pub async fn sleep(&self, duration: Duration) {
        self.inner.clock.sleep(duration).await;
    }

    /// The state snapshot the run works from.
    pub fn state(&self) -> Option<&Map<String, Value>> {
        self.inner.state.as_deref()
    }

    /// The task id.
    pub fn task_id(&self) -> Option<&str> {
        self.inner.task_id.as_deref()
    }

    /// The id of the recorded run this ctx belongs to (`None` outside a [`crate::Recorder`] run).
    pub fn run_id(&self) -> Option<&str> {
        self.inner.capture.as_ref().map(Capture::run_id)
    }

    /// The trace the recorded run belongs to (`None` outside a [`crate::Recorder`] run).
    pub fn trace_id(&self) -> Option<&str> {
        self.inner.capture.as_ref().map(Capture::trace_id)
    }

    pub(crate) fn capture(&self) -> Option<&Capture> {
        self.inner.capture.as_ref()
    }

    /// The budgets and breakers this run's calls share.
    pub fn resilience(&self) -> &Arc<Resilience> {
        &self.inner.resilience
    }

    /// The replay mode, or `None` in production.
    pub fn mode(&self) -> Option<Mode> {
        match &self.inner.backend {
            Backend::Direct(_) => None,
            Backend::Replay(r) => Some(lock(r).mode),
        }
    }

    /// What the run has done so far (without outcome and timing; see the replay runner).
    pub fn observation(&self) -> Observation {
        let mut obs = self.journal().to_observation();
        obs.elapsed_ms = self.inner.clock.elapsed_ms();
        obs.deadline_ms = self.inner.deadline_ms;
        obs
    }

    /// Ends observation: moves what the run did out of the ctx (later calls start a new record).
    pub(crate) fn take_observation(&self) -> (Observation, Vec<crate::cassette::MissReport>) {
        let mut journal = self.journal();
        let mut obs = journal.take_observation();
        obs.elapsed_ms = self.inner.clock.elapsed_ms();
        obs.deadline_ms = self.inner.deadline_ms;
        (obs, std::mem::take(&mut journal.misses))
    }

    /// The status the agent declared, if any.
    pub fn declared(&self) -> Option<Declared> {
        self.journal().declared.clone()
    }

    /// Cassette-miss reports of the run so far.
    pub fn misses(&self) -> Vec<crate::cassette::MissReport> {
        self.journal().misses.clone()
    }

    /// The clock/uuid/random values handed out so far (what recording writes to the cassette).
    pub fn captured_values(&self) -> crate::cassette::CapturedValues {
        self.values().captured().clone()
    }

    /// Ids of recorded interactions not used so far (empty in production).
    pub fn unused_interactions(&self) -> Vec<String> {
        match &self.inner.backend {
            Backend::Direct(_) => Vec::new(),
            Backend::Replay(r) => lock(r).unused(),
        }
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    fn journal(&self) -> MutexGuard<'_, Journal> {
        lock(&self.inner.journal)
    }

    fn values(&self) -> MutexGuard<'_, ValueSource> {
        lock(&self.inner.values)
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A written artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArtifactRef {
    /// Its normalized path.
    pub path: String,
    /// Lower-case hex SHA-256 of its content.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
}

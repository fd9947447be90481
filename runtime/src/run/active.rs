//! A run in progress, and its guard: every run that starts is closed.

use super::envelope::RunEnvelope;
use super::recorder::{RecorderError, Shared};
use super::writer;
use crate::agent::{AgentReturn, into_return};
use crate::artifact::ManifestEntry;
use crate::contract::{Contract, JudgeInput, Judgement, Violation, judge};
use crate::ctx::Ctx;
use crate::observation::Observation;
use crate::store::RunRecord;
use crate::store::event::kind;
use crate::verdict::{FailureClass, Verdict, reason};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A production run between [`crate::run::Recorder::start`] and [`ActiveRun::close`].
///
/// Dropped without close, it closes itself: `failed` with `agent_panicked` while a panic
/// unwinds, otherwise `inconclusive` with `run_not_closed` (an early return, a cancelled
/// future). Either way its staged artifacts are discarded.
pub struct ActiveRun {
    shared: Arc<Shared>,
    ctx: Ctx,
    record: RunRecord,
    envelope: RunEnvelope,
    closed: bool,
}

impl fmt::Debug for ActiveRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActiveRun")
            .field("run_id", &self.record.run_id)
            .field("agent_name", &self.record.agent_name)
            .finish_non_exhaustive()
    }
}

/// How a run ended, for the guard.
enum Ending {
    Returned(AgentReturn),
    Panicked(String),
    Dropped,
}

impl ActiveRun {
    pub(crate) fn new(
        shared: Arc<Shared>,
        ctx: Ctx,
        record: RunRecord,
        envelope: RunEnvelope,
    ) -> ActiveRun {
        ActiveRun {
            shared,
            ctx,
            record,
            envelope,
            closed: false,
        }
    }

    /// The run's `Ctx`: hand it to the agent.
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// The run id.
    pub fn run_id(&self) -> &str {
        &self.record.run_id
    }

    /// The open record as written at start.
    pub fn record(&self) -> &RunRecord {
        &self.record
    }

    /// Closes the run with the agent's result: the completion validator judges what the run
    /// did against the envelope's contract and assigns the status; artifacts are committed on
    /// `passed`/`degraded` and discarded otherwise. Returns the closed record.
    pub fn close<O: Serialize, E: fmt::Display + 'static>(
        self,
        result: Result<O, E>,
    ) -> Result<RunRecord, RecorderError> {
        self.close_with(Ok(into_return(result)))
    }

    /// [`ActiveRun::close`] with an erased result; `Err` is a panic message.
    pub fn close_with(
        mut self,
        returned: Result<AgentReturn, String>,
    ) -> Result<RunRecord, RecorderError> {
        let ending = match returned {
            Ok(r) => Ending::Returned(r),
            Err(message) => Ending::Panicked(message),
        };
        self.finish(ending)
    }

    fn finish(&mut self, ending: Ending) -> Result<RunRecord, RecorderError> {
        self.closed = true;
        let returned = match ending {
            Ending::Returned(r) => Ok(r),
            Ending::Panicked(message) => Err(message),
            Ending::Dropped => Ok(AgentReturn::Error(String::new())),
        };
        let dropped = matches!(&returned, Ok(AgentReturn::Error(m)) if m.is_empty());
        let exception = match &returned {
            Err(message) => Some(("panic", message.clone())),
            Ok(AgentReturn::Error(message)) if !dropped => Some(("error", message.clone())),
            Ok(AgentReturn::Harness(message)) => Some(("harness", message.clone())),
            _ => None,
        };
        if let (Some((kind, message)), Some(capture)) = (exception, self.ctx.capture()) {
            capture.emit(
                kind::EXCEPTION,
                serde_json::json!({ "kind": kind, "message": message }),
            );
        }
        let (observation, _misses) = crate::replay::observe(&self.ctx, returned);
        let default_rule = Contract::default();
        let mut judgement = judge(
            self.envelope.contract.as_ref().unwrap_or(&default_rule),
            &JudgeInput {
                observation: &observation,
                state: self.envelope.state.as_ref(),
                validators: &self.shared.config.validators,
            },
        );
        if dropped {
            judgement = not_closed(judgement, &observation);
        } else if self.envelope.contract.is_none() {
            judgement = super::proof::require_proof(judgement, &observation);
        }
        let committed = self.commit_or_discard(&mut judgement, &observation);
        let record = self.closed_record(&observation, &judgement, committed);
        if let Some(capture) = self.ctx.capture() {
            capture.emit(
                kind::RUN_CLOSED,
                serde_json::json!({
                    "status": judgement.verdict,
                    "reasons": judgement.reasons,
                    "failure_class": judgement.failure_class,
                    "violations": judgement.violations,
                    "output": observation.output,
                    "values": self.ctx.captured_values(),
                }),
            );
            writer::flush(capture.queue());
        }
        if self.shared.store.close_run(&record)? {
            return Ok(record);
        }
        // Someone closed it first (the watchdog): what it decided stands, nothing is committed.
        let _ = crate::artifact::remove_run(&self.shared.config.artifact_root, &record.run_id);
        let status = self
            .shared
            .store
            .run(&record.run_id)?
            .and_then(|r| r.status)
            .map_or_else(|| "unknown".to_string(), |s| s.to_string());
        Err(RecorderError::AlreadyClosed {
            run_id: record.run_id,
            status,
        })
    }

    /// Commits the staging area on `passed`/`degraded`, discards it otherwise. A failed commit
    /// fails the run (`partial_write`). Returns the committed artifacts.
    fn commit_or_discard(
        &self,
        judgement: &mut Judgement,
        observation: &Observation,
    ) -> Vec<ManifestEntry> {
        let Some(capture) = self.ctx.capture() else {
            return Vec::new();
        };
        let staging = capture.staging();
        if !matches!(judgement.verdict, Verdict::Passed | Verdict::Degraded) {
            let _ = staging.discard();
            return Vec::new();
        }
        let entries: Vec<ManifestEntry> = observation
            .artifacts
            .iter()
            .map(|a| ManifestEntry {
                path: a.path.clone(),
                sha256: a.sha256.clone(),
                size: a.size,
            })
            .collect();
        match staging.commit(entries.clone()) {
            Ok(_) => entries,
            Err(e) => {
                let _ = staging.discard();
                let mut violations = std::mem::take(&mut judgement.violations);
                violations.insert(
                    0,
                    Violation::new(
                        "run",
                        reason::ARTIFACT_COMMIT_FAILED,
                        FailureClass::PartialWrite,
                        format!("the run's artifacts could not be committed: {e}"),
                    ),
                );
                *judgement = Judgement::from_violations(violations);
                Vec::new()
            }
        }
    }

    fn closed_record(
        &self,
        observation: &Observation,
        judgement: &Judgement,
        committed: Vec<ManifestEntry>,
    ) -> RunRecord {
        let mut record = self.record.clone();
        let artifacts = committed
            .iter()
            .map(|a| (a.path.as_str(), a.sha256.as_str()));
        super::judged::close_judged(&mut record, observation, judgement, artifacts);
        record
    }
}

/// The judgement of a run dropped without close: `inconclusive`, `run_not_closed`; a
/// `partial_write` if a side effect was applied, a `clean_abort` otherwise.
fn not_closed(judgement: Judgement, observation: &Observation) -> Judgement {
    let class = if observation.ledger.iter().any(|e| e.applied()) {
        FailureClass::PartialWrite
    } else {
        FailureClass::CleanAbort
    };
    let violation = Violation::new(
        "run",
        reason::RUN_NOT_CLOSED,
        class,
        "the run was dropped without close (an early return or a cancelled future)",
    )
    .with_verdict(Verdict::Inconclusive);
    // What the agent returned is unknown: only the guard's finding and hard failures count.
    let mut violations: Vec<Violation> = judgement
        .violations
        .into_iter()
        .filter(|v| v.reason != reason::AGENT_ERROR && v.clause != "output")
        .filter(|v| !v.clause.starts_with("output"))
        .collect();
    violations.insert(0, violation);
    Judgement::from_violations(violations)
}

impl Drop for ActiveRun {
    fn drop(&mut self) {
        if self.closed {
            return;
        }
        let ending = if std::thread::panicking() {
            Ending::Panicked("the agent panicked (the run was dropped while unwinding)".into())
        } else {
            Ending::Dropped
        };
        if let Err(e) = self.finish(ending) {
            eprintln!(
                "tapedeck: run {} could not be closed by its guard: {e}",
                self.record.run_id
            );
        }
    }
}

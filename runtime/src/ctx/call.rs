//! The path of one tool call: allowlist, deadline, dispatch, journal.

use super::clock::yield_now;
use super::deadline::Stopped;
use super::replay_backend::{Answer, Plan};
use super::{Backend, Ctx, lock};
use crate::cassette::{ErrorKind, FaultKind, Usage};
use crate::effect::Effect;
use crate::json_pointer::{Difference, differences};
use crate::observation::{CallError, CallRecord, CallSource, LedgerOutcome};
use crate::tool_error::ToolError;
use crate::toolbox::{ToolCall, Toolbox};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// How many differing paths a live-mode diff keeps.
const LIVE_DIFF_LIMIT: usize = 50;

/// How a call ended, before it is written to the journal.
struct Finished {
    effect: Effect,
    /// Shared with the cassette for a recorded answer; the journal and the agent share it too.
    result: Result<Arc<Value>, ToolError>,
    source: CallSource,
    interaction: Option<String>,
    fault: Option<FaultKind>,
    duration_ms: u64,
    /// The ledger outcome, for calls that go to the ledger.
    ledger: Option<LedgerOutcome>,
    live_diff: Option<Vec<Difference>>,
    usage: Option<Usage>,
}

impl Finished {
    fn new(effect: Effect, result: Result<Value, ToolError>, source: CallSource) -> Finished {
        let result = result.map(Arc::new);
        let ledger = effect.is_side_effect().then(|| outcome_of_result(&result));
        Finished {
            effect,
            result,
            source,
            interaction: None,
            fault: None,
            duration_ms: 0,
            ledger,
            live_diff: None,
            usage: None,
        }
    }

    /// A call refused before anything ran; `keep_as_evidence` puts it in the ledger whatever
    /// its effect (strict mode).
    fn blocked(
        effect: Effect,
        error: ToolError,
        source: CallSource,
        keep_as_evidence: bool,
    ) -> Finished {
        let ledger =
            (keep_as_evidence || effect.is_side_effect()).then_some(LedgerOutcome::Blocked);
        Finished {
            ledger,
            ..Finished::new(effect, Err(error), source)
        }
    }
}

impl Ctx {
    /// Makes one call: allowlist, deadline, dispatch, journal.
    pub(crate) async fn call_tool(
        &self,
        tool: &str,
        request: Value,
        key: Option<String>,
    ) -> Result<(usize, Arc<Value>), ToolError> {
        let inner = self.inner();
        let index = inner.next_call.fetch_add(1, Ordering::SeqCst);
        let started_ms = inner.clock.elapsed_ms();
        let finished = if let Some(reason) = self.refusal(tool) {
            self.refused(
                tool,
                ToolError::Blocked {
                    tool: tool.to_string(),
                    reason,
                },
            )
        } else if inner.deadline_ms.is_some_and(|d| started_ms >= d) {
            self.refused(
                tool,
                ToolError::DeadlineExceeded {
                    tool: tool.to_string(),
                },
            )
        } else {
            match &inner.backend {
                // Boxed: a real tool's future (with its deadline timer) is large, and inline it
                // would make every call's future, replayed ones too, that large to move.
                Backend::Direct(toolbox) => {
                    Box::pin(self.call_direct(toolbox, tool, &request, key.as_deref(), started_ms))
                        .await
                }
                Backend::Replay(backend) => {
                    let plan = lock(backend).plan(index, tool, &request);
                    // Let concurrent calls of one step start at the same virtual instant.
                    yield_now().await;
                    self.call_replayed(plan, tool, &request, key.as_deref(), started_ms)
                        .await
                }
            }
        };
        self.record(index, tool, request, key, started_ms, finished)
    }

    /// Records a call that the resilience layer refused before anything ran (an open breaker):
    /// a `blocked` call with `error`, in the calls, the ledger (side effects) and the capture,
    /// like a call refused by the allowlist or the deadline.
    pub(crate) fn refuse_call(
        &self,
        tool: &str,
        request: Value,
        key: Option<String>,
        error: ToolError,
    ) -> Result<(usize, Arc<Value>), ToolError> {
        let inner = self.inner();
        let index = inner.next_call.fetch_add(1, Ordering::SeqCst);
        let started_ms = inner.clock.elapsed_ms();
        let finished = self.refused(tool, error);
        self.record(index, tool, request, key, started_ms, finished)
    }

    /// A call the runtime refused before anything ran.
    fn refused(&self, tool: &str, error: ToolError) -> Finished {
        Finished::blocked(
            self.known_effect(tool).unwrap_or(Effect::Read),
            error,
            CallSource::Blocked,
            false,
        )
    }

    /// Writes a finished call to the capture and the journal, and returns its result: the
    /// response the journal keeps, shared.
    fn record(
        &self,
        index: usize,
        tool: &str,
        request: Value,
        key: Option<String>,
        started_ms: u64,
        finished: Finished,
    ) -> Result<(usize, Arc<Value>), ToolError> {
        let inner = self.inner();
        let record = CallRecord {
            index,
            tool: tool.to_string(),
            effect: finished.effect,
            response: finished.result.as_ref().ok().cloned(),
            error: finished.result.as_ref().err().map(CallError::of),
            request,
            source: finished.source,
            interaction: finished.interaction,
            fault: finished.fault,
            idempotency_key: key,
            started_ms,
            duration_ms: finished.duration_ms,
            live_diff: finished.live_diff,
        };
        if let Some(capture) = &inner.capture {
            let mut data = serde_json::to_value(&record).unwrap_or(Value::Null);
            if let (Some(usage), Some(map)) = (&finished.usage, data.as_object_mut()) {
                map.insert(
                    "usage".into(),
                    serde_json::to_value(usage).unwrap_or(Value::Null),
                );
            }
            capture.emit_for_tool(crate::store::event::kind::TOOL_CALL, Some(tool), data);
        }
        if matches!(finished.result, Err(ToolError::DeadlineExceeded { .. })) {
            let stopped = match inner.deadline_ms {
                Some(deadline) if started_ms < deadline => Stopped::CallCut,
                _ => Stopped::CallRefused,
            };
            self.deadline_event(tool, Some(index), stopped);
        }
        {
            let mut journal = lock(&inner.journal);
            if let Err(ToolError::CassetteMiss(report)) = &finished.result {
                journal.misses.push((**report).clone());
            }
            if let Some(usage) = &finished.usage {
                journal.usage.add(usage);
            }
            journal.record_call(record, finished.ledger);
        }
        finished.result.map(|v| (index, v))
    }

    /// Why the call may not run at all (allowlist), if it may not.
    fn refusal(&self, tool: &str) -> Option<String> {
        let allow = self.inner().allowlist.as_ref()?;
        (!allow.contains(tool)).then(|| {
            let mut names: Vec<&str> = allow.iter().map(String::as_str).collect();
            names.sort_unstable();
            format!(
                "`{tool}` is not in the tool allowlist ({})",
                names.join(", ")
            )
        })
    }

    /// The effect class of `tool` as far as the toolbox or the cassette knows it.
    fn known_effect(&self, tool: &str) -> Option<Effect> {
        match &self.inner().backend {
            Backend::Direct(toolbox) => toolbox.effect_of(tool),
            Backend::Replay(r) => lock(r).effect_of(tool),
        }
    }

    /// Runs the real tool, bounded by the deadline.
    async fn run_real(
        &self,
        toolbox: &Toolbox,
        tool: &str,
        request: &Value,
        key: Option<&str>,
        started_ms: u64,
    ) -> Result<Value, ToolError> {
        let remaining = self
            .inner()
            .deadline_ms
            .map(|d| Duration::from_millis(d.saturating_sub(started_ms)));
        let call = ToolCall {
            tool: tool.to_string(),
            args: request.clone(),
            idempotency_key: key.map(str::to_string),
            remaining,
        };
        let Some(future) = toolbox.invoke(call) else {
            let reason = format!(
                "no tool `{tool}` is registered (registered: {})",
                toolbox.names().join(", ")
            );
            return Err(ToolError::Blocked {
                tool: tool.to_string(),
                reason,
            });
        };
        match remaining {
            Some(left) if !self.inner().clock.is_virtual() => tokio::time::timeout(left, future)
                .await
                .unwrap_or_else(|_| {
                    Err(ToolError::DeadlineExceeded {
                        tool: tool.to_string(),
                    })
                }),
            _ => future.await,
        }
    }

    /// Production: run the real tool.
    async fn call_direct(
        &self,
        toolbox: &Toolbox,
        tool: &str,
        request: &Value,
        key: Option<&str>,
        started_ms: u64,
    ) -> Finished {
        let Some(effect) = toolbox.effect_of(tool) else {
            let result = self.run_real(toolbox, tool, request, key, started_ms).await;
            return Finished::blocked(
                Effect::Read,
                result.expect_err("unregistered tool"),
                CallSource::Blocked,
                false,
            );
        };
        let claim = match (&self.inner().ledger, key) {
            (Some(store), Some(key)) if effect.is_side_effect() => Some((store, key)),
            _ => None,
        };
        if let Some((store, key)) = claim {
            return self
                .call_with_ledger(&**store, toolbox, tool, effect, request, key, started_ms)
                .await;
        }
        let result = self.run_real(toolbox, tool, request, key, started_ms).await;
        let duration_ms = self.inner().clock.elapsed_ms().saturating_sub(started_ms);
        Finished {
            duration_ms,
            ..Finished::new(effect, result, CallSource::Live)
        }
    }

    /// A side effect with an idempotency key: claim the key, then execute, replay the stored
    /// outcome, or refuse.
    #[allow(clippy::too_many_arguments)]
    async fn call_with_ledger(
        &self,
        store: &dyn crate::store::Store,
        toolbox: &Toolbox,
        tool: &str,
        effect: Effect,
        request: &Value,
        key: &str,
        started_ms: u64,
    ) -> Finished {
        use crate::resilience::idempotency::{Begin, Finish, StoredOutcome, request_fingerprint};
        let refuse = |reason: String| {
            Finished::blocked(
                effect,
                ToolError::Blocked {
                    tool: tool.to_string(),
                    reason,
                },
                CallSource::Blocked,
                false,
            )
        };
        match store.idempotency_begin(key, &request_fingerprint(request), self.run_id()) {
            Err(e) => refuse(format!(
                "idempotency ledger unavailable, so the call was not executed: {e}"
            )),
            Ok(Begin::Reused) => refuse(format!(
                "idempotency_key_reused: key {key} was used before with a different request"
            )),
            Ok(Begin::InUse) => refuse(format!(
                "idempotency_key_in_use: a call with key {key} is in flight; nothing was executed"
            )),
            Ok(Begin::Replay(stored)) => {
                let result = match stored {
                    StoredOutcome::Response(value) => Ok(value),
                    StoredOutcome::Error { kind, message } => Err(ToolError::Failed {
                        tool: tool.to_string(),
                        message: format!("{kind} (stored by the idempotency ledger): {message}"),
                    }),
                };
                Finished {
                    ledger: None,
                    ..Finished::new(effect, result, CallSource::Ledger)
                }
            }
            Ok(Begin::Execute) => {
                // Cancelled mid-call (the future dropped), the key must not stay in flight.
                let in_flight = InFlightKey { store, key };
                let result = self
                    .run_real(toolbox, tool, request, Some(key), started_ms)
                    .await;
                std::mem::forget(in_flight);
                let finish = match &result {
                    Ok(value) => Finish::Completed(StoredOutcome::Response(value.clone())),
                    Err(e) if e.is_transient() => Finish::Unconfirmed,
                    Err(e) => Finish::Completed(StoredOutcome::Error {
                        kind: e.kind().to_string(),
                        message: e.to_string(),
                    }),
                };
                let _ = store.idempotency_finish(key, &finish);
                let duration_ms = self.inner().clock.elapsed_ms().saturating_sub(started_ms);
                Finished {
                    duration_ms,
                    ..Finished::new(effect, result, CallSource::Live)
                }
            }
        }
    }

    /// Replay: answer as planned.
    async fn call_replayed(
        &self,
        plan: Plan,
        tool: &str,
        request: &Value,
        key: Option<&str>,
        started_ms: u64,
    ) -> Finished {
        match plan {
            Plan::Miss {
                effect,
                report,
                strict,
            } => Finished::blocked(
                effect,
                ToolError::CassetteMiss(report),
                CallSource::Miss,
                strict,
            ),
            Plan::LiveUnrecorded { effect, toolbox } => {
                let result =
                    Box::pin(self.run_real(&toolbox, tool, request, key, started_ms)).await;
                Finished::new(effect, result, CallSource::Live)
            }
            Plan::Recorded(answer) => {
                let live = answer.live.clone();
                let recorded = self.deliver_recorded(answer, tool, started_ms);
                match live {
                    Some(toolbox) => {
                        // Boxed, as in `call_tool`: only live mode pays for the large future.
                        let result =
                            Box::pin(self.run_real(&toolbox, tool, request, key, started_ms)).await;
                        let live_diff = match (&recorded.result, &result) {
                            (Ok(rec), Ok(now)) => Some(differences(rec, now, LIVE_DIFF_LIMIT)),
                            _ => None,
                        };
                        Finished {
                            result: result.map(Arc::new),
                            source: CallSource::Live,
                            live_diff,
                            ..recorded
                        }
                    }
                    None => recorded,
                }
            }
        }
    }

    /// Delivers a recorded answer on the virtual clock: the call takes its recorded time, and
    /// fails with `deadline_exceeded` if that runs past the deadline.
    fn deliver_recorded(&self, answer: Answer, tool: &str, started_ms: u64) -> Finished {
        let inner = self.inner();
        let end = started_ms.saturating_add(answer.duration_ms);
        let (result, outcome, duration_ms) = match inner.deadline_ms.filter(|&d| end > d) {
            Some(deadline) => {
                inner.clock.advance_to(deadline);
                let error = ToolError::DeadlineExceeded {
                    tool: tool.to_string(),
                };
                (
                    Err(error),
                    LedgerOutcome::Unknown,
                    deadline.saturating_sub(started_ms),
                )
            }
            None => {
                inner.clock.advance_to(end);
                (
                    answer.result,
                    outcome_of_answer(answer.fault, answer.error_kind),
                    answer.duration_ms,
                )
            }
        };
        Finished {
            effect: answer.effect,
            result,
            source: CallSource::Cassette,
            interaction: Some(answer.interaction),
            fault: answer.fault,
            duration_ms,
            ledger: answer.effect.is_side_effect().then_some(outcome),
            live_diff: None,
            usage: answer.usage,
        }
    }
}

/// What a recorded answer means for the side-effect ledger.
fn outcome_of_answer(fault: Option<FaultKind>, error: Option<ErrorKind>) -> LedgerOutcome {
    match fault {
        Some(FaultKind::TimeoutAfterSuccess) => LedgerOutcome::AppliedUnconfirmed,
        Some(FaultKind::RateLimited | FaultKind::Unavailable) => LedgerOutcome::Failed,
        Some(
            FaultKind::Timeout
            | FaultKind::ConnectionReset
            | FaultKind::InvalidResponse
            | FaultKind::Truncated,
        ) => LedgerOutcome::Unknown,
        Some(FaultKind::Slow) | None => match error {
            None => LedgerOutcome::Answered,
            Some(ErrorKind::RateLimited | ErrorKind::Unavailable | ErrorKind::Failed) => {
                LedgerOutcome::Failed
            }
            Some(
                ErrorKind::Timeout
                | ErrorKind::ConnectionReset
                | ErrorKind::InvalidResponse
                | ErrorKind::Truncated,
            ) => LedgerOutcome::Unknown,
        },
    }
}

/// What a real tool's result means for the side-effect ledger.
fn outcome_of_result<T>(result: &Result<T, ToolError>) -> LedgerOutcome {
    match result {
        Ok(_) => LedgerOutcome::Answered,
        Err(
            ToolError::Blocked { .. } | ToolError::CassetteMiss(_) | ToolError::CircuitOpen { .. },
        ) => LedgerOutcome::Blocked,
        Err(e)
            if e.effect_unknown()
                || matches!(
                    e,
                    ToolError::DeadlineExceeded { .. } | ToolError::InvalidResponse { .. }
                ) =>
        {
            LedgerOutcome::Unknown
        }
        Err(_) => LedgerOutcome::Failed,
    }
}

/// A claimed idempotency key while its call runs: dropped before the call ends (the future was
/// cancelled), it moves the key to `unconfirmed`, since whether the service applied the call is
/// unknown; the next caller with the key may then claim it.
struct InFlightKey<'a> {
    store: &'a dyn crate::store::Store,
    key: &'a str,
}

impl Drop for InFlightKey<'_> {
    fn drop(&mut self) {
        let unconfirmed = crate::resilience::idempotency::Finish::Unconfirmed;
        let _ = self.store.idempotency_finish(self.key, &unconfirmed);
    }
}

//! The resilient call path: breaker admission, attempts, retry decisions, budget and deadline.
//!
//! Every call with a dependency or a retry policy goes through here. Where the layer stops a
//! call it says so in a typed error and a declaration: an open breaker refuses the call
//! ([`ToolError::CircuitOpen`], recorded as a `blocked` call; `blocked` / `circuit_open`), a spent
//! budget refuses the retry ([`ToolError::RetryBudgetExhausted`]; `blocked` /
//! `retry_budget_exhausted`), a retry the breaker would refuse (the failure opened it) is not
//! made and not charged (`ToolError::CircuitOpen`; `blocked` / `circuit_open`), and a wait that
//! would outlive the deadline is not started
//! ([`ToolError::DeadlineExceeded`]; `failed` / `deadline_exceeded`, as for a call the deadline
//! refuses).

use super::Ctx;
use super::clock::duration_ms;
use super::deadline::Stopped;
use crate::agent::Declared;
use crate::resilience::{Admission, BreakerState, GiveUp, RetryPolicy};
use crate::tool_error::ToolError;
use crate::verdict::reason;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

tokio::task_local! {
    /// Set while a retry loop runs: a retried call inside it makes one attempt (no stacking).
    static IN_RETRY: ();
}

impl Ctx {
    pub(crate) async fn call_resilient(
        &self,
        tool: &str,
        dependency: &str,
        request: Value,
        key: Option<String>,
        policy: RetryPolicy,
    ) -> Result<(usize, Arc<Value>), ToolError> {
        let nested = IN_RETRY.try_with(|_| ()).is_ok();
        let policy = if nested {
            RetryPolicy::attempts(1)
        } else {
            policy
        };
        IN_RETRY
            .scope((), self.retry_loop(tool, dependency, request, key, policy))
            .await
    }

    async fn retry_loop(
        &self,
        tool: &str,
        dependency: &str,
        request: Value,
        key: Option<String>,
        policy: RetryPolicy,
    ) -> Result<(usize, Arc<Value>), ToolError> {
        let resilience = Arc::clone(self.resilience());
        let mut backoff = policy.backoff();
        let mut attempt = 1u32;
        loop {
            let now = resilience.now(self.elapsed());
            let (admission, change) = resilience.admit(dependency, now);
            self.breaker_event(dependency, change);
            let result = match admission {
                Admission::Rejected => {
                    self.refusal_event(dependency, resilience.probe_in(dependency, now));
                    self.declare(Declared::blocked(reason::CIRCUIT_OPEN));
                    let error = ToolError::CircuitOpen {
                        tool: tool.to_string(),
                        dependency: dependency.to_string(),
                    };
                    return self.refuse_call(tool, request, key, error);
                }
                Admission::Probe(limit) => {
                    let call = self.call_tool(tool, request.clone(), key.clone());
                    match crate::ctx::clock::timeout(self, limit, call).await {
                        Some(result) => result,
                        None => Err(ToolError::Timeout {
                            tool: tool.to_string(),
                        }),
                    }
                }
                Admission::Admitted => self.call_tool(tool, request.clone(), key.clone()).await,
            };
            let now = resilience.now(self.elapsed());
            let error = match result {
                Ok(ok) => {
                    let change = resilience.success(dependency, attempt == 1, now);
                    self.breaker_event(dependency, change);
                    return Ok(ok);
                }
                Err(e) => e,
            };
            let decide = |delay: Option<Duration>, give_up: Option<GiveUp>| {
                self.decision(tool, dependency, attempt, &error, delay, give_up);
            };
            if !error.is_transient() {
                decide(None, Some(GiveUp::NotRetryable));
                return Err(error);
            }
            let change = match error {
                ToolError::RateLimited { .. } => resilience.rate_limited(dependency),
                _ => resilience.failure(dependency, now),
            };
            self.breaker_event(dependency, change);
            let Some(delay) = backoff.next() else {
                decide(None, Some(GiveUp::AttemptsExhausted));
                return Err(error);
            };
            let delay = match error.retry_after() {
                Some(after) => after,
                None => policy.jittered(delay, self.random()),
            };
            if self.remaining().is_some_and(|left| delay >= left) {
                decide(Some(delay), Some(GiveUp::Deadline));
                self.deadline_event(tool, None, Stopped::RetryNotStarted { delay });
                self.declare(Declared::failed(reason::DEADLINE_EXCEEDED));
                return Err(ToolError::DeadlineExceeded {
                    tool: tool.to_string(),
                });
            }
            // A retry the breaker would refuse is not charged to the budget: give up now.
            if resilience.rejects_at(dependency, now.saturating_add(delay)) {
                decide(Some(delay), Some(GiveUp::CircuitOpen));
                self.declare(Declared::blocked(reason::CIRCUIT_OPEN));
                return Err(ToolError::CircuitOpen {
                    tool: tool.to_string(),
                    dependency: dependency.to_string(),
                });
            }
            if !resilience.withdraw(dependency, now) {
                decide(None, Some(GiveUp::BudgetExhausted));
                self.declare(Declared::blocked(reason::RETRY_BUDGET_EXHAUSTED));
                return Err(ToolError::RetryBudgetExhausted {
                    tool: tool.to_string(),
                    dependency: dependency.to_string(),
                    last: Box::new(error),
                });
            }
            decide(Some(delay), None);
            self.sleep(delay).await;
            attempt += 1;
        }
    }

    fn decision(
        &self,
        tool: &str,
        dependency: &str,
        attempt: u32,
        error: &ToolError,
        delay: Option<Duration>,
        give_up: Option<GiveUp>,
    ) {
        self.event(
            crate::store::event::kind::RETRY_DECISION,
            json!({
                "tool": tool,
                "dependency": dependency,
                "attempt": attempt,
                "error": error.kind(),
                "retry": give_up.is_none(),
                "delay_ms": delay.map(duration_ms),
                "give_up": give_up.map(GiveUp::as_str),
            }),
        );
    }

    /// Records, in production only, what was left of the cool-down of the breaker that refused
    /// a call (see [`crate::store::event::kind::BREAKER_REFUSAL`]).
    fn refusal_event(&self, dependency: &str, probe_in: Option<Duration>) {
        if let Some(capture) = &self.inner.capture {
            capture.emit(
                crate::store::event::kind::BREAKER_REFUSAL,
                json!({
                    "dependency": dependency,
                    "at_ms": self.inner.clock.elapsed_ms(),
                    "probe_in_ms": probe_in.map(duration_ms),
                }),
            );
        }
    }

    fn breaker_event(&self, dependency: &str, change: Option<(BreakerState, BreakerState)>) {
        if let Some((from, to)) = change {
            self.event(
                crate::store::event::kind::BREAKER_TRANSITION,
                json!({ "dependency": dependency, "from": from, "to": to }),
            );
        }
    }
}

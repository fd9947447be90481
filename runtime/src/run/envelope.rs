//! The envelope of a production run: what the recorder writes before the agent starts.

use crate::contract::Contract;
use crate::ctx::Ctx;
use serde_json::{Map, Value};
use std::time::Duration;

/// Everything known about a run before it starts. Build with [`RunEnvelope::new`] and the
/// setters; fields left out stay empty in the run record.
///
/// ```
/// use tapedeck::run::RunEnvelope;
/// use std::time::Duration;
/// let envelope = RunEnvelope::new("refund_agent", serde_json::json!({ "order": "o-1" }))
///     .task_id("refund-o-1")
///     .model("gpt-4.1")
///     .timeout(Duration::from_secs(120));
/// assert_eq!(envelope.attempt, 1);
/// ```
#[derive(Debug, Clone)]
pub struct RunEnvelope {
    /// The agent function.
    pub agent_name: String,
    /// The agent's input.
    pub input: Value,
    /// The task the run attempts.
    pub task_id: Option<String>,
    /// 1 for the first attempt of the task.
    pub attempt: u32,
    /// The state snapshot the agent works from (evidence paths `/state/...`).
    pub state: Option<Map<String, Value>>,
    /// Where that state lives (URLs, table keys), for the run record.
    pub state_refs: Vec<String>,
    /// The model used.
    pub model: Option<String>,
    /// The prompt version used.
    pub prompt_version: Option<String>,
    /// The tools the agent may call; others are blocked.
    pub tool_allowlist: Option<Vec<String>>,
    /// The run's time budget (the recorder's default when `None`).
    pub timeout: Option<Duration>,
    /// The code that runs (the recorder's configuration or `TAPEDECK_CODE_VERSION` when `None`).
    pub code_version: Option<String>,
    /// The trace the run belongs to (a new one when `None`).
    pub trace_id: Option<String>,
    /// The run that spawned this one.
    pub parent_run_id: Option<String>,
    /// The completion contract the validator checks at close. `None` (the default) holds the
    /// run to the default completion rule: a `done` without evidence is not `passed`, so the
    /// run must write an artifact (`ctx.artifact`) or cite an evidence path (`ctx.evidence`),
    /// or it fails with `missing_artifact_ref`.
    pub contract: Option<Contract>,
}

impl RunEnvelope {
    /// An envelope for one attempt of `agent_name` on `input`, held to the default completion
    /// rule until [`RunEnvelope::contract`] sets one.
    pub fn new(agent_name: impl Into<String>, input: Value) -> RunEnvelope {
        RunEnvelope {
            agent_name: agent_name.into(),
            input,
            task_id: None,
            attempt: 1,
            state: None,
            state_refs: Vec::new(),
            model: None,
            prompt_version: None,
            tool_allowlist: None,
            timeout: None,
            code_version: None,
            trace_id: None,
            parent_run_id: None,
            contract: None,
        }
    }

    /// Sets the task id.
    pub fn task_id(mut self, task_id: impl Into<String>) -> Self {
        self.task_id = Some(task_id.into());
        self
    }

    /// Sets the attempt number.
    pub fn attempt(mut self, attempt: u32) -> Self {
        self.attempt = attempt;
        self
    }

    /// Sets the state snapshot, and where it lives.
    pub fn state(mut self, state: Map<String, Value>, state_ref: impl Into<String>) -> Self {
        self.state = Some(state);
        self.state_refs.push(state_ref.into());
        self
    }

    /// Sets the model.
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets the prompt version.
    pub fn prompt_version(mut self, version: impl Into<String>) -> Self {
        self.prompt_version = Some(version.into());
        self
    }

    /// Sets the tool allowlist.
    pub fn allowlist<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tools: I) -> Self {
        self.tool_allowlist = Some(tools.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the time budget.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the code version.
    pub fn code_version(mut self, version: impl Into<String>) -> Self {
        self.code_version = Some(version.into());
        self
    }

    /// Sets the completion contract: what completion means for this agent. It replaces the
    /// default completion rule (see the `contract` field).
    pub fn contract(mut self, contract: Contract) -> Self {
        self.contract = Some(contract);
        self
    }

    /// Makes this run a child of the run `parent` belongs to: same trace, `parent_run_id` set,
    /// and a time budget no longer than the parent's remaining one (deadlines propagate).
    pub fn child_of(mut self, parent: &Ctx) -> Self {
        self.trace_id = parent.trace_id().map(str::to_string).or(self.trace_id);
        self.parent_run_id = parent.run_id().map(str::to_string).or(self.parent_run_id);
        if let Some(remaining) = parent.remaining() {
            self.timeout = Some(self.timeout.map_or(remaining, |t| t.min(remaining)));
        }
        self
    }
}

//! The replay side of a `Ctx`: which recorded interaction answers a call, and how.

use crate::cassette::matcher::Matcher;
use crate::cassette::{Cassette, ErrorKind, FaultKind, Interaction, MissReport, Usage};
use crate::effect::Effect;
use crate::mode::Mode;
use crate::tool_error::ToolError;
use crate::toolbox::Toolbox;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// Replay state shared by the calls of one run.
pub(crate) struct ReplayBackend {
    pub mode: Mode,
    cassette: Arc<Cassette>,
    matcher: Matcher,
    toolbox: Option<Toolbox>,
    /// `new_episodes`: unmatched calls run on the toolbox (see
    /// [`ReplayBackend::recording_new_episodes`]).
    record_new: bool,
}

/// What to do with one call.
pub(crate) enum Plan {
    /// Answer from a recorded interaction (or, in live mode, run the real read/model tool).
    Recorded(Answer),
    /// Live mode, no recording: run the real read/model tool.
    LiveUnrecorded { effect: Effect, toolbox: Toolbox },
    /// Nothing matches: deliver a cassette miss.
    Miss {
        effect: Effect,
        report: Box<MissReport>,
        strict: bool,
    },
}

/// A recorded answer.
pub(crate) struct Answer {
    pub interaction: String,
    pub effect: Effect,
    /// The recorded response is shared with the cassette, not copied.
    pub result: Result<Arc<Value>, ToolError>,
    pub error_kind: Option<ErrorKind>,
    pub fault: Option<FaultKind>,
    pub duration_ms: u64,
    pub usage: Option<Usage>,
    /// In live mode, the toolbox to run the real tool with instead of using `result`.
    pub live: Option<Toolbox>,
}

impl ReplayBackend {
    /// How many interactions the cassette recorded.
    pub fn recorded_calls(&self) -> usize {
        self.cassette.interactions.len()
    }

    pub fn new(
        mode: Mode,
        cassette: Arc<Cassette>,
        matcher: Matcher,
        toolbox: Option<Toolbox>,
    ) -> ReplayBackend {
        ReplayBackend {
            mode,
            cassette,
            matcher,
            toolbox,
            record_new: false,
        }
    }

    /// The `new_episodes` authoring mode: a call that matches no recorded interaction runs on
    /// the toolbox, whatever its effect, instead of being a miss.
    pub fn recording_new_episodes(mut self) -> ReplayBackend {
        self.record_new = true;
        self
    }

    /// The effect class of a tool: from the toolbox, else from the cassette.
    pub fn effect_of(&self, tool: &str) -> Option<Effect> {
        self.toolbox
            .as_ref()
            .and_then(|t| t.effect_of(tool))
            .or_else(|| self.matcher.recorded_effect(tool))
    }

    /// Interactions never used.
    pub fn unused(&self) -> Vec<String> {
        self.matcher.unused()
    }

    /// Decides how `request` to `tool`, the run's call number `call`, is answered, consuming
    /// the matching interaction.
    pub fn plan(&mut self, call: usize, tool: &str, request: &Value) -> Plan {
        let canonical = self.matcher.canonical(request, call);
        let live_toolbox = |effect: Effect| -> Option<Toolbox> {
            (self.mode == Mode::Live && !effect.is_side_effect())
                .then(|| self.toolbox.clone())
                .flatten()
                .filter(|t| t.contains(tool))
        };
        if let Some(index) = self.matcher.take(tool, &canonical, call) {
            let interaction = &self.cassette.interactions[index];
            let live = if interaction.fault.is_none() {
                live_toolbox(interaction.effect)
            } else {
                None
            };
            return Plan::Recorded(answer(interaction, self.matcher.id(index), live));
        }
        let effect = self.effect_of(tool);
        let new_episode = self.record_new.then(|| self.toolbox.clone()).flatten();
        if let Some(toolbox) = new_episode.filter(|t| t.contains(tool)) {
            return Plan::LiveUnrecorded {
                effect: effect.unwrap_or(Effect::Read),
                toolbox,
            };
        }
        if let Some(toolbox) = effect.and_then(live_toolbox) {
            return Plan::LiveUnrecorded {
                effect: effect.unwrap_or(Effect::Read),
                toolbox,
            };
        }
        let report = self
            .matcher
            .miss_report(tool, &canonical, call, effect, self.mode);
        Plan::Miss {
            effect: effect.unwrap_or(Effect::Read),
            report: Box::new(report),
            strict: self.mode == Mode::Strict,
        }
    }
}

/// The typed result an interaction delivers: its fault, else its error, else its response.
fn answer(interaction: &Interaction, id: String, live: Option<Toolbox>) -> Answer {
    let tool = &interaction.tool;
    let fault = interaction.fault.as_ref();
    let result = match fault.map(|f| f.kind) {
        Some(FaultKind::Slow) | None => match &interaction.error {
            Some(error) => Err(recorded_error(
                tool,
                error.kind,
                error.message.clone(),
                error.retry_after_ms,
            )),
            None => Ok(interaction
                .response
                .clone()
                .unwrap_or_else(|| Arc::new(Value::Null))),
        },
        Some(kind) => Err(fault_error(
            tool,
            kind,
            fault.and_then(|f| f.retry_after_ms),
        )),
    };
    let duration_ms = fault
        .and_then(|f| f.delay_ms)
        .or(interaction.duration_ms)
        .unwrap_or(0);
    Answer {
        interaction: id,
        effect: interaction.effect,
        result,
        error_kind: interaction.error.as_ref().map(|e| e.kind),
        fault: fault.map(|f| f.kind),
        duration_ms,
        usage: interaction.usage,
        live,
    }
}

fn recorded_error(
    tool: &str,
    kind: ErrorKind,
    message: Option<String>,
    retry_after_ms: Option<u64>,
) -> ToolError {
    let tool = tool.to_string();
    let message = message.unwrap_or_else(|| format!("recorded {}", kind.as_str()));
    match kind {
        ErrorKind::Timeout => ToolError::Timeout { tool },
        ErrorKind::RateLimited => ToolError::RateLimited {
            tool,
            retry_after: retry_after_ms.map(Duration::from_millis),
        },
        ErrorKind::Unavailable => ToolError::Unavailable { tool },
        ErrorKind::ConnectionReset => ToolError::ConnectionReset { tool },
        ErrorKind::InvalidResponse => ToolError::InvalidResponse { tool, message },
        ErrorKind::Truncated => ToolError::InvalidResponse {
            tool,
            message: format!("response truncated: {message}"),
        },
        ErrorKind::Failed => ToolError::Failed { tool, message },
    }
}

fn fault_error(tool: &str, kind: FaultKind, retry_after_ms: Option<u64>) -> ToolError {
    let tool = tool.to_string();
    match kind {
        FaultKind::Timeout | FaultKind::TimeoutAfterSuccess => ToolError::Timeout { tool },
        FaultKind::RateLimited => ToolError::RateLimited {
            tool,
            retry_after: retry_after_ms.map(Duration::from_millis),
        },
        FaultKind::Unavailable => ToolError::Unavailable { tool },
        FaultKind::ConnectionReset => ToolError::ConnectionReset { tool },
        FaultKind::InvalidResponse => ToolError::InvalidResponse {
            tool,
            message: "injected fault: invalid response".into(),
        },
        FaultKind::Truncated => ToolError::InvalidResponse {
            tool,
            message: "injected fault: response truncated".into(),
        },
        FaultKind::Slow => unreachable!("slow faults deliver the response"),
    }
}

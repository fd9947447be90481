//! `tool_cassettes.json`: the recorded interactions of one run (format version 1).

use crate::effect::Effect;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

/// The only cassette format version this release reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// The contents of `tool_cassettes.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cassette {
    /// Must be `1`.
    pub format_version: u32,
    /// What recorded the cassette (e.g. `tapedeck 0.1.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_with: Option<String>,
    /// When it was recorded (RFC 3339); the virtual clock of a replay starts here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<String>,
    /// The production run it was recorded from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_run_id: Option<String>,
    /// What was redacted before writing, so that reviewers know what placeholders stand for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redactions: Vec<Redaction>,
    /// Clock, uuid and random values the agent took from `Ctx`, replayed in order.
    #[serde(default, skip_serializing_if = "CapturedValues::is_empty")]
    pub values: CapturedValues,
    /// The recorded calls, in the order they were made.
    #[serde(deserialize_with = "exact_interactions")]
    pub interactions: Vec<Interaction>,
}

thread_local! {
    /// Where a cassette's interactions collect before they are moved out at their exact number.
    static INTERACTIONS: crate::scratch::Idle<Interaction> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// `interactions` as `Vec<Interaction>` deserializes, in one allocation of its exact length
/// instead of one per doubling (an interaction is a few hundred bytes, so a long cassette's list
/// is reallocated and copied several times as it grows).
fn exact_interactions<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Interaction>, D::Error> {
    struct Interactions;
    impl<'de> serde::de::Visitor<'de> for Interactions {
        type Value = Vec<Interaction>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            crate::scratch::collect_exact(&INTERACTIONS, |items| {
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(())
            })
        }
    }
    deserializer.deserialize_seq(Interactions)
}

impl Cassette {
    /// An empty cassette (what a missing `tool_cassettes.json` means).
    pub fn empty() -> Cassette {
        Cassette {
            format_version: FORMAT_VERSION,
            recorded_with: None,
            recorded_at: None,
            source_run_id: None,
            redactions: Vec::new(),
            values: CapturedValues::default(),
            interactions: Vec::new(),
        }
    }
}

/// One redaction applied while recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Redaction {
    /// The placeholder that replaced the secret, e.g. `<redacted:openai_key:1>`.
    pub placeholder: String,
    /// The detector or rule that found it.
    pub detector: String,
    /// Where it was found (JSON Pointers into the cassette).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
}

/// Values captured from `Ctx` while recording.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapturedValues {
    /// `ctx.now()` results (RFC 3339).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub now: Vec<String>,
    /// `ctx.uuid()` results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uuid: Vec<String>,
    /// `ctx.random()` results, each in `[0, 1)`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "crate::fixture::number::vec_whole_as_integer"
    )]
    pub random: Vec<f64>,
}

impl CapturedValues {
    /// Whether nothing was captured.
    pub fn is_empty(&self) -> bool {
        self.now.is_empty() && self.uuid.is_empty() && self.random.is_empty()
    }
}

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Interaction {
    /// A stable id for reports; defaults to `#<index>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The tool's name.
    pub tool: String,
    /// The tool's effect class.
    pub effect: Effect,
    /// The tool's JSON arguments (normalized and redacted).
    #[serde(deserialize_with = "crate::fixture::strict::value")]
    pub request: Value,
    /// The tool's JSON result. Required unless `error` or `fault` stands instead. Shared: a
    /// replay's observation keeps the recorded response without copying it.
    #[serde(
        default,
        deserialize_with = "crate::fixture::strict::option_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub response: Option<Arc<Value>>,
    /// A real failure that was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RecordedError>,
    /// An injected failure, delivered deterministically at this call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<Fault>,
    /// The idempotency key the call carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// How long the call took; advances the virtual clock of a replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Tokens and cost the call used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

/// A recorded real failure of a tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordedError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// The failure's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// For `rate_limited`: the `Retry-After` the tool sent, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

/// The kinds of recorded errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The call timed out.
    Timeout,
    /// The tool refused with "too many requests".
    RateLimited,
    /// The tool was unavailable.
    Unavailable,
    /// The connection was reset.
    ConnectionReset,
    /// The response could not be understood.
    InvalidResponse,
    /// The response was cut off.
    Truncated,
    /// The tool reported a failure of its own that fits no other kind.
    Failed,
}

/// An injected failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// What to inject.
    pub kind: FaultKind,
    /// For `rate_limited`: the `Retry-After` to report, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// For `slow` (and optionally `timeout`): how long the call takes on the virtual clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
}

/// The kinds of injected faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The call times out.
    Timeout,
    /// The tool answers 429 with `retry_after_ms`.
    RateLimited,
    /// The tool is unavailable (503).
    Unavailable,
    /// The connection is reset.
    ConnectionReset,
    /// The response is not valid for the tool.
    InvalidResponse,
    /// The response is cut off.
    Truncated,
    /// The response arrives after `delay_ms`.
    Slow,
    /// The side effect happened but the response was lost: the caller sees a timeout.
    TimeoutAfterSuccess,
}

impl FaultKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Timeout => "timeout",
            FaultKind::RateLimited => "rate_limited",
            FaultKind::Unavailable => "unavailable",
            FaultKind::ConnectionReset => "connection_reset",
            FaultKind::InvalidResponse => "invalid_response",
            FaultKind::Truncated => "truncated",
            FaultKind::Slow => "slow",
            FaultKind::TimeoutAfterSuccess => "timeout_after_success",
        }
    }
}

impl ErrorKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Timeout => "timeout",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::ConnectionReset => "connection_reset",
            ErrorKind::InvalidResponse => "invalid_response",
            ErrorKind::Truncated => "truncated",
            ErrorKind::Failed => "failed",
        }
    }
}

/// Tokens and cost of a call or a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    /// Prompt tokens.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub input_tokens: u64,
    /// Completion tokens.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub output_tokens: u64,
    /// Cost in US dollars.
    #[serde(
        default,
        skip_serializing_if = "is_zero_f64",
        serialize_with = "crate::fixture::number::whole_as_integer"
    )]
    pub cost_usd: f64,
}

impl Usage {
    /// Adds another usage to this one. Token counts saturate: a cassette may record any `u64`.
    pub fn add(&mut self, other: &Usage) {
        self.input_tokens = self.input_tokens.saturating_add(other.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(other.output_tokens);
        self.cost_usd += other.cost_usd;
    }

    /// Input plus output tokens (saturating).
    pub fn total_tokens(&self) -> u64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

fn is_zero_f64(n: &f64) -> bool {
    *n == 0.0
}

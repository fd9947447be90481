//! The steps of a script. Each step is a JSON object named by the one of its keys that is a
//! kind (`call`, `artifact`, `evidence`, `output`, `status`, `panic`, `sleep_ms`, `parallel`,
//! `event`), wherever it comes among the keys; unknown keys are errors that name the step's
//! position.

mod parse;

pub(crate) use parse::StepSeed;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// The key that names each kind of step, in the order they are documented.
pub(crate) const KINDS: [&str; 9] = [
    "call", "artifact", "evidence", "output", "status", "panic", "sleep_ms", "parallel", "event",
];

/// One step of a script.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `{"call": tool, "args", "save_as"?, "idempotency_key"?, "retries"?, "on_error"?}`.
    Call(CallStep),
    /// `{"artifact": path, "content": string | json}` or `{"artifact": path, "from": name}`.
    Artifact(ArtifactStep),
    /// `{"evidence": pointer}`.
    Evidence(EvidenceStep),
    /// `{"output": json}`.
    Output(OutputStep),
    /// `{"status": "blocked" | "degraded" | "failed", "reason": string}`.
    Status(StatusStep),
    /// `{"panic": message}`.
    Panic(PanicStep),
    /// `{"sleep_ms": n}`.
    Sleep(SleepStep),
    /// `{"parallel": [steps]}`.
    Parallel(ParallelStep),
    /// `{"event": kind, "data"?: json}`.
    Event(EventStep),
}

/// What a `call` step does when the call still fails after its retries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnError {
    /// Stop the script with an error (the agent returns `Err`).
    #[default]
    Fail,
    /// Save `{"error": kind}` under `save_as` and go on.
    Continue,
}

/// Calls a tool.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallStep {
    /// The tool's name.
    pub call: String,
    /// The arguments (default `{}`); `$name` references are substituted.
    #[serde(default = "empty_object")]
    pub args: Value,
    /// Saves the response (or `{"error": kind}`) under this name.
    #[serde(default)]
    pub save_as: Option<String>,
    /// The idempotency key, reused by every retry.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// How many times to retry a transient error (timeout, rate limit, unavailable, reset).
    #[serde(default)]
    pub retries: u32,
    /// What to do when the call still fails.
    #[serde(default)]
    pub on_error: OnError,
}

/// Writes an artifact, from literal `content` or from a saved value (`from`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactStep {
    /// The artifact's relative path.
    pub artifact: String,
    /// The content: a string is written as is, other JSON pretty-printed.
    #[serde(default, deserialize_with = "present")]
    pub content: Option<Value>,
    /// The name of a saved value to write instead of `content`.
    #[serde(default)]
    pub from: Option<String>,
}

/// Cites evidence.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceStep {
    /// A JSON Pointer (`/state/...`, `/calls/<i>/response/...`), or `$name/...` for the
    /// response of the call saved as `name`.
    pub evidence: String,
}

/// Sets the script's output.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputStep {
    /// The output; `$name` references are substituted.
    #[serde(deserialize_with = "present")]
    pub output: Option<Value>,
}

/// A status a script can declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    /// `Declared::blocked`.
    Blocked,
    /// `Declared::degraded`.
    Degraded,
    /// `Declared::failed`.
    Failed,
}

/// Declares the run's status (the last declaration wins) and goes on.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusStep {
    /// The declared status.
    pub status: StatusKind,
    /// Why (a reason code like `circuit_open` is best).
    pub reason: String,
}

/// Panics with a message.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanicStep {
    /// The panic message.
    pub panic: String,
}

/// Sleeps on the run's clock (virtual in replay).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SleepStep {
    /// Milliseconds.
    pub sleep_ms: u64,
}

/// Runs nested steps concurrently.
#[derive(Debug, Clone, PartialEq)]
pub struct ParallelStep {
    /// The nested steps (any kind, `parallel` included).
    pub parallel: Vec<Step>,
}

/// Emits an event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventStep {
    /// The event's kind.
    pub event: String,
    /// Its data (default `null`); `$name` references are substituted.
    #[serde(default)]
    pub data: Value,
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

/// Keeps an explicit `null` as `Some(Value::Null)` (an absent key stays `None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

impl Step {
    /// Parses one step; `at` is its position (`steps[3]`), used in every error message. The
    /// value is taken by value so that its strings move into the step instead of being copied.
    pub fn parse(value: Value, at: &str) -> Result<Step, String> {
        serde::de::DeserializeSeed::deserialize(StepSeed { at: &at }, value)
            .map_err(|e| e.to_string())
    }
}

impl<'de> Deserialize<'de> for Step {
    /// A step on its own; its errors name it `step`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Step, D::Error> {
        serde::de::DeserializeSeed::deserialize(StepSeed { at: &"step" }, d)
    }
}

//! The steps of a script. Each step is a JSON object distinguished by its first key (`call`,
//! `artifact`, `evidence`, `output`, `status`, `panic`, `sleep_ms`, `parallel`, `event`);
//! unknown keys are errors that name the step's position.

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::fmt;

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
        Step::parse_at(value, &at)
    }

    /// [`Step::parse`] with the position rendered only when an error needs it.
    pub(crate) fn parse_at(value: Value, at: &dyn fmt::Display) -> Result<Step, String> {
        let Value::Object(map) = &value else {
            return Err(format!(
                "{at}: a step is a JSON object such as {{\"call\": \"tool\", \"args\": {{}}}}, found {}",
                kind_of(&value)
            ));
        };
        let mut kinds = KINDS.iter().copied().filter(|k| map.contains_key(*k));
        let kind = match (kinds.next(), kinds.next()) {
            (Some(kind), None) => kind,
            (None, _) => {
                let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                return Err(format!(
                    "{at}: unknown step with keys [{}]; a step has exactly one of the keys {}",
                    keys.join(", "),
                    KINDS.join(", ")
                ));
            }
            (Some(_), Some(_)) => {
                let many: Vec<&str> = KINDS
                    .iter()
                    .copied()
                    .filter(|k| map.contains_key(*k))
                    .collect();
                return Err(format!(
                    "{at}: a step has exactly one of the keys {}, this one has {}",
                    KINDS.join(", "),
                    many.join(" and ")
                ));
            }
        };
        let at_kind = Kind { at, kind };
        Ok(match kind {
            "call" => Step::Call(moving(value, &at_kind, "args", |s: &mut CallStep, v| {
                s.args = v
            })?),
            "artifact" => {
                let step = moving(value, &at_kind, "content", |s: &mut ArtifactStep, v| {
                    s.content = Some(v)
                })?;
                if step.content.is_some() == step.from.is_some() {
                    return Err(format!(
                        "{at_kind}: an artifact step has exactly one of `content` and `from`"
                    ));
                }
                Step::Artifact(step)
            }
            "evidence" => Step::Evidence(typed(value, &at_kind)?),
            "output" => Step::Output(typed(value, &at_kind)?),
            "status" => Step::Status(typed(value, &at_kind)?),
            "panic" => Step::Panic(typed(value, &at_kind)?),
            "sleep_ms" => Step::Sleep(typed(value, &at_kind)?),
            "event" => Step::Event(moving(value, &at_kind, "data", |s: &mut EventStep, v| {
                s.data = v
            })?),
            _ => Step::Parallel(parallel(value, &at_kind, at)?),
        })
    }
}

/// A step's position and kind in error messages: `steps[3] (`call` step)`.
struct Kind<'a> {
    at: &'a dyn fmt::Display,
    kind: &'a str,
}

impl fmt::Display for Kind<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (`{}` step)", self.at, self.kind)
    }
}

/// The position of a nested step: `steps[3].parallel[0]`.
struct Nested<'a> {
    parent: &'a dyn fmt::Display,
    index: usize,
}

impl fmt::Display for Nested<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.parallel[{}]", self.parent, self.index)
    }
}

fn typed<T: DeserializeOwned>(value: Value, at: &dyn fmt::Display) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("{at}: {e}"))
}

/// [`typed`] for a step with a free-JSON `field` (whose type gives it a default when absent):
/// the field's JSON is moved into place by `put` instead of being rebuilt by serde.
fn moving<T: DeserializeOwned>(
    value: Value,
    at: &dyn fmt::Display,
    field: &str,
    put: impl FnOnce(&mut T, Value),
) -> Result<T, String> {
    let Value::Object(mut map) = value else {
        return typed(value, at);
    };
    let moved = map.remove(field);
    let mut step: T = typed(Value::Object(map), at)?;
    if let Some(v) = moved {
        put(&mut step, v);
    }
    Ok(step)
}

fn parallel(
    value: Value,
    at_kind: &dyn fmt::Display,
    at: &dyn fmt::Display,
) -> Result<ParallelStep, String> {
    let Value::Object(mut map) = value else {
        return Err(format!("{at_kind}: a step is a JSON object"));
    };
    if let Some(extra) = map.keys().find(|k| *k != "parallel") {
        return Err(format!(
            "{at_kind}: unknown field `{extra}`, expected `parallel`"
        ));
    }
    let Some(Value::Array(items)) = map.remove("parallel") else {
        return Err(format!("{at_kind}: `parallel` is a list of steps"));
    };
    let parallel = items
        .into_iter()
        .enumerate()
        .map(|(index, item)| Step::parse_at(item, &Nested { parent: at, index }))
        .collect::<Result<Vec<Step>, String>>()?;
    Ok(ParallelStep { parallel })
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Step, D::Error> {
        let value = Value::deserialize(d)?;
        Step::parse(value, "step").map_err(de::Error::custom)
    }
}

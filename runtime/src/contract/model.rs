//! `expected.json`: the behavioural contract of a fixture (and of a production completion check).
//!
//! Absent keys mean "no rule". Every key is documented in the README's contract table.

use crate::effect::Effect;
use crate::verdict::Verdict;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The contract: which verdicts are acceptable and which behavioural rules a run must keep.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Acceptable final verdicts; default `["passed"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Vec<Verdict>>,
    /// Reason codes that must / must not appear.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<ReasonsRule>,
    /// Rules on the agent's output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<OutputRule>,
    /// Rules on artifacts written through `ctx.artifact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifacts: Option<ArtifactsRule>,
    /// Rules on evidence cited through `ctx.evidence`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceRule>,
    /// Rules on which tools are called, how often, in which order, with which arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<ToolsRule>,
    /// Rules on side effects, read from the side-effect ledger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effects: Option<EffectsRule>,
    /// Rules on the cassette itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cassette: Option<CassetteRule>,
    /// Budgets: calls, tokens, cost, duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetRule>,
    /// Rules on the run's deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DeadlineRule>,
    /// Custom validators, registered by name in Rust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validators: Option<Vec<ValidatorRef>>,
    /// JSON Pointers into the observation (`*` for any one segment) that matching, contracts and
    /// snapshots ignore: ids, timestamps, nonces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volatile: Option<Vec<String>>,
    /// Whether the harness snapshots the observation (default `true` in `cassette` and `strict`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<bool>,
}

impl Contract {
    /// The `volatile` pointers as patterns; invalid ones are skipped here (the loader and the
    /// judge report them as errors).
    pub fn volatile_patterns(&self) -> Vec<crate::json_pointer::PointerPattern> {
        self.volatile
            .iter()
            .flatten()
            .filter_map(|p| crate::json_pointer::PointerPattern::parse(p).ok())
            .collect()
    }
}

/// `reasons`: reason codes that must or must not be present in the verdict.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonsRule {
    /// Every one of these must appear.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
    /// None of these may appear.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden: Vec<String>,
}

/// One string or a list of strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single string.
    One(String),
    /// A list of strings.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The strings, as a slice.
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
}

/// `output`: rules on what the agent returned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputRule {
    /// The output must not be null, `""`, `[]` or `{}` (reason `empty_output`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_empty: Option<bool>,
    /// A JSON Schema the output must satisfy (reason `schema_mismatch`).
    #[serde(
        default,
        deserialize_with = "crate::fixture::strict::option_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub schema: Option<Value>,
    /// A recursive subset the output must contain (reason `output_mismatch`).
    #[serde(
        default,
        deserialize_with = "crate::fixture::strict::option_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub partial: Option<Value>,
    /// Text the output must contain: the string itself, or the compact JSON of other values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<OneOrMany>,
    /// A regular expression the output text must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
}

/// `artifacts`: rules on artifacts written through `ctx.artifact`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArtifactsRule {
    /// At least this many artifacts (reason `missing_artifact_ref`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_count: Option<u64>,
    /// Artifacts that must exist, with rules on each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<RequiredArtifact>,
    /// Glob patterns no artifact path may match (reason `forbidden_artifact`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden_paths: Vec<String>,
}

/// One required artifact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredArtifact {
    /// The artifact's path (relative to the artifact root).
    pub path: String,
    /// The artifact must not be empty (reason `empty_artifact`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_empty: Option<bool>,
    /// A JSON Schema the artifact, parsed as JSON, must satisfy (reason `schema_mismatch`).
    #[serde(
        default,
        deserialize_with = "crate::fixture::strict::option_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub schema: Option<Value>,
    /// Text the artifact must contain (reason `artifact_mismatch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<OneOrMany>,
}

/// `evidence`: rules on cited evidence paths.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRule {
    /// At least this many distinct evidence paths (reason `missing_evidence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_paths: Option<u64>,
    /// Every cited path must resolve in `/state/...` or `/calls/<i>/response/...`
    /// (reason `unresolved_evidence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub must_resolve: Option<bool>,
}

/// `tools`: rules on tool calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToolsRule {
    /// Tools that must be called, with optional call-count bounds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<RequiredTool>,
    /// Tools that must not be called (reason `forbidden_tool`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden: Vec<String>,
    /// If present, the only tools that may be called (reason `forbidden_tool`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    /// The order of calls (reason `tool_sequence_mismatch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<SequenceRule>,
    /// Pairs `[a, b]`: the first call of `a` comes before the first call of `b`, and `b` is
    /// never called without `a` (reason `tool_order_violation`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<[String; 2]>,
    /// Argument rules: every call of `tool` must match (reason `tool_args_mismatch`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<ArgsRule>,
    /// At most this many calls in total (reason `too_many_tool_calls`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_calls: Option<u64>,
    /// At most this many calls with the same tool and request (reason `repeated_identical_call`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_identical_calls: Option<u64>,
}

/// A tool that must be called between `min` (default 1) and `max` times.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredTool {
    /// The tool's name.
    pub name: String,
    /// At least this many calls (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    /// At most this many calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

/// How `tools.sequence` compares the observed call order with `steps`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SequenceMode {
    /// The calls are exactly `steps`.
    Exact,
    /// `steps` appear in this order, other calls may be interleaved.
    InOrder,
    /// The calls are `steps` in any order (same multiset).
    Unordered,
    /// Every call is one of `steps` (as a multiset: no more calls of a tool than listed).
    Subset,
    /// Every step is among the calls (as a multiset), in any order.
    Superset,
}

/// `tools.sequence`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SequenceRule {
    /// How to compare.
    pub mode: SequenceMode,
    /// Tool names.
    pub steps: Vec<String>,
}

/// How `tools.args` compares a call's request with `value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArgsMode {
    /// Equal, except the `ignore` paths.
    Exact,
    /// `value` is a recursive subset of the request.
    #[default]
    Partial,
}

/// `tools.args`: every call of `tool` must match `value` (and the tool must be called).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArgsRule {
    /// The tool's name.
    pub tool: String,
    /// How to compare (default `partial`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<ArgsMode>,
    /// The expected request.
    #[serde(deserialize_with = "crate::fixture::strict::value")]
    pub value: Value,
    /// JSON Pointers into the request (`*` wildcards) to ignore.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
}

/// What an unconfirmed side effect makes the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnconfirmedVerdict {
    /// The run failed.
    Failed,
    /// The run is inconclusive.
    Inconclusive,
}

/// `effects`: rules on side effects (read from the ledger).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EffectsRule {
    /// Effect classes that must not be called at all (reason `forbidden_effect`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden: Vec<Effect>,
    /// At most this many applied side effects per class; calls sharing an idempotency key count
    /// once (reason `duplicate_side_effect`).
    #[serde(
        default,
        deserialize_with = "crate::fixture::strict::unique_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub max_applied: BTreeMap<Effect, u64>,
    /// Effect classes whose calls must carry an idempotency key (reason `missing_idempotency_key`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub require_idempotency_key: Vec<Effect>,
    /// If set, a side effect whose outcome stayed unknown (timeout, reset, lost response) and
    /// was never confirmed makes the run `failed` or `inconclusive` (reason
    /// `side_effect_unconfirmed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unconfirmed: Option<UnconfirmedVerdict>,
}

/// `cassette`: rules on the recorded interactions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CassetteRule {
    /// Every recorded interaction must be used (reason `unused_interactions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_consumed: Option<bool>,
}

/// `budget`: limits on a run (reason `budget_exceeded`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetRule {
    /// At most this many tool calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tool_calls: Option<u64>,
    /// At most this many tokens (input plus output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    /// At most this cost in US dollars.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::fixture::number::option_whole_as_integer"
    )]
    pub max_cost_usd: Option<f64>,
    /// At most this much elapsed time (virtual time in replay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration_ms: Option<u64>,
}

/// `deadline`: rules on the run's deadline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRule {
    /// No tool call may start at or after the deadline (reason `deadline_exceeded`). Calls cut
    /// off by the deadline after starting before it are the run level's (same code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_calls_after_deadline: Option<bool>,
}

/// A custom validator, registered in Rust under `name`, with JSON arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidatorRef {
    /// The registered name.
    pub name: String,
    /// Arguments passed to the validator.
    #[serde(
        default,
        deserialize_with = "crate::fixture::strict::option_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub args: Option<Value>,
}

//! What of a run's payloads reaches the store: in full, redacted (the default), or only hashed.

use crate::redact::{RedactionConfig, Redactor};
use crate::store::event::kind;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// How a tool's request and response are captured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadCapture {
    /// As they were (only for tools whose payloads can hold no secret or personal data).
    Full,
    /// With secrets replaced by stable placeholders (see [`crate::redact`]).
    #[default]
    Redacted,
    /// Only the SHA-256 of the canonical JSON: proves what was sent without keeping it.
    Hash,
}

/// The capture rules of a recorder: a default and per-tool overrides, and the redaction
/// configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PayloadRules {
    /// The mode of tools without an override.
    #[serde(default)]
    pub default: PayloadCapture,
    /// Per-tool modes.
    #[serde(default)]
    pub tools: HashMap<String, PayloadCapture>,
    /// Extra paths and patterns to redact, besides the built-in detectors.
    #[serde(default)]
    pub redaction: RedactionConfig,
}

impl PayloadRules {
    /// The mode of `tool`.
    pub fn mode_of(&self, tool: &str) -> PayloadCapture {
        self.tools.get(tool).copied().unwrap_or(self.default)
    }
}

/// The rules applied to one run's events, with the run's redactor (so that one secret gets one
/// placeholder across the whole run, and matching still works in a fixture made from it).
pub(crate) struct RunPayloads {
    run_id: String,
    rules: PayloadRules,
    redactor: Mutex<Redactor>,
}

impl RunPayloads {
    pub fn new(run_id: String, rules: PayloadRules) -> RunPayloads {
        let redactor = Mutex::new(Redactor::new(rules.redaction.clone()));
        RunPayloads {
            run_id,
            rules,
            redactor,
        }
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Applies the rules to one event's data. Events other than tool calls are always redacted
    /// unless the default mode is `full`.
    pub fn apply(&self, event_kind: &str, tool: Option<&str>, data: &mut Value) {
        let mode = match tool {
            Some(tool) if event_kind == kind::TOOL_CALL => self.rules.mode_of(tool),
            _ if self.rules.default == PayloadCapture::Full => PayloadCapture::Full,
            _ => PayloadCapture::Redacted,
        };
        match mode {
            PayloadCapture::Full => {}
            PayloadCapture::Redacted => {
                self.redactor
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .redact_value(data);
            }
            PayloadCapture::Hash => {
                for field in ["request", "response", "error"] {
                    if let Some(value) = data.get_mut(field).filter(|v| !v.is_null()) {
                        *value = hashed(value);
                    }
                }
                // Whatever else the event holds (an idempotency key, say) is still redacted.
                self.redactor
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .redact_value(data);
            }
        }
    }
}

/// `{"sha256": <hash of the compact JSON>}` (object keys are sorted, so equal values hash equal).
fn hashed(value: &Value) -> Value {
    serde_json::json!({ "sha256": crate::artifact::sha256_hex(value.to_string().as_bytes()) })
}

//! Cassette-miss reports: why a call matched no recorded interaction, and what to do about it.

use crate::json_pointer::Difference;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// Everything a person needs to fix a cassette miss. Renders as text (`Display`) and as JSON
/// (`Serialize`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissReport {
    /// The tool that was called.
    pub tool: String,
    /// The request, normalized.
    pub request: Value,
    /// The nearest recorded interactions of the same tool, closest first.
    pub nearest: Vec<NearMiss>,
    /// How many recorded interactions are still unused, in all.
    pub unused: usize,
    /// How many recorded interactions of this tool are still unused.
    pub unused_for_tool: usize,
    /// Tools that have recorded interactions, when this tool has none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub recorded_tools: Vec<String>,
    /// Numbered suggestions, most likely fix first.
    pub suggestions: Vec<String>,
}

/// A recorded interaction that nearly matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearMiss {
    /// The interaction's id.
    pub interaction: String,
    /// Whether it was already used by an earlier call.
    pub consumed: bool,
    /// The JSON paths where the recorded request (`expected`) and the call (`actual`) differ.
    pub differences: Vec<Difference>,
}

impl MissReport {
    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl fmt::Display for MissReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "cassette miss: no recorded interaction of tool `{}` matches this request",
            self.tool
        )?;
        writeln!(f, "  request: {}", compact(&self.request))?;
        if self.nearest.is_empty() {
            if self.recorded_tools.is_empty() {
                writeln!(f, "  the cassette has no interactions at all")?;
            } else {
                writeln!(
                    f,
                    "  the cassette has no interactions of `{}`; recorded tools: {}",
                    self.tool,
                    self.recorded_tools.join(", ")
                )?;
            }
        }
        for near in &self.nearest {
            let state = if near.consumed { " (already used)" } else { "" };
            writeln!(
                f,
                "  nearest: interaction `{}`{state}, {} differing path(s):",
                near.interaction,
                near.differences.len()
            )?;
            for d in &near.differences {
                writeln!(
                    f,
                    "    {}: recorded {} / called with {}",
                    if d.path.is_empty() {
                        "(whole request)"
                    } else {
                        &d.path
                    },
                    opt(&d.expected),
                    opt(&d.actual)
                )?;
            }
        }
        writeln!(
            f,
            "  unused interactions: {} ({} of `{}`)",
            self.unused, self.unused_for_tool, self.tool
        )?;
        for (i, s) in self.suggestions.iter().enumerate() {
            writeln!(f, "  {}. {s}", i + 1)?;
        }
        Ok(())
    }
}

fn compact(v: &Value) -> String {
    let text = v.to_string();
    if text.len() > 400 {
        let mut end = 400;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &text[..end])
    } else {
        text
    }
}

/// A value in a report line, shortened; `(absent)` for none.
pub(crate) fn opt(v: &Option<Value>) -> String {
    v.as_ref()
        .map(compact)
        .unwrap_or_else(|| "(absent)".to_string())
}

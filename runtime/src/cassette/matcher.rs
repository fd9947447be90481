//! Matching calls to recorded interactions: per tool, in recorded order, on canonical requests.

use super::canonical::{RequestPatterns, canonical_request};
use super::miss::{MissReport, NearMiss};
use super::{Cassette, Interaction};
use crate::effect::Effect;
use crate::json_pointer::differences;
use crate::mode::Mode;
use foldhash::{HashMap, HashMapExt};
use serde_json::Value;
use std::borrow::Cow;
use std::sync::Arc;

/// How many nearest interactions a miss report lists, and how many differing paths each.
const NEAREST: usize = 3;
const MAX_DIFFS: usize = 12;

/// The cassette's interactions prepared for matching, with which ones are used.
#[derive(Debug)]
pub struct Matcher {
    entries: Vec<Entry>,
    by_tool: HashMap<String, Vec<usize>>,
    patterns: RequestPatterns,
    cassette: Arc<Cassette>,
}

#[derive(Debug)]
struct Entry {
    /// The canonical request, when it differs from the recorded one.
    canonical: Option<Value>,
    consumed: bool,
}

impl Matcher {
    /// Prepares `cassette` for matching; `patterns` are the request-level volatile patterns.
    pub fn new(cassette: Arc<Cassette>, patterns: RequestPatterns) -> Matcher {
        let mut by_tool: HashMap<String, Vec<usize>> = HashMap::new();
        let entries = cassette
            .interactions
            .iter()
            .enumerate()
            .map(|(i, interaction)| {
                match by_tool.get_mut(&interaction.tool) {
                    Some(indices) => indices.push(i),
                    None => {
                        by_tool.insert(interaction.tool.clone(), vec![i]);
                    }
                }
                Entry {
                    canonical: match canonical_request(&interaction.request, patterns.every_call())
                    {
                        Cow::Owned(v) => Some(v),
                        Cow::Borrowed(_) => None,
                    },
                    consumed: false,
                }
            })
            .collect();
        Matcher {
            entries,
            by_tool,
            patterns,
            cassette,
        }
    }

    /// The canonical request of the interaction at `index`.
    fn recorded(&self, index: usize) -> &Value {
        self.entries[index]
            .canonical
            .as_ref()
            .unwrap_or(&self.cassette.interactions[index].request)
    }

    /// The canonical request of the interaction at `index` as call `call` sees it: without the
    /// paths volatile for that call alone.
    fn recorded_for_call(&self, index: usize, call: usize) -> Cow<'_, Value> {
        self.patterns
            .without_paths_of_call(Cow::Borrowed(self.recorded(index)), call)
    }

    /// The canonical form of the run's call number `call` (in call order, from 0), a live
    /// request, under this matcher's volatile patterns.
    pub fn canonical<'v>(&self, request: &'v Value, call: usize) -> Cow<'v, Value> {
        self.patterns
            .without_paths_of_call(canonical_request(request, self.patterns.every_call()), call)
    }

    /// Finds the first unused interaction of `tool` whose canonical request equals `canonical`,
    /// the canonical form of call number `call`, marks it used and returns its index.
    pub fn take(&mut self, tool: &str, canonical: &Value, call: usize) -> Option<usize> {
        let candidates = self.by_tool.get(tool)?;
        let found = candidates.iter().copied().find(|&i| {
            !self.entries[i].consumed && *self.recorded_for_call(i, call) == *canonical
        })?;
        self.entries[found].consumed = true;
        Some(found)
    }

    /// The id of the interaction at `index`.
    pub fn id(&self, index: usize) -> String {
        interaction_id(&self.cassette.interactions[index], index)
    }

    /// Ids of interactions never used, in recorded order.
    pub fn unused(&self) -> Vec<String> {
        (0..self.entries.len())
            .filter(|&i| !self.entries[i].consumed)
            .map(|i| self.id(i))
            .collect()
    }

    /// The effect recorded for `tool`, if the cassette has any interaction of it.
    pub fn recorded_effect(&self, tool: &str) -> Option<Effect> {
        let cassette = &self.cassette;
        self.by_tool
            .get(tool)
            .and_then(|ix| ix.first())
            .map(|&i| cassette.interactions[i].effect)
    }

    /// Explains why `canonical`, the canonical form of call number `call`, matched nothing.
    pub fn miss_report(
        &self,
        tool: &str,
        canonical: &Value,
        call: usize,
        effect: Option<Effect>,
        mode: Mode,
    ) -> MissReport {
        let unused = self.entries.iter().filter(|e| !e.consumed).count();
        let candidates = self.by_tool.get(tool).map(Vec::as_slice).unwrap_or(&[]);
        let unused_for_tool = candidates
            .iter()
            .filter(|&&i| !self.entries[i].consumed)
            .count();
        let mut scored: Vec<(usize, bool, usize, NearMiss)> = candidates
            .iter()
            .map(|&i| {
                let e = &self.entries[i];
                let diffs = differences(&self.recorded_for_call(i, call), canonical, MAX_DIFFS);
                (
                    diffs.len(),
                    e.consumed,
                    i,
                    NearMiss {
                        interaction: self.id(i),
                        consumed: e.consumed,
                        differences: diffs,
                    },
                )
            })
            .collect();
        scored.sort_by_key(|(n, consumed, i, _)| (*n, *consumed, *i));
        let nearest: Vec<NearMiss> = scored
            .into_iter()
            .take(NEAREST)
            .map(|(.., near)| near)
            .collect();
        let mut recorded_tools: Vec<String> = if candidates.is_empty() {
            self.by_tool.keys().cloned().collect()
        } else {
            Vec::new()
        };
        recorded_tools.sort();
        let suggestions = suggestions(tool, &nearest, effect, mode, candidates.is_empty());
        MissReport {
            tool: tool.to_string(),
            request: canonical.clone(),
            nearest,
            unused,
            unused_for_tool,
            recorded_tools,
            suggestions,
        }
    }
}

/// The id of an interaction: its `id`, or `#<index>`.
pub fn interaction_id(interaction: &Interaction, index: usize) -> String {
    interaction
        .id
        .clone()
        .unwrap_or_else(|| format!("#{index}"))
}

fn suggestions(
    tool: &str,
    nearest: &[NearMiss],
    effect: Option<Effect>,
    mode: Mode,
    tool_unrecorded: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(repeat) = nearest
        .iter()
        .find(|n| n.consumed && n.differences.is_empty())
    {
        out.push(format!(
            "the same request was recorded (interaction `{}`) but already used: the agent repeats this call more often than the recording did; if that is a retry loop, bound it with `tools.max_identical_calls`; if it is intended, re-record the fixture",
            repeat.interaction
        ));
    }
    if let Some(near) = nearest
        .iter()
        .find(|n| !n.consumed && !n.differences.is_empty())
    {
        let paths: Vec<String> = near
            .differences
            .iter()
            .filter(|d| !d.path.is_empty())
            .map(|d| format!("\"/calls/*/request{}\"", d.path))
            .collect();
        if !paths.is_empty() {
            out.push(format!(
                "if these fields change from run to run (ids, timestamps, nonces), mark them volatile in expected.json: \"volatile\": [{}]",
                paths.join(", ")
            ));
        }
    }
    if tool_unrecorded {
        out.push(format!("the recording never called `{tool}`: the agent's behaviour changed, or the fixture predates this tool"));
    }
    out.push("if the agent's behaviour changed on purpose, re-record the fixture from a fresh run (`cargo xtask fixture new --from-run RUN_ID`)".to_string());
    if mode != Mode::Live && effect.is_some_and(|e| !e.is_side_effect()) {
        out.push(format!("`{tool}` only reads: replay in live mode (TAPEDECK_MODE=live) with a toolbox that provides it to let it run for real"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cassette(interactions: Value) -> Cassette {
        serde_json::from_value(json!({"format_version": 1, "interactions": interactions})).unwrap()
    }

    #[test]
    fn identical_calls_are_consumed_in_recorded_order() {
        let c = cassette(json!([
            {"id": "a", "tool": "search", "effect": "read", "request": {"q": "x"}, "response": 1},
            {"id": "b", "tool": "search", "effect": "read", "request": {"q": "x"}, "response": 2},
            {"id": "c", "tool": "search", "effect": "read", "request": {"q": "y"}, "response": 3},
        ]));
        let mut m = Matcher::new(Arc::new(c), RequestPatterns::default());
        assert_eq!(m.take("search", &json!({"q": "y"}), 0), Some(2));
        assert_eq!(m.take("search", &json!({"q": "x"}), 0), Some(0));
        assert_eq!(m.take("search", &json!({"q": "x"}), 0), Some(1));
        assert_eq!(m.take("search", &json!({"q": "x"}), 0), None);
        assert!(m.unused().is_empty());
    }

    #[test]
    fn miss_report_names_nearest_and_suggests_volatile_paths() {
        let c = cassette(json!([
            {"id": "s1", "tool": "search", "effect": "read", "request": {"q": "x", "ts": 1}, "response": 1},
            {"id": "s2", "tool": "search", "effect": "read", "request": {"q": "z", "ts": 1, "page": 2}, "response": 1},
        ]));
        let m = Matcher::new(Arc::new(c), RequestPatterns::default());
        let report = m.miss_report(
            "search",
            &json!({"q": "x", "ts": 2}),
            0,
            Some(Effect::Read),
            Mode::Cassette,
        );
        assert_eq!(report.nearest[0].interaction, "s1");
        assert_eq!(report.nearest[0].differences[0].path, "/ts");
        assert_eq!(report.unused, 2);
        assert!(
            report.suggestions[0].contains("\"/calls/*/request/ts\""),
            "{:?}",
            report.suggestions
        );
        assert!(report.suggestions.iter().any(|s| s.contains("live mode")));
        let text = report.to_string();
        assert!(
            text.contains("nearest: interaction `s1`, 1 differing path(s)"),
            "{text}"
        );
        assert!(text.contains("/ts: recorded 1 / called with 2"), "{text}");
    }

    #[test]
    fn miss_report_for_unrecorded_tool_lists_recorded_tools() {
        let c =
            cassette(json!([{"tool": "search", "effect": "read", "request": {}, "response": 1}]));
        let m = Matcher::new(Arc::new(c), RequestPatterns::default());
        let report = m.miss_report("charge", &json!({}), 0, None, Mode::Strict);
        assert_eq!(report.recorded_tools, vec!["search"]);
        assert!(report.nearest.is_empty());
        assert!(
            report
                .suggestions
                .iter()
                .any(|s| s.contains("never called `charge`"))
        );
        assert_eq!(m.id(0), "#0");
    }
}

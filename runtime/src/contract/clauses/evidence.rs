//! `evidence`: `min_paths` (distinct cited paths) and `must_resolve`.
//!
//! A cited path resolves when it is an RFC 6901 pointer starting with `/state/` or
//! `/calls/<i>/` that names something in [`Observation::evidence_document`]; it is resolved in
//! place, without building that document.

use crate::contract::judgement::Violation;
use crate::contract::model::EvidenceRule;
use crate::contract::view::View;
use crate::json_pointer::{borrowed_tokens, parse_index, resolve_tokens};
use crate::observation::Observation;
use crate::verdict::{FailureClass, reason};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// Checks the evidence rules.
pub(crate) fn check(rule: &EvidenceRule, view: &View<'_>, out: &mut Vec<Violation>) {
    let cited = &view.observation.evidence;
    if let Some(min) = rule.min_paths {
        let distinct: BTreeSet<&str> = cited.iter().map(String::as_str).collect();
        if (distinct.len() as u64) < min {
            let message = format!(
                "{} distinct evidence path(s) cited, at least {min} required",
                distinct.len()
            );
            out.push(
                Violation::new(
                    "evidence.min_paths",
                    reason::MISSING_EVIDENCE,
                    FailureClass::SilentDrift,
                    message,
                )
                .with_values(json!(min), json!(distinct)),
            );
        }
    }
    if rule.must_resolve == Some(true) {
        let problems: Vec<String> = cited
            .iter()
            .filter_map(|path| {
                unresolved(path, view.observation, view.input.state)
                    .map(|why| format!("{path}: {why}"))
            })
            .collect();
        if !problems.is_empty() {
            let mut message = format!("{} cited evidence path(s) do not resolve:", problems.len());
            for p in &problems {
                message.push_str("\n- ");
                message.push_str(p);
            }
            out.push(
                Violation::new(
                    "evidence.must_resolve",
                    reason::UNRESOLVED_EVIDENCE,
                    FailureClass::SilentDrift,
                    message,
                )
                .with_values(json!("every cited path resolves"), json!(problems)),
            );
        }
    }
}

/// Why `path` does not resolve, or `None` if it does.
pub(crate) fn unresolved(
    path: &str,
    obs: &Observation,
    state: Option<&Map<String, Value>>,
) -> Option<String> {
    let tokens = match borrowed_tokens(path) {
        Ok(tokens) => tokens,
        Err(err) => return Some(format!("not a JSON Pointer ({err})")),
    };
    match tokens.as_slice() {
        [root, rest @ ..] if root == "state" && !rest.is_empty() => {
            let Some(state) = state else {
                return Some("the fixture has no state".to_string());
            };
            let (first, tail) = rest.split_first()?;
            match state
                .get(first.as_ref())
                .and_then(|v| resolve_tokens(v, tail))
            {
                Some(_) => None,
                None => Some("no such key in the state".to_string()),
            }
        }
        [root, index, rest @ ..] if root == "calls" && !rest.is_empty() => {
            let Some(call) = parse_index(index).and_then(|i| obs.calls.get(i)) else {
                return Some(format!(
                    "no such call (the run made {} call(s))",
                    obs.calls.len()
                ));
            };
            let found = match rest.split_first() {
                Some((key, tail)) if key == "response" => {
                    let response = call.response.as_deref().unwrap_or(&Value::Null);
                    resolve_tokens(response, tail).is_some()
                }
                _ => false,
            };
            (!found).then(|| format!("no such key in the response of call {index}"))
        }
        _ => Some("not under /state/ or /calls/<i>/".to_string()),
    }
}

//! `output`: `non_empty`, `schema`, `partial`, `contains`, `regex`.
//!
//! A run without output is judged as `null`. `non_empty` and `schema` read the raw output
//! (volatile values keep their shape); `partial`, `contains` and `regex` read the output with
//! volatile paths removed (from the expected `partial` too). `contains` and `regex` read a string
//! output as itself, `null` as empty text and anything else as compact JSON.

use super::{is_empty_value, text_of};
use crate::contract::judgement::Violation;
use crate::contract::model::OutputRule;
use crate::contract::view::{NULL, View};
use crate::json_pointer::{differences, is_partial_match};
use crate::verdict::{FailureClass, reason};
use serde_json::{Value, json};

/// Checks the output rules.
pub(crate) fn check(rule: &OutputRule, view: &View<'_>, out: &mut Vec<Violation>) {
    let raw = view.observation.output.as_ref().unwrap_or(&NULL);
    if rule.non_empty == Some(true) && is_empty_value(raw) {
        let what = if view.observation.output.is_none() {
            "the agent returned no output"
        } else {
            "the output is empty"
        };
        out.push(
            Violation::new(
                "output.non_empty",
                reason::EMPTY_OUTPUT,
                FailureClass::SilentDrift,
                what,
            )
            .with_values(json!("non-empty output"), raw.clone()),
        );
    }
    if let Some(schema) = &rule.schema {
        super::schema::check("output.schema", "the output", schema, raw, out);
    }
    let output: &Value = &view.output;
    if let Some(partial) = &rule.partial {
        let partial = view.strip(&["output"], partial);
        let partial: &Value = &partial;
        if !is_partial_match(partial, output) {
            let paths: Vec<String> = differences(partial, output, 20)
                .into_iter()
                .filter(|d| d.expected.is_some())
                .map(|d| d.path)
                .collect();
            let message = format!(
                "the output does not contain the expected subset (differing at {})",
                if paths.is_empty() {
                    "(root)".to_string()
                } else {
                    super::join(&paths)
                }
            );
            out.push(
                Violation::new(
                    "output.partial",
                    reason::OUTPUT_MISMATCH,
                    FailureClass::SilentDrift,
                    message,
                )
                .with_values_and_diff(partial.clone(), output.clone()),
            );
        }
    }
    if rule.contains.is_none() && rule.regex.is_none() {
        return;
    }
    let text = text_of(output);
    if let Some(needles) = &rule.contains {
        let missing = missing_needles(needles, &text);
        if !missing.is_empty() {
            out.push(
                Violation::new(
                    "output.contains",
                    reason::OUTPUT_MISMATCH,
                    FailureClass::SilentDrift,
                    format!("the output text does not contain {}", quoted(&missing)),
                )
                .with_values(json!(missing), json!(text)),
            );
        }
    }
    if let Some(pattern) = &rule.regex {
        match crate::compile::regex(pattern) {
            Err(err) => out.push(Violation::new(
                "output.regex",
                reason::INVALID_CONTRACT,
                FailureClass::Harness,
                format!(
                    "output.regex {pattern:?} is not a valid regular expression: {}",
                    err.message
                ),
            )),
            Ok(re) if !re.is_match(&text) => out.push(
                Violation::new(
                    "output.regex",
                    reason::OUTPUT_MISMATCH,
                    FailureClass::SilentDrift,
                    format!("the output text does not match the regular expression {pattern:?}"),
                )
                .with_values(json!(pattern), json!(text)),
            ),
            Ok(_) => {}
        }
    }
}

/// `"a", "b"`.
pub(crate) fn quoted(items: &[&String]) -> String {
    super::join(items.iter().map(|s| format!("{s:?}")))
}

/// The needles of a `contains` rule that `text` does not contain.
pub(crate) fn missing_needles<'a>(
    needles: &'a crate::contract::model::OneOrMany,
    text: &str,
) -> Vec<&'a String> {
    needles
        .as_slice()
        .iter()
        .filter(|n| !text.contains(n.as_str()))
        .collect()
}

//! `artifacts`: `min_count`, `required: [{path, non_empty, schema, contains}]`, `forbidden_paths`.
//!
//! An artifact's text is its bytes (UTF-8, lossy), or its recorded `content` when the bytes
//! are not kept. Schemas read the bytes parsed as JSON.

use super::{is_empty_value, join, text_of};
use crate::contract::judgement::Violation;
use crate::contract::model::{ArtifactsRule, RequiredArtifact};
use crate::contract::view::View;
use crate::observation::ArtifactRecord;
use crate::verdict::{FailureClass, reason};
use serde_json::{Value, json};
use std::borrow::Cow;

/// Checks the artifact rules.
pub(crate) fn check(rule: &ArtifactsRule, view: &View<'_>, out: &mut Vec<Violation>) {
    let artifacts = &view.observation.artifacts;
    let paths = || {
        json!(
            artifacts
                .iter()
                .map(|a| a.path.as_str())
                .collect::<Vec<_>>()
        )
    };
    if let Some(min) = rule.min_count
        && (artifacts.len() as u64) < min
    {
        let message = format!(
            "{} artifact(s) written, at least {min} required",
            artifacts.len()
        );
        out.push(
            Violation::new(
                "artifacts.min_count",
                reason::MISSING_ARTIFACT_REF,
                FailureClass::SilentDrift,
                message,
            )
            .with_values(json!(min), paths()),
        );
    }
    for (i, required) in rule.required.iter().enumerate() {
        let clause = format!("artifacts.required[{i}]");
        match artifacts.iter().find(|a| a.path == required.path) {
            Some(artifact) => check_one(&clause, required, artifact, out),
            None => out.push(
                Violation::new(
                    clause,
                    reason::MISSING_ARTIFACT_REF,
                    FailureClass::SilentDrift,
                    format!("the required artifact {:?} was not written", required.path),
                )
                .with_values(json!(required.path), paths()),
            ),
        }
    }
    forbidden(rule, artifacts, out);
}

fn check_one(
    clause: &str,
    rule: &RequiredArtifact,
    artifact: &ArtifactRecord,
    out: &mut Vec<Violation>,
) {
    let text = text(artifact);
    if rule.non_empty == Some(true) && is_empty(artifact, &text) {
        out.push(
            Violation::new(
                format!("{clause}.non_empty"),
                reason::EMPTY_ARTIFACT,
                FailureClass::SilentDrift,
                format!("the artifact {:?} is empty", artifact.path),
            )
            .with_values(json!("non-empty artifact"), json!(text)),
        );
    }
    if let Some(schema) = &rule.schema {
        let clause = format!("{clause}.schema");
        match serde_json::from_str::<Value>(&text) {
            Ok(value) => {
                let what = format!("the artifact {:?}", artifact.path);
                super::schema::check(&clause, &what, schema, &value, out);
            }
            Err(err) => out.push(
                Violation::new(
                    clause,
                    reason::SCHEMA_MISMATCH,
                    FailureClass::SilentDrift,
                    format!(
                        "the artifact {:?} is not JSON ({err}), so it cannot match its schema",
                        artifact.path
                    ),
                )
                .with_values(schema.clone(), json!(text)),
            ),
        }
    }
    if let Some(needles) = &rule.contains {
        let missing = super::output::missing_needles(needles, &text);
        if !missing.is_empty() {
            let message = format!(
                "the artifact {:?} does not contain {}",
                artifact.path,
                super::output::quoted(&missing)
            );
            out.push(
                Violation::new(
                    format!("{clause}.contains"),
                    reason::ARTIFACT_MISMATCH,
                    FailureClass::SilentDrift,
                    message,
                )
                .with_values(json!(missing), json!(text)),
            );
        }
    }
}

fn forbidden(rule: &ArtifactsRule, artifacts: &[ArtifactRecord], out: &mut Vec<Violation>) {
    for (i, glob) in rule.forbidden_paths.iter().enumerate() {
        let clause = format!("artifacts.forbidden_paths[{i}]");
        let matcher = match crate::compile::glob(glob) {
            Ok(m) => m,
            Err(err) => {
                out.push(Violation::new(
                    clause,
                    reason::INVALID_CONTRACT,
                    FailureClass::Harness,
                    format!("{glob:?} is not a valid glob: {}", err.message),
                ));
                continue;
            }
        };
        let hits: Vec<&str> = artifacts
            .iter()
            .map(|a| a.path.as_str())
            .filter(|p| matcher.is_match(p))
            .collect();
        if !hits.is_empty() {
            let message = format!(
                "artifact(s) written to a forbidden path ({glob}): {}",
                join(&hits)
            );
            out.push(
                Violation::new(
                    clause,
                    reason::FORBIDDEN_ARTIFACT,
                    FailureClass::Policy,
                    message,
                )
                .with_values(json!(glob), json!(hits)),
            );
        }
    }
}

fn text(artifact: &ArtifactRecord) -> Cow<'_, str> {
    match (&artifact.content, artifact.bytes.is_empty()) {
        (Some(content), true) => text_of(content),
        _ => String::from_utf8_lossy(&artifact.bytes),
    }
}

/// Empty: no text but whitespace, or JSON content that is `null`, `""`, `[]` or `{}`.
fn is_empty(artifact: &ArtifactRecord, text: &str) -> bool {
    text.trim().is_empty() || artifact.content.as_ref().is_some_and(is_empty_value)
}

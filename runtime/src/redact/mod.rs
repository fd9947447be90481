//! Redaction: no secret is ever written.
//!
//! A [`Redactor`] replaces secrets in JSON with stable placeholders (`<redacted:github_token:1>`):
//! the same secret gets the same placeholder within one redactor (one run, one cassette), so a
//! fixture made from redacted payloads still matches. Built-in detectors cover provider API
//! keys, cloud keys, source-host and chat-app tokens, payment keys, auth headers, JWTs, PEM
//! private keys, credentials in URLs and secret-like field names; a [`RedactionConfig`] adds
//! JSON paths and patterns. Before a fixture or cassette is written, [`ensure_clean`] scans it
//! and refuses, naming the file and the JSON path, if anything secret-like remains.
//!
//! ```
//! use tapedeck::redact::{Redactor, RedactionConfig, scan};
//! let mut redactor = Redactor::new(RedactionConfig::default());
//! let mut request = serde_json::json!({
//!     "headers": { "authorization": concat!("Bearer ", "abc123def456ghi789") },
//!     "note": concat!("use key sk-", "proj-", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4 please"),
//! });
//! let redactions = redactor.redact_value(&mut request);
//! assert_eq!(redactions.len(), 2);
//! assert_eq!(request["note"], "use key <redacted:openai_api_key:1> please");
//! assert!(scan(&request).is_empty());
//! ```

mod config;
mod detectors;
mod placeholder;
mod scan;
mod workspace;

pub use config::{RedactionConfig, RedactionConfigError};
pub use detectors::{CONFIGURED_PATH, CONFIGURED_PATTERN, SECRET_FIELD, is_secret_field};
pub use placeholder::is_placeholder;
pub use scan::{Finding, SecretFound, ensure_clean, ensure_clean_with, scan, scan_with};
pub use workspace::workspace_rules;

use crate::json_pointer::escape;
use detectors::DETECTORS;
use placeholder::Placeholders;
use regex::RegexSet;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

/// All built-in patterns, for a quick first pass that tells which detectors to run.
static DETECTOR_SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(DETECTORS.iter().map(|d| d.pattern.as_str()))
        .expect("built-in detector patterns compile")
});

/// One redaction: where, by which detector, and the placeholder (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redaction {
    /// The JSON Pointer of the value.
    pub pointer: String,
    /// The detector that found it.
    pub detector: &'static str,
    /// What replaced it (or the secret part of it).
    pub placeholder: String,
}

/// Replaces secrets with stable placeholders. One redactor per run or cassette.
#[derive(Debug, Default)]
pub struct Redactor {
    config: RedactionConfig,
    placeholders: Placeholders,
}

impl Redactor {
    /// A redactor with the built-in detectors and `config`.
    pub fn new(config: RedactionConfig) -> Redactor {
        Redactor {
            config,
            placeholders: Placeholders::default(),
        }
    }

    /// Numbers its placeholders after those already in `value` (per detector), so that a
    /// secret added to redacted JSON never gets the placeholder of another one.
    pub fn continuing_after(mut self, value: &Value) -> Redactor {
        for found in placeholders(value) {
            if let Some(n) = placeholder::number(&found.placeholder) {
                self.placeholders.reserve(found.detector, n);
            }
        }
        self
    }

    /// Redacts `value` in place and returns what was redacted. Redacting redacted JSON
    /// changes nothing.
    pub fn redact_value(&mut self, value: &mut Value) -> Vec<Redaction> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        self.walk(value, &mut path, &mut out);
        out
    }

    /// Redacts the secrets inside one string.
    pub fn redact_str<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        let found = find_secrets(text, &self.config);
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (range, detector) in found {
            out.push_str(&text[at..range.start]);
            out.push_str(&self.placeholders.of(detector, &text[range.clone()]));
            at = range.end;
        }
        out.push_str(&text[at..]);
        Cow::Owned(out)
    }

    fn walk(&mut self, value: &mut Value, path: &mut Vec<String>, out: &mut Vec<Redaction>) {
        if self.config.paths().iter().any(|p| p.matches(path)) && !is_clean_value(value) {
            self.replace_whole(value, CONFIGURED_PATH, path, out);
            return;
        }
        match value {
            Value::String(text) => {
                if let Cow::Owned(redacted) = self.redact_str(text) {
                    for detector in detectors_in(&redacted) {
                        out.push(Redaction {
                            pointer: pointer(path),
                            detector,
                            placeholder: String::new(),
                        });
                    }
                    fill_placeholders(out, &redacted);
                    *text = redacted;
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    path.push(i.to_string());
                    self.walk(item, path, out);
                    path.pop();
                }
            }
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    path.push(key.clone());
                    let secret_field = is_secret_field(key);
                    self.walk(item, path, out);
                    if secret_field && !is_clean_value(item) {
                        self.replace_whole(item, SECRET_FIELD, path, out);
                    }
                    path.pop();
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    fn replace_whole(
        &mut self,
        value: &mut Value,
        detector: &'static str,
        path: &[String],
        out: &mut Vec<Redaction>,
    ) {
        let secret = match &*value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let placeholder = self.placeholders.of(detector, &secret);
        out.push(Redaction {
            pointer: pointer(path),
            detector,
            placeholder: placeholder.clone(),
        });
        *value = Value::String(placeholder);
    }
}

/// A value with nothing secret left in it as a whole: null, a boolean, an empty string, or a
/// string that already holds a placeholder (e.g. `Bearer <redacted:bearer_token:1>`).
/// Objects and arrays are walked instead.
fn is_clean_value(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(_) | Value::Object(_) | Value::Array(_) => true,
        Value::Number(_) => false,
        Value::String(s) => s.trim().is_empty() || !placeholder::spans(s).is_empty(),
    }
}

/// The secret spans of `text` with their detectors: built-in first (most specific first),
/// then configured patterns; spans inside placeholders or already claimed are skipped.
pub(crate) fn find_secrets(
    text: &str,
    config: &RedactionConfig,
) -> Vec<(Range<usize>, &'static str)> {
    let taken = placeholder::spans(text);
    let mut found: Vec<(Range<usize>, &'static str)> = Vec::new();
    let overlaps = |a: &Range<usize>, b: &Range<usize>| a.start < b.end && b.start < a.end;
    let claim = |range: Range<usize>,
                 detector: &'static str,
                 found: &mut Vec<(Range<usize>, &'static str)>| {
        if range.is_empty()
            || taken.iter().any(|t| overlaps(&range, t))
            || found.iter().any(|(f, _)| overlaps(&range, f))
        {
            return;
        }
        found.push((range, detector));
    };
    for index in DETECTOR_SET.matches(text).iter() {
        let detector = &DETECTORS[index];
        for caps in detector.pattern.captures_iter(text) {
            let m = caps.name("secret").or_else(|| caps.get(0));
            if let Some(m) = m {
                claim(m.range(), detector.name, &mut found);
            }
        }
    }
    for pattern in config.patterns() {
        for caps in pattern.captures_iter(text) {
            if let Some(m) = caps.name("secret").or_else(|| caps.get(0)) {
                claim(m.range(), CONFIGURED_PATTERN, &mut found);
            }
        }
    }
    found.sort_by_key(|(r, _)| r.start);
    found
}

/// The detector names of the placeholders in `text`, in order.
fn detectors_in(text: &str) -> Vec<&'static str> {
    placeholder::spans(text)
        .into_iter()
        .filter_map(|span| {
            let inner = &text[span.start + "<redacted:".len()..span.end - 1];
            let name = inner.rsplit_once(':').map(|(n, _)| n)?;
            DETECTORS
                .iter()
                .map(|d| d.name)
                .chain([SECRET_FIELD, CONFIGURED_PATH, CONFIGURED_PATTERN])
                .find(|d| *d == name)
        })
        .collect()
}

/// Fills the placeholders of the redactions just pushed for `text` (in order).
fn fill_placeholders(out: &mut [Redaction], text: &str) {
    let spans = placeholder::spans(text);
    let pending = out.iter_mut().filter(|r| r.placeholder.is_empty());
    for (redaction, span) in pending.zip(spans) {
        redaction.placeholder = text[span].to_string();
    }
}

/// Every placeholder in `value` with its detector and location (what a cassette lists under
/// `redactions`), in document order.
pub fn placeholders(value: &Value) -> Vec<Redaction> {
    fn walk(value: &Value, path: &mut Vec<String>, out: &mut Vec<Redaction>) {
        match value {
            Value::String(text) => {
                for (span, detector) in placeholder::spans(text).into_iter().zip(detectors_in(text))
                {
                    out.push(Redaction {
                        pointer: pointer(path),
                        detector,
                        placeholder: text[span].to_string(),
                    });
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    walk(item, path, out);
                    path.pop();
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    path.push(key.clone());
                    walk(item, path, out);
                    path.pop();
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn pointer(path: &[String]) -> String {
    path.iter().map(|t| format!("/{}", escape(t))).collect()
}

//! The final scan: before a fixture or cassette file is written, anything secret-like that is
//! left refuses the write.

use super::config::RedactionConfig;
use super::detectors::{CONFIGURED_PATH, SECRET_FIELD, is_secret_field};
use super::{find_secrets, is_clean_value, pointer};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::path::{Path, PathBuf};

/// Something secret-like: where, and which detector saw it (never the value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The JSON Pointer of the value.
    pub pointer: String,
    /// The detector.
    pub detector: &'static str,
}

/// A write refused because secrets remain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretFound {
    /// The file that was not written.
    pub file: PathBuf,
    /// What remains, and where.
    pub findings: Vec<Finding>,
}

impl fmt::Display for SecretFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refusing to write {}: {} secret-like value(s) remain:",
            self.file.display(),
            self.findings.len()
        )?;
        for finding in &self.findings {
            write!(
                f,
                "\n  - {} at {}",
                finding.detector,
                display_pointer(&finding.pointer)
            )?;
        }
        write!(
            f,
            "\nredact them (add the path or a pattern to the redaction config) or remove them, then write again"
        )
    }
}

impl std::error::Error for SecretFound {}

fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "the document root"
    } else {
        pointer
    }
}

/// Finds what the built-in detectors consider secret in `value`.
pub fn scan(value: &Value) -> Vec<Finding> {
    scan_with(value, &RedactionConfig::default())
}

/// Finds what the built-in detectors and `config` consider secret in `value`.
pub fn scan_with(value: &Value, config: &RedactionConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    walk(value, config, &mut path, &mut out);
    out
}

/// Refuses (naming `file` and every JSON path) if `value` holds anything secret-like.
pub fn ensure_clean(file: &Path, value: &Value) -> Result<(), SecretFound> {
    ensure_clean_with(file, value, &RedactionConfig::default())
}

/// [`ensure_clean`] with configured paths and patterns.
pub fn ensure_clean_with(
    file: &Path,
    value: &Value,
    config: &RedactionConfig,
) -> Result<(), SecretFound> {
    let findings = scan_with(value, config);
    if findings.is_empty() {
        Ok(())
    } else {
        Err(SecretFound {
            file: file.to_path_buf(),
            findings,
        })
    }
}

fn walk(value: &Value, config: &RedactionConfig, path: &mut Vec<String>, out: &mut Vec<Finding>) {
    if config.paths().iter().any(|p| p.matches(path)) && !is_clean_value(value) {
        out.push(Finding {
            pointer: pointer(path),
            detector: CONFIGURED_PATH,
        });
        return;
    }
    match value {
        Value::String(text) => {
            for (_, detector) in find_secrets(text, config) {
                out.push(Finding {
                    pointer: pointer(path),
                    detector,
                });
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                walk(item, config, path, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                path.push(key.clone());
                let before = out.len();
                walk(item, config, path, out);
                if is_secret_field(key) && !is_clean_value(item) && out.len() == before {
                    out.push(Finding {
                        pointer: pointer(path),
                        detector: SECRET_FIELD,
                    });
                }
                path.pop();
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

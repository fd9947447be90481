//! Configured redactions: JSON paths and patterns on top of the built-in detectors.

use crate::json_pointer::PointerPattern;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// Extra redactions: every value at one of `paths` (JSON Pointers, `*` matches one segment) and
/// every match of one of `patterns` (regular expressions; a group named `secret` limits the
/// replacement to that group).
///
/// ```
/// use tapedeck::redact::RedactionConfig;
/// let config = RedactionConfig::new(["/request/customer/ssn"], [r"\bACME-[0-9]{8}\b"]).unwrap();
/// assert_eq!(config.paths().len(), 1);
/// assert!(RedactionConfig::new(["no-slash"], Vec::<String>::new()).is_err());
/// ```
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(try_from = "RawConfig", into = "RawConfig")]
pub struct RedactionConfig {
    paths: Vec<PointerPattern>,
    patterns: Vec<Regex>,
}

impl PartialEq for RedactionConfig {
    fn eq(&self, other: &RedactionConfig) -> bool {
        RawConfig::from(self.clone()) == RawConfig::from(other.clone())
    }
}

/// The serialized form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
}

/// Why a redaction configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedactionConfigError {
    /// A path is not a JSON Pointer.
    #[error(
        "redaction path {path:?} is not a JSON Pointer ({problem}); write it like \"/request/headers/x-secret\""
    )]
    Path {
        /// The path.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// A pattern is not a regular expression.
    #[error("redaction pattern {pattern:?} is not a valid regular expression: {problem}")]
    Pattern {
        /// The pattern.
        pattern: String,
        /// What is wrong.
        problem: String,
    },
}

impl RedactionConfig {
    /// A configuration of paths and patterns; refuses invalid ones, naming them.
    pub fn new<P, R>(
        paths: impl IntoIterator<Item = P>,
        patterns: impl IntoIterator<Item = R>,
    ) -> Result<RedactionConfig, RedactionConfigError>
    where
        P: AsRef<str>,
        R: AsRef<str>,
    {
        let paths = paths
            .into_iter()
            .map(|p| {
                PointerPattern::parse(p.as_ref()).map_err(|e| RedactionConfigError::Path {
                    path: p.as_ref().to_string(),
                    problem: e.to_string(),
                })
            })
            .collect::<Result<_, _>>()?;
        let patterns = patterns
            .into_iter()
            .map(|r| {
                Regex::new(r.as_ref()).map_err(|e| RedactionConfigError::Pattern {
                    pattern: r.as_ref().to_string(),
                    problem: e.to_string(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(RedactionConfig { paths, patterns })
    }

    /// The configured paths.
    pub fn paths(&self) -> &[PointerPattern] {
        &self.paths
    }

    /// The configured patterns.
    pub fn patterns(&self) -> &[Regex] {
        &self.patterns
    }
}

impl TryFrom<RawConfig> for RedactionConfig {
    type Error = RedactionConfigError;
    fn try_from(raw: RawConfig) -> Result<RedactionConfig, RedactionConfigError> {
        RedactionConfig::new(raw.paths, raw.patterns)
    }
}

impl From<RedactionConfig> for RawConfig {
    fn from(config: RedactionConfig) -> RawConfig {
        RawConfig {
            paths: config.paths.iter().map(ToString::to_string).collect(),
            patterns: config
                .patterns
                .iter()
                .map(|r| r.as_str().to_string())
                .collect(),
        }
    }
}

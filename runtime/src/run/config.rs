//! How a recorder captures runs.

use super::payload::PayloadRules;
use crate::contract::Validators;
use crate::resilience::Resilience;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The environment variable naming the artifact root.
pub const ARTIFACTS_ENV: &str = "TAPEDECK_ARTIFACTS";

/// The default artifact root.
pub const DEFAULT_ARTIFACT_ROOT: &str = "target/tapedeck/artifacts";

/// The time budget of a run whose envelope sets none.
pub const DEFAULT_RUN_TIMEOUT: Duration = Duration::from_secs(600);

/// The recorder's configuration. [`RecorderConfig::default`] reads the environment:
/// `TAPEDECK_ARTIFACTS` for the artifact root and `TAPEDECK_CODE_VERSION` for the code version.
#[derive(Clone)]
pub struct RecorderConfig {
    /// Where staged and committed artifacts live (default `target/tapedeck/artifacts`).
    pub artifact_root: PathBuf,
    /// The code version written into every run record.
    pub code_version: Option<String>,
    /// The time budget of runs whose envelope sets none (default 10 minutes).
    pub default_timeout: Duration,
    /// How tool payloads are captured (default: redacted).
    pub payloads: PayloadRules,
    /// The custom validators completion contracts may name (default: every registered one).
    pub validators: Validators,
    /// The retry budgets and circuit breakers shared by every run of this recorder.
    pub resilience: Arc<Resilience>,
}

impl std::fmt::Debug for RecorderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecorderConfig")
            .field("artifact_root", &self.artifact_root)
            .field("code_version", &self.code_version)
            .field("default_timeout", &self.default_timeout)
            .field("payloads", &self.payloads)
            .finish_non_exhaustive()
    }
}

impl Default for RecorderConfig {
    fn default() -> RecorderConfig {
        RecorderConfig {
            artifact_root: std::env::var_os(ARTIFACTS_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_ARTIFACT_ROOT)),
            code_version: crate::store::record::code_version_from_env(),
            default_timeout: DEFAULT_RUN_TIMEOUT,
            payloads: PayloadRules::default(),
            validators: Validators::from_registry(),
            resilience: Arc::new(Resilience::default()),
        }
    }
}

impl RecorderConfig {
    /// Sets the artifact root.
    pub fn artifact_root(mut self, root: impl Into<PathBuf>) -> Self {
        self.artifact_root = root.into();
        self
    }

    /// Sets the code version.
    pub fn code_version(mut self, version: impl Into<String>) -> Self {
        self.code_version = Some(version.into());
        self
    }

    /// Sets the payload capture rules.
    pub fn payloads(mut self, rules: PayloadRules) -> Self {
        self.payloads = rules;
        self
    }
}

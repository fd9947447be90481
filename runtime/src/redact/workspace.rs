//! The workspace's own redaction rules: `[redaction]` of the `tapedeck.toml` found from the
//! current directory upwards, read once per process.

use super::RedactionConfig;
use std::sync::OnceLock;

/// The `[redaction]` rules of the workspace (none when there is no `tapedeck.toml`). Every
/// fixture and snapshot write scans with them on top of the built-in detectors, and
/// `fixture new --from-run` redacts with them. A broken `tapedeck.toml` is an error (its file
/// and line named), so a write never silently scans with fewer rules than configured.
pub fn workspace_rules() -> Result<&'static RedactionConfig, String> {
    static RULES: OnceLock<Result<RedactionConfig, String>> = OnceLock::new();
    RULES
        .get_or_init(|| {
            let here = std::env::current_dir().map_err(|e| {
                format!("cannot read the current directory to find tapedeck.toml: {e}")
            })?;
            crate::canary::CanaryConfig::discover(&here)
                .map(|config| config.redaction)
                .map_err(|e| {
                    format!("{e}\nthe final secret scan needs its [redaction] rules; fix the file")
                })
        })
        .as_ref()
        .map_err(Clone::clone)
}

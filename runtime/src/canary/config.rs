//! `tapedeck.toml`: tier periods and grace, required fixtures, the inconclusive limit, the store.
//!
//! ```toml
//! store = "target/tapedeck/runs.sqlite"   # or TAPEDECK_STORE, or --store
//!
//! [tiers.critical]                          # defaults: critical 15m + 5m, hourly 1h + 15m,
//! period = "15m"                            # daily 24h + 2h
//! grace = "5m"
//!
//! [gate]
//! required = ["*"]                          # fixture-id globs the gate requires (default: all)
//! require_proof = true                      # an unproven required fixture trips exit 2
//! inconclusive_limit = 0                    # inconclusive results beyond this count as failing
//!
//! [windows]
//! lookback = "30d"                          # how far back silent-failure windows look
//! ```

use crate::fixture::Tier;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The configuration file's name, looked up from the current directory upwards.
pub const CONFIG_FILE: &str = "tapedeck.toml";

/// Period and grace of one tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierPolicy {
    /// How often the tier runs.
    pub period: Duration,
    /// How late a result may be before the fixture is stale.
    pub grace: Duration,
}

impl TierPolicy {
    /// The default policy of `tier`.
    pub fn default_for(tier: Tier) -> TierPolicy {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        match tier {
            Tier::Critical => TierPolicy {
                period: minutes(15),
                grace: minutes(5),
            },
            Tier::Hourly => TierPolicy {
                period: minutes(60),
                grace: minutes(15),
            },
            Tier::Daily => TierPolicy {
                period: minutes(24 * 60),
                grace: minutes(120),
            },
        }
    }

    /// Period plus grace: older than this is stale.
    pub fn freshness(&self) -> Duration {
        self.period.saturating_add(self.grace)
    }
}

/// The monitor's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct CanaryConfig {
    /// Where it was read from (`None`: defaults).
    pub source: Option<PathBuf>,
    /// The store URL, if configured.
    pub store: Option<String>,
    /// Per tier, most frequent first.
    pub tiers: [(Tier, TierPolicy); 3],
    /// Fixture-id globs the gate requires.
    pub required: Vec<String>,
    /// Whether an unproven required fixture trips the gate.
    pub require_proof: bool,
    /// Inconclusive FINAL results tolerated before they count as failing.
    pub inconclusive_limit: usize,
    /// How far back silent-failure windows look.
    pub window_lookback: Duration,
}

impl Default for CanaryConfig {
    fn default() -> CanaryConfig {
        CanaryConfig {
            source: None,
            store: None,
            tiers: Tier::ALL.map(|t| (t, TierPolicy::default_for(t))),
            required: vec!["*".into()],
            require_proof: true,
            inconclusive_limit: 0,
            window_lookback: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// The file's shape (strict: unknown keys are errors).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    store: Option<String>,
    #[serde(default)]
    tiers: RawTiers,
    #[serde(default)]
    gate: RawGate,
    #[serde(default)]
    windows: RawWindows,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTiers {
    critical: Option<RawTier>,
    hourly: Option<RawTier>,
    daily: Option<RawTier>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    period: Option<String>,
    grace: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGate {
    required: Option<Vec<String>>,
    require_proof: Option<bool>,
    inconclusive_limit: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindows {
    lookback: Option<String>,
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error("{}: {message}\nsee the documented keys in the README section \"tapedeck.toml\"", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, where (TOML key path, line and column).
        message: String,
    },
}

impl CanaryConfig {
    /// Reads `path`.
    pub fn load(path: &Path) -> Result<CanaryConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        CanaryConfig::parse(path, &text)
    }

    /// Finds `tapedeck.toml` in `start` or its ancestors; defaults if there is none.
    pub fn discover(start: &Path) -> Result<CanaryConfig, ConfigError> {
        match start
            .ancestors()
            .map(|d| d.join(CONFIG_FILE))
            .find(|p| p.is_file())
        {
            Some(path) => CanaryConfig::load(&path),
            None => Ok(CanaryConfig::default()),
        }
    }

    /// Parses the text of `path`.
    pub fn parse(path: &Path, text: &str) -> Result<CanaryConfig, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut config = CanaryConfig {
            source: Some(path.to_path_buf()),
            store: raw.store,
            ..CanaryConfig::default()
        };
        let tiers = [raw.tiers.critical, raw.tiers.hourly, raw.tiers.daily];
        for ((tier, policy), raw_tier) in config.tiers.iter_mut().zip(tiers) {
            let Some(raw_tier) = raw_tier else { continue };
            if let Some(text) = raw_tier.period {
                policy.period =
                    duration(&text, &format!("tiers.{tier}.period")).map_err(invalid)?;
            }
            if let Some(text) = raw_tier.grace {
                policy.grace = duration(&text, &format!("tiers.{tier}.grace")).map_err(invalid)?;
            }
            if policy.period.is_zero() {
                return Err(invalid(format!(
                    "tiers.{tier}.period must be longer than zero"
                )));
            }
        }
        if let Some(required) = raw.gate.required {
            for pattern in &required {
                globset::Glob::new(pattern).map_err(|e| {
                    invalid(format!(
                        "gate.required: {pattern:?} is not a glob over fixture ids: {e}"
                    ))
                })?;
            }
            config.required = required;
        }
        if let Some(p) = raw.gate.require_proof {
            config.require_proof = p;
        }
        if let Some(n) = raw.gate.inconclusive_limit {
            config.inconclusive_limit = n;
        }
        if let Some(text) = raw.windows.lookback {
            config.window_lookback = duration(&text, "windows.lookback").map_err(invalid)?;
        }
        Ok(config)
    }

    /// The policy of `tier`.
    pub fn policy(&self, tier: Tier) -> TierPolicy {
        self.tiers
            .iter()
            .find(|(t, _)| *t == tier)
            .map_or_else(|| TierPolicy::default_for(tier), |(_, p)| *p)
    }

    /// Whether the gate requires `fixture_id`.
    pub fn is_required(&self, fixture_id: &str) -> bool {
        self.required.iter().any(|pattern| {
            globset::Glob::new(pattern)
                .map(|g| g.compile_matcher().is_match(fixture_id))
                .unwrap_or(false)
        })
    }
}

/// The longest period, grace or lookback `tapedeck.toml` accepts.
pub const MAX_DURATION: Duration = Duration::from_secs(366 * 24 * 60 * 60);

fn duration(text: &str, key: &str) -> Result<Duration, String> {
    let parsed = humantime::parse_duration(text).map_err(|e| {
        format!("{key} = {text:?} is not a duration ({e}); write e.g. \"15m\", \"1h\", \"2h 30m\"")
    })?;
    if parsed > MAX_DURATION {
        return Err(format!(
            "{key} = {text:?} is longer than the limit of 366 days; a canary tier that runs less \
             often than once a year proves nothing"
        ));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_tiers() {
        let c = CanaryConfig::default();
        assert_eq!(
            c.policy(Tier::Critical).freshness(),
            Duration::from_secs(20 * 60)
        );
        assert_eq!(
            c.policy(Tier::Hourly).freshness(),
            Duration::from_secs(75 * 60)
        );
        assert_eq!(
            c.policy(Tier::Daily).freshness(),
            Duration::from_secs(26 * 3600)
        );
        assert!(c.is_required("anything/at-all"));
    }

    #[test]
    fn a_file_overrides_and_bad_keys_name_the_file_and_the_key() {
        let path = Path::new("tapedeck.toml");
        let c = CanaryConfig::parse(
            path,
            "[tiers.critical]\nperiod = \"5m\"\n[gate]\nrequired = [\"booking/*\"]\ninconclusive_limit = 2\n",
        )
        .unwrap();
        assert_eq!(c.policy(Tier::Critical).period, Duration::from_secs(300));
        assert_eq!(c.policy(Tier::Critical).grace, Duration::from_secs(300));
        assert!(c.is_required("booking/charge"));
        assert!(!c.is_required("research/a"));
        assert_eq!(c.inconclusive_limit, 2);

        let e = CanaryConfig::parse(path, "[tiers.critical]\nperiode = \"5m\"\n").unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("tapedeck.toml") && text.contains("periode") && text.contains("period"),
            "{text}"
        );
        assert!(text.contains("line 2"), "{text}");
        let e = CanaryConfig::parse(path, "[tiers.hourly]\ngrace = \"soon\"\n").unwrap_err();
        assert!(e.to_string().contains("tiers.hourly.grace"), "{e}");
    }
}

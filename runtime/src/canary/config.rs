//! `tapedeck.toml`: tier periods and grace, required fixtures, the inconclusive limit, the store,
//! and the workspace's own redaction rules.
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
//!
//! [redaction]                               # on top of the built-in secret detectors, for
//! paths = ["/request/customer/ssn"]         # `fixture new --from-run` and the final secret
//! patterns = ['\bACME-[0-9]{8}\b']          # scan of every fixture and snapshot write
//! ```

use super::config_error::read_config_text;
pub use super::config_error::{ConfigError, MAX_CONFIG_BYTES};
use crate::fixture::Tier;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

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
    /// Extra redaction paths and patterns (`[redaction]`), on top of the built-in detectors.
    pub redaction: crate::redact::RedactionConfig,
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
            redaction: crate::redact::RedactionConfig::default(),
        }
    }
}

/// The file's shape (strict: unknown keys are errors). Values that are checked after parsing
/// keep their span, so that their errors point at them.
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
    #[serde(default)]
    redaction: RawRedaction,
}

/// `[redaction]`: each path and pattern keeps its span, so that a bad one is pointed at.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRedaction {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
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
    period: Option<Spanned<String>>,
    grace: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGate {
    required: Option<Vec<Spanned<String>>>,
    require_proof: Option<bool>,
    inconclusive_limit: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindows {
    lookback: Option<Spanned<String>>,
}

/// The `[redaction]` rules, each checked on its own so that an error points at the bad one.
fn redaction<E>(
    raw: &RawRedaction,
    at: impl Fn(usize, String) -> E,
) -> Result<crate::redact::RedactionConfig, E> {
    use crate::redact::RedactionConfig;
    let none: [&str; 0] = [];
    for path in &raw.paths {
        RedactionConfig::new([path.get_ref()], none)
            .map_err(|e| at(path.span().start, format!("redaction.paths: {e}")))?;
    }
    for pattern in &raw.patterns {
        RedactionConfig::new(none, [pattern.get_ref()])
            .map_err(|e| at(pattern.span().start, format!("redaction.patterns: {e}")))?;
    }
    RedactionConfig::new(
        raw.paths.iter().map(Spanned::get_ref),
        raw.patterns.iter().map(Spanned::get_ref),
    )
    .map_err(|e| at(0, format!("redaction: {e}")))
}

impl CanaryConfig {
    /// Reads `path` (at most [`MAX_CONFIG_BYTES`], UTF-8).
    pub fn load(path: &Path) -> Result<CanaryConfig, ConfigError> {
        CanaryConfig::parse(path, &read_config_text(path)?)
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
        let invalid = |offset: Option<usize>, message: String| {
            ConfigError::invalid(path, text, offset, message)
        };
        let at = |value_start: usize| move |message: String| invalid(Some(value_start), message);
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| ConfigError::from_toml(path, text, &e))?;
        let mut config = CanaryConfig {
            source: Some(path.to_path_buf()),
            store: raw.store,
            redaction: redaction(&raw.redaction, |offset, message| {
                invalid(Some(offset), message)
            })?,
            ..CanaryConfig::default()
        };
        let tiers = [raw.tiers.critical, raw.tiers.hourly, raw.tiers.daily];
        for ((tier, policy), raw_tier) in config.tiers.iter_mut().zip(tiers) {
            let Some(raw_tier) = raw_tier else { continue };
            if let Some(period) = raw_tier.period {
                let key = format!("tiers.{tier}.period");
                policy.period = duration(&period, &key).map_err(at(period.span().start))?;
                if policy.period.is_zero() {
                    return Err(at(period.span().start)(format!(
                        "{key} = {:?} must be longer than zero",
                        period.get_ref()
                    )));
                }
            }
            if let Some(grace) = raw_tier.grace {
                let key = format!("tiers.{tier}.grace");
                policy.grace = duration(&grace, &key).map_err(at(grace.span().start))?;
            }
        }
        if let Some(required) = raw.gate.required {
            for pattern in &required {
                globset::Glob::new(pattern.get_ref()).map_err(|e| {
                    at(pattern.span().start)(format!(
                        "gate.required: {:?} is not a glob over fixture ids ({}); write e.g. \
                         \"booking/*\" or \"*\"",
                        pattern.get_ref(),
                        e.kind()
                    ))
                })?;
            }
            config.required = required.into_iter().map(Spanned::into_inner).collect();
        }
        if let Some(p) = raw.gate.require_proof {
            config.require_proof = p;
        }
        if let Some(limit) = raw.gate.inconclusive_limit {
            config.inconclusive_limit = usize::try_from(*limit.get_ref()).map_err(|_| {
                at(limit.span().start)(format!(
                    "gate.inconclusive_limit = {} must be 0 or more: the number of inconclusive \
                     results the gate tolerates",
                    limit.get_ref()
                ))
            })?;
        }
        if let Some(lookback) = raw.windows.lookback {
            config.window_lookback =
                duration(&lookback, "windows.lookback").map_err(at(lookback.span().start))?;
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

fn duration(text: &Spanned<String>, key: &str) -> Result<Duration, String> {
    let text = text.get_ref();
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
        assert!(text.starts_with("tapedeck.toml:2:1: "), "{text}");
        let e = CanaryConfig::parse(path, "[tiers.hourly]\ngrace = \"soon\"\n").unwrap_err();
        assert!(e.to_string().contains("tiers.hourly.grace"), "{e}");
        assert!(e.to_string().starts_with("tapedeck.toml:2:9: "), "{e}");
    }

    #[test]
    fn redaction_rules_are_read_and_bad_ones_name_the_file() {
        let path = Path::new("tapedeck.toml");
        let c = CanaryConfig::parse(
            path,
            "[redaction]
paths = [\"/request/ssn\"]
patterns = ['ACME-[0-9]+']
",
        )
        .unwrap();
        let secret = serde_json::json!({ "request": { "ssn": "078-05-1120" }, "note": "ACME-42" });
        assert_eq!(crate::redact::scan_with(&secret, &c.redaction).len(), 2);
        assert_eq!(CanaryConfig::default().redaction, Default::default());
        for bad in ["paths = [\"ssn\"]", "patterns = ['(']", "pattern = []"] {
            let e = CanaryConfig::parse(path, &format!("[redaction]\n{bad}\n")).unwrap_err();
            assert!(e.to_string().starts_with("tapedeck.toml:"), "{e}");
        }
        // A bad entry is pointed at itself, not at the table.
        let e = CanaryConfig::parse(
            path,
            "[redaction]\npaths = [\"/a\"]\npatterns = ['ok', '(']\n",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("tapedeck.toml:3:19: "), "{e}");
        assert!(e.to_string().contains("redaction.patterns"), "{e}");
    }
}

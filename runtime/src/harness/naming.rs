//! Trial names: `<suite>::<fixture_id>`, `canary::<tier>::<suite>::<fixture_id>` and
//! `canary::<tier>::check::<name>`. Stable names keep nextest partitions stable.

use crate::fixture::Tier;
use std::fmt;

/// The suite name standalone checks are listed under.
pub const CHECK_SUITE: &str = "check";

/// A parsed trial name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TrialName {
    /// A replay of one fixture.
    Replay {
        /// The suite.
        suite: String,
        /// The fixture id.
        fixture: String,
    },
    /// A fixture run as a canary of a tier.
    Canary {
        /// The tier.
        tier: Tier,
        /// The suite.
        suite: String,
        /// The fixture id.
        fixture: String,
    },
    /// A standalone live check.
    Check {
        /// The tier.
        tier: Tier,
        /// The check's name.
        name: String,
    },
}

impl TrialName {
    /// Parses a trial name; `None` if it is not one of the three shapes.
    pub fn parse(name: &str) -> Option<TrialName> {
        let parts: Vec<&str> = name.split("::").collect();
        match parts.as_slice() {
            ["canary", tier, CHECK_SUITE, check] => Some(TrialName::Check {
                tier: Tier::parse(tier)?,
                name: check.to_string(),
            }),
            ["canary", tier, suite, fixture] => Some(TrialName::Canary {
                tier: Tier::parse(tier)?,
                suite: suite.to_string(),
                fixture: fixture.to_string(),
            }),
            [suite, fixture] if *suite != "canary" => Some(TrialName::Replay {
                suite: suite.to_string(),
                fixture: fixture.to_string(),
            }),
            _ => None,
        }
    }
}

impl fmt::Display for TrialName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrialName::Replay { suite, fixture } => write!(f, "{suite}::{fixture}"),
            TrialName::Canary {
                tier,
                suite,
                fixture,
            } => write!(f, "canary::{tier}::{suite}::{fixture}"),
            TrialName::Check { tier, name } => write!(f, "canary::{tier}::{CHECK_SUITE}::{name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in [
            "refunds::late_fee",
            "canary::hourly::refunds::late_fee",
            "canary::critical::check::ping",
        ] {
            assert_eq!(TrialName::parse(name).unwrap().to_string(), name);
        }
        assert!(matches!(
            TrialName::parse("canary::critical::check::ping"),
            Some(TrialName::Check { .. })
        ));
        assert_eq!(TrialName::parse("canary::weekly::a::b"), None);
        assert_eq!(TrialName::parse("a::b::c"), None);
        assert_eq!(TrialName::parse("canary::x"), None);
    }
}

//! The monitor report: the health of every fixture, per tier and overall, as one value that
//! renders as a terminal table, JSON (stable, versioned schema), JUnit XML and a static HTML page.

use crate::fixture::Tier;
use crate::verdict::{FailureClass, Verdict};
use serde::{Deserialize, Serialize};

/// The version of the JSON schema of [`MonitorReport`]. Adding a field keeps it; renaming or
/// removing one, or changing a meaning, bumps it.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// Everything the monitor knows, at one instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorReport {
    /// [`REPORT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// When the report was made (RFC 3339).
    pub generated_at: String,
    /// The store it was made from.
    pub store: String,
    /// All tiers together.
    pub overall: TierSummary,
    /// Per tier, most frequent first.
    pub tiers: Vec<TierSummary>,
    /// Every known fixture, sorted by id.
    pub fixtures: Vec<FixtureHealth>,
    /// Fixtures with canary results in the store that the workspace no longer has (deleted or
    /// renamed), sorted: listed so a deletion is visible, never counted or gated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<String>,
    /// Per failure class: from the first bad production run to the first alert.
    pub silent_failure_windows: Vec<SilentFailureWindow>,
    /// Active operator overrides (listed in every report while active).
    pub overrides: Vec<Override>,
    /// Pass/fail over time, one point per canary session, oldest first.
    pub history: Vec<HistoryPoint>,
    /// The health gate: the exit status and why.
    pub gate: Gate,
}

/// The counts of one tier (or of all, when `tier` is `None`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TierSummary {
    /// The tier; `None` for the overall summary.
    pub tier: Option<Tier>,
    /// Fixtures of this tier.
    pub fixtures_total: usize,
    /// Fixtures whose last FINAL result is `passed` or `degraded` and fresh.
    pub fixtures_passing: usize,
    /// Of the passing ones, those `degraded` (listed, never hidden).
    pub fixtures_degraded: usize,
    /// Fixtures whose last FINAL result is `failed` or `blocked` (or inconclusive beyond the limit).
    pub fixtures_failing: usize,
    /// Fixtures whose last FINAL result is `inconclusive` or `skipped`: never proof.
    pub fixtures_inconclusive: usize,
    /// Fixtures with no FINAL result within the tier's period plus grace: unknown, never green.
    pub fixtures_stale: usize,
    /// Fixtures not proven (never seen failing on broken code and passing after the fix).
    pub fixtures_unproven: usize,
    /// Minutes since the canary runner's last heartbeat for this tier; `None` if there is none.
    pub heartbeat_age_minutes: Option<f64>,
    /// Whether the heartbeat is missing or older than period plus grace.
    pub heartbeat_missing: bool,
    /// The tier's period in minutes.
    pub period_minutes: f64,
    /// The tier's grace in minutes.
    pub grace_minutes: f64,
}

/// What the monitor concludes about one fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixtureState {
    /// Last FINAL result fresh and met its contract (a check: verdict `passed`).
    Passing,
    /// As passing, with verdict `degraded` (counts as passing, listed).
    Degraded,
    /// Last FINAL result missed its contract (a check: verdict `failed` or `blocked`).
    Failing,
    /// Last FINAL result `inconclusive` or `skipped` and not what its contract expects.
    Inconclusive,
    /// No FINAL result within period plus grace.
    Stale,
}

impl FixtureState {
    /// The state a FRESH final result puts its fixture in; the one rule for the monitor's
    /// health and for canary alerts (an alert is raised when this is [`FixtureState::Failing`]).
    ///
    /// A fixture judged against its contract (`expectation_met` is `Some`) is passing when it
    /// met it, whatever the verdict: one that pins a caught bug passes with `failed`. An
    /// `inconclusive` or `skipped` verdict is never proof, met or not. Without a contract (a
    /// standalone check) the verdict decides.
    pub fn of_result(verdict: Verdict, expectation_met: Option<bool>) -> FixtureState {
        match (verdict, expectation_met) {
            (Verdict::Inconclusive | Verdict::Skipped, met) if met != Some(true) => {
                FixtureState::Inconclusive
            }
            (Verdict::Degraded, Some(true) | None) => FixtureState::Degraded,
            (_, Some(true)) => FixtureState::Passing,
            (_, Some(false)) => FixtureState::Failing,
            (Verdict::Passed, None) => FixtureState::Passing,
            (Verdict::Failed | Verdict::Blocked, None) => FixtureState::Failing,
            (Verdict::Inconclusive | Verdict::Skipped, None) => FixtureState::Inconclusive,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            FixtureState::Passing => "passing",
            FixtureState::Degraded => "degraded",
            FixtureState::Failing => "failing",
            FixtureState::Inconclusive => "inconclusive",
            FixtureState::Stale => "stale",
        }
    }
}

/// One fixture's health.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixtureHealth {
    /// `<suite>/<fixture_id>`.
    pub fixture_id: String,
    /// Its canary tier.
    pub tier: Tier,
    /// Whether the health gate requires it.
    pub required: bool,
    /// The conclusion.
    pub state: FixtureState,
    /// Whether it is proven.
    pub proven: bool,
    /// The last FINAL result's status.
    pub last_status: Option<Verdict>,
    /// Its reasons.
    pub last_reasons: Vec<String>,
    /// Its failure class.
    pub last_failure_class: Option<FailureClass>,
    /// Its run id.
    pub last_run_id: Option<String>,
    /// When it started (RFC 3339).
    pub last_at: Option<String>,
    /// Minutes since then.
    pub age_minutes: Option<f64>,
    /// The attempt number of the FINAL result (retries make it > 1).
    pub attempts: u32,
    /// An active operator override covers it.
    pub overridden: bool,
}

/// The silent-failure window of one failure class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SilentFailureWindow {
    /// The class.
    pub failure_class: FailureClass,
    /// The first bad production run of the class (RFC 3339) ...
    pub first_bad_run_at: String,
    /// ... and its id.
    pub first_bad_run_id: String,
    /// The first alert for the class at or after it; `None` while the window is open.
    pub first_alert_at: Option<String>,
    /// The window's length; an open window counts up to now.
    pub minutes: f64,
    /// No alert yet: the failure is still silent.
    pub open: bool,
}

pub use crate::store::{HistoryPoint, Override};

/// The health gate's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gate {
    /// 0 healthy; 1 a required fixture failing; 2 a required fixture stale or unproven, or the
    /// heartbeat missing; 3 a configuration or harness error.
    pub exit_code: u8,
    /// `healthy`, `failing`, `missing_proof` or `error`.
    pub status: String,
    /// Every rule that tripped, as a sentence naming what tripped it.
    pub rules_tripped: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::FixtureState::{self, Degraded, Failing, Inconclusive, Passing};
    use crate::verdict::Verdict::{Blocked, Degraded as VDegraded, Failed, Inconclusive as VInc};
    use crate::verdict::Verdict::{Passed, Skipped};

    #[test]
    fn a_result_is_judged_by_its_contract_then_by_its_verdict() {
        let cases = [
            // Judged against a contract: met passes, whatever the verdict.
            (Failed, Some(true), Passing),
            (Blocked, Some(true), Passing),
            (Passed, Some(true), Passing),
            (VDegraded, Some(true), Degraded),
            (Passed, Some(false), Failing),
            (VDegraded, Some(false), Failing),
            // Never proof, even when a contract is missed.
            (VInc, Some(false), Inconclusive),
            (Skipped, None, Inconclusive),
            (VInc, Some(true), Passing),
            // A check, no contract: the verdict decides.
            (Passed, None, Passing),
            (VDegraded, None, Degraded),
            (Failed, None, Failing),
            (Blocked, None, Failing),
        ];
        for (verdict, met, want) in cases {
            assert_eq!(
                FixtureState::of_result(verdict, met),
                want,
                "{verdict:?} {met:?}"
            );
        }
    }
}

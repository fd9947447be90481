//! The monitor: from the store (and the list of fixtures that exist) to a [`MonitorReport`]:
//! the state of every fixture, the summaries per tier, the silent-failure windows and the gate.

use super::config::CanaryConfig;
use super::gate::decide;
use super::report::{
    FixtureHealth, FixtureState, MonitorReport, REPORT_SCHEMA_VERSION, SilentFailureWindow,
    TierSummary,
};
use crate::fixture::Tier;
use crate::store::{Heartbeat, Override, RunRecord, RunType, Store, StoreError, time};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

/// How many canary sessions the history chart shows.
pub const HISTORY_SESSIONS: usize = 30;

/// A fixture that exists (from the harness listing), whether or not it ever ran.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct KnownFixture {
    /// `<suite>/<fixture_id>`.
    pub fixture_id: String,
    /// Its tier.
    pub tier: Tier,
}

/// What the monitor reads besides the store.
#[derive(Debug, Clone)]
pub struct MonitorInput<'a> {
    /// The configuration.
    pub config: &'a CanaryConfig,
    /// The fixtures that exist; fixtures only the store knows are reported too, unless
    /// `listed` says this is the workspace's complete listing.
    pub inventory: &'a [KnownFixture],
    /// Whether `inventory` is the complete listing of the workspace's canaries (the harness
    /// listed them without error). Then a fixture only the store knows was deleted or renamed:
    /// it is reported as retired, not gated. Without a listing it is reported as usual.
    pub listed: bool,
    /// How the store is named in the report.
    pub store_label: String,
    /// The time of the report.
    pub now: SystemTime,
    /// Configuration or harness errors met on the way (they make the gate exit 3).
    pub errors: Vec<String>,
}

/// Builds the report.
pub fn monitor(store: &dyn Store, input: &MonitorInput<'_>) -> Result<MonitorReport, StoreError> {
    let now_text = time::rfc3339(input.now);
    let latest: BTreeMap<String, RunRecord> = store
        .latest_results(RunType::Canary)?
        .into_iter()
        .filter_map(|r| Some((r.fixture_id.clone()?, r)))
        .collect();
    let overrides = store.active_overrides(&now_text)?;
    let existing: BTreeSet<&str> = input
        .inventory
        .iter()
        .map(|k| k.fixture_id.as_str())
        .collect();
    let (retired, kept): (Vec<&String>, Vec<&String>) = latest
        .keys()
        .partition(|id| input.listed && !existing.contains(id.as_str()));
    let mut tiers_of: BTreeMap<String, Tier> = kept
        .into_iter()
        .map(|id| (id.clone(), latest[id].tier.unwrap_or(Tier::Daily)))
        .collect();
    for known in input.inventory {
        tiers_of.insert(known.fixture_id.clone(), known.tier);
    }
    let fixtures: Vec<FixtureHealth> = tiers_of
        .into_iter()
        .map(|(id, tier)| health(&id, tier, latest.get(&id), input, &overrides))
        .collect();
    let heartbeats = store.last_heartbeats()?;
    let tiers: Vec<TierSummary> = Tier::ALL
        .into_iter()
        .map(|tier| summary(Some(tier), &fixtures, &heartbeats, input))
        .collect();
    let mut overall = summary(None, &fixtures, &heartbeats, input);
    overall.heartbeat_missing = tiers.iter().any(|t| t.heartbeat_missing);
    let windows = windows(store, input)?;
    let history = store.session_history(HISTORY_SESSIONS)?;
    let gate = decide(&fixtures, &tiers, input.config, &input.errors);
    Ok(MonitorReport {
        schema_version: REPORT_SCHEMA_VERSION,
        generated_at: now_text,
        store: input.store_label.clone(),
        overall,
        tiers,
        fixtures,
        retired: retired.into_iter().cloned().collect(),
        silent_failure_windows: windows,
        overrides,
        history,
        gate,
    })
}

fn minutes_since(at: &str, now: SystemTime) -> Option<f64> {
    let then = time::parse(at)?;
    Some(
        now.duration_since(then)
            .unwrap_or(Duration::ZERO)
            .as_secs_f64()
            / 60.0,
    )
}

fn health(
    id: &str,
    tier: Tier,
    last: Option<&RunRecord>,
    input: &MonitorInput<'_>,
    overrides: &[Override],
) -> FixtureHealth {
    let freshness = input.config.policy(tier).freshness().as_secs_f64() / 60.0;
    let age = last.and_then(|r| minutes_since(&r.started_at, input.now));
    let state = match (last.and_then(|r| r.status), age) {
        (Some(_), Some(age)) if age > freshness => FixtureState::Stale,
        (Some(verdict), Some(_)) => {
            FixtureState::of_result(verdict, last.and_then(|r| r.expectation_met))
        }
        _ => FixtureState::Stale,
    };
    FixtureHealth {
        fixture_id: id.to_string(),
        tier,
        required: input.config.is_required(id),
        state,
        // Proof applies to fixtures; a standalone check is a live probe.
        proven: id.starts_with(crate::harness::record::CHECK_PREFIX)
            || last.and_then(|r| r.proven).unwrap_or(false),
        last_status: last.and_then(|r| r.status),
        last_reasons: last.map(|r| r.reasons.clone()).unwrap_or_default(),
        last_failure_class: last.and_then(|r| r.failure_class),
        last_run_id: last.map(|r| r.run_id.clone()),
        last_at: last.map(|r| r.started_at.clone()),
        age_minutes: age,
        attempts: last.map_or(0, |r| r.attempt),
        overridden: overrides.iter().any(|o| covers(&o.fixtures, id)),
    }
}

/// Whether an override's pattern (a fixture id or a glob) covers `id`.
pub fn covers(pattern: &str, id: &str) -> bool {
    pattern == id || globset::Glob::new(pattern).is_ok_and(|g| g.compile_matcher().is_match(id))
}

fn summary(
    tier: Option<Tier>,
    fixtures: &[FixtureHealth],
    heartbeats: &[Heartbeat],
    input: &MonitorInput<'_>,
) -> TierSummary {
    let mine: Vec<&FixtureHealth> = fixtures
        .iter()
        .filter(|f| tier.is_none_or(|t| f.tier == t))
        .collect();
    let count = |state: FixtureState| mine.iter().filter(|f| f.state == state).count();
    let policy = tier.map(|t| input.config.policy(t));
    let heartbeat_age = tier.and_then(|t| {
        heartbeats
            .iter()
            .find(|h| h.tier == t)
            .and_then(|h| minutes_since(&h.at, input.now))
    });
    let heartbeat_missing = match (policy, heartbeat_age) {
        (Some(_), _) if !mine.iter().any(|f| f.required) => false,
        (Some(p), Some(age)) => age > p.freshness().as_secs_f64() / 60.0,
        (Some(_), None) => true,
        (None, _) => false,
    };
    TierSummary {
        tier,
        fixtures_total: mine.len(),
        fixtures_passing: count(FixtureState::Passing) + count(FixtureState::Degraded),
        fixtures_degraded: count(FixtureState::Degraded),
        fixtures_failing: count(FixtureState::Failing),
        fixtures_inconclusive: count(FixtureState::Inconclusive),
        fixtures_stale: count(FixtureState::Stale),
        fixtures_unproven: mine.iter().filter(|f| !f.proven).count(),
        heartbeat_age_minutes: heartbeat_age,
        heartbeat_missing,
        period_minutes: policy.map_or(0.0, |p| p.period.as_secs_f64() / 60.0),
        grace_minutes: policy.map_or(0.0, |p| p.grace.as_secs_f64() / 60.0),
    }
}

/// Per failure class: from its first bad production run within the lookback to the first alert
/// of the class at or after it; open (counting up to now) while there is none.
fn windows(
    store: &dyn Store,
    input: &MonitorInput<'_>,
) -> Result<Vec<SilentFailureWindow>, StoreError> {
    let since = time::rfc3339(
        input
            .now
            .checked_sub(input.config.window_lookback)
            .unwrap_or(SystemTime::UNIX_EPOCH),
    );
    let alerts = store.alerts(Some(&since))?;
    let mut out = Vec::new();
    for bad in store.first_bad_runs(&since)? {
        let alert = alerts
            .iter()
            .find(|a| a.failure_class == Some(bad.failure_class) && a.at >= bad.started_at);
        let end = alert.and_then(|a| time::parse(&a.at)).unwrap_or(input.now);
        let start = time::parse(&bad.started_at).unwrap_or(input.now);
        out.push(SilentFailureWindow {
            failure_class: bad.failure_class,
            first_bad_run_at: bad.started_at,
            first_bad_run_id: bad.run_id,
            first_alert_at: alert.map(|a| a.at.clone()),
            minutes: end
                .duration_since(start)
                .unwrap_or(Duration::ZERO)
                .as_secs_f64()
                / 60.0,
            open: alert.is_none(),
        });
    }
    Ok(out)
}

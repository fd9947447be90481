//! A realistic report for the renderers' tests: three tiers, six fixtures in every state, one
//! override, two silent-failure windows (one open), three sessions, a tripped gate.

use crate::canary::report::{
    FixtureHealth, FixtureState, Gate, HistoryPoint, MonitorReport, Override,
    REPORT_SCHEMA_VERSION, SilentFailureWindow, TierSummary,
};
use crate::fixture::Tier;
use crate::verdict::{FailureClass, Verdict};

/// The sample report. Fixtures, sorted by id:
///
/// | fixture | tier | state | notes |
/// | --- | --- | --- | --- |
/// | `billing/invoice_render` | hourly | stale | not required, unproven |
/// | `billing/refund_partial` | hourly | degraded | |
/// | `booking/confirm_double_charge` | critical | failing | required, trips the gate |
/// | `booking/search_basic` | critical | passing | |
/// | `research/cite_sources` | daily | inconclusive | not required, unproven |
/// | `research/summarize_drift` | daily | failing | overridden |
///
/// The daily heartbeat is missing; the gate exits 1 with two rules.
pub(crate) fn report() -> MonitorReport {
    MonitorReport {
        schema_version: REPORT_SCHEMA_VERSION,
        generated_at: "2025-06-02T12:00:00Z".to_owned(),
        store: "postgres://canary:hunter2@db.internal:5432/tapedeck".to_owned(),
        overall: summary(None, [6, 2, 1, 2, 1, 1, 2], None, false, (15.0, 5.0)),
        tiers: vec![
            summary(Some(Tier::Critical), [2, 1, 0, 1, 0, 0, 0], Some(4.0), false, (15.0, 5.0)),
            summary(Some(Tier::Hourly), [2, 1, 1, 0, 0, 1, 1], Some(42.0), false, (60.0, 15.0)),
            summary(Some(Tier::Daily), [2, 0, 0, 1, 1, 0, 1], None, true, (1440.0, 120.0)),
        ],
        fixtures: fixtures(),
        retired: vec!["booking/refund_v1".to_owned()],
        silent_failure_windows: vec![
            SilentFailureWindow {
                failure_class: FailureClass::SilentDrift,
                first_bad_run_at: "2025-06-02T06:50:00Z".to_owned(),
                first_bad_run_id: "0197300a-0000-7000-8000-00000000d21f".to_owned(),
                first_alert_at: None,
                minutes: 310.0,
                open: true,
            },
            SilentFailureWindow {
                failure_class: FailureClass::PartialWrite,
                first_bad_run_at: "2025-06-02T09:20:00Z".to_owned(),
                first_bad_run_id: "0197300a-0000-7000-8000-0000000be11a".to_owned(),
                first_alert_at: Some("2025-06-02T10:55:00Z".to_owned()),
                minutes: 95.0,
                open: false,
            },
        ],
        overrides: vec![Override {
            override_id: "ovr-7".to_owned(),
            fixtures: "research/summarize_drift".to_owned(),
            who: "dana@oncall".to_owned(),
            why: "upstream schema change; fix in review".to_owned(),
            created_at: "2025-06-02T08:00:00Z".to_owned(),
            until: "2025-06-03T08:00:00Z".to_owned(),
        }],
        history: vec![
            point("s-0001", "2025-06-02T11:15:00Z", 5, 0, 1),
            point("s-0002", "2025-06-02T11:30:00Z", 4, 1, 1),
            point("s-0003", "2025-06-02T11:45:00Z", 3, 2, 1),
        ],
        gate: Gate {
            exit_code: 1,
            status: "failing".to_owned(),
            rules_tripped: vec![
                "required fixture booking/confirm_double_charge is failing (failed: duplicate_side_effect)"
                    .to_owned(),
                "tier daily: no canary heartbeat (period 24h + grace 2h)".to_owned(),
            ],
        },
    }
}

/// Counts in the order total, passing, degraded, failing, inconclusive, stale, unproven.
fn summary(
    tier: Option<Tier>,
    counts: [usize; 7],
    heartbeat_age_minutes: Option<f64>,
    heartbeat_missing: bool,
    (period_minutes, grace_minutes): (f64, f64),
) -> TierSummary {
    let [
        total,
        passing,
        degraded,
        failing,
        inconclusive,
        stale,
        unproven,
    ] = counts;
    TierSummary {
        tier,
        fixtures_total: total,
        fixtures_passing: passing,
        fixtures_degraded: degraded,
        fixtures_failing: failing,
        fixtures_inconclusive: inconclusive,
        fixtures_stale: stale,
        fixtures_unproven: unproven,
        heartbeat_age_minutes,
        heartbeat_missing,
        period_minutes,
        grace_minutes,
    }
}

fn fixtures() -> Vec<FixtureHealth> {
    vec![
        FixtureHealth {
            required: false,
            proven: false,
            last_reasons: vec![],
            age_minutes: Some(200.0),
            ..fixture(
                "billing/invoice_render",
                Tier::Hourly,
                FixtureState::Stale,
                Verdict::Passed,
            )
        },
        FixtureHealth {
            last_reasons: vec!["fallback_model_used".to_owned()],
            age_minutes: Some(42.0),
            ..fixture(
                "billing/refund_partial",
                Tier::Hourly,
                FixtureState::Degraded,
                Verdict::Degraded,
            )
        },
        FixtureHealth {
            last_reasons: vec!["duplicate_side_effect".to_owned()],
            last_failure_class: Some(FailureClass::PartialWrite),
            attempts: 2,
            ..fixture(
                "booking/confirm_double_charge",
                Tier::Critical,
                FixtureState::Failing,
                Verdict::Failed,
            )
        },
        fixture(
            "booking/search_basic",
            Tier::Critical,
            FixtureState::Passing,
            Verdict::Passed,
        ),
        FixtureHealth {
            required: false,
            proven: false,
            last_reasons: vec!["cassette_miss".to_owned()],
            last_failure_class: Some(FailureClass::Harness),
            age_minutes: Some(300.0),
            ..fixture(
                "research/cite_sources",
                Tier::Daily,
                FixtureState::Inconclusive,
                Verdict::Inconclusive,
            )
        },
        FixtureHealth {
            last_reasons: vec!["schema_mismatch".to_owned()],
            last_failure_class: Some(FailureClass::SilentDrift),
            age_minutes: Some(320.0),
            overridden: true,
            ..fixture(
                "research/summarize_drift",
                Tier::Daily,
                FixtureState::Failing,
                Verdict::Failed,
            )
        },
    ]
}

/// A required, proven fixture with one attempt, last run 4 minutes ago.
fn fixture(id: &str, tier: Tier, state: FixtureState, status: Verdict) -> FixtureHealth {
    FixtureHealth {
        fixture_id: id.to_owned(),
        tier,
        required: true,
        state,
        proven: true,
        last_status: Some(status),
        last_reasons: vec![],
        last_failure_class: None,
        last_run_id: Some(format!("run-{}", id.replace('/', "-"))),
        last_at: Some("2025-06-02T11:56:00Z".to_owned()),
        age_minutes: Some(4.0),
        attempts: 1,
        overridden: false,
    }
}

fn point(
    session_id: &str,
    at: &str,
    passing: usize,
    failing: usize,
    inconclusive: usize,
) -> HistoryPoint {
    HistoryPoint {
        session_id: session_id.to_owned(),
        at: at.to_owned(),
        passing,
        failing,
        inconclusive,
    }
}

/// A report with nothing in it: no fixtures, tiers, windows, overrides or history.
pub(crate) fn empty() -> MonitorReport {
    MonitorReport {
        schema_version: REPORT_SCHEMA_VERSION,
        generated_at: "2025-06-02T12:00:00Z".to_owned(),
        store: "target/tapedeck/runs.sqlite".to_owned(),
        overall: TierSummary::default(),
        tiers: vec![],
        fixtures: vec![],
        retired: vec![],
        silent_failure_windows: vec![],
        overrides: vec![],
        history: vec![],
        gate: Gate {
            exit_code: 0,
            status: "healthy".to_owned(),
            rules_tripped: vec![],
        },
    }
}

/// Hostile text for escaping tests: markup, an entity, both quotes and control characters.
pub(crate) const HOSTILE: &str = "<script>alert('x&y')</script> \"q\" \u{0}\u{1b}[31m\u{7}";

/// The sample with [`HOSTILE`] in a fixture id, its reasons, an override, a gate rule and a
/// retired fixture.
pub(crate) fn hostile() -> MonitorReport {
    let mut report = report();
    report.fixtures[2].fixture_id = format!("booking/{HOSTILE}");
    report.fixtures[2].last_reasons.push(HOSTILE.to_owned());
    report.overrides[0].why = HOSTILE.to_owned();
    report.gate.rules_tripped.push(HOSTILE.to_owned());
    report.retired.push(format!("booking/{HOSTILE}"));
    report
}

//! The monitor over a real store: staleness, proof, the silent-failure window and every exit
//! status of the health gate, at simulated times.

use std::time::{Duration, SystemTime};
use tapedeck::canary::{CanaryConfig, FixtureState, KnownFixture, MonitorInput, monitor};
use tapedeck::fixture::Tier;
use tapedeck::store::{Alert, Heartbeat, Override, RunRecord, RunType, SqliteStore, Store, time};
use tapedeck::{FailureClass, Verdict};

const T0: &str = "2026-11-22T12:00:00Z";

fn at(minutes: u64) -> SystemTime {
    time::parse(T0).unwrap() + Duration::from_secs(minutes * 60)
}

fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("runs.sqlite")).unwrap();
    (dir, store)
}

fn canary(
    store: &SqliteStore,
    fixture: &str,
    tier: Tier,
    minute: u64,
    status: Verdict,
    proven: bool,
) {
    let mut r = RunRecord::start("agent", RunType::Canary);
    r.fixture_id = Some(fixture.into());
    r.tier = Some(tier);
    r.started_at = time::rfc3339(at(minute));
    r.closed_at = Some(r.started_at.clone());
    r.status = Some(status);
    r.proven = Some(proven);
    if status == Verdict::Failed {
        r.reasons = vec!["missing_artifact_ref".into()];
        r.failure_class = Some(FailureClass::PartialWrite);
    }
    store.insert_run(&r).unwrap();
}

fn beat(store: &SqliteStore, tier: Tier, minute: u64) {
    for phase in ["started", "finished"] {
        store
            .record_heartbeat(&Heartbeat {
                session_id: format!("s{minute}"),
                tier,
                phase: phase.into(),
                at: time::rfc3339(at(minute)),
            })
            .unwrap();
    }
}

fn report(
    store: &SqliteStore,
    inventory: &[KnownFixture],
    minute: u64,
) -> tapedeck::canary::MonitorReport {
    let config = CanaryConfig::default();
    monitor(
        store,
        &MonitorInput {
            config: &config,
            inventory,
            listed: false,
            store_label: "test".into(),
            now: at(minute),
            errors: Vec::new(),
        },
    )
    .unwrap()
}

fn critical(id: &str) -> KnownFixture {
    KnownFixture {
        fixture_id: id.into(),
        tier: Tier::Critical,
    }
}

#[test]
fn a_passing_proven_fixture_with_a_heartbeat_is_healthy_until_it_goes_stale() {
    let (_d, s) = store();
    canary(
        &s,
        "booking/charge",
        Tier::Critical,
        0,
        Verdict::Passed,
        true,
    );
    beat(&s, Tier::Critical, 0);
    let inventory = [critical("booking/charge")];
    let fresh = report(&s, &inventory, 19);
    assert_eq!(fresh.gate.exit_code, 0, "{:?}", fresh.gate);
    assert_eq!(fresh.fixtures[0].state, FixtureState::Passing);
    assert_eq!(fresh.tiers[0].fixtures_passing, 1);
    // Critical allows 15 + 5 minutes: at 21 the result and the heartbeat are stale.
    let stale = report(&s, &inventory, 21);
    assert_eq!(stale.fixtures[0].state, FixtureState::Stale);
    assert_eq!(stale.gate.exit_code, 2);
    assert!(
        stale.gate.rules_tripped.iter().any(|r| r.contains("stale")),
        "{:?}",
        stale.gate
    );
    assert!(
        stale
            .gate
            .rules_tripped
            .iter()
            .any(|r| r.contains("heartbeat")),
        "{:?}",
        stale.gate
    );
    // A new result makes it fresh again.
    canary(
        &s,
        "booking/charge",
        Tier::Critical,
        20,
        Verdict::Passed,
        true,
    );
    beat(&s, Tier::Critical, 20);
    assert_eq!(report(&s, &inventory, 21).gate.exit_code, 0);
}

#[test]
fn a_fixture_that_never_ran_is_stale_not_green() {
    let (_d, s) = store();
    beat(&s, Tier::Critical, 0);
    let r = report(&s, &[critical("new/one")], 1);
    assert_eq!(r.fixtures[0].state, FixtureState::Stale);
    assert_eq!(r.gate.exit_code, 2);
    assert!(
        r.gate.rules_tripped[0].contains("no FINAL canary result"),
        "{:?}",
        r.gate
    );
}

#[test]
fn failing_beats_missing_proof_and_overrides_are_time_boxed_and_listed() {
    let (_d, s) = store();
    beat(&s, Tier::Critical, 0);
    canary(
        &s,
        "booking/charge",
        Tier::Critical,
        0,
        Verdict::Failed,
        true,
    );
    canary(
        &s,
        "booking/refund",
        Tier::Critical,
        0,
        Verdict::Passed,
        false,
    );
    let inventory = [critical("booking/charge"), critical("booking/refund")];
    let r = report(&s, &inventory, 1);
    assert_eq!(r.gate.exit_code, 1);
    assert_eq!(r.gate.status, "failing");
    assert!(
        r.gate
            .rules_tripped
            .iter()
            .any(|x| x.contains("booking/charge is failing"))
    );
    assert!(
        r.gate
            .rules_tripped
            .iter()
            .any(|x| x.contains("booking/refund is unproven")
                && x.contains("`cargo xtask fixture new --from-run`")
                && x.contains("`cargo xtask fixture prove <its folder>`")
                && x.contains("require_proof in tapedeck.toml")),
        "an unproven fixture's rule says how to prove it or exempt it: {:?}",
        r.gate.rules_tripped
    );
    assert_eq!(r.tiers[0].fixtures_unproven, 1);

    s.insert_override(&Override {
        override_id: "o1".into(),
        fixtures: "booking/*".into(),
        who: "ada".into(),
        why: "payment provider outage, tracked in INC-42".into(),
        created_at: time::rfc3339(at(0)),
        until: time::rfc3339(at(10)),
    })
    .unwrap();
    let during = report(&s, &inventory, 5);
    assert_eq!(during.gate.exit_code, 0, "{:?}", during.gate);
    assert_eq!(during.overrides.len(), 1);
    assert!(during.fixtures.iter().all(|f| f.overridden));
    let after = report(&s, &inventory, 11);
    assert!(after.overrides.is_empty());
    assert_eq!(after.gate.exit_code, 1);
}

#[test]
fn inconclusive_fails_closed_beyond_the_limit_and_degraded_counts_as_passing() {
    let (_d, s) = store();
    beat(&s, Tier::Critical, 0);
    canary(&s, "a/x", Tier::Critical, 0, Verdict::Inconclusive, true);
    canary(&s, "a/y", Tier::Critical, 0, Verdict::Degraded, true);
    let inventory = [critical("a/x"), critical("a/y")];
    let r = report(&s, &inventory, 1);
    assert_eq!(r.gate.exit_code, 1, "limit 0: one inconclusive is too many");
    assert_eq!(r.tiers[0].fixtures_passing, 1);
    assert_eq!(r.tiers[0].fixtures_degraded, 1);
    assert_eq!(r.tiers[0].fixtures_inconclusive, 1);

    let config = CanaryConfig {
        inconclusive_limit: 1,
        ..CanaryConfig::default()
    };
    let tolerant = monitor(
        &s,
        &MonitorInput {
            config: &config,
            inventory: &inventory,
            listed: false,
            store_label: "t".into(),
            now: at(1),
            errors: Vec::new(),
        },
    )
    .unwrap();
    assert_eq!(tolerant.gate.exit_code, 0, "{:?}", tolerant.gate);
}

#[test]
fn errors_make_exit_three_and_unrequired_fixtures_do_not_trip_the_gate() {
    let (_d, s) = store();
    beat(&s, Tier::Critical, 0);
    canary(&s, "lab/flaky", Tier::Critical, 0, Verdict::Failed, false);
    let config = CanaryConfig {
        required: vec!["booking/*".into()],
        ..CanaryConfig::default()
    };
    let input = MonitorInput {
        config: &config,
        inventory: &[critical("lab/flaky")],
        listed: false,
        store_label: "t".into(),
        now: at(1),
        errors: Vec::new(),
    };
    assert_eq!(monitor(&s, &input).unwrap().gate.exit_code, 0);
    let broken = MonitorInput {
        errors: vec!["examples-harness --test fixtures does not build".into()],
        ..input
    };
    let r = monitor(&s, &broken).unwrap();
    assert_eq!(r.gate.exit_code, 3);
    assert_eq!(r.gate.status, "error");
}

#[test]
fn a_fixture_deleted_from_the_workspace_is_retired_not_stale_forever() {
    let (_d, s) = store();
    beat(&s, Tier::Critical, 0);
    canary(&s, "booking/kept", Tier::Critical, 0, Verdict::Passed, true);
    canary(
        &s,
        "booking/deleted",
        Tier::Critical,
        0,
        Verdict::Failed,
        true,
    );
    let config = CanaryConfig::default();
    let inventory = [critical("booking/kept")];
    let input = |listed| MonitorInput {
        config: &config,
        inventory: &inventory,
        listed,
        store_label: "t".into(),
        now: at(1),
        errors: Vec::new(),
    };
    // The harness listed the workspace: the deleted fixture is listed as retired, not gated.
    let r = monitor(&s, &input(true)).unwrap();
    assert_eq!(r.retired, ["booking/deleted"]);
    let ids: Vec<&str> = r.fixtures.iter().map(|f| f.fixture_id.as_str()).collect();
    assert_eq!(ids, ["booking/kept"]);
    assert_eq!(r.overall.fixtures_total, 1);
    assert_eq!(r.gate.exit_code, 0, "{:?}", r.gate);
    assert!(tapedeck::canary::table(&r).contains("retired (1)"));
    // Without a listing nothing is known to be gone: it still counts.
    let r = monitor(&s, &input(false)).unwrap();
    assert!(r.retired.is_empty());
    assert_eq!(r.overall.fixtures_total, 2);
    assert_eq!(r.gate.exit_code, 1, "{:?}", r.gate);
}

#[test]
fn the_silent_failure_window_runs_from_the_first_bad_run_to_the_first_alert() {
    let (_d, s) = store();
    let production = |minute: u64, class: FailureClass| {
        let mut r = RunRecord::start("queue_worker", RunType::Production);
        r.started_at = time::rfc3339(at(minute));
        r.closed_at = Some(r.started_at.clone());
        r.status = Some(Verdict::Failed);
        r.failure_class = Some(class);
        s.insert_run(&r).unwrap();
        r.run_id
    };
    let first = production(10, FailureClass::PartialWrite);
    production(30, FailureClass::PartialWrite);
    production(40, FailureClass::SilentDrift);
    // An alert before the first bad run does not close the window; one after does.
    let mut early = Alert::now("canary_failed", "old");
    early.failure_class = Some(FailureClass::PartialWrite);
    early.at = time::rfc3339(at(5));
    s.insert_alert(&early).unwrap();
    let mut alert = Alert::now("canary_failed", "booking/charge failed");
    alert.failure_class = Some(FailureClass::PartialWrite);
    alert.at = time::rfc3339(at(100));
    s.insert_alert(&alert).unwrap();

    let r = report(&s, &[], 200);
    let windows = &r.silent_failure_windows;
    assert_eq!(windows.len(), 2);
    let partial = windows
        .iter()
        .find(|w| w.failure_class == FailureClass::PartialWrite)
        .unwrap();
    assert_eq!(partial.first_bad_run_id, first);
    assert!(!partial.open);
    assert!((partial.minutes - 90.0).abs() < 1e-6, "{partial:?}");
    let drift = windows
        .iter()
        .find(|w| w.failure_class == FailureClass::SilentDrift)
        .unwrap();
    assert!(drift.open, "no alert yet: still silent");
    assert!(
        (drift.minutes - 160.0).abs() < 1e-6,
        "open windows count up to now: {drift:?}"
    );
}

#[test]
fn only_the_final_attempt_counts() {
    let (_d, s) = store();
    beat(&s, Tier::Critical, 0);
    for (attempt, status) in [(1, Verdict::Failed), (2, Verdict::Passed)] {
        let mut r = RunRecord::start("agent", RunType::Canary);
        r.fixture_id = Some("a/retried".into());
        r.tier = Some(Tier::Critical);
        r.session_id = Some("s1".into());
        r.attempt = attempt;
        r.proven = Some(true);
        r.started_at = time::rfc3339(at(0) + Duration::from_secs(u64::from(attempt)));
        r.closed_at = Some(r.started_at.clone());
        r.status = Some(status);
        s.insert_run(&r).unwrap();
    }
    assert_eq!(s.finalize_session("s1").unwrap(), 2);
    let r = report(&s, &[critical("a/retried")], 1);
    assert_eq!(r.fixtures[0].state, FixtureState::Passing);
    assert_eq!(r.fixtures[0].attempts, 2);
    let all = s.runs(&Default::default()).unwrap();
    let finality: Vec<_> = all.iter().map(|r| (r.attempt, r.finality)).collect();
    assert!(finality.contains(&(1, Some(tapedeck::store::Finality::Attempt))));
    assert!(finality.contains(&(2, Some(tapedeck::store::Finality::Final))));
}

#[test]
fn the_json_schema_is_stable() {
    let (_d, s) = store();
    beat(&s, Tier::Critical, 0);
    canary(
        &s,
        "booking/charge",
        Tier::Critical,
        0,
        Verdict::Failed,
        true,
    );
    let mut r = report(&s, &[critical("booking/charge")], 3);
    r.fixtures[0].last_run_id = Some("<run id>".into());
    r.history.clear();
    insta::assert_json_snapshot!("monitor_report_schema_v1", r);
}

#[test]
fn a_fixture_that_pins_a_caught_bug_passes_when_its_expectation_is_met() {
    let (_d, s) = store();
    beat(&s, Tier::Critical, 0);
    for (id, met) in [
        ("booking/double_charge_caught", true),
        ("booking/regressed", false),
    ] {
        let mut r = RunRecord::start("agent", RunType::Canary);
        r.fixture_id = Some(id.into());
        r.tier = Some(Tier::Critical);
        r.started_at = time::rfc3339(at(0));
        r.closed_at = Some(r.started_at.clone());
        r.status = Some(Verdict::Failed);
        r.reasons = vec!["duplicate_side_effect".into()];
        r.expectation_met = Some(met);
        r.proven = Some(true);
        s.insert_run(&r).unwrap();
    }
    let r = report(&s, &[], 1);
    let state = |id: &str| {
        r.fixtures
            .iter()
            .find(|f| f.fixture_id == id)
            .unwrap()
            .state
    };
    assert_eq!(state("booking/double_charge_caught"), FixtureState::Passing);
    assert_eq!(state("booking/regressed"), FixtureState::Failing);
}

#[test]
fn proof_moves_a_fixture_from_unproven_to_proven() {
    let (_d, s) = store();
    beat(&s, Tier::Critical, 0);
    let inventory = [critical("booking/charge")];
    canary(
        &s,
        "booking/charge",
        Tier::Critical,
        0,
        Verdict::Passed,
        false,
    );
    let before = report(&s, &inventory, 1);
    assert_eq!(before.gate.exit_code, 2);
    assert_eq!(before.tiers[0].fixtures_unproven, 1);
    // The fixture's notes gained proof.passed_on; its next canary result says so.
    canary(
        &s,
        "booking/charge",
        Tier::Critical,
        2,
        Verdict::Passed,
        true,
    );
    let after = report(&s, &inventory, 3);
    assert_eq!(after.tiers[0].fixtures_unproven, 0);
    assert_eq!(after.gate.exit_code, 0, "{:?}", after.gate);
}

#[test]
fn sessions_are_summarized_for_the_history_chart_and_finalizing_twice_is_harmless() {
    let (_d, s) = store();
    for (i, status) in [Verdict::Passed, Verdict::Failed, Verdict::Inconclusive]
        .into_iter()
        .enumerate()
    {
        let mut r = RunRecord::start("agent", RunType::Canary);
        r.fixture_id = Some(format!("a/{i}"));
        r.session_id = Some("s1".into());
        r.started_at = time::rfc3339(at(i as u64));
        r.closed_at = Some(r.started_at.clone());
        r.status = Some(status);
        s.insert_run(&r).unwrap();
    }
    s.finalize_session("s1").unwrap();
    s.finalize_session("s1").unwrap();
    let history = s.session_history(10).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (
            history[0].passing,
            history[0].failing,
            history[0].inconclusive
        ),
        (1, 1, 1)
    );
}

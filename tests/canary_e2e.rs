//! `cargo xtask canary` end to end on the example workspace, with a fresh store: it builds the
//! harness targets, runs the selected tier, writes records and heartbeats, and exits as the
//! fixtures demand.

#[path = "support/mod.rs"]
mod support;
#[path = "../runtime/tests/support_postgres/mod.rs"]
mod support_postgres;

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};
use support::workspace;
use tapedeck::store::{RunQuery, RunType, SqliteStore, Store};
use tapedeck::verdict::Verdict;

fn canary(store: &Path, dir: &Path, args: &[&str]) -> (Output, serde_json::Value) {
    xtask("canary", store.as_os_str(), dir, args)
}

/// Runs `cargo xtask COMMAND ARGS --store STORE --json FILE`; returns the output and the
/// JSON report.
fn xtask(command: &str, store: &OsStr, dir: &Path, args: &[&str]) -> (Output, serde_json::Value) {
    let json = dir.join(format!(
        "report-{command}-{}.json",
        args.join("-").replace("--", "")
    ));
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "-p", "xtask", "--", command])
        .args(args)
        .arg("--store")
        .arg(store)
        .arg("--json")
        .arg(&json)
        .current_dir(workspace())
        .env_remove("CI")
        .env_remove("TAPEDECK_STORE")
        .env_remove("TAPEDECK_MODE")
        .env("TAPEDECK_CODE_VERSION", "e2e")
        .output()
        .expect("cargo xtask canary runs");
    let report = std::fs::read_to_string(&json)
        .map(|t| serde_json::from_str(&t).expect("the JSON report parses"))
        .unwrap_or_else(|e| {
            panic!(
                "no JSON report ({e}):\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
    (out, report)
}

/// After a session of the critical tier only: every critical fixture passes, the others never
/// ran (stale), so the gate asks for proof (exit 2). Returns the critical tier's summary.
fn critical_passed_the_rest_is_stale<'r>(
    out: &Output,
    report: &'r serde_json::Value,
) -> &'r serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(report["gate"]["status"], "missing_proof");
    assert!(stdout.contains("health gate: exit 2"), "{stdout}");
    let critical = &report["tiers"][0];
    assert_eq!(critical["tier"], "critical");
    assert!(
        critical["fixtures_total"].as_u64().unwrap() >= 2,
        "{critical}"
    );
    assert_eq!(
        critical["fixtures_passing"], critical["fixtures_total"],
        "{critical}"
    );
    assert!(report["tiers"][2]["fixtures_stale"].as_u64().unwrap() > 0);
    critical
}

#[test]
fn canary_tiers_write_records_and_the_gate_follows_the_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("runs.sqlite");

    // Critical only: critical fixtures pass, everything else never ran → stale → exit 2.
    let (out, report) = canary(&store_path, dir.path(), &["--tier", "critical"]);
    critical_passed_the_rest_is_stale(&out, &report);

    let store = SqliteStore::open(&store_path).unwrap();
    let records = store
        .runs(&RunQuery {
            run_type: Some(RunType::Canary),
            ..Default::default()
        })
        .unwrap();
    assert!(!records.is_empty());
    for r in &records {
        assert_eq!(r.tier, Some(tapedeck::fixture::Tier::Critical), "{r:?}");
        assert!(r.session_id.is_some());
        assert_eq!(r.finality, Some(tapedeck::store::Finality::Final));
        assert_eq!(r.code_version.as_deref(), Some("e2e"));
    }
    assert!(
        records
            .iter()
            .any(|r| r.fixture_id.as_deref() == Some("check:greeter_is_up"))
    );

    // Daily covers every tier: everything passes and is fresh → exit 0 (the workspace's
    // tapedeck.toml does not require proof of its hand-written examples).
    let (out, report) = canary(&store_path, dir.path(), &["--tier", "daily"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        report["gate"]
    );
    assert_eq!(report["overall"]["fixtures_stale"], 0);
    assert_eq!(report["overall"]["fixtures_failing"], 0);
    assert!(report["overall"]["fixtures_total"].as_u64().unwrap() > 100);
    // Many of those fixtures pin caught bugs (a `failed` or `blocked` verdict is what their
    // contracts expect): they passed, so they raise no alert, and their final records say so.
    let finals = store
        .runs(&RunQuery {
            run_type: Some(RunType::Canary),
            ..Default::default()
        })
        .unwrap();
    assert!(
        finals.iter().any(|r| {
            matches!(r.status, Some(Verdict::Failed | Verdict::Blocked))
                && r.expectation_met == Some(true)
        }),
        "the examples include canaries whose expected verdict is a failure"
    );
    let alerts = store.alerts(None).unwrap();
    assert!(
        alerts.iter().all(|a| a.kind != "canary_failed"),
        "a canary that meets its contract raised an alert: {alerts:?}"
    );
    // Progress is visible while the trials run: plain lines (stderr is not a terminal), one per
    // tenth of the trials, ending with every trial counted.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let progress: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("canary: [") && l.contains("running daily canaries: "))
        .collect();
    assert!(
        (2..=10).contains(&progress.len()),
        "one progress line per tenth of the trials:\n{stderr}"
    );
    let last = progress.last().unwrap();
    let counts = last
        .rsplit(": ")
        .next()
        .unwrap()
        .trim_end_matches(" trials");
    let (done, of) = counts.split_once('/').unwrap();
    assert_eq!(done, of, "{last}");
    assert!(done.parse::<u64>().unwrap() > 100, "{last}");

    // Nothing is due right after a daily run.
    let (out, report) = canary(&store_path, dir.path(), &["--due"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no tier is due"));
    assert_eq!(report["history"].as_array().unwrap().len(), 2);

    // A fixture deleted from the workspace after it failed: retired, not gated.
    let mut gone = tapedeck::store::RunRecord::start("booking", RunType::Canary);
    gone.fixture_id = Some("booking/deleted_case".into());
    gone.tier = Some(tapedeck::fixture::Tier::Critical);
    gone.finality = Some(tapedeck::store::Finality::Final);
    gone.closed_at = Some(gone.started_at.clone());
    gone.status = Some(Verdict::Failed);
    gone.expectation_met = Some(false);
    store.insert_run(&gone).unwrap();
    let (out, report) = canary(&store_path, dir.path(), &["--report-only"]);
    assert_eq!(out.status.code(), Some(0), "{}", report["gate"]);
    assert_eq!(
        report["retired"],
        serde_json::json!(["booking/deleted_case"])
    );

    // `cargo xtask monitor` is the same report, running nothing.
    let (out, monitored) = xtask("monitor", store_path.as_os_str(), dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", monitored["gate"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("health gate: exit 0"), "{stdout}");
    for key in ["gate", "retired", "history", "silent_failure_windows"] {
        assert_eq!(monitored[key], report[key], "{key}");
    }
    let counts = |report: &serde_json::Value| {
        let mut tiers = report["tiers"].clone();
        for tier in tiers.as_array_mut().unwrap() {
            tier.as_object_mut()
                .unwrap()
                .remove("heartbeat_age_minutes");
        }
        tiers
    };
    assert_eq!(counts(&monitored), counts(&report));
    let runs = store.runs(&RunQuery::default()).unwrap().len();
    let (_, _) = xtask("monitor", store_path.as_os_str(), dir.path(), &[]);
    assert_eq!(store.runs(&RunQuery::default()).unwrap().len(), runs);
}

/// With a `postgres://` store the harness builds get tapedeck's `postgres` feature, which the
/// examples' manifests do not enable, and every trial writes its record to the database.
#[test]
fn a_postgres_store_takes_the_canary_records_of_every_trial() {
    let Some(db) = support_postgres::Database::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = db.url();
    let (out, report) = xtask(
        "canary",
        OsStr::new(&url),
        dir.path(),
        &["--tier", "critical"],
    );
    let critical = critical_passed_the_rest_is_stale(&out, &report);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&url),
        "the report names the store"
    );

    let store = tapedeck::store::open(&url).unwrap();
    let records = store
        .runs(&RunQuery {
            run_type: Some(RunType::Canary),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        records.len() as u64,
        critical["fixtures_total"].as_u64().unwrap(),
        "one FINAL record per critical fixture"
    );
    for r in &records {
        assert_eq!(r.tier, Some(tapedeck::fixture::Tier::Critical), "{r:?}");
        assert_eq!(r.finality, Some(tapedeck::store::Finality::Final));
    }
    assert!(!store.last_heartbeats().unwrap().is_empty());
}

/// A broken `tapedeck.toml` is refused by every canary command (exit 3, the file and line
/// named), never replaced by the defaults: a run would judge by the wrong periods, `schedule`
/// would print them and `override` would write to the wrong store.
#[test]
fn a_broken_tapedeck_toml_is_refused_by_every_canary_command() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    std::fs::write(
        tmp.path().join("tapedeck.toml"),
        "store = \"elsewhere.sqlite\"\n[tiers.critical]\nperiod = \"every 5 minutes\"\n",
    )
    .unwrap();
    let manifest = workspace().join("Cargo.toml");
    for args in [
        &[][..],
        &["--due"][..],
        &["--report-only"][..],
        &["schedule", "--format", "cron"][..],
        &[
            "override",
            "--fixtures",
            "x/*",
            "--for",
            "1h",
            "--who",
            "me",
            "--why",
            "test",
        ][..],
    ] {
        let out = Command::new(env!("CARGO"))
            .args(["run", "--quiet", "--manifest-path"])
            .arg(&manifest)
            .args(["-p", "xtask", "--", "canary"])
            .args(args)
            .current_dir(tmp.path())
            .env_remove("TAPEDECK_STORE")
            .output()
            .expect("cargo xtask canary runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains("tapedeck.toml:3:10: tiers.critical.period"),
            "{args:?}: {stderr}"
        );
        assert!(!tmp.path().join("elsewhere.sqlite").exists());
    }
}

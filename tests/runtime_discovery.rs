//! Fixtures are discovered at run time: a new folder is a new test without a rebuild, and a
//! broken fixture fails only its own test.

#[path = "support/mod.rs"]
mod support;

use support::{copy_dir, harness_binary, outcomes, run, stdout, workspace};

const PACKAGE: &str = "tapedeck-example-harness";

/// A temporary crate folder holding a copy of the example research suite at
/// `fixtures/research` (what the harness binary finds from there), and that suite's path.
fn research_copy() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let suite = tmp.path().join("fixtures/research");
    copy_dir(
        &workspace().join("examples/agents/fixtures/research"),
        &suite,
    );
    (tmp, suite)
}

#[test]
fn a_fixture_added_at_run_time_is_a_new_test_without_rebuilding() {
    let (tmp, suite) = research_copy();
    let bin = harness_binary(PACKAGE);
    let before = stdout(&run(
        &bin,
        tmp.path(),
        &["--list", "--format", "terse"],
        &[],
    ));
    assert!(!before.contains("research::added_at_runtime: test"));
    copy_dir(
        &suite.join("clean_report_with_citations"),
        &suite.join("added_at_runtime"),
    );
    let after = stdout(&run(
        &bin,
        tmp.path(),
        &["--list", "--format", "terse"],
        &[],
    ));
    assert!(
        after.contains("research::added_at_runtime: test"),
        "{after}"
    );
    let out = run(
        &bin,
        tmp.path(),
        &["--exact", "research::added_at_runtime"],
        &[],
    );
    assert_eq!(
        outcomes(&out),
        [("research::added_at_runtime".to_string(), "ok".to_string())],
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_broken_fixture_fails_only_its_own_test_with_its_load_errors() {
    let (tmp, suite) = research_copy();
    std::fs::write(
        suite.join("fetch_unavailable_skips_source/expected.json"),
        "{\n  \"verdict\": [\"passed\"],\n  \"outptu\": {}\n}\n",
    )
    .unwrap();
    let bin = harness_binary(PACKAGE);
    let out = run(&bin, tmp.path(), &["research::"], &[]);
    let results = outcomes(&out);
    let failed: Vec<&(String, String)> = results.iter().filter(|(_, r)| r == "FAILED").collect();
    assert_eq!(failed.len(), 1, "{results:?}");
    assert_eq!(failed[0].0, "research::fetch_unavailable_skips_source");
    assert!(results.iter().filter(|(_, r)| r == "ok").count() >= 5);
    let text = stdout(&out);
    assert!(
        text.contains("expected.json:3:"),
        "names file and line: {text}"
    );
    assert!(text.contains("did you mean \"output\""), "{text}");
}

/// The listing reads each notes.json for the canary tier and hands the bytes to the replay
/// trial: a broken one still fails its own trial with its position, listed or run by name, and
/// a fixture without notes.json still passes.
#[test]
fn notes_read_while_listing_are_still_checked_by_the_trial() {
    let (tmp, suite) = research_copy();
    let broken = "fetch_unavailable_skips_source";
    std::fs::write(
        suite.join(broken).join("notes.json"),
        "{\n  \"tier\": \"hourly\",\n  \"ownr\": \"me\"\n}\n",
    )
    .unwrap();
    let without = "clean_report_with_citations";
    let _ = std::fs::remove_file(suite.join(without).join("notes.json"));
    let bin = harness_binary(PACKAGE);
    let listed = run(&bin, tmp.path(), &["research::"], &[]);
    let results = outcomes(&listed);
    let failed: Vec<&str> = results
        .iter()
        .filter(|(_, r)| r == "FAILED")
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(failed, [format!("research::{broken}")], "{results:?}");
    assert!(
        results.contains(&(format!("research::{without}"), "ok".to_string())),
        "{results:?}"
    );
    let by_name = run(
        &bin,
        tmp.path(),
        &["--exact", &format!("research::{broken}")],
        &[],
    );
    for out in [&listed, &by_name] {
        let text = stdout(out);
        assert!(
            text.contains("notes.json:3:"),
            "names file and line: {text}"
        );
        assert!(text.contains("did you mean \"owner\""), "{text}");
    }
    // The tier it declares still names its canary trial.
    let list = stdout(&run(&bin, tmp.path(), &["--list", "--ignored"], &[]));
    assert!(
        list.contains(&format!("canary::hourly::research::{broken}: test")),
        "{list}"
    );
}

#[test]
fn tapedeck_mode_overrides_the_suite_mode() {
    let bin = harness_binary(PACKAGE);
    let dir = workspace().join("examples/harness");
    let live = run(
        &bin,
        &dir,
        &["--exact", "research::clean_report_with_citations"],
        &[("TAPEDECK_MODE", "live")],
    );
    assert_eq!(outcomes(&live)[0].1, "ok", "{}", stdout(&live));
    // A caught bug that lives in a recorded response does not reproduce against a live tool
    // that answers well: the trial fails, and its report shows the drift that explains why.
    let drifted = run(
        &bin,
        &dir,
        &["--exact", "greeter::blank_name_is_caught"],
        &[("TAPEDECK_MODE", "live")],
    );
    assert_eq!(outcomes(&drifted)[0].1, "FAILED", "{}", stdout(&drifted));
    let report = stdout(&drifted);
    assert!(
        report.contains("live responses that differ from the recording")
            && report.contains("call #0 `greeting`:")
            && report.contains(r#"/text: recorded "" / live "Hello, !""#),
        "{report}"
    );
    let bogus = run(
        &bin,
        &dir,
        &["--exact", "research::clean_report_with_citations"],
        &[("TAPEDECK_MODE", "casette")],
    );
    assert!(
        stdout(&bogus).contains("did you mean \"cassette\""),
        "{}",
        stdout(&bogus)
    );
}

/// A live trial that passes although a live answer differs from the recording says so: the
/// drift is shown (on stderr) instead of passing in silence.
#[test]
fn a_passing_live_trial_shows_its_drift() {
    let (tmp, suite) = research_copy();
    let path = suite.join("clean_report_with_citations/tool_cassettes.json");
    let mut cassette: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    cassette["interactions"][0]["response"]["hits"][0]["title"] = "An older title".into();
    std::fs::write(&path, cassette.to_string()).unwrap();
    let bin = harness_binary(PACKAGE);
    let args = ["--exact", "research::clean_report_with_citations"];
    let live = run(&bin, tmp.path(), &args, &[("TAPEDECK_MODE", "live")]);
    assert_eq!(outcomes(&live)[0].1, "ok", "{}", stdout(&live));
    let note = String::from_utf8_lossy(&live.stderr);
    assert!(
        note.contains("research::clean_report_with_citations passed in live mode, but 1 live response(s) differ")
            && note.contains("call #0 `search`:")
            && note.contains(r#"/hits/0/title: recorded "An older title" / live "Write-Ahead Logging""#)
            && note.contains("cargo xtask fixture record"),
        "{note}"
    );
    // Replayed from the cassette there is no live answer, so nothing to say.
    let replayed = run(&bin, tmp.path(), &args, &[]);
    assert!(
        !String::from_utf8_lossy(&replayed.stderr).contains("differ from the recording"),
        "{}",
        String::from_utf8_lossy(&replayed.stderr)
    );
}

#[test]
fn with_tapedeck_store_every_trial_writes_a_run_record() {
    use tapedeck::store::{RunQuery, RunType, SqliteStore, Store};
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("runs.sqlite");
    let bin = harness_binary(PACKAGE);
    let dir = workspace().join("examples/harness");
    let store_env = [
        ("TAPEDECK_STORE", db.to_str().unwrap()),
        ("TAPEDECK_CODE_VERSION", "e2e-1"),
    ];
    let replays = run(&bin, &dir, &["booking::"], &store_env);
    assert!(replays.status.success(), "{}", stdout(&replays));
    let canaries = run(
        &bin,
        &dir,
        &["--ignored", "canary::critical::booking::"],
        &store_env,
    );
    assert!(canaries.status.success(), "{}", stdout(&canaries));

    let store = SqliteStore::open(&db).unwrap();
    let replay_runs = store
        .runs(&RunQuery {
            run_type: Some(RunType::Replay),
            ..Default::default()
        })
        .unwrap();
    let ran = outcomes(&replays).iter().filter(|(_, r)| r == "ok").count();
    assert_eq!(replay_runs.len(), ran, "one record per trial");
    let double = replay_runs
        .iter()
        .find(|r| r.fixture_id.as_deref() == Some("booking/per_attempt_key_double_charge"))
        .expect("the double-charge fixture has a record");
    assert_eq!(double.status, Some(tapedeck::Verdict::Failed));
    assert!(
        double
            .reasons
            .contains(&"duplicate_side_effect".to_string()),
        "{:?}",
        double.reasons
    );
    assert_eq!(double.agent_name, "book");
    assert_eq!(double.code_version.as_deref(), Some("e2e-1"));
    assert!(double.closed_at.is_some());
    // The agent had the fixture's input moved into it; the record still hashes that input.
    let fixture = tapedeck::Fixture::load(
        &workspace().join("examples/agents/fixtures/booking/per_attempt_key_double_charge"),
    )
    .unwrap();
    assert_eq!(
        double.input_sha256.as_deref(),
        Some(tapedeck::artifact::sha256_hex(fixture.input.input.to_string().as_bytes()).as_str())
    );
    assert_ne!(fixture.input.input, serde_json::Value::Null);
    let canary_runs = store
        .runs(&RunQuery {
            run_type: Some(RunType::Canary),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(canary_runs.len(), 1);
    assert_eq!(
        canary_runs[0].fixture_id.as_deref(),
        Some("booking/per_attempt_key_double_charge")
    );
}

#[test]
fn a_suite_error_trial_fails_under_exact_as_it_does_in_a_plain_run() {
    // The research suite's folder is empty: the suite is one failing trial, and nextest runs
    // it with `--exact`, which must not find nothing and pass.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("fixtures/research")).unwrap();
    let bin = harness_binary(PACKAGE);
    let name = "research::__no_fixtures";
    let listed = stdout(&run(
        &bin,
        tmp.path(),
        &["--list", "--format", "terse"],
        &[],
    ));
    assert!(listed.contains(&format!("{name}: test")), "{listed}");
    let out = run(&bin, tmp.path(), &["--exact", name], &[]);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert_eq!(
        outcomes(&out),
        [(name.to_string(), "FAILED".to_string())],
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("has no fixture folders"),
        "{}",
        stdout(&out)
    );
}

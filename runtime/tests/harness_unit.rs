//! Harness behaviour without macros: empty suites fail loudly, failure reports explain.

mod support;

use serde_json::{Value, json};
use std::path::Path;
use support::Calls;
use tapedeck::agent::{AgentFuture, call_typed};
use tapedeck::contract::Validators;
use tapedeck::harness::trial::run_fixture;
use tapedeck::harness::{Harness, SuiteRegistration};
use tapedeck::store::RunType;
use tapedeck::{Ctx, Mode};

async fn call_list(ctx: &Ctx, input: Calls) -> Result<Value, String> {
    support::call_list(ctx, input, true)
        .await
        .map(|_| json!({"refunded": true}))
}

fn erased<'a>(ctx: &'a Ctx, input: Value) -> AgentFuture<'a> {
    call_typed(&call_list, ctx, input)
}

fn suite(root: &'static str) -> SuiteRegistration {
    SuiteRegistration {
        function: "call_list",
        root,
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        file: file!(),
        mode: Some(Mode::Strict),
        tier: None,
        tools: None,
        agent: erased,
    }
}

#[test]
fn a_suite_without_fixtures_is_one_loudly_failing_trial() {
    let empty = tempfile::tempdir().unwrap();
    let root: &'static str = Box::leak(empty.path().display().to_string().into_boxed_str());
    let trials = Harness::new()
        .suite(suite(root))
        .trials(&libtest_mimic::Arguments::default());
    let names: Vec<&str> = trials.iter().map(|t| t.name()).collect();
    let suite_name = Path::new(root).file_name().unwrap().to_str().unwrap();
    assert_eq!(names, [format!("{suite_name}::__no_fixtures")]);
    // Not ignored: it runs (and fails) in every plain `cargo test`.
    assert!(!trials[0].has_ignored_flag());
}

#[test]
fn a_failing_trial_reports_clauses_the_miss_the_ledger_and_the_first_divergent_step() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report_demo/strict_refund_miss");
    let report = run_fixture(
        &suite("tests/fixtures/report_demo"),
        &dir,
        "report_demo::strict_refund_miss",
        &Validators::new(),
        RunType::Replay,
    )
    .unwrap_err();
    for expected in [
        "fixture report_demo::strict_refund_miss",
        "replayed in strict mode",
        "about: A refund of the wrong amount",
        "verdict: failed, failure class clean_abort; reasons: [agent_error, cassette_miss, output_mismatch]",
        "✗ The verdict is failed, but the contract allows only passed.",
        "output.partial: output_mismatch",
        "first divergent step: call #1 `refund` (cassette_miss)",
        "cassette miss: no recorded interaction of tool `refund` matches this request",
        "/cents: recorded 50 / called with 500",
        "side-effect ledger:",
        "call #1 refund (money) key=r1 attempt=1 → Blocked",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in:\n{report}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_fixture_that_escapes_the_suite_fails_its_own_trial() {
    let src =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report_demo/strict_refund_miss");
    let outside = tempfile::tempdir().unwrap();
    let suite_root = tempfile::tempdir().unwrap();
    for file in ["input.json", "tool_cassettes.json", "expected.json"] {
        std::fs::copy(src.join(file), outside.path().join(file)).unwrap();
    }
    std::os::unix::fs::symlink(outside.path(), suite_root.path().join("escapes")).unwrap();
    let root: &'static str = Box::leak(suite_root.path().display().to_string().into_boxed_str());
    let trials = Harness::new()
        .suite(suite(root))
        .trials(&libtest_mimic::Arguments::default());
    assert!(
        trials.iter().any(|t| t.name().ends_with("::escapes")),
        "the link is listed, so it can fail"
    );
    // The listed trial checks the link itself (the listing only trusts plain folders).
    let log = outside.path().join("trials.log");
    let arguments = libtest_mimic::Arguments {
        filter: Some("escapes".to_string()),
        test_threads: Some(1),
        logfile: Some(log.display().to_string()),
        ..Default::default()
    };
    let conclusion = libtest_mimic::run(&arguments, trials);
    let log = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        (conclusion.num_passed, conclusion.num_failed),
        (0, 1),
        "the listed link fails its trial: {log}"
    );
    assert!(
        log.contains("is refused") && log.contains("outside"),
        "{log}"
    );
    let error = run_fixture(
        &suite(root),
        &suite_root.path().join("escapes"),
        "x::escapes",
        &Validators::new(),
        RunType::Replay,
    )
    .unwrap_err();
    assert!(
        error.contains("is refused") && error.contains("outside"),
        "{error}"
    );
    // `cargo xtask replay` refuses it too, without reading it.
    let summaries = Harness::new().suite(suite(root)).replay_all();
    assert_eq!(summaries.len(), 1);
    assert!(!summaries[0].ok && summaries[0].verdict.is_none());
    let problem = summaries[0].problems.join("\n");
    assert!(
        problem.contains("is refused") && problem.contains("outside"),
        "{problem}"
    );
}

/// Runs the trials of `harness` under `--exact name` (and `--ignored`): (passed, failed, log).
fn run_exact(name: &str, ignored: bool, harness: &Harness, log_dir: &Path) -> (u64, u64, String) {
    let log = log_dir.join("exact.log");
    let arguments = libtest_mimic::Arguments {
        filter: Some(name.to_string()),
        exact: true,
        ignored,
        test_threads: Some(1),
        logfile: Some(log.display().to_string()),
        ..Default::default()
    };
    let conclusion = libtest_mimic::run(&arguments, harness.trials(&arguments));
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    (conclusion.num_passed, conclusion.num_failed, log)
}

#[test]
fn an_exact_name_that_matches_no_fixture_of_a_registered_suite_fails_with_the_closest_name() {
    let src =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report_demo/strict_refund_miss");
    let suite_root = tempfile::tempdir().unwrap();
    let fixture = suite_root.path().join("refund_miss");
    std::fs::create_dir(&fixture).unwrap();
    for file in ["input.json", "tool_cassettes.json", "expected.json"] {
        std::fs::copy(src.join(file), fixture.join(file)).unwrap();
    }
    let root: &'static str = Box::leak(suite_root.path().display().to_string().into_boxed_str());
    let harness = Harness::new().suite(suite(root));
    let s = Path::new(root).file_name().unwrap().to_str().unwrap();
    let logs = tempfile::tempdir().unwrap();

    // A typo in the fixture id: one failing trial of that name, naming the real one.
    let (passed, failed, log) =
        run_exact(&format!("{s}::refund_mis"), false, &harness, logs.path());
    assert_eq!((passed, failed), (0, 1), "{log}");
    for expected in [
        format!("has no fixture folder `refund_mis` in {root}"),
        format!("did you mean `{s}::refund_miss`?"),
    ] {
        assert!(log.contains(&expected), "missing {expected:?} in:\n{log}");
    }

    // A canary name with the wrong tier, under --ignored as canaries run: it fails too.
    let listed = harness.trials(&libtest_mimic::Arguments::default());
    let canary = listed
        .iter()
        .map(|t| t.name().to_string())
        .find(|n| n.starts_with("canary::"))
        .unwrap();
    let wrong_tier = if canary.starts_with("canary::daily::") {
        canary.replacen("daily", "hourly", 1)
    } else {
        format!("canary::daily::{s}::refund_miss")
    };
    let (passed, failed, log) = run_exact(&wrong_tier, true, &harness, logs.path());
    assert_eq!((passed, failed), (0, 1), "{log}");
    for expected in [
        format!("has a fixture `refund_miss` in {root}, but no test of that name"),
        format!("did you mean `{canary}`?"),
    ] {
        assert!(log.contains(&expected), "missing {expected:?} in:\n{log}");
    }

    // Another binary's suite, and a name that exists: nothing is added.
    let (passed, failed, _) = run_exact("elsewhere::refund_mis", false, &harness, logs.path());
    assert_eq!((passed, failed), (0, 0));
    let exact = libtest_mimic::Arguments {
        filter: Some(format!("{s}::refund_miss")),
        exact: true,
        ..Default::default()
    };
    let names: Vec<String> = harness
        .trials(&exact)
        .iter()
        .map(|t| t.name().to_string())
        .collect();
    assert_eq!(names, [format!("{s}::refund_miss")]);
}

#[test]
fn a_suite_folder_that_cannot_be_read_is_one_failing_trial_in_the_harness_and_in_replay_all() {
    let parent = tempfile::tempdir().unwrap();
    let missing = parent.path().join("gone");
    let root: &'static str = Box::leak(missing.display().to_string().into_boxed_str());
    let harness = Harness::new().suite(suite(root));
    let names: Vec<String> = harness
        .trials(&libtest_mimic::Arguments::default())
        .iter()
        .map(|t| t.name().to_string())
        .collect();
    assert_eq!(names, ["gone::__suite_error"]);
    let summaries = harness.replay_all();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].trial, "gone::__suite_error");
    let problem = summaries[0].problems.join("\n");
    let expected = format!("suite `gone` of `call_list`: cannot read {root}: ");
    assert!(problem.starts_with(&expected), "{problem}");
}

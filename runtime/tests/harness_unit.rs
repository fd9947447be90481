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
}

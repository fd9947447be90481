//! The nextest custom-harness contract, checked on a real harness binary (the cross-crate
//! example harness), and a real `cargo nextest run` with partitions and filtersets.

#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::process::Command;
use support::{harness_binary, outcomes, run, stderr, stdout, workspace};

const PACKAGE: &str = "tapedeck-example-harness";

fn package_dir() -> std::path::PathBuf {
    workspace().join("examples/harness")
}

fn list(args: &[&str]) -> Vec<String> {
    let out = run(&harness_binary(PACKAGE), &package_dir(), args, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

#[test]
fn list_terse_prints_only_name_lines() {
    let lines = list(&["--list", "--format", "terse"]);
    assert!(
        lines.len() > 100,
        "every fixture of every suite is listed: {}",
        lines.len()
    );
    for line in &lines {
        let name = line
            .strip_suffix(": test")
            .unwrap_or_else(|| panic!("not a `name: test` line: {line:?}"));
        assert!(!name.contains(' ') && !name.is_empty(), "{line:?}");
    }
    for expected in [
        "booking::per_attempt_key_double_charge: test",
        "canary::critical::booking::per_attempt_key_double_charge: test",
        "research::clean_report_with_citations: test",
        "scripted::output_schema_caught: test",
        "greeter::greets_by_name: test",
    ] {
        assert!(lines.iter().any(|l| l == expected), "missing {expected}");
    }
}

#[test]
fn a_list_whose_reader_has_gone_ends_quietly() {
    // The reader end is closed before the harness starts, so its first write fails with a
    // broken pipe, as `--list | head` does once `head` has its lines.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(harness_binary(PACKAGE))
        .args(["--list", "--format", "terse"])
        .current_dir(package_dir())
        .env("CARGO_MANIFEST_DIR", package_dir())
        .stdout(writer)
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{:?}: {}",
        out.status,
        stderr(&out)
    );
}

#[test]
fn list_ignored_prints_exactly_the_canary_trials() {
    let all = list(&["--list", "--format", "terse"]);
    let ignored: BTreeSet<String> = list(&["--list", "--format", "terse", "--ignored"])
        .into_iter()
        .collect();
    let canaries: BTreeSet<String> = all
        .iter()
        .filter(|l| l.starts_with("canary::"))
        .cloned()
        .collect();
    assert!(!canaries.is_empty());
    assert_eq!(ignored, canaries);
    let replays = all.len() - canaries.len();
    assert!(
        all.iter()
            .any(|l| l.starts_with("canary::critical::check::")),
        "the standalone check is a canary"
    );
    assert!(replays > 0);
}

#[test]
fn exact_runs_one_trial_without_listing_any_suite() {
    let bin = harness_binary(PACKAGE);
    let out = run(
        &bin,
        &package_dir(),
        &["--exact", "booking::clean_booking"],
        &[("TAPEDECK_DEBUG", "discovery")],
    );
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert_eq!(
        outcomes(&out),
        [("booking::clean_booking".to_string(), "ok".to_string())]
    );
    assert!(
        stderr(&out).contains("exact trial `booking::clean_booking` (no listing)"),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("listed suite"),
        "the fast path must not list suites:\n{}",
        stderr(&out)
    );
    // The control: without --exact, discovery lists every suite.
    let listed = run(
        &bin,
        &package_dir(),
        &["--list", "--format", "terse"],
        &[("TAPEDECK_DEBUG", "discovery")],
    );
    assert!(
        stderr(&listed).contains("listed suite `booking`"),
        "{}",
        stderr(&listed)
    );
    // An exact canary name resolves too.
    let canary = run(
        &bin,
        &package_dir(),
        &[
            "--exact",
            "canary::critical::booking::per_attempt_key_double_charge",
            "--ignored",
        ],
        &[],
    );
    assert_eq!(
        outcomes(&canary),
        [(
            "canary::critical::booking::per_attempt_key_double_charge".to_string(),
            "ok".to_string()
        )]
    );
    // A typo in a registered suite's name fails (libtest would run nothing and pass); a
    // suite this binary does not register runs nothing, as another binary's test.
    let typo = run(
        &bin,
        &package_dir(),
        &["--exact", "booking::clean_bookin"],
        &[],
    );
    assert!(!typo.status.success(), "{}", stdout(&typo));
    assert_eq!(
        outcomes(&typo),
        [("booking::clean_bookin".to_string(), "FAILED".to_string())]
    );
    assert!(
        stdout(&typo).contains("did you mean `booking::clean_booking`?"),
        "{}",
        stdout(&typo)
    );
    let elsewhere = run(
        &bin,
        &package_dir(),
        &["--exact", "another_suite::clean_booking"],
        &[],
    );
    assert!(elsewhere.status.success(), "{}", stderr(&elsewhere));
    assert!(outcomes(&elsewhere).is_empty());
}

#[test]
fn json_format_stays_valid_json_even_when_trials_fail() {
    let bin = harness_binary(PACKAGE);
    let out = run(
        &bin,
        &package_dir(),
        &["--format", "json", "-Z", "unstable-options", "booking::"],
        &[("TAPEDECK_MODE", "bogus")],
    );
    assert!(
        !out.status.success(),
        "an unknown TAPEDECK_MODE fails the trials"
    );
    let text = stdout(&out);
    let events: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let failed: Vec<&serde_json::Value> =
        events.iter().filter(|e| e["event"] == "failed").collect();
    assert!(!failed.is_empty());
    assert!(
        failed[0]["stdout"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown mode \"bogus\""),
        "{}",
        failed[0]
    );
}

fn nextest_available() -> bool {
    Command::new(env!("CARGO"))
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Test names a `cargo nextest run` executed, from its status lines.
fn nextest_run(args: &[&str]) -> BTreeSet<String> {
    let out = Command::new(env!("CARGO"))
        .args([
            "nextest",
            "run",
            "-p",
            PACKAGE,
            "--test",
            "fixtures",
            "--no-fail-fast",
            "--color",
            "never",
        ])
        .args(args)
        .current_dir(workspace())
        .env_remove("CI")
        .output()
        .expect("cargo nextest runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "cargo nextest failed:\n{text}");
    text.lines()
        .filter(|l| l.trim_start().starts_with("PASS "))
        .filter_map(|l| l.split_whitespace().last().map(str::to_string))
        .collect()
}

#[test]
fn nextest_partitions_split_the_trials_and_filtersets_select_them() {
    if !nextest_available() {
        eprintln!(
            "SKIPPED: cargo-nextest is not installed (cargo install cargo-nextest --locked); the nextest contract is checked above without it"
        );
        return;
    }
    let first = nextest_run(&["--partition", "hash:1/2"]);
    let second = nextest_run(&["--partition", "hash:2/2"]);
    let all = nextest_run(&[]);
    assert!(first.is_disjoint(&second), "partitions overlap");
    assert_eq!(
        first.union(&second).cloned().collect::<BTreeSet<_>>(),
        all,
        "partitions cover every trial"
    );
    assert!(!first.is_empty() && !second.is_empty());
    assert!(
        all.iter().all(|t| !t.starts_with("canary::")),
        "canaries are ignored by default"
    );
    let booking = nextest_run(&["-E", "test(/^booking::/)"]);
    assert!(!booking.is_empty());
    assert!(
        booking.iter().all(|t| t.starts_with("booking::")),
        "{booking:?}"
    );
    let critical = nextest_run(&[
        "--run-ignored",
        "only",
        "-E",
        "test(/^canary::critical::booking::/)",
    ]);
    assert!(
        critical.contains("canary::critical::booking::per_attempt_key_double_charge"),
        "{critical:?}"
    );
}

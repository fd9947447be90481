//! A real `cargo test` of the cross-crate example harness: names and outcomes.

#[path = "support/mod.rs"]
mod support;

use std::process::Command;
use support::workspace;

#[test]
fn cargo_test_runs_every_fixture_and_catches_every_demonstrated_bug() {
    let out = Command::new(env!("CARGO"))
        .args([
            "test",
            "-p",
            "tapedeck-example-harness",
            "--test",
            "fixtures",
        ])
        .current_dir(workspace())
        .env_remove("CI")
        .env_remove("TAPEDECK_MODE")
        .output()
        .expect("cargo test runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = |name: &str, result: &str| {
        text.lines()
            .any(|l| l.starts_with(&format!("test {name} ")) && l.trim_end().ends_with(result))
    };
    // Passing fixtures, caught-bug fixtures (they pass because the bug is caught), canaries ignored.
    assert!(line("booking::clean_booking", "ok"));
    assert!(line("booking::per_attempt_key_double_charge", "ok"));
    assert!(line("research::no_hits_done_without_report", "ok"));
    assert!(line("queue::legacy_complete_before_write", "ok"));
    assert!(line("scripted::effects_max_applied_caught", "ok"));
    assert!(
        line("greeter::greets_by_name", "ok"),
        "a suite declared in the test file itself"
    );
    assert!(line(
        "canary::critical::booking::per_attempt_key_double_charge",
        "ignored"
    ));
    assert!(line("canary::critical::check::greeter_is_up", "ignored"));
    let summary = text
        .lines()
        .find(|l| l.starts_with("test result:"))
        .expect("a summary line");
    assert!(summary.contains(" 0 failed"), "{summary}");
}

//! Snapshots: a behaviour change writes a pending `.snap.new` that insta can read, CI writes
//! nothing, accepting makes the trial pass. All in a temporary copy of a suite.

#[path = "support/mod.rs"]
mod support;

use std::path::Path;
use support::{copy_dir, harness_binary, outcomes, run, stdout, workspace};

const PACKAGE: &str = "tapedeck-example-harness";
const TRIAL: &str = "research::clean_report_with_citations";

/// A temporary manifest dir holding a copy of the research suite; the harness resolves
/// `fixtures/research` against the run-time `CARGO_MANIFEST_DIR`.
fn copy_of_research_suite() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &workspace().join("examples/agents/fixtures/research"),
        &tmp.path().join("fixtures/research"),
    );
    tmp
}

fn fixture_dir(root: &Path) -> std::path::PathBuf {
    root.join("fixtures/research/clean_report_with_citations")
}

/// Changes what the agent observes without breaking its contract: one call takes 1 ms longer.
fn change_behaviour(root: &Path) {
    let path = fixture_dir(root).join("tool_cassettes.json");
    let mut cassette: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let duration = &mut cassette["interactions"][0]["duration_ms"];
    *duration = serde_json::json!(duration.as_u64().unwrap_or(0) + 1);
    std::fs::write(&path, serde_json::to_string_pretty(&cassette).unwrap()).unwrap();
}

#[test]
fn pending_snapshot_then_accept() {
    let tmp = copy_of_research_suite();
    let root = tmp.path();
    let bin = harness_binary(PACKAGE);
    let snap = fixture_dir(root).join("snapshots/observation.snap");
    let pending = fixture_dir(root).join("snapshots/observation.snap.new");

    let clean = run(&bin, root, &["--exact", TRIAL], &[]);
    assert_eq!(
        outcomes(&clean),
        [(TRIAL.to_string(), "ok".to_string())],
        "{}",
        stdout(&clean)
    );

    change_behaviour(root);
    let ci = run(&bin, root, &["--exact", TRIAL], &[("CI", "true")]);
    assert_eq!(outcomes(&ci)[0].1, "FAILED");
    assert!(
        stdout(&ci).contains("snapshot `observation` does not match"),
        "{}",
        stdout(&ci)
    );
    assert!(
        stdout(&ci).contains("no pending snapshot written (CI"),
        "{}",
        stdout(&ci)
    );
    assert!(!pending.exists(), "CI=true never writes pending snapshots");

    let local = run(&bin, root, &["--exact", TRIAL], &[]);
    assert_eq!(outcomes(&local)[0].1, "FAILED");
    assert!(
        stdout(&local).contains("cargo insta review"),
        "{}",
        stdout(&local)
    );
    let new = insta::Snapshot::from_file(&pending).expect("insta reads the pending snapshot");
    let old = insta::Snapshot::from_file(&snap).unwrap();
    assert_ne!(
        new.contents().as_text().unwrap().to_string(),
        old.contents().as_text().unwrap().to_string()
    );

    // Accepting (what `cargo insta accept` / `review` does for a file snapshot) makes it pass.
    std::fs::rename(&pending, &snap).unwrap();
    let accepted = run(&bin, root, &["--exact", TRIAL], &[]);
    assert_eq!(
        outcomes(&accepted),
        [(TRIAL.to_string(), "ok".to_string())],
        "{}",
        stdout(&accepted)
    );
}

#[test]
fn insta_update_always_and_force_pass() {
    let tmp = copy_of_research_suite();
    let root = tmp.path();
    let bin = harness_binary(PACKAGE);
    let pending = fixture_dir(root).join("snapshots/observation.snap.new");
    change_behaviour(root);
    let forced = run(
        &bin,
        root,
        &["--exact", TRIAL],
        &[("INSTA_FORCE_PASS", "1")],
    );
    assert_eq!(outcomes(&forced)[0].1, "ok");
    std::fs::remove_file(&pending).ok();
    let always = run(
        &bin,
        root,
        &["--exact", TRIAL],
        &[("INSTA_UPDATE", "always")],
    );
    assert_eq!(outcomes(&always)[0].1, "ok");
    assert!(!pending.exists());
    let after = run(&bin, root, &["--exact", TRIAL], &[("CI", "true")]);
    assert_eq!(
        outcomes(&after)[0].1,
        "ok",
        "the accepted snapshot now matches"
    );
}

#[test]
fn a_match_removes_a_stale_pending_snapshot_except_in_ci() {
    let tmp = copy_of_research_suite();
    let root = tmp.path();
    let bin = harness_binary(PACKAGE);
    let pending = fixture_dir(root).join("snapshots/observation.snap.new");
    std::fs::write(&pending, "---\nsource: stale\n---\n{}\n").unwrap();
    let ci = run(&bin, root, &["--exact", TRIAL], &[("CI", "true")]);
    assert_eq!(outcomes(&ci)[0].1, "ok", "{}", stdout(&ci));
    assert!(pending.exists(), "CI leaves the snapshot folder as it is");
    let local = run(&bin, root, &["--exact", TRIAL], &[]);
    assert_eq!(outcomes(&local)[0].1, "ok", "{}", stdout(&local));
    assert!(
        !pending.exists(),
        "a local match removes the stale pending file, as insta does"
    );
}

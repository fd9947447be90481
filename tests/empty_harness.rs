//! A harness with nothing registered fails loudly instead of running zero tests: under
//! `cargo test`, under `--exact` (how nextest runs each test) and in `--list`.

#[path = "support/mod.rs"]
mod support;

use std::path::Path;
use support::{outcomes, run, stdout};
use tapedeck::harness::run::NOTHING_REGISTERED;

fn empty_harness(args: &[&str]) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_tapedeck-empty-harness"));
    run(bin, Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
}

#[test]
fn a_harness_without_suites_fails_and_says_how_to_link_the_agents_crate() {
    let out = empty_harness(&[]);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert_eq!(
        outcomes(&out),
        [(NOTHING_REGISTERED.to_string(), "FAILED".to_string())]
    );
    let text = stdout(&out);
    assert!(
        text.contains("no #[agent_fixture] suite and no #[canary] check")
            && text.contains("add `use my_agents as _;`"),
        "{text}"
    );
}

#[test]
fn the_failing_trial_is_listed_and_fails_under_exact_as_nextest_runs_it() {
    let listed = stdout(&empty_harness(&["--list", "--format", "terse"]));
    assert_eq!(listed.trim(), format!("{NOTHING_REGISTERED}: test"));
    let exact = empty_harness(&["--exact", NOTHING_REGISTERED]);
    assert!(!exact.status.success(), "{}", stdout(&exact));
    assert_eq!(
        outcomes(&exact),
        [(NOTHING_REGISTERED.to_string(), "FAILED".to_string())]
    );
}

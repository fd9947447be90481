//! `cargo xtask fixture prove DIR...`: record `proof.failed_on` for fixtures written by hand.

use crate::harness::Harness;
use crate::harness::prove::{Proving, prove_fixture};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `cargo xtask fixture prove`.
#[derive(Debug, clap::Args)]
pub struct ProveArgs {
    /// The fixture folders (each directly inside a registered suite's folder).
    #[arg(required = true, value_name = "FIXTURE_DIR")]
    pub fixtures: Vec<PathBuf>,
    /// Replay and record again even when proof.failed_on is there (a proof.passed_on is then
    /// removed: it has to follow the new failure).
    #[arg(long)]
    pub again: bool,
}

/// Proves each fixture; the exit status is the worst: 0 recorded (or recorded already), 1 a
/// fixture passes on the current code, 3 a fixture cannot be replayed.
pub fn run(args: &ProveArgs, harness: &Harness) -> ExitCode {
    let mut worst = 0u8;
    for dir in &args.fixtures {
        let shown = dir.display();
        let code = match prove_fixture(harness.suites(), dir, harness.validator_set(), args.again) {
            Ok(Proving::Recorded(record)) => {
                println!(
                    "{shown}: fails on the current code ({}: {}); proof.failed_on recorded in notes.json. Fix the agent, then its first passing `cargo test` outside CI records proof.passed_on.",
                    record.verdict.map_or("?", |v| v.as_str()),
                    record.reasons.join(", ")
                );
                if record.code_version.is_none() {
                    println!(
                        "  note: TAPEDECK_CODE_VERSION is not set, so the record does not name the broken code; set it to the commit (TAPEDECK_CODE_VERSION=$(git rev-parse --short HEAD)) to keep the two halves of the proof apart"
                    );
                }
                0
            }
            Ok(Proving::AlreadyRecorded(record)) => {
                println!(
                    "{shown}: proof.failed_on is recorded already (code {}, at {}: {}); nothing written. Pass --again to replay and record it anew.",
                    record.code_version.as_deref().unwrap_or("unnamed"),
                    record.at.as_deref().unwrap_or("an unknown time"),
                    record.verdict.map_or("?", |v| v.as_str()),
                );
                0
            }
            Ok(Proving::Passes) => {
                eprintln!(
                    "{shown} PASSES on the current code, so it proves nothing yet: a fixture becomes a monitor once it is seen to fail on the broken code. Run `fixture prove` on the code before the fix (e.g. after `git stash` of the fix), or make its contract in expected.json ask for what the fix changes. Nothing written."
                );
                1
            }
            Err(e) => {
                eprintln!("fixture prove: {e}");
                3
            }
        };
        worst = worst.max(code);
    }
    ExitCode::from(worst)
}

//! The command-line interface behind `cargo xtask` (feature `cli`).
//!
//! A project's own `xtask/src/main.rs` is a few lines:
//!
//! ```no_run
//! # mod my_agents {}
//! use my_agents as _; // link the crates whose agents carry #[agent_fixture]
//! fn main() -> std::process::ExitCode { tapedeck::cli::main() }
//! ```

mod canary;
mod fixture;
mod monitor;
mod progress;
mod prove;
mod record;
mod replay;
mod report;
mod watchdog;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// `cargo xtask`: tapedeck's operator and developer commands.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    version,
    about = "tapedeck: replayable evidence for LLM agents"
)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Replay every registered fixture suite and report each verdict (exit 1 if any fixture
    /// does not meet its contract).
    Replay(replay::ReplayArgs),
    /// Close runs left open past their timeout plus grace as failed/run_abandoned, remove
    /// their staged artifacts and record an alert. Idempotent; safe from several machines.
    Watchdog(watchdog::WatchdogArgs),
    /// Run canary tiers against the store, print the monitor report, exit with the health gate
    /// (0 healthy, 1 failing, 2 stale/unproven/heartbeat missing, 3 error).
    Canary(canary::CanaryArgs),
    /// Print the monitor report from the store and exit with the health gate, running
    /// nothing (the same as `canary --report-only`).
    Monitor(monitor::MonitorArgs),
    /// Work with fixtures: `fixture new --from-run RUN_ID --suite DIR`, `fixture mutate`,
    /// `fixture prove FIXTURE_DIR`.
    Fixture(fixture::FixtureArgs),
}

/// Parses the process arguments and runs the command.
pub fn main() -> ExitCode {
    run(Cli::parse())
}

/// Parses the process arguments and runs the command with `harness`'s suites (see
/// [`run_with`]).
pub fn main_with(harness: &crate::harness::Harness) -> ExitCode {
    run_with(Cli::parse(), harness)
}

/// Runs a parsed command line over the suites registered with `#[agent_fixture]` in this
/// binary.
pub fn run(cli: Cli) -> ExitCode {
    run_with(cli, &crate::harness::Harness::from_registry())
}

/// Runs a parsed command line with `harness`'s suites and validators (`replay`, `fixture new`):
/// for an xtask that registers suites at run time, as a `harness = false` test can.
pub fn run_with(cli: Cli, harness: &crate::harness::Harness) -> ExitCode {
    match cli.command {
        Command::Replay(args) => replay::run(&args, harness),
        Command::Watchdog(args) => watchdog::run(&args),
        Command::Fixture(args) => fixture::run(&args, harness),
        Command::Canary(args) => canary::run(&args),
        Command::Monitor(args) => monitor::run(&args),
    }
}

/// Opens the store `--store` names, else `TAPEDECK_STORE`, else the default file; a failure is
/// printed and becomes exit status 3.
fn open_store(url: Option<&str>) -> Result<Box<dyn crate::store::Store>, ExitCode> {
    let opened = match url {
        Some(url) => crate::store::open(url),
        None => crate::store::from_env_or_default(),
    };
    opened.map_err(|e| {
        eprintln!("{e}");
        ExitCode::from(3)
    })
}

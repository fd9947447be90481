//! `cargo xtask monitor`: the monitor report from the store, running nothing.

use super::canary::{Session, run_canaries, workspace_root};
use super::report::ReportArgs;
use std::process::ExitCode;

/// Arguments of `cargo xtask monitor`.
#[derive(Debug, clap::Args)]
pub struct MonitorArgs {
    /// Where the report comes from and goes.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Prints the monitor report of the workspace's canaries (passing, failing, stale, unproven
/// and retired fixtures, silent-failure windows, overrides, history) from the store's
/// records, writes the files asked for and exits with the health gate. It builds and lists
/// the harness targets to know which fixtures exist, and runs none of them: the same as
/// `cargo xtask canary --report-only`.
pub fn run(args: &MonitorArgs) -> ExitCode {
    run_canaries(&args.report, Session::ReportOnly, &workspace_root())
}

//! `cargo xtask watchdog`: close abandoned runs.

use crate::watchdog::sweep_leased;
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `cargo xtask watchdog`.
#[derive(Debug, clap::Args)]
pub struct WatchdogArgs {
    /// The store (a SQLite path or `sqlite://PATH`); default `TAPEDECK_STORE`, else
    /// `target/tapedeck/runs.sqlite`.
    #[arg(long)]
    pub store: Option<String>,
    /// How long past its timeout a run may stay open before it counts as abandoned
    /// (`90s`, `5m`, ...).
    #[arg(long, value_parser = humantime::parse_duration, default_value = crate::watchdog::DEFAULT_GRACE_TEXT)]
    pub grace: Duration,
    /// How long an idempotency key claimed outside a recorded run may stay in flight before it
    /// is released as unconfirmed.
    #[arg(long, value_parser = humantime::parse_duration, default_value = crate::watchdog::DEFAULT_KEY_LEASE_TEXT)]
    pub key_lease: Duration,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs one sweep. Exit 0 when it ran (whatever it closed), 3 when the store failed.
pub fn run(args: &WatchdogArgs) -> ExitCode {
    let store = match super::open_store(args.store.as_deref()) {
        Ok(store) => store,
        Err(code) => return code,
    };
    let now = std::time::SystemTime::now();
    let report = match sweep_leased(&*store, args.grace, args.key_lease, now) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("watchdog: {e}");
            return ExitCode::from(3);
        }
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        for run in &report.abandoned {
            println!(
                "closed run {} of {} as failed/run_abandoned (deadline {})",
                run.run_id, run.agent_name, run.deadline_at
            );
        }
        println!(
            "watchdog: {} abandoned run(s) closed, {} already closed by another sweeper, {} in-flight idempotency key(s) released as unconfirmed ({} more whose lease ran out)",
            report.abandoned.len(),
            report.lost_races,
            report.keys_released,
            report.stale_keys_released
        );
    }
    for problem in &report.cleanup_errors {
        eprintln!("watchdog: {problem}");
    }
    ExitCode::SUCCESS
}

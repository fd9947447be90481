//! `cargo xtask canary`: run the due (or chosen) tier's canaries against the store, print the
//! monitor report, and exit with the health gate.

use super::progress::Progress;
use super::report::{ReportArgs, open_store, write_outputs};
use crate::canary::due::{covered, due_tiers, widest};
use crate::canary::monitor::{KnownFixture, MonitorInput, monitor};
use crate::canary::render::table;
use crate::canary::runner::{
    HarnessTarget, SessionEnv, TestRunner, build, code_version, harness_targets, list_canaries,
    run_tier,
};
use crate::canary::schedule::{ScheduleFormat, ScheduleOptions, schedule};
use crate::canary::{CanaryConfig, FixtureState};
use crate::fixture::Tier;
use crate::store::canary::{PHASE_FINISHED, PHASE_STARTED};
use crate::store::{Alert, Heartbeat, Override, RunQuery, RunRecord, Store, time};
use crate::verdict::Verdict;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, SystemTime};

/// Arguments of `cargo xtask canary`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CanaryArgs {
    /// Schedules and overrides.
    #[command(subcommand)]
    pub command: Option<CanarySubcommand>,
    /// Run this tier (and the more frequent ones it covers).
    #[arg(long, value_parser = parse_tier, conflicts_with = "due")]
    pub tier: Option<Tier>,
    /// Run the tiers whose period has elapsed since their last run (for a schedule every 15 min).
    #[arg(long)]
    pub due: bool,
    /// Only report: run nothing (what `cargo xtask monitor` does).
    #[arg(long, conflicts_with_all = ["tier", "due"])]
    pub report_only: bool,
    /// Where the report comes from and goes.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `cargo xtask canary` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CanarySubcommand {
    /// Print ready-to-use schedule definitions.
    Schedule(ScheduleArgs),
    /// Record a time-boxed operator override: the gate ignores the covered fixtures until it
    /// ends, and every report lists it.
    Override(OverrideArgs),
}

/// Arguments of `cargo xtask canary schedule`.
#[derive(Debug, clap::Args)]
pub struct ScheduleArgs {
    /// cron, systemd, github or kubernetes.
    #[arg(long)]
    pub format: ScheduleFormat,
    /// One entry per tier instead of one `--due` entry every 15 minutes.
    #[arg(long)]
    pub per_tier: bool,
    /// The directory the command runs in.
    #[arg(long)]
    pub workdir: Option<String>,
    /// The store URL passed to the command.
    #[arg(long)]
    pub store: Option<String>,
}

/// Arguments of `cargo xtask canary override`.
#[derive(Debug, clap::Args)]
pub struct OverrideArgs {
    /// A fixture id or a glob over fixture ids (`booking/*`).
    #[arg(long)]
    pub fixtures: String,
    /// Who takes responsibility.
    #[arg(long)]
    pub who: String,
    /// Why.
    #[arg(long)]
    pub why: String,
    /// How long it lasts (`2h`, `30m`; at most 7 days).
    #[arg(long = "for", value_parser = humantime::parse_duration)]
    pub duration: Duration,
    /// The store.
    #[arg(long)]
    pub store: Option<String>,
}

fn parse_tier(text: &str) -> Result<Tier, String> {
    Tier::parse(text).ok_or_else(|| format!("unknown tier {text:?}; use critical, hourly or daily"))
}

/// The longest override allowed: overrides are time-boxed by design.
const MAX_OVERRIDE: Duration = Duration::from_secs(7 * 24 * 3600);

/// Runs the canary command.
pub fn run(args: &CanaryArgs) -> ExitCode {
    let workspace = workspace_root();
    match &args.command {
        Some(CanarySubcommand::Schedule(s)) => {
            let config = match CanaryConfig::discover(&workspace) {
                Ok(c) => c,
                Err(e) => return error(e.to_string()),
            };
            let options = ScheduleOptions {
                per_tier: s.per_tier,
                workdir: s.workdir.clone(),
                store: s.store.clone(),
                periods: config.tiers.map(|(t, p)| (t, p.period)),
            };
            print!("{}", schedule(s.format, &options));
            ExitCode::SUCCESS
        }
        Some(CanarySubcommand::Override(o)) => set_override(o, &workspace),
        None => {
            let session = if args.report_only {
                Session::ReportOnly
            } else if args.due {
                Session::Due
            } else {
                Session::Tier(args.tier.unwrap_or(Tier::Daily))
            };
            run_canaries(&args.report, session, &workspace)
        }
    }
}

fn set_override(args: &OverrideArgs, workspace: &Path) -> ExitCode {
    if args.duration > MAX_OVERRIDE || args.duration.is_zero() {
        eprintln!("an override lasts between 1s and 7 days; renew it if it must last longer");
        return ExitCode::from(3);
    }
    // A broken tapedeck.toml is refused, not replaced by defaults: its `store` decides where
    // the override is written.
    let config = match CanaryConfig::discover(workspace) {
        Ok(c) => c,
        Err(e) => return error(e.to_string()),
    };
    let store = match open_store(args.store.as_deref(), &config, workspace) {
        Ok((store, _)) => store,
        Err(e) => return error(e),
    };
    let now = SystemTime::now();
    let record = Override {
        override_id: uuid::Uuid::now_v7().to_string(),
        fixtures: args.fixtures.clone(),
        who: args.who.clone(),
        why: args.why.clone(),
        created_at: time::rfc3339(now),
        until: time::rfc3339(now + args.duration),
    };
    match store.insert_override(&record) {
        Ok(()) => {
            println!(
                "override {} recorded: {} ignored by the gate until {} ({}: {})",
                record.override_id, record.fixtures, record.until, record.who, record.why
            );
            ExitCode::SUCCESS
        }
        Err(e) => error(e.to_string()),
    }
}

fn error(message: String) -> ExitCode {
    eprintln!("canary: {message}");
    ExitCode::from(3)
}

/// What a canary session runs.
#[derive(Debug, Clone, Copy)]
pub(super) enum Session {
    /// Nothing: report from the store (`--report-only`, `cargo xtask monitor`).
    ReportOnly,
    /// The tiers that are due.
    Due,
    /// This tier and the ones it covers.
    Tier(Tier),
}

/// Runs `session`, prints the monitor report, writes the files `args` asks for and returns the
/// health gate.
pub(super) fn run_canaries(args: &ReportArgs, session: Session, workspace: &Path) -> ExitCode {
    let mut errors = Vec::new();
    let config = match &args.config {
        Some(path) => CanaryConfig::load(path),
        None => CanaryConfig::discover(workspace),
    };
    let config = match config {
        Ok(c) => c,
        Err(e) => return error(e.to_string()),
    };
    let (store, label) = match open_store(args.store.as_deref(), &config, workspace) {
        Ok(s) => s,
        Err(e) => return error(e),
    };
    let now = SystemTime::now();
    let tier = match session {
        Session::ReportOnly => None,
        Session::Due => match store.last_heartbeats() {
            Ok(heartbeats) => widest(&due_tiers(&heartbeats, &config, now)),
            Err(e) => return error(e.to_string()),
        },
        Session::Tier(tier) => Some(tier),
    };
    let mut inventory = Vec::new();
    let listed = match harness_targets(workspace) {
        Err(e) => {
            errors.push(e);
            false
        }
        Ok(targets) if targets.is_empty() => {
            errors.push(format!(
                "no harness test targets in {}: add a `[[test]] harness = false` target that calls tapedeck::main!()",
                workspace.display()
            ));
            false
        }
        Ok(targets) => run_session(
            &targets,
            tier,
            &*store,
            &label,
            workspace,
            &mut inventory,
            &mut errors,
        ),
    };
    if tier.is_none() && matches!(session, Session::Due) {
        eprintln!("canary: no tier is due");
    }
    inventory.sort();
    inventory.dedup();
    let input = MonitorInput {
        config: &config,
        inventory: &inventory,
        listed,
        store_label: label,
        now: SystemTime::now(),
        errors,
    };
    let report = match monitor(&*store, &input) {
        Ok(r) => r,
        Err(e) => return error(e.to_string()),
    };
    print!("{}", table(&report));
    if let Err(e) = write_outputs(args, &report) {
        return error(e);
    }
    ExitCode::from(report.gate.exit_code)
}

/// Runs one session; returns whether the harness listed the workspace's canaries (only a
/// clean listing says which fixtures are gone).
#[allow(clippy::too_many_arguments)]
fn run_session(
    targets: &[HarnessTarget],
    tier: Option<Tier>,
    store: &dyn Store,
    store_url: &str,
    workspace: &Path,
    inventory: &mut Vec<KnownFixture>,
    errors: &mut Vec<String>,
) -> bool {
    let session = SessionEnv {
        session_id: uuid::Uuid::now_v7().to_string(),
        store: store_url.to_string(),
        code_version: code_version(workspace),
    };
    let started = time::now_rfc3339();
    let covered_tiers = tier.map(covered).unwrap_or_default();
    heartbeat(
        store,
        &session.session_id,
        &covered_tiers,
        PHASE_STARTED,
        &started,
        errors,
    );
    let runner = TestRunner::detect();
    let progress = Progress::new(3);
    let mut listed = false;
    progress.step(0, targets, "building");
    if let Err(e) = build(workspace, targets, &session.store) {
        errors.push(e);
    } else {
        progress.step(1, targets, "listing canaries");
        match list_canaries(workspace, targets, &session.store) {
            Ok(found) => {
                inventory.extend(found);
                listed = true;
            }
            Err(e) => errors.push(e),
        }
        if let Some(tier) = tier {
            let what = format!("running {tier} canaries");
            progress.step(2, targets, &what);
            let tiers_run = covered(tier);
            let total = inventory
                .iter()
                .filter(|f| tiers_run.contains(&f.tier))
                .count();
            let mut on_trial = |done| progress.trials(done, total, &what);
            if let Err(e) = run_tier(workspace, targets, tier, runner, &session, &mut on_trial) {
                errors.push(e);
            }
        }
    }
    progress.finish();
    if tier.is_none() {
        return listed;
    }
    if let Err(e) = store.finalize_session(&session.session_id) {
        errors.push(e.to_string());
    }
    alert_failures(store, &session.session_id, errors);
    heartbeat(
        store,
        &session.session_id,
        &covered_tiers,
        PHASE_FINISHED,
        &started,
        errors,
    );
    listed
}

fn heartbeat(
    store: &dyn Store,
    session_id: &str,
    tiers: &[Tier],
    phase: &str,
    at: &str,
    errors: &mut Vec<String>,
) {
    for tier in tiers {
        let beat = Heartbeat {
            session_id: session_id.to_string(),
            tier: *tier,
            phase: phase.to_string(),
            at: at.to_string(),
        };
        if let Err(e) = store.record_heartbeat(&beat) {
            errors.push(format!("could not write the canary heartbeat: {e}"));
        }
    }
}

/// Every FINAL failing canary of the session raises an alert: the moment its class became
/// visible. A fixture fails when it misses its contract, whatever its verdict: one that pins a
/// caught bug expects `failed` and passes with it (no alert), one that expects `passed` and
/// now gets it without meeting the rest of its contract fails. A standalone check has no
/// contract and fails with its verdict.
fn alert_failures(store: &dyn Store, session_id: &str, errors: &mut Vec<String>) {
    let query = RunQuery {
        session_id: Some(session_id.to_string()),
        ..RunQuery::default()
    };
    let records = match store.runs(&query) {
        Ok(r) => r,
        Err(e) => return errors.push(e.to_string()),
    };
    for record in records
        .iter()
        .filter(|r| r.finality != Some(crate::store::Finality::Attempt) && canary_failed(r))
    {
        let mut alert = Alert::now("canary_failed", alert_message(record));
        alert.run_id = Some(record.run_id.clone());
        alert.agent_name = Some(record.agent_name.clone());
        alert.failure_class = record.failure_class;
        if let Err(e) = store.insert_alert(&alert) {
            errors.push(e.to_string());
        }
    }
}

/// Whether a canary's final record is a failure: the monitor would call its fixture failing.
fn canary_failed(record: &RunRecord) -> bool {
    record.status.is_some_and(|verdict| {
        FixtureState::of_result(verdict, record.expectation_met) == FixtureState::Failing
    })
}

fn alert_message(record: &RunRecord) -> String {
    let fixture = record.fixture_id.as_deref().unwrap_or("?");
    let verdict = record.status.map_or("no verdict", Verdict::as_str);
    let reason = record
        .failure_reason
        .as_deref()
        .unwrap_or("no reason recorded");
    match record.expectation_met {
        Some(false) => {
            format!("canary {fixture} missed its contract (verdict {verdict}): {reason}")
        }
        _ => format!("canary {fixture} failed (verdict {verdict}): {reason}"),
    }
}

/// The workspace root (`cargo locate-project --workspace`), else the current directory.
pub(super) fn workspace_root() -> PathBuf {
    let current = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .current_dir(&current)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            let manifest = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
            manifest.parent().map(Path::to_path_buf)
        })
        .unwrap_or(current)
}

#[cfg(test)]
mod tests {
    use super::{alert_message, canary_failed};
    use crate::store::{RunRecord, RunType};
    use crate::verdict::Verdict;

    fn record(status: Verdict, met: Option<bool>) -> RunRecord {
        let mut record = RunRecord::start("booking", RunType::Canary);
        record.fixture_id = Some("booking/double_charge".to_string());
        record.status = Some(status);
        record.expectation_met = met;
        record
    }

    #[test]
    fn a_canary_fails_when_it_misses_its_contract_not_when_its_verdict_is_failed() {
        // A fixture that pins a caught bug: verdict failed, as its contract expects.
        assert!(!canary_failed(&record(Verdict::Failed, Some(true))));
        assert!(!canary_failed(&record(Verdict::Blocked, Some(true))));
        // A fixture whose agent passes but no longer does what its contract asks.
        assert!(canary_failed(&record(Verdict::Passed, Some(false))));
        assert!(canary_failed(&record(Verdict::Failed, Some(false))));
        // A standalone check (no contract) goes by its verdict.
        assert!(canary_failed(&record(Verdict::Failed, None)));
        assert!(!canary_failed(&record(Verdict::Passed, None)));
        // Inconclusive is never proof, but it is not a failure either: the monitor lists it.
        assert!(!canary_failed(&record(Verdict::Inconclusive, Some(false))));
    }

    #[test]
    fn the_alert_says_whether_the_contract_or_the_check_failed() {
        let missed = alert_message(&record(Verdict::Passed, Some(false)));
        assert!(
            missed.starts_with("canary booking/double_charge missed its contract (verdict passed)"),
            "{missed}"
        );
        let check = alert_message(&record(Verdict::Failed, None));
        assert!(
            check.starts_with("canary booking/double_charge failed (verdict failed)"),
            "{check}"
        );
    }
}

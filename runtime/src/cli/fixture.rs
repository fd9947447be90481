//! `cargo xtask fixture new --from-run RUN_ID --suite DIR`: freeze a failed run into a fixture;
//! `fixture mutate` writes a fault variant; `fixture prove` is in `prove.rs`, `fixture record`
//! in `record.rs`.

use crate::fixture::Tier;
use crate::fixture::proof::Reproduction;
use crate::harness::Harness;
use crate::harness::freeze::freeze_run;
use crate::harness::prove::find_suite;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `cargo xtask fixture`.
#[derive(Debug, clap::Args)]
pub struct FixtureArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: FixtureCommand,
}

/// The fixture commands.
#[derive(Debug, clap::Subcommand)]
pub enum FixtureCommand {
    /// Build a fixture from a captured run, replay it at once, and record proof.failed_on when
    /// it fails as the run did.
    New(NewArgs),
    /// Write a fault variant of a recorded fixture next to it (a faulted copy of one call is
    /// inserted before it, so the original answer remains for the retry), with a draft contract.
    Mutate(MutateArgs),
    /// Replay a fixture written by hand on the broken code and record proof.failed_on when it
    /// fails its contract (exit 0); exit 1 when it passes, 3 when it cannot be replayed. After
    /// the fix, its first passing `cargo test` outside CI records proof.passed_on.
    Prove(super::prove::ProveArgs),
    /// Run the agent on the fixture's input.json with the suite's real tools and write what it
    /// called as its tool_cassettes.json (the `record` authoring mode). Tools with side effects
    /// run only with `--allow EFFECT`.
    Record(super::record::RecordArgs),
}

/// Arguments of `cargo xtask fixture mutate`.
#[derive(Debug, clap::Args)]
pub struct MutateArgs {
    /// The fixture folder.
    pub fixture: PathBuf,
    /// timeout, rate_limited, unavailable, connection_reset, invalid_response, truncated, slow,
    /// timeout_after_success.
    #[arg(long, value_parser = parse_fault)]
    pub fault: crate::cassette::FaultKind,
    /// The tool whose call gets the fault.
    #[arg(long)]
    pub tool: String,
    /// Which of its calls (1-based).
    #[arg(long, default_value_t = 1)]
    pub nth: usize,
}

fn parse_fault(text: &str) -> Result<crate::cassette::FaultKind, String> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).map_err(|_| {
        format!("unknown fault {text:?}; use timeout, rate_limited, unavailable, connection_reset, invalid_response, truncated, slow or timeout_after_success")
    })
}

/// Arguments of `cargo xtask fixture new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The run to freeze.
    #[arg(long = "from-run", value_name = "RUN_ID")]
    pub from_run: String,
    /// The suite folder (as registered with `#[agent_fixture("...")]`).
    #[arg(long, value_name = "DIR")]
    pub suite: PathBuf,
    /// The fixture id (`[a-z0-9_-]+`); default `run-<first 8 characters of the run id>`.
    #[arg(long, value_name = "NAME")]
    pub id: Option<String>,
    /// The canary tier written to notes.json.
    #[arg(long, value_parser = parse_tier)]
    pub tier: Option<Tier>,
    /// The store; default `TAPEDECK_STORE`, else `target/tapedeck/runs.sqlite`.
    #[arg(long)]
    pub store: Option<String>,
}

fn parse_tier(text: &str) -> Result<Tier, String> {
    Tier::parse(text).ok_or_else(|| format!("unknown tier {text:?}; use critical, hourly or daily"))
}

/// Runs a fixture command.
pub fn run(args: &FixtureArgs, harness: &Harness) -> ExitCode {
    match &args.command {
        FixtureCommand::New(new) => new_fixture(new, harness),
        FixtureCommand::Prove(prove) => super::prove::run(prove, harness),
        FixtureCommand::Record(record) => super::record::run(record, harness),
        FixtureCommand::Mutate(m) => {
            match crate::fixture::mutate::mutate(&m.fixture, m.fault, &m.tool, m.nth) {
                Ok(dir) => {
                    println!(
                        "wrote {}: review its expected.json (a draft copied from the source), then run cargo test",
                        dir.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("fixture mutate: {e}");
                    ExitCode::from(3)
                }
            }
        }
    }
}

fn new_fixture(args: &NewArgs, harness: &Harness) -> ExitCode {
    let suite = match find_suite(harness.suites(), &args.suite) {
        Ok(suite) => suite,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(3);
        }
    };
    let store = match super::open_store(args.store.as_deref()) {
        Ok(store) => store,
        Err(code) => return code,
    };
    let id = args.id.clone().unwrap_or_else(|| {
        let short: String = args
            .from_run
            .chars()
            .filter(char::is_ascii_hexdigit)
            .take(8)
            .collect();
        format!("run-{}", short.to_ascii_lowercase())
    });
    let frozen = match freeze_run(
        &*store,
        &args.from_run,
        suite,
        &id,
        args.tier,
        harness.validator_set(),
    ) {
        Ok(frozen) => frozen,
        Err(e) => {
            eprintln!("fixture new: {e}");
            return ExitCode::from(3);
        }
    };
    let dir = frozen.fixture.dir.display();
    match frozen.reproduction {
        Reproduction::Reproduced(record) => {
            println!(
                "wrote {dir}: it fails as run {} did ({}: {}); proof.failed_on recorded. Fix the agent, then `cargo test` records proof.passed_on.",
                args.from_run,
                record.verdict.map_or("?", |v| v.as_str()),
                record.reasons.join(", ")
            );
            ExitCode::SUCCESS
        }
        Reproduction::Passes => {
            eprintln!(
                "WARNING: wrote {dir}, but it PASSES on the current code: it does not reproduce the failure of run {}. It is unproven — a story, not a monitor. Check the cassette and the contract in expected.json.",
                args.from_run
            );
            ExitCode::FAILURE
        }
        Reproduction::FailsDifferently { run, replay } => {
            eprintln!(
                "WARNING: wrote {dir}, but it fails differently from run {}: the run was {} ({}), the replay is {} ({}). It is unproven until it fails as the run did.",
                args.from_run,
                run.0.map_or("?", |v| v.as_str()),
                run.1.join(", "),
                replay.0,
                replay.1.join(", ")
            );
            ExitCode::FAILURE
        }
    }
}

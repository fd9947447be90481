//! `cargo xtask replay`: replay every fixture of every registered suite and print verdicts.

use crate::harness::{FixtureSummary, Harness};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `cargo xtask replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// Only fixtures whose trial name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// Also write the summaries as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// Runs the replay command.
pub fn run(args: &ReplayArgs, harness: &Harness) -> ExitCode {
    if harness.suites().is_empty() {
        eprintln!(
            "no fixture suites are registered in this binary: annotate agents with #[tapedeck::agent_fixture] and link their crates into the xtask (`use my_agents as _;`)"
        );
        return ExitCode::from(3);
    }
    let mut summaries = harness.replay_all();
    if let Some(filter) = &args.filter {
        summaries.retain(|s| s.trial.contains(filter.as_str()));
    }
    print_table(&summaries);
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&summaries).unwrap_or_default() + "\n";
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("could not write {}: {e}", path.display());
            return ExitCode::from(3);
        }
    }
    if summaries.iter().all(|s| s.ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_table(summaries: &[FixtureSummary]) {
    let width = summaries
        .iter()
        .map(|s| s.trial.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{:<width$}  {:<12}  {:<4}  reasons",
        "fixture", "verdict", "ok"
    );
    for s in summaries {
        let verdict = s.verdict.map(|v| v.as_str()).unwrap_or("error");
        let ok = if s.ok { "yes" } else { "NO" };
        let _ = writeln!(
            out,
            "{:<width$}  {verdict:<12}  {ok:<4}  {}",
            s.trial,
            s.reasons.join(", ")
        );
        for problem in &s.problems {
            let _ = writeln!(out, "{:<width$}    ✗ {problem}", "");
        }
    }
    let failing = summaries.iter().filter(|s| !s.ok).count();
    let _ = writeln!(
        out,
        "{} fixtures, {} meet their contract, {failing} do not",
        summaries.len(),
        summaries.len() - failing
    );
}

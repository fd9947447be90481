//! `cargo xtask fixture record FIXTURE_DIR`: a fixture's cassette recorded against the real
//! tools.

use crate::effect::Effect;
use crate::harness::Harness;
use crate::harness::author::{RecordOptions, record_cassette};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `cargo xtask fixture record`.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// The fixture folder (directly inside a registered suite's folder; `input.json` is all
    /// it needs).
    #[arg(value_name = "FIXTURE_DIR")]
    pub fixture: PathBuf,
    /// Also run the tools of this effect for real (`write`, `network`, `browser`, `account`,
    /// `money`; repeat for several). `read` and `model` tools always run.
    #[arg(long, value_name = "EFFECT", value_parser = parse_effect)]
    pub allow: Vec<Effect>,
    /// Keep the recorded interactions and add only the calls that match none of them (the
    /// `new_episodes` authoring mode); without it the cassette is recorded anew.
    #[arg(long)]
    pub new_episodes: bool,
}

fn parse_effect(text: &str) -> Result<Effect, String> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).map_err(|_| {
        format!(
            "unknown effect {text:?}; use read, model, write, network, browser, account or money"
        )
    })
}

/// Records the cassette: exit 0 when written, 3 when nothing was written.
pub fn run(args: &RecordArgs, harness: &Harness) -> ExitCode {
    let options = RecordOptions {
        allow: args.allow.clone(),
        new_episodes: args.new_episodes,
    };
    match record_cassette(
        harness.suites(),
        harness.validator_set(),
        &args.fixture,
        &options,
    ) {
        Ok(recorded) => {
            println!(
                "wrote {}: {} interaction(s), {} recorded now against the real tools (the run was {}). Review it, then run cargo test.",
                recorded.path.display(),
                recorded.interactions,
                recorded.added,
                recorded.verdict
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fixture record: {}: {e}", args.fixture.display());
            ExitCode::from(3)
        }
    }
}

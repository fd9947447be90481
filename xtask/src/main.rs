//! `cargo xtask`: tapedeck's commands over this workspace's example agents.
//!
//! All a project's own xtask needs is to link the crates whose agents carry
//! `#[tapedeck::agent_fixture]` and hand over to `tapedeck::cli` (see the README). This one also
//! shows how to add a command of your own next to tapedeck's: `bench-fixtures`, which writes
//! generated suites for the scale benchmarks.
#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use tapedeck_example_agents as _;
use tapedeck_example_scripted::generate::{DEFAULT_SEED, write_suite};

/// `cargo xtask`: tapedeck's commands and this workspace's own.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    version,
    about = "tapedeck: replayable evidence for LLM agents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(flatten)]
    Tapedeck(tapedeck::cli::Command),
    /// Write N generated fixtures for the scripted example agent into DIR (for the scale
    /// benchmarks in bench/): 4 files and ~10 KB each, 5-20 interactions over every effect
    /// class, faults on ~15% of calls, every tenth a caught double charge. The same N and seed
    /// write the same bytes; DIR may hold only a previously generated suite, which is replaced.
    BenchFixtures {
        /// How many fixtures.
        n: usize,
        /// The suite folder to write (its name becomes the suite name).
        dir: PathBuf,
        /// The generator's seed.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Tapedeck(command) => tapedeck::cli::run(tapedeck::cli::Cli { command }),
        Command::BenchFixtures { n, dir, seed } => match write_suite(&dir, n, seed) {
            Ok(s) => {
                println!(
                    "wrote {} fixtures ({} caught bugs) to {}: {} interactions ({} faulted), {:.1} KB per fixture",
                    s.fixtures,
                    s.caught,
                    dir.display(),
                    s.interactions,
                    s.faults,
                    s.bytes as f64 / s.fixtures.max(1) as f64 / 1024.0
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!(
                    "cargo xtask bench-fixtures: could not write {}: {e}",
                    dir.display()
                );
                ExitCode::from(3)
            }
        },
    }
}

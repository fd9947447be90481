//! `cargo xtask`: tapedeck's commands over this workspace's example agents.
//!
//! This is all a project's own xtask needs: link the crates whose agents carry
//! `#[tapedeck::agent_fixture]`, and hand over to `tapedeck::cli`.
#![forbid(unsafe_code)]

use tapedeck_example_agents as _;
use tapedeck_example_scripted as _;

fn main() -> std::process::ExitCode {
    tapedeck::cli::main()
}

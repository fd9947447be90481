//! `cargo xtask`: tapedeck's commands over this workspace's example agents.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    tapedeck::cli::main()
}

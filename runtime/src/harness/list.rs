//! `--list`: the trial names, one `name: test` line each, as libtest prints them (and nextest
//! reads them), written so that a reader that stops early (`--list | head`) ends the listing
//! quietly instead of with a panic.

use libtest_mimic::{Arguments, Trial};
use std::io::{self, BufWriter, ErrorKind, Write};
use std::process::ExitCode;

/// Prints the trials `args` selects (`--ignored`, a filter, `--skip`) to stdout. A closed
/// stdout (the reader has all it wanted) ends the listing with success; any other write error
/// is reported on stderr and fails the run.
pub fn print(args: &Arguments, trials: &[Trial]) -> ExitCode {
    match write(args, trials, BufWriter::new(io::stdout().lock())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tapedeck: could not write the trial list to stdout: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the list lines: `[kind] name: test` (`bench` for benchmarks), in trial order.
fn write(args: &Arguments, trials: &[Trial], mut out: impl Write) -> io::Result<()> {
    for trial in trials.iter().filter(|t| !args.is_filtered_out(t)) {
        if !trial.kind().is_empty() {
            write!(out, "[{}] ", trial.kind())?;
        }
        let kind = if trial.is_bench() { "bench" } else { "test" };
        writeln!(out, "{}: {kind}", trial.name())?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trials() -> Vec<Trial> {
        vec![
            Trial::test("s::a", || Ok(())),
            Trial::test("canary::daily::s::a", || Ok(())).with_ignored_flag(true),
            Trial::bench("s::b", |_| Ok(None)).with_kind("x"),
        ]
    }

    fn listed(args: &[&str]) -> String {
        let args = Arguments::from_iter(std::iter::once("harness").chain(args.iter().copied()));
        let mut out = Vec::new();
        write(&args, &trials(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn lists_what_libtest_lists() {
        assert_eq!(
            listed(&["--list"]),
            "s::a: test\ncanary::daily::s::a: test\n[x] s::b: bench\n"
        );
        assert_eq!(
            listed(&["--list", "--ignored"]),
            "canary::daily::s::a: test\n"
        );
        assert_eq!(listed(&["--list", "canary"]), "canary::daily::s::a: test\n");
        assert_eq!(
            listed(&["--list", "--skip", "canary"]),
            "s::a: test\n[x] s::b: bench\n"
        );
    }
}

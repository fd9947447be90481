//! Progress of `cargo xtask canary` on stderr: a redrawn bar on a terminal, plain lines
//! otherwise (a log keeps one line per step and one per tenth of the trials).

use crate::canary::runner::HarnessTarget;
use std::cell::Cell;
use std::io::IsTerminal;

/// The progress of one canary run.
pub(super) struct Progress {
    total: usize,
    terminal: bool,
    printed_tenth: Cell<usize>,
}

const WIDTH: usize = 24;

impl Progress {
    /// Progress over `total` steps.
    pub(super) fn new(total: usize) -> Progress {
        Progress {
            total,
            terminal: std::io::stderr().is_terminal(),
            printed_tenth: Cell::new(0),
        }
    }

    fn bar(done: usize, of: usize) -> String {
        let filled = (done * WIDTH / of.max(1)).min(WIDTH);
        format!("[{}{}]", "#".repeat(filled), "-".repeat(WIDTH - filled))
    }

    fn show(&self, line: &str) {
        if self.terminal {
            eprint!("\r\x1b[2K{line}");
        } else {
            eprintln!("canary: {line}");
        }
    }

    /// Step `index` (0-based) begins.
    pub(super) fn step(&self, index: usize, targets: &[HarnessTarget], what: &str) {
        self.show(&format!(
            "{} {}/{} {what} ({} harness target(s))",
            Progress::bar(index, self.total),
            index + 1,
            self.total,
            targets.len()
        ));
    }

    /// `done` of about `total` trials of the current step have finished.
    pub(super) fn trials(&self, done: usize, total: usize, what: &str) {
        let of = total.max(done);
        let line = format!("{} {what}: {done}/{of} trials", Progress::bar(done, of));
        if self.terminal {
            self.show(&line);
        } else {
            // Plain output: a line per tenth, so that a log of 10,000 trials stays readable.
            let tenth = done * 10 / of.max(1);
            if tenth > self.printed_tenth.get() {
                self.printed_tenth.set(tenth);
                self.show(&line);
            }
        }
    }

    /// Every step is done.
    pub(super) fn finish(&self) {
        if self.terminal {
            eprintln!("\r\x1b[2K[{}] {} steps done", "#".repeat(WIDTH), self.total);
        }
    }
}

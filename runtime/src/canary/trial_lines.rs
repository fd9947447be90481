//! Reading a test runner's output as it runs, to count finished trials for progress.
//!
//! `cargo test` (libtest-mimic) prints `test <name> ... ok|FAILED|ignored` on stdout, one line
//! per trial; `cargo nextest run` prints `PASS [ 0.012s] <binary> <name>` (or `FAIL`, `TIMEOUT`,
//! `SIGSEGV`, ...) on stderr. Nothing else depends on these lines: records in the store are the
//! results, the count only moves the progress bar.

use super::runner::TestRunner;

/// Whether `line` of `runner`'s progress stream reports a finished trial.
pub fn finished_trial(runner: TestRunner, line: &str) -> bool {
    let line = line.trim_start();
    match runner {
        TestRunner::Cargo => {
            line.starts_with("test ")
                && [" ... ok", " ... FAILED", " ... ignored"]
                    .iter()
                    .any(|end| line.trim_end().ends_with(end))
        }
        TestRunner::Nextest => {
            let Some((status, rest)) = line.split_once(' ') else {
                return false;
            };
            // Retried attempts print `TRY 2 FAIL [...]`; only final statuses count.
            const FINAL: [&str; 7] = [
                "PASS", "FAIL", "FLAKY", "TIMEOUT", "SIGSEGV", "SIGABRT", "SIGKILL",
            ];
            FINAL.contains(&status) && rest.trim_start().starts_with('[')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libtest_lines_count_once_per_trial() {
        let cargo = TestRunner::Cargo;
        assert!(finished_trial(
            cargo,
            "test canary::critical::booking::clean ... ok"
        ));
        assert!(finished_trial(cargo, "test canary::daily::x::y ... FAILED"));
        assert!(!finished_trial(cargo, "running 4 tests"));
        assert!(!finished_trial(
            cargo,
            "test result: ok. 4 passed; 0 failed"
        ));
        assert!(!finished_trial(
            cargo,
            "---- canary::daily::x::y stdout ----"
        ));
    }

    #[test]
    fn nextest_lines_count_final_statuses_only() {
        let nextest = TestRunner::Nextest;
        assert!(finished_trial(
            nextest,
            "        PASS [   0.011s] tapedeck-example-harness::fixtures canary::critical::booking::clean"
        ));
        assert!(finished_trial(
            nextest,
            "        FAIL [   0.020s] crate::fixtures canary::daily::x::y"
        ));
        assert!(!finished_trial(
            nextest,
            "  TRY 1 FAIL [   0.020s] crate::fixtures canary::daily::x::y"
        ));
        assert!(!finished_trial(
            nextest,
            "    Starting 12 tests across 1 binary"
        ));
        assert!(!finished_trial(
            nextest,
            "     Summary [   0.4s] 12 tests run: 12 passed"
        ));
        assert!(!finished_trial(nextest, "PASS"));
    }
}

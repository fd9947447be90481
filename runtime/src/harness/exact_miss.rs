//! `--exact NAME` that names no trial of a suite registered in this binary.
//!
//! libtest runs zero tests and exits 0 when `--exact` matches nothing, so a typed name with a
//! typo (`cargo test -- --exact refunds::dobule_charge`) passes without running anything. When
//! the name is a fixture trial's name of a suite this binary registers, the harness adds a
//! failing trial of exactly that name instead, which says what it looked for and the closest
//! real name. Names of suites this binary does not register are left alone: `cargo test` runs
//! every test binary of the package with the same filter, and the others must not fail.

use super::discover::suite_dir;
use super::naming::TrialName;
use super::registry::SuiteRegistration;
use crate::suggest::did_you_mean;
use libtest_mimic::{Failed, Trial};

/// The failing trial for `name` if `--exact name` matches none of `trials` and names a fixture
/// trial of one of `suites`. It is flagged ignored under `--ignored`, so that it runs there too.
pub(super) fn unmatched_exact(
    name: &str,
    ignored: bool,
    suites: &[SuiteRegistration],
    trials: &[Trial],
) -> Option<Trial> {
    if trials.iter().any(|t| t.name() == name) {
        return None;
    }
    let (suite, fixture) = match TrialName::parse(name)? {
        TrialName::Replay { suite, fixture } | TrialName::Canary { suite, fixture, .. } => {
            (suite, fixture)
        }
        TrialName::Check { .. } => return None,
    };
    let registration = suites.iter().find(|s| s.name() == suite)?;
    let message = message(name, &fixture, registration, trials);
    let trial = Trial::test(name.to_string(), move || Err(Failed::from(message)));
    Some(trial.with_ignored_flag(ignored))
}

fn message(name: &str, fixture: &str, suite: &SuiteRegistration, trials: &[Trial]) -> String {
    let dir = suite_dir(suite);
    let what = if dir.join(fixture).is_dir() {
        format!(
            "suite `{}` has a fixture `{fixture}` in {}, but no test of that name",
            suite.name(),
            dir.display()
        )
    } else {
        format!(
            "suite `{}` has no fixture folder `{fixture}` in {}",
            suite.name(),
            dir.display()
        )
    };
    let hint = match did_you_mean(name, trials.iter().map(Trial::name)) {
        Some(close) => format!("did you mean `{close}`?"),
        None => "`cargo test -- --list` lists every test name".to_string(),
    };
    format!(
        "`--exact {name}` matches no test: {what}; {hint} (`--exact` needs the whole name; \
         canary trials are named `canary::<tier>::<suite>::<fixture>` with the fixture's tier)"
    )
}

//! The harness entry point: registered suites and checks → libtest-mimic trials.

use super::discover::{fixture_tier, listed_notes, suite_dir, trace_enabled};
use super::naming::TrialName;
use super::registry::{CheckRegistration, SuiteRegistration, registered_checks, registered_suites};
use super::trial::{Listed, run_listed_fixture};
use crate::contract::Validators;
use crate::ctx::Ctx;
use crate::fixture::suite::list_fixtures;
use crate::store::RunType;
use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// What `tapedeck::main!()` runs: every registered suite and check, with the command-line
/// arguments of `cargo test` / `cargo nextest run`.
pub fn main() -> ExitCode {
    Harness::from_registry().run(&Arguments::from_args())
}

/// A set of suites and checks to turn into trials. Built from the macro registry by
/// [`Harness::from_registry`], or by hand (no macros needed).
#[derive(Clone, Default)]
pub struct Harness {
    suites: Vec<SuiteRegistration>,
    checks: Vec<CheckRegistration>,
    validators: Arc<Validators>,
}

impl Harness {
    /// An empty harness.
    pub fn new() -> Harness {
        Harness::default()
    }

    /// Every suite and check registered through the macros in this binary, and every
    /// validator registered with [`crate::register_validator!`].
    pub fn from_registry() -> Harness {
        Harness {
            suites: registered_suites(),
            checks: registered_checks(),
            validators: Arc::new(Validators::from_registry()),
        }
    }

    /// Adds a suite.
    pub fn suite(mut self, suite: SuiteRegistration) -> Harness {
        self.suites.push(suite);
        self
    }

    /// Adds a standalone check.
    pub fn check(mut self, check: CheckRegistration) -> Harness {
        self.checks.push(check);
        self
    }

    /// Sets the custom validators contracts may name.
    pub fn validators(mut self, validators: Validators) -> Harness {
        self.validators = Arc::new(validators);
        self
    }

    /// Runs the trials selected by `args` and returns the process exit code.
    pub fn run(&self, args: &Arguments) -> ExitCode {
        crate::replay::quiet_caught_agent_panics();
        if args.list && args.logfile.is_none() {
            // Printed here: libtest-mimic's own listing panics when stdout closes early.
            return super::list::print(args, &self.trials(args));
        }
        libtest_mimic::run(args, self.trials(args)).exit_code()
    }

    /// The suites, in registration order.
    pub fn suites(&self) -> &[SuiteRegistration] {
        &self.suites
    }

    /// The custom validators.
    pub fn validator_set(&self) -> &Validators {
        &self.validators
    }

    /// The trials for `args`. With `--exact NAME` only that one trial is built, without
    /// listing any suite folder (the nextest process-per-test fast path). A name that is not a
    /// fixture's or a check's (a suite's error trial, such as `suite::__no_fixtures`) is looked
    /// up in the full listing, so that it fails there as it does in a plain run. A fixture
    /// trial's name that matches nothing gets a failing trial of that name (see
    /// [`super::exact_miss`]).
    pub fn trials(&self, args: &Arguments) -> Vec<Trial> {
        let mut trials = self.listed_trials(args);
        if args.exact
            && let Some(name) = args.filter.as_deref()
            && let Some(miss) =
                super::exact_miss::unmatched_exact(name, args.ignored, &self.suites, &trials)
        {
            trials.push(miss);
        }
        trials
    }

    /// The trials before `--exact` checks its name against them.
    fn listed_trials(&self, args: &Arguments) -> Vec<Trial> {
        if args.exact
            && let Some(name) = args.filter.as_deref()
            && let Some(trial) = self.exact_trial(name)
        {
            return vec![trial];
        }
        if self.suites.is_empty() && self.checks.is_empty() {
            return vec![failing(
                NOTHING_REGISTERED.to_string(),
                nothing_registered(),
            )];
        }
        let mut trials = Vec::new();
        for (name, suites) in self.suites_by_name() {
            let suite = suites[0];
            if suites.len() > 1 {
                let places: Vec<String> = suites
                    .iter()
                    .map(|s| format!("`{}` in {} ({})", s.function, s.file, s.root))
                    .collect();
                let message = format!(
                    "suite name `{name}` is declared more than once: {}; rename one fixture folder",
                    places.join(", ")
                );
                trials.push(failing(format!("{name}::__duplicate_suite"), message));
                continue;
            }
            trials.extend(self.suite_trials(suite));
        }
        for check in &self.checks {
            trials.push(check_trial(*check));
        }
        trials
    }

    fn suites_by_name(&self) -> BTreeMap<&'static str, Vec<SuiteRegistration>> {
        let mut by_name: BTreeMap<&'static str, Vec<SuiteRegistration>> = BTreeMap::new();
        for suite in &self.suites {
            by_name.entry(suite.name()).or_default().push(*suite);
        }
        by_name
    }

    /// The replay trial and the (ignored) canary trial of every fixture of `suite`.
    fn suite_trials(&self, suite: SuiteRegistration) -> Vec<Trial> {
        let dir = suite_dir(&suite);
        let entries = match list_fixtures(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                let (name, message) = suite_error(&suite, &e);
                return vec![failing(name, message)];
            }
        };
        if trace_enabled() {
            eprintln!(
                "tapedeck: listed suite `{}` at {} ({} fixtures)",
                suite.name(),
                dir.display(),
                entries.len()
            );
        }
        if entries.is_empty() {
            let (name, message) = no_fixtures(&suite, &dir);
            return vec![failing(name, message)];
        }
        let mut trials = Vec::with_capacity(entries.len() * 2);
        for entry in entries {
            let notes = listed_notes(&entry.dir, suite.tier);
            let replay = TrialName::Replay {
                suite: suite.name().to_string(),
                fixture: entry.id.clone(),
            };
            let canary = TrialName::Canary {
                tier: notes.tier,
                suite: suite.name().to_string(),
                fixture: entry.id,
            };
            // The replay trial parses the notes the listing read. The canary trial reads them
            // again: when both run, the replay trial may have recorded a pass in them.
            let contained = !entry.symlink;
            let replay_listed = Listed {
                contained,
                notes: notes.bytes,
            };
            let canary_listed = Listed {
                contained,
                notes: None,
            };
            trials.push(self.fixture_trial(suite, replay, entry.dir.clone(), replay_listed));
            trials.push(
                self.fixture_trial(suite, canary, entry.dir, canary_listed)
                    .with_ignored_flag(true),
            );
        }
        trials
    }

    /// The trial of the fixture in `dir`, told what the listing already found out about it.
    fn fixture_trial(
        &self,
        suite: SuiteRegistration,
        name: TrialName,
        dir: PathBuf,
        listed: Listed,
    ) -> Trial {
        let validators = Arc::clone(&self.validators);
        let run_type = match name {
            TrialName::Canary { .. } => RunType::Canary,
            _ => RunType::Replay,
        };
        let text = name.to_string();
        Trial::test(text.clone(), move || {
            run_listed_fixture(&suite, &dir, &text, &validators, run_type, listed)
                .map_err(Failed::from)
        })
    }

    /// Resolves one trial name without listing other fixtures.
    fn exact_trial(&self, name: &str) -> Option<Trial> {
        if trace_enabled() {
            eprintln!("tapedeck: exact trial `{name}` (no listing)");
        }
        match TrialName::parse(name)? {
            TrialName::Check { tier, name: check } => self
                .checks
                .iter()
                .find(|c| c.name == check && c.tier == tier)
                .map(|c| check_trial(*c)),
            TrialName::Replay { suite, fixture } => {
                let (reg, dir) = self.resolve(&suite, &fixture)?;
                let name = TrialName::Replay { suite, fixture };
                Some(self.fixture_trial(reg, name, dir, Listed::default()))
            }
            TrialName::Canary {
                tier,
                suite,
                fixture,
            } => {
                let (reg, dir) = self.resolve(&suite, &fixture)?;
                (fixture_tier(&dir, reg.tier) == tier).then(|| {
                    self.fixture_trial(
                        reg,
                        TrialName::Canary {
                            tier,
                            suite,
                            fixture,
                        },
                        dir,
                        Listed::default(),
                    )
                    .with_ignored_flag(true)
                })
            }
        }
    }

    /// The suite and folder of `suite::fixture` if such a folder (or link) exists; whether it
    /// is a valid, contained fixture is for its trial to report.
    fn resolve(&self, suite: &str, fixture: &str) -> Option<(SuiteRegistration, PathBuf)> {
        let reg = *self.suites.iter().find(|s| s.name() == suite)?;
        if fixture.is_empty() || fixture.contains(['/', '\\']) || fixture == ".." || fixture == "."
        {
            return None;
        }
        let dir = suite_dir(&reg).join(fixture);
        std::fs::symlink_metadata(&dir)
            .is_ok()
            .then_some((reg, dir))
    }
}

/// The one trial of a harness without suites or checks.
pub const NOTHING_REGISTERED: &str = "tapedeck::__nothing_registered";

/// Why a harness has nothing to run, and what to do about it.
fn nothing_registered() -> String {
    "this test binary has no #[agent_fixture] suite and no #[canary] check. \
     If your agents are declared in a library crate, link it from the test file that calls \
     `tapedeck::main!()`: add `use my_agents as _;` (your crate's name) for each such crate; \
     Rust leaves out a library the binary does not use, and with it the registrations. \
     Otherwise, annotate an agent function with #[agent_fixture(\"fixtures/<suite>\")]."
        .to_string()
}

/// The name and message of the failing trial of a suite whose folder `dir` holds no fixture.
pub(super) fn no_fixtures(suite: &SuiteRegistration, dir: &Path) -> (String, String) {
    let message = format!(
        "suite `{}` of `{}` has no fixture folders in {}; add a folder with an input.json, or remove the attribute",
        suite.name(),
        suite.function,
        dir.display()
    );
    (format!("{}::__no_fixtures", suite.name()), message)
}

/// The name and message of the failing trial of a suite whose folder cannot be listed.
pub(super) fn suite_error(
    suite: &SuiteRegistration,
    error: &impl std::fmt::Display,
) -> (String, String) {
    (
        format!("{}::__suite_error", suite.name()),
        format!("suite `{}` of `{}`: {error}", suite.name(), suite.function),
    )
}

fn failing(name: String, message: String) -> Trial {
    Trial::test(name, move || Err(Failed::from(message)))
}

/// A standalone check runs live, with a production `Ctx` over its tools.
fn check_trial(check: CheckRegistration) -> Trial {
    let name = TrialName::Check {
        tier: check.tier,
        name: check.name.to_string(),
    }
    .to_string();
    Trial::test(name, move || {
        let toolbox = check.tools.map(|f| f()).unwrap_or_default();
        let ctx = Ctx::builder().toolbox(toolbox).build();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Failed::from(e.to_string()))?;
        let started_at = crate::store::time::now_rfc3339();
        let result = runtime.block_on((check.check)(&ctx));
        if let Some(store) = super::record::configured_store().map_err(Failed::from)? {
            let record = super::record::check_record(&check, started_at, &result);
            store.insert_run(&record).map_err(|e| {
                Failed::from(format!(
                    "could not write the run record of check `{}`: {e}",
                    check.name
                ))
            })?;
        }
        result.map_err(|e| Failed::from(format!("check `{}` failed: {e}", check.name)))
    })
    .with_ignored_flag(true)
}

//! Replaying every fixture of a harness outside libtest, for reports (`cargo xtask replay`).

use super::discover::suite_dir;
use super::naming::TrialName;
use super::run::{Harness, no_fixtures, suite_error};
use super::trial::{check_containment, effective_mode, replay_fixture};
use crate::fixture::{Fixture, list_fixtures};
use crate::verdict::Verdict;
use serde::Serialize;

/// The outcome of one fixture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixtureSummary {
    /// The trial name (`<suite>::<fixture_id>`).
    pub trial: String,
    /// The verdict, if the fixture loaded and replayed.
    pub verdict: Option<Verdict>,
    /// The reasons of the verdict.
    pub reasons: Vec<String>,
    /// Whether the verdict and reasons meet the fixture's contract.
    pub ok: bool,
    /// Why not, in one line each.
    pub problems: Vec<String>,
}

impl Harness {
    /// Replays every fixture of every suite (no snapshots) and summarizes each.
    pub fn replay_all(&self) -> Vec<FixtureSummary> {
        let mut out = Vec::new();
        for suite in self.suites() {
            let dir = suite_dir(suite);
            let entries = match list_fixtures(&dir) {
                Ok(entries) => entries,
                Err(e) => {
                    let (trial, message) = suite_error(suite, &e);
                    out.push(problem(trial, message));
                    continue;
                }
            };
            if entries.is_empty() {
                let (trial, message) = no_fixtures(suite, &dir);
                out.push(problem(trial, message));
            }
            for entry in entries {
                let trial = TrialName::Replay {
                    suite: suite.name().to_string(),
                    fixture: entry.id.clone(),
                }
                .to_string();
                let loaded = effective_mode(suite).and_then(|mode| {
                    if entry.symlink {
                        // Nothing outside the suite root is read.
                        check_containment(&entry.dir).map_err(|e| format!("is refused: {e}"))?;
                    }
                    let fixture = Fixture::load(&entry.dir).map_err(|errors| {
                        format!(
                            "does not load: {}",
                            errors
                                .0
                                .first()
                                .map(ToString::to_string)
                                .unwrap_or_default()
                        )
                    })?;
                    Ok((mode, fixture))
                });
                let summary = match loaded {
                    Err(e) => problem(trial, e),
                    Ok((mode, mut fixture)) => {
                        let input = std::mem::take(&mut fixture.input.input);
                        let result = replay_fixture(
                            suite,
                            &fixture,
                            input,
                            mode,
                            &trial,
                            self.validator_set(),
                            false,
                        );
                        FixtureSummary {
                            trial,
                            verdict: Some(result.judgement.verdict),
                            reasons: result.judgement.reasons.clone(),
                            ok: result.expectation.ok,
                            problems: result.expectation.problems.clone(),
                        }
                    }
                };
                out.push(summary);
            }
        }
        out
    }
}

fn problem(trial: String, message: String) -> FixtureSummary {
    FixtureSummary {
        trial,
        verdict: None,
        reasons: Vec::new(),
        ok: false,
        problems: vec![message],
    }
}

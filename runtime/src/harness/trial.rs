//! One trial: load → replay → contract → verdict → snapshot.

use super::discover::suite_dir;
use super::drift::LiveDrift;
use super::record::{configured_store, input_sha256, trial_record};
use super::registry::SuiteRegistration;
use super::report::FailureReport;
use super::snapshot::{SnapshotAssertion, SnapshotOutcome, assert_snapshot, with_snapshot_text};
use crate::contract::Validators;
use crate::fixture::{Fixture, files};
use crate::mode::Mode;
use crate::replay::{Replay, ReplayRun};
use crate::store::RunType;
use serde_json::Value;
use std::path::Path;

/// The snapshot every fixture trial asserts.
pub const SNAPSHOT_NAME: &str = "observation";

/// The environment variable that overrides the replay mode of every suite.
pub const MODE_ENV: &str = "TAPEDECK_MODE";

/// Everything a fixture trial produced, for reports and run records.
#[derive(Debug)]
pub struct TrialResult {
    /// The replay.
    pub run: ReplayRun,
    /// The contract's judgement.
    pub judgement: crate::contract::Judgement,
    /// Whether the judgement meets `expected.json`.
    pub expectation: crate::contract::Expectation,
    /// The snapshot assertion, if the contract asks for one.
    pub snapshot: Option<SnapshotOutcome>,
}

impl TrialResult {
    /// Whether the trial passes: the verdict and reasons satisfy the contract and the snapshot
    /// matches (or was written by an accepting `INSTA_UPDATE`).
    pub fn passed(&self) -> bool {
        self.expectation.ok && !matches!(self.snapshot, Some(SnapshotOutcome::Failed(_)))
    }
}

/// The mode a suite's trials run in: `TAPEDECK_MODE` if set, else the suite's, else cassette.
pub fn effective_mode(suite: &SuiteRegistration) -> Result<Mode, String> {
    match std::env::var(MODE_ENV) {
        Ok(value) if !value.trim().is_empty() => value
            .parse::<Mode>()
            .map_err(|e| format!("{MODE_ENV}: {e}")),
        _ => Ok(suite.mode.unwrap_or_default()),
    }
}

/// Runs the fixture in `dir` for `suite`; `Err` carries the readable failure report. With
/// `TAPEDECK_STORE` set, the trial also writes a run record of `run_type`.
pub fn run_fixture(
    suite: &SuiteRegistration,
    dir: &Path,
    trial_name: &str,
    validators: &Validators,
    run_type: RunType,
) -> Result<(), String> {
    run_listed_fixture(
        suite,
        dir,
        trial_name,
        validators,
        run_type,
        Listed::default(),
    )
}

/// What the listing of a suite already knows about one of its fixtures, so that the trial
/// does not find it out again.
#[derive(Debug, Default)]
pub(crate) struct Listed {
    /// The folder is a folder (not a symlink) directly in the suite root, so it cannot lead
    /// out of it.
    pub contained: bool,
    /// Its `notes.json` as the listing read it (`Some(None)`: there is none).
    pub notes: Option<Option<Vec<u8>>>,
}

/// [`run_fixture`] with what the listing knows of the fixture.
pub(crate) fn run_listed_fixture(
    suite: &SuiteRegistration,
    dir: &Path,
    trial_name: &str,
    validators: &Validators,
    run_type: RunType,
    listed: Listed,
) -> Result<(), String> {
    let mode = effective_mode(suite)?;
    if !listed.contained {
        check_containment(dir).map_err(|e| format!("fixture {trial_name} is refused: {e}"))?;
    }
    let mut fixture =
        Fixture::load_read_notes(dir, &Default::default(), listed.notes).map_err(|errors| {
            format!(
                "fixture {trial_name} does not load ({} problem(s)):\n{errors}",
                errors.0.len()
            )
        })?;
    let store = configured_store()?;
    let started_at = crate::store::record::now_rfc3339();
    // The agent gets the input itself, not a copy; the run record keeps only its hash.
    let input_sha256 = store.as_ref().map(|_| input_sha256(&fixture.input.input));
    let input = std::mem::take(&mut fixture.input.input);
    let result = replay_fixture(suite, &fixture, input, mode, trial_name, validators, true);
    if let (Some(store), Some(input_sha256)) = (store, input_sha256) {
        let record = trial_record(suite, &fixture, input_sha256, run_type, started_at, &result);
        store
            .insert_run(&record)
            .map_err(|e| format!("could not write the run record of {trial_name}: {e}"))?;
    }
    if result.expectation.ok
        && !super::snapshot::is_ci()
        && let Err(e) = crate::fixture::proof::note_pass(&fixture, &result.judgement)
    {
        eprintln!("{trial_name}: could not record proof.passed_on in notes.json: {e}");
    }
    if result.passed() {
        let drift = LiveDrift::of(&result.run.observation.calls);
        if !drift.is_empty() {
            eprintln!(
                "note: {trial_name} passed in live mode, but {} live response(s) differ from the recording:\n{drift}  if today's answers are the ones to keep, re-record with `cargo xtask fixture record {}`",
                drift.len(),
                fixture.dir.display()
            );
        }
        return Ok(());
    }
    Err(FailureReport {
        trial: trial_name,
        fixture: &fixture,
        mode,
        result: &result,
    }
    .to_string())
}

/// Refuses a fixture folder that escapes its suite root (a symlink pointing outside, say).
pub(crate) fn check_containment(dir: &Path) -> Result<(), crate::fixture::SuiteError> {
    match (dir.parent(), dir.file_name().and_then(|n| n.to_str())) {
        (Some(root), Some(id)) => crate::fixture::resolve_fixture(root, id).map(drop),
        _ => Ok(()),
    }
}

/// Replays, judges and (when `snapshots` is set and the contract wants one) snapshots a
/// loaded fixture. `input` is the agent's input: the fixture's own, moved out of it.
pub fn replay_fixture(
    suite: &SuiteRegistration,
    fixture: &Fixture,
    input: Value,
    mode: Mode,
    trial_name: &str,
    validators: &Validators,
    snapshots: bool,
) -> TrialResult {
    let mut replay = Replay::new(fixture).mode(mode).input(input);
    if let Some(tools) = suite.tools {
        replay = replay.toolbox(tools());
    }
    let run = replay.run_blocking(&suite.agent);
    let judgement = fixture.judge(&run.observation, validators);
    let expectation = judgement.meets(&fixture.expected);
    let wants_snapshot = snapshots && fixture.expected.snapshot.unwrap_or(mode != Mode::Live);
    let snapshot = wants_snapshot.then(|| {
        let volatile = fixture.expected.volatile_patterns();
        let source = format!(
            "{}/{}",
            relative_to_manifest(suite, &suite_dir(suite)),
            fixture.id
        );
        with_snapshot_text(&run.observation, &volatile, |content| {
            assert_snapshot(&SnapshotAssertion {
                dir: &fixture.dir.join(files::SNAPSHOTS),
                name: SNAPSHOT_NAME,
                content,
                source: &source,
                expression: trial_name,
            })
        })
    });
    TrialResult {
        run,
        judgement,
        expectation,
        snapshot,
    }
}

/// `dir` relative to the manifest dir of the crate that declared the suite (so a suite of a
/// library crate collected by another crate's harness keeps `fixtures/...`), else relative to
/// the running crate's, else as it is.
fn relative_to_manifest(suite: &SuiteRegistration, dir: &Path) -> String {
    let running = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    [Some(std::path::PathBuf::from(suite.manifest_dir)), running]
        .into_iter()
        .flatten()
        .find_map(|base| dir.strip_prefix(base).ok().map(|p| p.display().to_string()))
        .unwrap_or_else(|| dir.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_sources_are_relative_to_the_declaring_crate() {
        fn agent<'a>(_: &'a crate::Ctx, _: serde_json::Value) -> crate::agent::AgentFuture<'a> {
            unreachable!()
        }
        let suite = SuiteRegistration {
            function: "f",
            root: "fixtures/refunds",
            manifest_dir: "/work/agents",
            file: "src/lib.rs",
            mode: None,
            tier: None,
            tools: None,
            agent,
        };
        assert_eq!(
            relative_to_manifest(&suite, Path::new("/work/agents/fixtures/refunds")),
            "fixtures/refunds"
        );
        assert_eq!(
            relative_to_manifest(&suite, Path::new("/elsewhere/refunds")),
            "/elsewhere/refunds"
        );
    }
}

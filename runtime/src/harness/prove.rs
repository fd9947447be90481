//! Proving a fixture written by hand: replay it on the broken code and, when it fails its
//! contract there, record `proof.failed_on` (the first half of the proof the health gate asks
//! for; the first passing `cargo test` after the fix records `proof.passed_on`).

use super::discover::suite_dir;
use super::registry::SuiteRegistration;
use super::trial::{effective_mode, replay_fixture};
use crate::contract::Validators;
use crate::fixture::proof::{record_of, save_notes};
use crate::fixture::{
    Fixture, FixtureErrors, Proof, ProofRecord, SuiteError, files, resolve_fixture,
};
use std::path::{Path, PathBuf};

/// What proving a fixture did.
#[derive(Debug, Clone, PartialEq)]
pub enum Proving {
    /// It fails its contract on the current code; `proof.failed_on` is now this record (and a
    /// `proof.passed_on` from before was removed: it no longer follows the failure).
    Recorded(ProofRecord),
    /// It has a `proof.failed_on` already; nothing was replayed or written.
    AlreadyRecorded(ProofRecord),
    /// It meets its contract on the current code: there is no failure to record.
    Passes,
}

/// Why a fixture could not be proven.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    /// The folder is not directly inside a registered suite's folder.
    #[error(transparent)]
    NoSuite(#[from] UnknownSuite),
    /// The folder leads out of its suite, or its name is not a fixture id.
    #[error("{0}")]
    Refused(SuiteError),
    /// The fixture does not load.
    #[error("{} does not load ({} problem(s)); fix it first:\n{errors}", dir.display(), errors.0.len())]
    Load {
        /// The fixture folder.
        dir: PathBuf,
        /// What is wrong with its files.
        errors: FixtureErrors,
    },
    /// `TAPEDECK_MODE` is not a mode.
    #[error("{0}")]
    Mode(String),
    /// `notes.json` could not be written.
    #[error("writing {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

/// A folder that no registered suite has, with the suites there are.
#[derive(Debug, thiserror::Error)]
#[error("no registered suite has the folder {}; registered suites:\n{}", dir.display(), known_suites(known))]
pub struct UnknownSuite {
    /// The folder asked for.
    pub dir: PathBuf,
    /// `(folder, agent function)` of every registered suite.
    pub known: Vec<(PathBuf, &'static str)>,
}

fn known_suites(known: &[(PathBuf, &'static str)]) -> String {
    if known.is_empty() {
        return "  (none: link the crates with #[agent_fixture] into the xtask)".to_string();
    }
    let lines: Vec<String> = known
        .iter()
        .map(|(dir, function)| format!("  {} ({function})", dir.display()))
        .collect();
    lines.join("\n")
}

/// The registered suite whose folder is `dir` (compared after resolving both, so a relative
/// path from the working directory finds it).
pub fn find_suite<'h>(
    suites: &'h [SuiteRegistration],
    dir: &Path,
) -> Result<&'h SuiteRegistration, UnknownSuite> {
    suites
        .iter()
        .find(|s| same_dir(&suite_dir(s), dir))
        .ok_or_else(|| UnknownSuite {
            dir: dir.to_path_buf(),
            known: suites.iter().map(|s| (suite_dir(s), s.function)).collect(),
        })
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Replays the fixture in `fixture_dir` (a folder of one of `suites`) on the current code and
/// records `proof.failed_on` when it does not meet its contract. A fixture that has a
/// `failed_on` already is left alone unless `again` is set.
pub fn prove_fixture(
    suites: &[SuiteRegistration],
    fixture_dir: &Path,
    validators: &Validators,
    again: bool,
) -> Result<Proving, ProveError> {
    let (root, id) = split_fixture_dir(fixture_dir);
    let suite = find_suite(suites, root)?;
    let dir = resolve_fixture(&suite_dir(suite), id).map_err(ProveError::Refused)?;
    let fixture = Fixture::load(&dir).map_err(|errors| ProveError::Load {
        dir: dir.clone(),
        errors,
    })?;
    let existing = fixture
        .notes
        .proof
        .as_ref()
        .and_then(|p| p.failed_on.clone());
    if let (Some(record), false) = (existing, again) {
        return Ok(Proving::AlreadyRecorded(record));
    }
    let mode = effective_mode(suite).map_err(ProveError::Mode)?;
    let name = format!("{}::{}", suite.name(), fixture.id);
    let input = fixture.input.input.clone();
    let result = replay_fixture(suite, &fixture, input, mode, &name, validators, false);
    if result.expectation.ok {
        return Ok(Proving::Passes);
    }
    let record = record_of(&result.judgement);
    let mut notes = fixture.notes.clone();
    notes.proof = Some(Proof {
        failed_on: Some(record.clone()),
        passed_on: None,
    });
    save_notes(&dir, &notes).map_err(|source| ProveError::Io {
        path: dir.join(files::NOTES),
        source,
    })?;
    Ok(Proving::Recorded(record))
}

/// `(suite folder, fixture id)` of a fixture folder as given (`fixtures/booking/late/` too).
fn split_fixture_dir(dir: &Path) -> (&Path, &str) {
    let id = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let root = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    (root, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixture_folder_splits_into_its_suite_folder_and_id() {
        assert_eq!(
            split_fixture_dir(Path::new("fixtures/booking/late/")),
            (Path::new("fixtures/booking"), "late")
        );
        assert_eq!(
            split_fixture_dir(Path::new("late")),
            (Path::new("."), "late")
        );
        assert_eq!(split_fixture_dir(Path::new("/")).1, "");
    }
}

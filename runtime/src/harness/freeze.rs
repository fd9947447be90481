//! Freezing a failed run into a fixture of a registered suite, and checking at once that the
//! fixture reproduces the failure.

use super::discover::suite_dir;
use super::registry::SuiteRegistration;
use super::trial::{effective_mode, replay_fixture};
use crate::contract::Validators;
use crate::fixture::from_run::{FromRunError, draft};
use crate::fixture::proof::{Reproduction, classify, record_failed_on};
use crate::fixture::{Fixture, Tier};
use crate::store::Store;

/// A fixture made from a run, and what its first replay showed.
#[derive(Debug)]
pub struct Frozen {
    /// The written fixture (with `proof.failed_on` when it reproduced).
    pub fixture: Fixture,
    /// Whether it fails as the run did.
    pub reproduction: Reproduction,
}

/// Builds the fixture `id` of `suite` from run `run_id`, writes it, replays it against the
/// current code, and records `proof.failed_on` when it fails as the run did.
pub fn freeze_run(
    store: &dyn Store,
    run_id: &str,
    suite: &SuiteRegistration,
    id: &str,
    tier: Option<Tier>,
    validators: &Validators,
) -> Result<Frozen, FromRunError> {
    crate::fixture::id::check_id(id).map_err(FromRunError::BadId)?;
    let drafted = draft(store, run_id, tier)?;
    let dir = suite_dir(suite).join(id);
    let mut fixture = drafted.write(&dir)?;
    let mode = effective_mode(suite).unwrap_or_default();
    let name = format!("{}::{id}", suite.name());
    // A copy: the frozen fixture is handed back whole.
    let input = fixture.input.input.clone();
    let result = replay_fixture(suite, &fixture, input, mode, &name, validators, false);
    let reproduction = classify(&drafted.run, &result.judgement, result.expectation.ok);
    if let Reproduction::Reproduced(record) = &reproduction {
        fixture.notes =
            record_failed_on(&dir, &fixture.notes, record.clone()).map_err(|source| {
                FromRunError::Io {
                    path: dir.join(crate::fixture::files::NOTES),
                    source,
                }
            })?;
    }
    Ok(Frozen {
        fixture,
        reproduction,
    })
}

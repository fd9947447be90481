//! The `idempotency` table.

use super::param::params;
use super::{Cells, Db, count};
use crate::resilience::idempotency::{Begin, Finish, StoredOutcome};
use crate::store::time;

pub(crate) fn begin<D: Db>(
    c: &mut D,
    key: &str,
    fingerprint: &str,
    run_id: Option<&str>,
) -> Result<Begin, D::Error> {
    let now = time::now_rfc3339();
    let inserted = c.execute(
        "INSERT INTO idempotency (key, request_sha256, state, created_at, updated_at, run_id) VALUES (?1, ?2, 'in_progress', ?3, ?3, ?4) ON CONFLICT (key) DO NOTHING",
        params![key, fingerprint, &now, run_id],
    )?;
    if inserted == 1 {
        return Ok(Begin::Execute);
    }
    let row = c
        .query(
            "SELECT request_sha256, state, outcome FROM idempotency WHERE key = ?1",
            params![key],
            |r| Ok((r.text(0)?, r.text(1)?, r.opt_text(2)?)),
        )?
        .pop();
    let Some((stored_fingerprint, state, outcome)) = row else {
        return Ok(Begin::InUse);
    };
    if stored_fingerprint != fingerprint {
        return Ok(Begin::Reused);
    }
    match state.as_str() {
        "completed" => Ok(outcome
            .and_then(|o| serde_json::from_str::<StoredOutcome>(&o).ok())
            .map_or(Begin::InUse, Begin::Replay)),
        "unconfirmed" => {
            // Claim the retry: exactly one caller moves it back in flight.
            let claimed = c.execute(
                "UPDATE idempotency SET state = 'in_progress', updated_at = ?2, run_id = ?3 WHERE key = ?1 AND state = 'unconfirmed'",
                params![key, &now, run_id],
            )?;
            Ok(if claimed == 1 {
                Begin::Execute
            } else {
                Begin::InUse
            })
        }
        _ => Ok(Begin::InUse),
    }
}

pub(crate) fn finish<D: Db>(c: &mut D, key: &str, finish: &Finish) -> Result<(), D::Error> {
    let (state, outcome) = match finish {
        Finish::Completed(o) => ("completed", serde_json::to_string(o).ok()),
        Finish::Unconfirmed => ("unconfirmed", None),
    };
    c.execute(
        "UPDATE idempotency SET state = ?2, outcome = ?3, updated_at = ?4 WHERE key = ?1",
        params![key, state, outcome, time::now_rfc3339()],
    )?;
    Ok(())
}

/// Moves the keys `run_id` holds in flight to `unconfirmed`: its process is gone, so whether
/// the service applied the call is unknown, and the next caller with the key may claim it.
pub(crate) fn release_run<D: Db>(c: &mut D, run_id: &str) -> Result<usize, D::Error> {
    c.execute(
        "UPDATE idempotency SET state = 'unconfirmed', updated_at = ?2 WHERE run_id = ?1 AND state = 'in_progress'",
        params![run_id, time::now_rfc3339()],
    )
    .map(count)
}

/// Moves the keys claimed without a run and in flight since before `claimed_before` to
/// `unconfirmed`: no run will ever close them, so their lease is all that ends them.
pub(crate) fn release_stale<D: Db>(c: &mut D, claimed_before: &str) -> Result<usize, D::Error> {
    c.execute(
        "UPDATE idempotency SET state = 'unconfirmed', updated_at = ?2 WHERE run_id IS NULL AND state = 'in_progress' AND updated_at < ?1",
        params![claimed_before, time::now_rfc3339()],
    )
    .map(count)
}

//! The `idempotency` table.

use crate::resilience::idempotency::{Begin, Finish, StoredOutcome};
use crate::store::time;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) fn begin(
    c: &Connection,
    key: &str,
    fingerprint: &str,
    run_id: Option<&str>,
) -> rusqlite::Result<Begin> {
    let now = time::now_rfc3339();
    let inserted = c
        .prepare_cached(
            "INSERT INTO idempotency (key, request_sha256, state, created_at, updated_at, run_id) VALUES (?1, ?2, 'in_progress', ?3, ?3, ?4) ON CONFLICT (key) DO NOTHING",
        )?
        .execute(params![key, fingerprint, now, run_id])?;
    if inserted == 1 {
        return Ok(Begin::Execute);
    }
    let row: Option<(String, String, Option<String>)> = c
        .prepare_cached("SELECT request_sha256, state, outcome FROM idempotency WHERE key = ?1")?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
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
            let claimed = c
                .prepare_cached(
                    "UPDATE idempotency SET state = 'in_progress', updated_at = ?2, run_id = ?3 WHERE key = ?1 AND state = 'unconfirmed'",
                )?
                .execute(params![key, now, run_id])?;
            Ok(if claimed == 1 {
                Begin::Execute
            } else {
                Begin::InUse
            })
        }
        _ => Ok(Begin::InUse),
    }
}

pub(super) fn finish(c: &Connection, key: &str, finish: &Finish) -> rusqlite::Result<()> {
    let (state, outcome) = match finish {
        Finish::Completed(o) => ("completed", serde_json::to_string(o).ok()),
        Finish::Unconfirmed => ("unconfirmed", None),
    };
    c.prepare_cached(
        "UPDATE idempotency SET state = ?2, outcome = ?3, updated_at = ?4 WHERE key = ?1",
    )?
    .execute(params![key, state, outcome, time::now_rfc3339()])?;
    Ok(())
}

/// Moves the keys `run_id` holds in flight to `unconfirmed`: its process is gone, so whether
/// the service applied the call is unknown, and the next caller with the key may claim it.
pub(super) fn release_run(c: &Connection, run_id: &str) -> rusqlite::Result<usize> {
    c.prepare_cached(
        "UPDATE idempotency SET state = 'unconfirmed', updated_at = ?2 WHERE run_id = ?1 AND state = 'in_progress'",
    )?
    .execute(params![run_id, time::now_rfc3339()])
}

/// Moves the keys claimed without a run and in flight since before `claimed_before` to
/// `unconfirmed`: no run will ever close them, so their lease is all that ends them.
pub(super) fn release_stale(c: &Connection, claimed_before: &str) -> rusqlite::Result<usize> {
    c.prepare_cached(
        "UPDATE idempotency SET state = 'unconfirmed', updated_at = ?2 WHERE run_id IS NULL AND state = 'in_progress' AND updated_at < ?1",
    )?
    .execute(params![claimed_before, time::now_rfc3339()])
}

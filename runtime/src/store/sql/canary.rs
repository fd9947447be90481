//! Heartbeats, overrides, sessions and the monitor's aggregate queries.

use super::param::params;
use super::runs::{COLUMNS, Decoded, read_row};
use super::{Cells, Db, count};
use crate::fixture::Tier;
use crate::store::canary::{PHASE_FINISHED, PHASE_STARTED};
use crate::store::{FirstBadRun, Heartbeat, HistoryPoint, Override, RunType};

pub(crate) fn record_heartbeat<D: Db>(c: &mut D, h: &Heartbeat) -> Result<(), D::Error> {
    c.execute(
        "INSERT INTO heartbeats (session_id, tier, phase, at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (session_id, tier, phase) DO UPDATE SET at = excluded.at",
        params![&h.session_id, h.tier.as_str(), &h.phase, &h.at],
    )?;
    Ok(())
}

pub(crate) fn last_heartbeats<D: Db>(c: &mut D) -> Result<Vec<Heartbeat>, D::Error> {
    let mut out = Vec::new();
    for (tier, phase) in Tier::ALL
        .into_iter()
        .flat_map(|t| [(t, PHASE_STARTED), (t, PHASE_FINISHED)])
    {
        out.extend(c.query(
            "SELECT session_id, tier, phase, at FROM heartbeats WHERE tier = ?1 AND phase = ?2 ORDER BY at DESC LIMIT 1",
            params![tier.as_str(), phase],
            |row| {
                Ok(Heartbeat {
                    session_id: row.text(0)?,
                    tier,
                    phase: row.text(2)?,
                    at: row.text(3)?,
                })
            },
        )?);
    }
    Ok(out)
}

/// Marks FINAL and ATTEMPT records of a session and writes its summary (for the history chart).
pub(crate) fn finalize_session<D: Db>(c: &mut D, session_id: &str) -> Result<usize, D::Error> {
    let marked = c.execute(
        "UPDATE runs SET finality = CASE WHEN attempt = (SELECT MAX(r2.attempt) FROM runs r2 WHERE r2.session_id = runs.session_id AND r2.fixture_id = runs.fixture_id) THEN 'final' ELSE 'attempt' END WHERE session_id = ?1",
        params![session_id],
    )?;
    c.execute(
        "INSERT INTO sessions (session_id, started_at, passing, failing, inconclusive) SELECT ?1, COALESCE(MIN(started_at), ''), COALESCE(SUM(CASE WHEN status IN ('passed', 'degraded') THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status IN ('failed', 'blocked') THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status IN ('inconclusive', 'skipped') THEN 1 ELSE 0 END), 0) FROM runs WHERE session_id = ?1 AND finality = 'final' ON CONFLICT (session_id) DO UPDATE SET started_at = excluded.started_at, passing = excluded.passing, failing = excluded.failing, inconclusive = excluded.inconclusive",
        params![session_id],
    )?;
    Ok(count(marked))
}

pub(crate) fn insert_override<D: Db>(c: &mut D, o: &Override) -> Result<(), D::Error> {
    c.execute(
        "INSERT INTO overrides (override_id, fixtures, who, why, created_at, until) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![&o.override_id, &o.fixtures, &o.who, &o.why, &o.created_at, &o.until],
    )?;
    Ok(())
}

pub(crate) fn active_overrides<D: Db>(c: &mut D, now: &str) -> Result<Vec<Override>, D::Error> {
    c.query(
        "SELECT override_id, fixtures, who, why, created_at, until FROM overrides WHERE until > ?1 ORDER BY created_at",
        params![now],
        |row| {
            Ok(Override {
                override_id: row.text(0)?,
                fixtures: row.text(1)?,
                who: row.text(2)?,
                why: row.text(3)?,
                created_at: row.text(4)?,
                until: row.text(5)?,
            })
        },
    )
}

/// The latest record per fixture, through `fixture_latest` (one row per fixture).
pub(crate) fn latest_results<D: Db>(
    c: &mut D,
    run_type: RunType,
) -> Result<Vec<Decoded>, D::Error> {
    let columns: String = COLUMNS
        .split(", ")
        .map(|c| format!("r.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM fixture_latest l JOIN runs r ON r.run_id = l.run_id WHERE l.run_type = ?1 ORDER BY l.fixture_id"
    );
    c.query(&sql, params![run_type.as_str()], |row| read_row(row))
}

pub(crate) fn first_bad_runs<D: Db>(c: &mut D, since: &str) -> Result<Vec<FirstBadRun>, D::Error> {
    let rows = c.query(
        "SELECT r.failure_class, r.started_at, MIN(r.run_id) FROM runs r JOIN (SELECT failure_class AS fc, MIN(started_at) AS first FROM runs WHERE run_type = 'production' AND failure_class IS NOT NULL AND status NOT IN ('passed', 'degraded') AND started_at >= ?1 GROUP BY failure_class) f ON r.failure_class = f.fc AND r.started_at = f.first WHERE r.run_type = 'production' GROUP BY r.failure_class, r.started_at ORDER BY r.started_at",
        params![since],
        |row| Ok((row.text(0)?, row.text(1)?, row.text(2)?)),
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|(class, started_at, run_id)| {
            let failure_class = serde_json::from_value(serde_json::Value::String(class)).ok()?;
            Some(FirstBadRun {
                failure_class,
                started_at,
                run_id,
            })
        })
        .collect())
}

pub(crate) fn session_history<D: Db>(
    c: &mut D,
    limit: usize,
) -> Result<Vec<HistoryPoint>, D::Error> {
    let tally = |n: i64| usize::try_from(n).unwrap_or(0);
    let mut out = c.query(
        "SELECT session_id, started_at, passing, failing, inconclusive FROM sessions ORDER BY started_at DESC LIMIT ?1",
        params![limit as u64],
        |row| {
            Ok(HistoryPoint {
                session_id: row.text(0)?,
                at: row.text(1)?,
                passing: tally(row.int(2)?),
                failing: tally(row.int(3)?),
                inconclusive: tally(row.int(4)?),
            })
        },
    )?;
    out.reverse();
    Ok(out)
}

//! Heartbeats, overrides, sessions and the monitor's aggregate queries.

use super::runs::{COLUMNS, Decoded, read_row};
use crate::fixture::Tier;
use crate::store::canary::{PHASE_FINISHED, PHASE_STARTED};
use crate::store::{FirstBadRun, Heartbeat, HistoryPoint, Override, RunType};
use rusqlite::{Connection, params};

pub(super) fn record_heartbeat(c: &Connection, h: &Heartbeat) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO heartbeats (session_id, tier, phase, at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (session_id, tier, phase) DO UPDATE SET at = excluded.at",
    )?
    .execute(params![h.session_id, h.tier.as_str(), h.phase, h.at])?;
    Ok(())
}

pub(super) fn last_heartbeats(c: &Connection) -> rusqlite::Result<Vec<Heartbeat>> {
    let mut out = Vec::new();
    let mut statement = c.prepare_cached(
        "SELECT session_id, tier, phase, at FROM heartbeats WHERE tier = ?1 AND phase = ?2 ORDER BY at DESC LIMIT 1",
    )?;
    for (tier, phase) in Tier::ALL
        .into_iter()
        .flat_map(|t| [(t, PHASE_STARTED), (t, PHASE_FINISHED)])
    {
        let rows = statement.query_map([tier.as_str(), phase], |row| {
            Ok(Heartbeat {
                session_id: row.get(0)?,
                tier,
                phase: row.get(2)?,
                at: row.get(3)?,
            })
        })?;
        for row in rows {
            out.push(row?);
        }
    }
    Ok(out)
}

/// Marks FINAL and ATTEMPT records of a session and writes its summary (for the history chart).
pub(super) fn finalize_session(c: &Connection, session_id: &str) -> rusqlite::Result<usize> {
    let marked = c.execute(
        "UPDATE runs SET finality = CASE WHEN attempt = (SELECT MAX(r2.attempt) FROM runs r2 WHERE r2.session_id = runs.session_id AND r2.fixture_id = runs.fixture_id) THEN 'final' ELSE 'attempt' END WHERE session_id = ?1",
        [session_id],
    )?;
    c.execute(
        "INSERT INTO sessions (session_id, started_at, passing, failing, inconclusive) SELECT ?1, COALESCE(MIN(started_at), ''), COALESCE(SUM(CASE WHEN status IN ('passed', 'degraded') THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status IN ('failed', 'blocked') THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status IN ('inconclusive', 'skipped') THEN 1 ELSE 0 END), 0) FROM runs WHERE session_id = ?1 AND finality = 'final' ON CONFLICT (session_id) DO UPDATE SET started_at = excluded.started_at, passing = excluded.passing, failing = excluded.failing, inconclusive = excluded.inconclusive",
        [session_id],
    )?;
    Ok(marked)
}

pub(super) fn insert_override(c: &Connection, o: &Override) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO overrides (override_id, fixtures, who, why, created_at, until) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![o.override_id, o.fixtures, o.who, o.why, o.created_at, o.until],
    )?;
    Ok(())
}

pub(super) fn active_overrides(c: &Connection, now: &str) -> rusqlite::Result<Vec<Override>> {
    let mut statement = c.prepare_cached(
        "SELECT override_id, fixtures, who, why, created_at, until FROM overrides WHERE until > ?1 ORDER BY created_at",
    )?;
    let rows = statement.query_map([now], |row| {
        Ok(Override {
            override_id: row.get(0)?,
            fixtures: row.get(1)?,
            who: row.get(2)?,
            why: row.get(3)?,
            created_at: row.get(4)?,
            until: row.get(5)?,
        })
    })?;
    rows.collect()
}

/// The latest record per fixture, through `fixture_latest` (one row per fixture).
pub(super) fn latest_results(c: &Connection, run_type: RunType) -> rusqlite::Result<Vec<Decoded>> {
    let columns: String = COLUMNS
        .split(", ")
        .map(|c| format!("r.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM fixture_latest l JOIN runs r ON r.run_id = l.run_id WHERE l.run_type = ?1 ORDER BY l.fixture_id"
    );
    let mut statement = c.prepare_cached(&sql)?;
    let rows = statement.query_map([run_type.as_str()], read_row)?;
    rows.collect()
}

pub(super) fn first_bad_runs(c: &Connection, since: &str) -> rusqlite::Result<Vec<FirstBadRun>> {
    let mut statement = c.prepare_cached(
        "SELECT r.failure_class, r.started_at, MIN(r.run_id) FROM runs r JOIN (SELECT failure_class AS fc, MIN(started_at) AS first FROM runs WHERE run_type = 'production' AND failure_class IS NOT NULL AND status NOT IN ('passed', 'degraded') AND started_at >= ?1 GROUP BY failure_class) f ON r.failure_class = f.fc AND r.started_at = f.first WHERE r.run_type = 'production' GROUP BY r.failure_class, r.started_at ORDER BY r.started_at",
    )?;
    let rows = statement.query_map([since], |row| {
        let class: String = row.get(0)?;
        Ok((class, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (class, started_at, run_id) = row?;
        if let Ok(failure_class) = serde_json::from_value(serde_json::Value::String(class)) {
            out.push(FirstBadRun {
                failure_class,
                started_at,
                run_id,
            });
        }
    }
    Ok(out)
}

pub(super) fn session_history(c: &Connection, limit: usize) -> rusqlite::Result<Vec<HistoryPoint>> {
    let mut statement = c.prepare_cached(
        "SELECT session_id, started_at, passing, failing, inconclusive FROM sessions ORDER BY started_at DESC LIMIT ?1",
    )?;
    let rows = statement.query_map([limit as i64], |row| {
        Ok(HistoryPoint {
            session_id: row.get(0)?,
            at: row.get(1)?,
            passing: row.get::<_, i64>(2)? as usize,
            failing: row.get::<_, i64>(3)? as usize,
            inconclusive: row.get::<_, i64>(4)? as usize,
        })
    })?;
    let mut out: Vec<HistoryPoint> = rows.collect::<rusqlite::Result<_>>()?;
    out.reverse();
    Ok(out)
}

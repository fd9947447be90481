//! The `runs` table: insert, close, read and query run records.

use crate::fixture::Tier;
use crate::store::query::RunQuery;
use crate::store::record::{Finality, RunRecord, RunType};
use crate::store::{DEFAULT_TIMEOUT_SECONDS, OverdueRun, time};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The record's columns, in [`read_row`] order.
pub(super) const COLUMNS: &str = "run_id, task_id, attempt, agent_name, run_type, fixture_id, started_at, closed_at, code_version, model, prompt_version, tool_allowlist, timeout_seconds, input_sha256, output_sha256, state_refs, artifact_refs, status, failure_class, failure_reason, reasons, tokens_in, tokens_out, cost_usd, trace_id, parent_run_id, tier, session_id, finality, proven, expectation_met";

/// The number of [`COLUMNS`].
const COLUMN_COUNT: usize = 31;

/// A row that is not a valid record: the message says which run and which value.
pub(super) type Decoded = Result<RunRecord, String>;

pub(super) fn insert(
    c: &Connection,
    run: &RunRecord,
    artifact_root: Option<&Path>,
) -> rusqlite::Result<()> {
    let timeout = run.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS);
    let deadline_at = time::add(&run.started_at, Duration::from_secs(timeout));
    let sql = format!(
        "INSERT INTO runs ({COLUMNS}, deadline_at, artifact_root) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)"
    );
    c.prepare_cached(&sql)?.execute(params![
        run.run_id,
        run.task_id,
        run.attempt,
        run.agent_name,
        run.run_type.as_str(),
        run.fixture_id,
        run.started_at,
        run.closed_at,
        run.code_version,
        run.model,
        run.prompt_version,
        run.tool_allowlist.as_ref().map(json),
        run.timeout_seconds.map(|t| t as i64),
        run.input_sha256,
        run.output_sha256,
        json(&run.state_refs),
        json(&run.artifact_refs),
        run.status.map(|s| s.as_str()),
        run.failure_class.map(|c| c.as_str()),
        run.failure_reason,
        json(&run.reasons),
        run.tokens_in as i64,
        run.tokens_out as i64,
        run.cost_usd,
        run.trace_id,
        run.parent_run_id,
        run.tier.map(|t| t.as_str()),
        run.session_id,
        run.finality.map(|f| f.as_str()),
        run.proven,
        run.expectation_met,
        deadline_at,
        artifact_root.map(|p| p.to_string_lossy().into_owned()),
    ])?;
    if let (Some(fixture_id), Some(_)) = (&run.fixture_id, &run.closed_at) {
        note_latest(c, run.run_type, fixture_id, &run.run_id, &run.started_at)?;
    }
    Ok(())
}

/// Keeps `fixture_latest` pointing at each fixture's latest closed record, so that the monitor
/// reads one row per fixture instead of scanning history. (A retried ATTEMPT never starts after
/// its FINAL sibling, so the latest record is the FINAL one.)
fn note_latest(
    c: &Connection,
    run_type: RunType,
    fixture_id: &str,
    run_id: &str,
    started_at: &str,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO fixture_latest (run_type, fixture_id, run_id, started_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (run_type, fixture_id) DO UPDATE SET run_id = excluded.run_id, started_at = excluded.started_at WHERE excluded.started_at >= fixture_latest.started_at",
    )?
    .execute(params![run_type.as_str(), fixture_id, run_id, started_at])?;
    Ok(())
}

pub(super) fn close(c: &Connection, run: &RunRecord) -> rusqlite::Result<bool> {
    let changed = c
        .prepare_cached(
            "UPDATE runs SET closed_at = ?2, output_sha256 = ?3, state_refs = ?4, artifact_refs = ?5, status = ?6, failure_class = ?7, failure_reason = ?8, reasons = ?9, tokens_in = ?10, tokens_out = ?11, cost_usd = ?12 WHERE run_id = ?1 AND closed_at IS NULL",
        )?
        .execute(params![
            run.run_id,
            run.closed_at.clone().unwrap_or_else(time::now_rfc3339),
            run.output_sha256,
            json(&run.state_refs),
            json(&run.artifact_refs),
            run.status.map(|s| s.as_str()),
            run.failure_class.map(|c| c.as_str()),
            run.failure_reason,
            json(&run.reasons),
            run.tokens_in as i64,
            run.tokens_out as i64,
            run.cost_usd,
        ])?;
    if changed == 1
        && let Some(fixture_id) = &run.fixture_id
    {
        note_latest(c, run.run_type, fixture_id, &run.run_id, &run.started_at)?;
    }
    Ok(changed == 1)
}

pub(super) fn one(c: &Connection, run_id: &str) -> rusqlite::Result<Option<Decoded>> {
    let sql = format!("SELECT {COLUMNS} FROM runs WHERE run_id = ?1");
    c.prepare_cached(&sql)?
        .query_row([run_id], read_row)
        .optional()
}

pub(super) fn query(c: &Connection, query: &RunQuery) -> rusqlite::Result<Vec<Decoded>> {
    let mut conditions = Vec::new();
    let mut args: Vec<SqlValue> = Vec::new();
    let mut bind = |condition: &str, value: SqlValue| {
        args.push(value);
        conditions.push(condition.replace('?', &format!("?{}", args.len())));
    };
    if let Some(t) = query.run_type {
        bind("run_type = ?", SqlValue::Text(t.as_str().into()));
    }
    if let Some(f) = &query.fixture_id {
        bind("fixture_id = ?", SqlValue::Text(f.clone()));
    }
    if let Some(a) = &query.agent_name {
        bind("agent_name = ?", SqlValue::Text(a.clone()));
    }
    if let Some(s) = query.status {
        bind("status = ?", SqlValue::Text(s.as_str().into()));
    }
    if let Some(session) = &query.session_id {
        bind("session_id = ?", SqlValue::Text(session.clone()));
    }
    if let Some(until) = &query.until {
        bind("started_at < ?", SqlValue::Text(until.clone()));
    }
    if let Some(since) = &query.since {
        bind("started_at >= ?", SqlValue::Text(since.clone()));
    }
    match query.open {
        Some(true) => conditions.push("closed_at IS NULL".into()),
        Some(false) => conditions.push("closed_at IS NOT NULL".into()),
        None => {}
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    let limit = query
        .limit
        .map(|n| format!(" LIMIT {n}"))
        .unwrap_or_default();
    let sql =
        format!("SELECT {COLUMNS} FROM runs{filter} ORDER BY started_at DESC, run_id DESC{limit}");
    let mut statement = c.prepare(&sql)?;
    let rows = statement.query_map(params_from_iter(args.iter()), read_row)?;
    rows.collect()
}

pub(super) fn overdue(
    c: &Connection,
    cutoff: &str,
) -> rusqlite::Result<Vec<Result<OverdueRun, String>>> {
    let sql = format!(
        "SELECT {COLUMNS}, deadline_at, artifact_root FROM runs WHERE closed_at IS NULL AND deadline_at < ?1 ORDER BY deadline_at, run_id"
    );
    let mut statement = c.prepare_cached(&sql)?;
    let rows = statement.query_map([cutoff], |row| {
        let record = read_row(row)?;
        let deadline_at: String = row.get(COLUMN_COUNT)?;
        let artifact_root: Option<String> = row.get(COLUMN_COUNT + 1)?;
        Ok(record.map(|record| OverdueRun {
            record,
            deadline_at,
            artifact_root: artifact_root.map(PathBuf::from),
        }))
    })?;
    rows.collect()
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// Parses a stored enum value (`status`, `failure_class`) by its wire name.
fn wire<T: serde::de::DeserializeOwned>(
    run_id: &str,
    what: &str,
    text: Option<String>,
) -> Result<Option<T>, String> {
    match text {
        None => Ok(None),
        Some(text) => serde_json::from_value(serde_json::Value::String(text.clone()))
            .map(Some)
            .map_err(|_| format!("run {run_id}: {what} {text:?} is not a known value")),
    }
}

/// Reads a row; an unreadable value (a hand-edited status, say) is `Err` with a message.
pub(super) fn read_row(row: &Row<'_>) -> rusqlite::Result<Decoded> {
    let run_id: String = row.get(0)?;
    let run_type: String = row.get(4)?;
    let list = |i: usize| -> rusqlite::Result<Vec<String>> {
        let text: String = row.get(i)?;
        Ok(serde_json::from_str(&text).unwrap_or_default())
    };
    let Some(run_type) = RunType::parse(&run_type) else {
        return Ok(Err(format!(
            "run {run_id}: run_type {run_type:?} is not a known value"
        )));
    };
    let status = match wire(&run_id, "status", row.get(17)?) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let failure_class = match wire(&run_id, "failure_class", row.get(18)?) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let tool_allowlist: Option<String> = row.get(11)?;
    Ok(Ok(RunRecord {
        task_id: row.get(1)?,
        attempt: row.get(2)?,
        agent_name: row.get(3)?,
        run_type,
        fixture_id: row.get(5)?,
        started_at: row.get(6)?,
        closed_at: row.get(7)?,
        code_version: row.get(8)?,
        model: row.get(9)?,
        prompt_version: row.get(10)?,
        tool_allowlist: tool_allowlist.and_then(|t| serde_json::from_str(&t).ok()),
        timeout_seconds: row.get::<_, Option<i64>>(12)?.map(|t| t as u64),
        input_sha256: row.get(13)?,
        output_sha256: row.get(14)?,
        state_refs: list(15)?,
        artifact_refs: list(16)?,
        status,
        failure_class,
        failure_reason: row.get(19)?,
        reasons: list(20)?,
        tokens_in: row.get::<_, i64>(21)? as u64,
        tokens_out: row.get::<_, i64>(22)? as u64,
        cost_usd: row.get(23)?,
        trace_id: row.get(24)?,
        parent_run_id: row.get(25)?,
        tier: row
            .get::<_, Option<String>>(26)?
            .and_then(|t| Tier::parse(&t)),
        session_id: row.get(27)?,
        finality: match row.get::<_, Option<String>>(28)?.as_deref() {
            Some("final") => Some(Finality::Final),
            Some("attempt") => Some(Finality::Attempt),
            _ => None,
        },
        proven: row.get(29)?,
        expectation_met: row.get(30)?,
        run_id,
    }))
}

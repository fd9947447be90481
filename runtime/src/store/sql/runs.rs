//! The `runs` table: insert, close, read and query run records.

use super::param::params;
use super::{Cells, Db, Param};
use crate::fixture::Tier;
use crate::store::query::RunQuery;
use crate::store::record::{Finality, RunRecord, RunType};
use crate::store::{DEFAULT_TIMEOUT_SECONDS, OverdueRun, time};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The record's columns, in [`read_row`] order.
pub(crate) const COLUMNS: &str = "run_id, task_id, attempt, agent_name, run_type, fixture_id, started_at, closed_at, code_version, model, prompt_version, tool_allowlist, timeout_seconds, input_sha256, output_sha256, state_refs, artifact_refs, status, failure_class, failure_reason, reasons, tokens_in, tokens_out, cost_usd, trace_id, parent_run_id, tier, session_id, finality, proven, expectation_met";

/// The number of [`COLUMNS`].
const COLUMN_COUNT: usize = 31;

/// A row that is not a valid record: the message says which run and which value.
pub(crate) type Decoded = Result<RunRecord, String>;

pub(crate) fn insert<D: Db>(
    c: &mut D,
    run: &RunRecord,
    artifact_root: Option<&Path>,
) -> Result<(), D::Error> {
    let timeout = run.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS);
    let deadline_at = time::add(&run.started_at, Duration::from_secs(timeout));
    let sql = format!(
        "INSERT INTO runs ({COLUMNS}, deadline_at, artifact_root) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)"
    );
    c.execute(
        &sql,
        params![
            &run.run_id,
            &run.task_id,
            run.attempt,
            &run.agent_name,
            run.run_type.as_str(),
            &run.fixture_id,
            &run.started_at,
            &run.closed_at,
            &run.code_version,
            &run.model,
            &run.prompt_version,
            run.tool_allowlist.as_ref().map(json),
            run.timeout_seconds,
            &run.input_sha256,
            &run.output_sha256,
            json(&run.state_refs),
            json(&run.artifact_refs),
            run.status.map(|s| s.as_str()),
            run.failure_class.map(|c| c.as_str()),
            &run.failure_reason,
            json(&run.reasons),
            run.tokens_in,
            run.tokens_out,
            run.cost_usd,
            &run.trace_id,
            &run.parent_run_id,
            run.tier.map(|t| t.as_str()),
            &run.session_id,
            run.finality.map(|f| f.as_str()),
            run.proven,
            run.expectation_met,
            deadline_at,
            artifact_root.map(|p| p.to_string_lossy().into_owned()),
        ],
    )?;
    if let (Some(fixture_id), Some(_)) = (&run.fixture_id, &run.closed_at) {
        note_latest(c, run.run_type, fixture_id, &run.run_id, &run.started_at)?;
    }
    Ok(())
}

/// Keeps `fixture_latest` pointing at each fixture's latest closed record, so that the monitor
/// reads one row per fixture instead of scanning history. (A retried ATTEMPT never starts after
/// its FINAL sibling, so the latest record is the FINAL one.)
fn note_latest<D: Db>(
    c: &mut D,
    run_type: RunType,
    fixture_id: &str,
    run_id: &str,
    started_at: &str,
) -> Result<(), D::Error> {
    c.execute(
        "INSERT INTO fixture_latest (run_type, fixture_id, run_id, started_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (run_type, fixture_id) DO UPDATE SET run_id = excluded.run_id, started_at = excluded.started_at WHERE excluded.started_at >= fixture_latest.started_at",
        params![run_type.as_str(), fixture_id, run_id, started_at],
    )?;
    Ok(())
}

pub(crate) fn close<D: Db>(c: &mut D, run: &RunRecord) -> Result<bool, D::Error> {
    let changed = c.execute(
        "UPDATE runs SET closed_at = ?2, output_sha256 = ?3, state_refs = ?4, artifact_refs = ?5, status = ?6, failure_class = ?7, failure_reason = ?8, reasons = ?9, tokens_in = ?10, tokens_out = ?11, cost_usd = ?12 WHERE run_id = ?1 AND closed_at IS NULL",
        params![
            &run.run_id,
            run.closed_at.clone().unwrap_or_else(time::now_rfc3339),
            &run.output_sha256,
            json(&run.state_refs),
            json(&run.artifact_refs),
            run.status.map(|s| s.as_str()),
            run.failure_class.map(|c| c.as_str()),
            &run.failure_reason,
            json(&run.reasons),
            run.tokens_in,
            run.tokens_out,
            run.cost_usd,
        ],
    )?;
    if changed == 1
        && let Some(fixture_id) = &run.fixture_id
    {
        note_latest(c, run.run_type, fixture_id, &run.run_id, &run.started_at)?;
    }
    Ok(changed == 1)
}

pub(crate) fn one<D: Db>(c: &mut D, run_id: &str) -> Result<Option<Decoded>, D::Error> {
    let sql = format!("SELECT {COLUMNS} FROM runs WHERE run_id = ?1");
    Ok(c.query(&sql, params![run_id], |row| read_row(row))?.pop())
}

pub(crate) fn query<D: Db>(c: &mut D, query: &RunQuery) -> Result<Vec<Decoded>, D::Error> {
    let mut conditions = Vec::new();
    let mut args: Vec<Param<'_>> = Vec::new();
    let mut bind = |condition: &str, value: Param<'static>| {
        args.push(value);
        conditions.push(condition.replace('?', &format!("?{}", args.len())));
    };
    if let Some(t) = query.run_type {
        bind("run_type = ?", Param::from(t.as_str()));
    }
    if let Some(f) = &query.fixture_id {
        bind("fixture_id = ?", Param::from(f.clone()));
    }
    if let Some(a) = &query.agent_name {
        bind("agent_name = ?", Param::from(a.clone()));
    }
    if let Some(s) = query.status {
        bind("status = ?", Param::from(s.as_str()));
    }
    if let Some(session) = &query.session_id {
        bind("session_id = ?", Param::from(session.clone()));
    }
    if let Some(until) = &query.until {
        bind("started_at < ?", Param::from(until.clone()));
    }
    if let Some(since) = &query.since {
        bind("started_at >= ?", Param::from(since.clone()));
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
    c.query(&sql, &args, |row| read_row(row))
}

pub(crate) fn overdue<D: Db>(
    c: &mut D,
    cutoff: &str,
) -> Result<Vec<Result<OverdueRun, String>>, D::Error> {
    let sql = format!(
        "SELECT {COLUMNS}, deadline_at, artifact_root FROM runs WHERE closed_at IS NULL AND deadline_at < ?1 ORDER BY deadline_at, run_id"
    );
    c.query(&sql, params![cutoff], |row| {
        let record = read_row(row)?;
        let deadline_at = row.text(COLUMN_COUNT)?;
        let artifact_root = row.opt_text(COLUMN_COUNT + 1)?;
        Ok(record.map(|record| OverdueRun {
            record,
            deadline_at,
            artifact_root: artifact_root.map(PathBuf::from),
        }))
    })
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
pub(crate) fn read_row<R: Cells>(row: &R) -> Result<Decoded, R::Error> {
    let run_id = row.text(0)?;
    let run_type = row.text(4)?;
    let list = |i: usize| -> Result<Vec<String>, R::Error> {
        Ok(serde_json::from_str(&row.text(i)?).unwrap_or_default())
    };
    let Some(run_type) = RunType::parse(&run_type) else {
        return Ok(Err(format!(
            "run {run_id}: run_type {run_type:?} is not a known value"
        )));
    };
    let status = match wire(&run_id, "status", row.opt_text(17)?) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let failure_class = match wire(&run_id, "failure_class", row.opt_text(18)?) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let Ok(attempt) = u32::try_from(row.int(2)?) else {
        return Ok(Err(format!("run {run_id}: attempt is out of range")));
    };
    let count = |i: usize| -> Result<u64, R::Error> { Ok(row.int(i)?.max(0) as u64) };
    Ok(Ok(RunRecord {
        task_id: row.opt_text(1)?,
        attempt,
        agent_name: row.text(3)?,
        run_type,
        fixture_id: row.opt_text(5)?,
        started_at: row.text(6)?,
        closed_at: row.opt_text(7)?,
        code_version: row.opt_text(8)?,
        model: row.opt_text(9)?,
        prompt_version: row.opt_text(10)?,
        tool_allowlist: row
            .opt_text(11)?
            .and_then(|t| serde_json::from_str(&t).ok()),
        timeout_seconds: row.opt_int(12)?.map(|t| t.max(0) as u64),
        input_sha256: row.opt_text(13)?,
        output_sha256: row.opt_text(14)?,
        state_refs: list(15)?,
        artifact_refs: list(16)?,
        status,
        failure_class,
        failure_reason: row.opt_text(19)?,
        reasons: list(20)?,
        tokens_in: count(21)?,
        tokens_out: count(22)?,
        cost_usd: row.float(23)?,
        trace_id: row.opt_text(24)?,
        parent_run_id: row.opt_text(25)?,
        tier: row.opt_text(26)?.and_then(|t| Tier::parse(&t)),
        session_id: row.opt_text(27)?,
        finality: match row.opt_text(28)?.as_deref() {
            Some("final") => Some(Finality::Final),
            Some("attempt") => Some(Finality::Attempt),
            _ => None,
        },
        proven: row.opt_bool(29)?,
        expectation_met: row.opt_bool(30)?,
        run_id,
    }))
}

//! The embedded default store: one SQLite file in WAL mode.
//!
//! Several processes may write to one file at once (WAL, a busy timeout, and migrations taken
//! under `BEGIN IMMEDIATE`); a crash loses no committed row and never corrupts the file.

use super::migrations::MIGRATIONS;
use super::query::RunQuery;
use super::record::{RunRecord, RunType};
use super::{Store, StoreError};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// How long a writer waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A run store in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    conn: Mutex<Connection>,
}

const COLUMNS: &str = "run_id, task_id, attempt, agent_name, run_type, fixture_id, started_at, closed_at, code_version, model, prompt_version, tool_allowlist, timeout_seconds, input_sha256, output_sha256, state_refs, artifact_refs, status, failure_class, failure_reason, reasons, tokens_in, tokens_out, cost_usd, trace_id, parent_run_id";

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`: WAL mode is set explicitly, and pending
    /// migrations are applied.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let fail = |source: rusqlite::Error| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(&path).map_err(fail)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        // Switching a new file to WAL and migrating it can answer "database is locked" at once,
        // without waiting, while another process does the same: retry until the timeout.
        let mode: String = retry_while_busy(|| {
            let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            conn.execute_batch("PRAGMA synchronous=NORMAL;")?;
            migrate(&conn)?;
            Ok(mode)
        })
        .map_err(fail)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unsupported(format!(
                "{} does not support WAL (journal mode {mode})",
                path.display()
            )));
        }
        Ok(SqliteStore {
            path,
            conn: Mutex::new(conn),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&conn).map_err(|source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        })
    }
}

/// Runs `step` again while SQLite answers busy or locked, for at most [`BUSY_TIMEOUT`].
fn retry_while_busy<T>(mut step: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match step() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")?;
        let applied: u32 = conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
            conn.execute_batch(sql)?;
            conn.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![i as u32 + 1, super::record::now_rfc3339()],
            )?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

impl Store for SqliteStore {
    fn schema_version(&self) -> Result<u32, StoreError> {
        self.with(|c| {
            c.query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                [],
                |r| r.get(0),
            )
        })
    }

    fn insert_run(&self, run: &RunRecord) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO runs ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)"
        );
        self.with(|c| {
            c.execute(
                &sql,
                params![
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
                ],
            )
            .map(drop)
        })
    }

    fn run(&self, run_id: &str) -> Result<Option<RunRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM runs WHERE run_id = ?1");
        let row = self.with(|c| c.query_row(&sql, [run_id], read_row).optional())?;
        row.map(|r| r.map_err(StoreError::Corrupt)).transpose()
    }

    fn runs(&self, query: &RunQuery) -> Result<Vec<RunRecord>, StoreError> {
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
        let sql = format!(
            "SELECT {COLUMNS} FROM runs{filter} ORDER BY started_at DESC, run_id DESC{limit}"
        );
        let rows = self.with(|c| {
            let mut statement = c.prepare(&sql)?;
            let rows = statement.query_map(params_from_iter(args.iter()), read_row)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        rows.into_iter()
            .map(|r| r.map_err(StoreError::Corrupt))
            .collect()
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// Reads a row; an unreadable value (a hand-edited status, say) is `Err` with a message.
fn read_row(row: &Row<'_>) -> rusqlite::Result<Result<RunRecord, String>> {
    let run_id: String = row.get(0)?;
    let run_type: String = row.get(4)?;
    let status: Option<String> = row.get(17)?;
    let failure_class: Option<String> = row.get(18)?;
    let decode =
        |what: &str, text: &str| format!("run {run_id}: {what} {text:?} is not a known value");
    let list = |i: usize| -> rusqlite::Result<Vec<String>> {
        let text: String = row.get(i)?;
        Ok(serde_json::from_str(&text).unwrap_or_default())
    };
    let tool_allowlist: Option<String> = row.get(11)?;
    let record = RunRecord {
        task_id: row.get(1)?,
        attempt: row.get(2)?,
        agent_name: row.get(3)?,
        run_type: match RunType::parse(&run_type) {
            Some(t) => t,
            None => return Ok(Err(decode("run_type", &run_type))),
        },
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
        status: match status
            .as_deref()
            .map(|s| serde_json::from_value(serde_json::Value::String(s.into())))
        {
            None => None,
            Some(Ok(v)) => Some(v),
            Some(Err(_)) => {
                return Ok(Err(decode("status", status.as_deref().unwrap_or_default())));
            }
        },
        failure_class: match failure_class
            .as_deref()
            .map(|s| serde_json::from_value(serde_json::Value::String(s.into())))
        {
            None => None,
            Some(Ok(v)) => Some(v),
            Some(Err(_)) => {
                return Ok(Err(decode(
                    "failure_class",
                    failure_class.as_deref().unwrap_or_default(),
                )));
            }
        },
        failure_reason: row.get(19)?,
        reasons: list(20)?,
        tokens_in: row.get::<_, i64>(21)? as u64,
        tokens_out: row.get::<_, i64>(22)? as u64,
        cost_usd: row.get(23)?,
        trace_id: row.get(24)?,
        parent_run_id: row.get(25)?,
        run_id,
    };
    Ok(Ok(record))
}

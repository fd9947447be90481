//! The embedded default store: one SQLite file in WAL mode.
//!
//! Several processes may write to one file at once (WAL, a busy timeout, and migrations taken
//! under `BEGIN IMMEDIATE`); a crash loses no committed row and never corrupts the file.

mod alerts;
mod canary;
mod events;
mod idempotency;
mod runs;
mod shared;

use super::migrations::MIGRATIONS;
use super::query::RunQuery;
use super::record::RunRecord;
use super::{
    Alert, FirstBadRun, Heartbeat, HistoryPoint, OverdueRun, Override, RunType, Store, StoreError,
    StoredEvent,
};
use rusqlite::{Connection, params};
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

    /// Writes many run records in one transaction (imports, benchmarks, migrations of history).
    pub fn insert_runs(&self, records: &[RunRecord]) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute_batch("BEGIN IMMEDIATE")?;
            let result = records.iter().try_for_each(|r| runs::insert(c, r, None));
            match result {
                Ok(()) => c.execute_batch("COMMIT"),
                Err(e) => {
                    let _ = c.execute_batch("ROLLBACK");
                    Err(e)
                }
            }
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
                params![i as u32 + 1, super::time::now_rfc3339()],
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

    fn open_run(&self, run: &RunRecord, artifact_root: Option<&Path>) -> Result<(), StoreError> {
        self.with(|c| runs::insert(c, run, artifact_root))
    }

    fn close_run(&self, run: &RunRecord) -> Result<bool, StoreError> {
        self.with(|c| runs::close(c, run))
    }

    fn run(&self, run_id: &str) -> Result<Option<RunRecord>, StoreError> {
        let row = self.with(|c| runs::one(c, run_id))?;
        row.map(|r| r.map_err(StoreError::Corrupt)).transpose()
    }

    fn runs(&self, query: &RunQuery) -> Result<Vec<RunRecord>, StoreError> {
        let rows = self.with(|c| runs::query(c, query))?;
        rows.into_iter()
            .map(|r| r.map_err(StoreError::Corrupt))
            .collect()
    }

    fn overdue_runs(&self, cutoff: &str) -> Result<Vec<OverdueRun>, StoreError> {
        let rows = self.with(|c| runs::overdue(c, cutoff))?;
        rows.into_iter()
            .map(|r| r.map_err(StoreError::Corrupt))
            .collect()
    }

    fn append_events(&self, batch: &[StoredEvent]) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        self.with(|c| retry_while_busy(|| events::append(c, batch)))
    }

    fn events(&self, run_id: &str) -> Result<Vec<StoredEvent>, StoreError> {
        self.with(|c| events::of_run(c, run_id))
    }

    fn insert_alert(&self, alert: &Alert) -> Result<(), StoreError> {
        self.with(|c| alerts::insert(c, alert))
    }

    fn alerts(&self, since: Option<&str>) -> Result<Vec<Alert>, StoreError> {
        self.with(|c| alerts::since(c, since))
    }

    fn record_heartbeat(&self, heartbeat: &Heartbeat) -> Result<(), StoreError> {
        self.with(|c| canary::record_heartbeat(c, heartbeat))
    }

    fn last_heartbeats(&self) -> Result<Vec<Heartbeat>, StoreError> {
        self.with(canary::last_heartbeats)
    }

    fn finalize_session(&self, session_id: &str) -> Result<usize, StoreError> {
        self.with(|c| canary::finalize_session(c, session_id))
    }

    fn insert_override(&self, record: &Override) -> Result<(), StoreError> {
        self.with(|c| canary::insert_override(c, record))
    }

    fn active_overrides(&self, now: &str) -> Result<Vec<Override>, StoreError> {
        self.with(|c| canary::active_overrides(c, now))
    }

    fn latest_results(&self, run_type: RunType) -> Result<Vec<RunRecord>, StoreError> {
        let rows = self.with(|c| canary::latest_results(c, run_type))?;
        rows.into_iter()
            .map(|r| r.map_err(StoreError::Corrupt))
            .collect()
    }

    fn first_bad_runs(&self, since: &str) -> Result<Vec<FirstBadRun>, StoreError> {
        self.with(|c| canary::first_bad_runs(c, since))
    }

    fn session_history(&self, limit: usize) -> Result<Vec<HistoryPoint>, StoreError> {
        self.with(|c| canary::session_history(c, limit))
    }

    fn state_get(&self, key: &str) -> Result<Option<super::shared::Versioned>, StoreError> {
        self.with(|c| shared::get(c, key))
    }

    fn state_put(
        &self,
        key: &str,
        expected: Option<u64>,
        value: &serde_json::Value,
    ) -> Result<Option<u64>, StoreError> {
        self.with(|c| shared::put(c, key, expected, value))
    }

    fn idempotency_begin(
        &self,
        key: &str,
        request_sha256: &str,
        run_id: Option<&str>,
    ) -> Result<crate::resilience::idempotency::Begin, StoreError> {
        self.with(|c| idempotency::begin(c, key, request_sha256, run_id))
    }

    fn idempotency_release_run(&self, run_id: &str) -> Result<usize, StoreError> {
        self.with(|c| idempotency::release_run(c, run_id))
    }

    fn idempotency_release_stale(&self, claimed_before: &str) -> Result<usize, StoreError> {
        self.with(|c| idempotency::release_stale(c, claimed_before))
    }

    fn idempotency_finish(
        &self,
        key: &str,
        finish: &crate::resilience::idempotency::Finish,
    ) -> Result<(), StoreError> {
        self.with(|c| idempotency::finish(c, key, finish))
    }
}

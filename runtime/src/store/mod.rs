//! The run store: run records, their events, alerts and canary history.
//!
//! The embedded default is one SQLite file ([`SqliteStore`]); a fleet shares one PostgreSQL
//! database through one `TAPEDECK_STORE=postgres://…` URL (`PostgresStore`, behind the
//! `postgres` feature). Both run the same SQL (`store/sql/`), so callers never know which.

pub mod alert;
pub mod canary;
pub mod event;
pub mod migrations;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod query;
pub mod record;
pub mod shared;
pub mod shared_tools;
mod sql;
pub mod sqlite;
pub mod time;
pub mod url;

pub use alert::Alert;
pub use canary::{FirstBadRun, Heartbeat, HistoryPoint, Override};
pub use event::StoredEvent;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
pub use query::RunQuery;
pub use record::{Finality, RunRecord, RunType};
pub use sqlite::SqliteStore;
pub use url::without_password;

use std::path::{Path, PathBuf};

/// The time budget the watchdog assumes for an open run recorded without `timeout_seconds`.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 3600;

/// The default store file, relative to the workspace (or current) directory.
pub const DEFAULT_STORE_PATH: &str = "target/tapedeck/runs.sqlite";

/// The environment variable naming the store: a path, `sqlite://PATH` or `postgres://…`.
pub const STORE_ENV: &str = "TAPEDECK_STORE";

/// Why the store could not do something.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("run store {}: {source}", path.display())]
    Sqlite {
        /// The store file.
        path: PathBuf,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// The file system failed.
    #[error("run store {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// PostgreSQL failed.
    #[cfg(feature = "postgres")]
    #[error("run store {url}: {}", postgres::message(source))]
    Postgres {
        /// The store URL, without its password.
        url: String,
        /// The client's error.
        source: ::postgres::Error,
    },
    /// The URL names a backend this build does not have.
    #[error("{0}")]
    Unsupported(String),
    /// A stored value could not be read back.
    #[error("run store holds an unreadable record: {0}")]
    Corrupt(String),
}

/// An open run past its deadline, as the watchdog sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct OverdueRun {
    /// The open record.
    pub record: RunRecord,
    /// Its deadline (RFC 3339): `started_at + timeout_seconds`.
    pub deadline_at: String,
    /// The artifact root its staging area lives under, if it staged artifacts.
    pub artifact_root: Option<PathBuf>,
}

/// Where run records, their events and alerts live.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// The number of migrations applied.
    fn schema_version(&self) -> Result<u32, StoreError>;
    /// Writes a new run record (open or already closed).
    fn insert_run(&self, run: &RunRecord) -> Result<(), StoreError> {
        self.open_run(run, None)
    }
    /// Writes many run records in one transaction (imports, benchmarks, history migrations).
    fn insert_runs(&self, runs: &[RunRecord]) -> Result<(), StoreError> {
        runs.iter().try_for_each(|run| self.insert_run(run))
    }
    /// Writes a new run record, with the artifact root of its staging area (for the watchdog).
    fn open_run(&self, run: &RunRecord, artifact_root: Option<&Path>) -> Result<(), StoreError>;
    /// Writes the closing fields of `run` (`closed_at`, status, reasons, hashes, usage) if the
    /// stored run is still open. `Ok(false)` when it was already closed (by the watchdog, say):
    /// exactly one closer wins.
    fn close_run(&self, run: &RunRecord) -> Result<bool, StoreError>;
    /// One run by id.
    fn run(&self, run_id: &str) -> Result<Option<RunRecord>, StoreError>;
    /// Runs matching `query`, newest first.
    fn runs(&self, query: &RunQuery) -> Result<Vec<RunRecord>, StoreError>;
    /// Open runs whose deadline is before `cutoff` (RFC 3339), oldest first.
    fn overdue_runs(&self, cutoff: &str) -> Result<Vec<OverdueRun>, StoreError>;
    /// Appends events (one transaction for the batch).
    fn append_events(&self, events: &[StoredEvent]) -> Result<(), StoreError>;
    /// The events of one run, in order.
    fn events(&self, run_id: &str) -> Result<Vec<StoredEvent>, StoreError>;
    /// Records an alert.
    fn insert_alert(&self, alert: &Alert) -> Result<(), StoreError>;
    /// Alerts at or after `since` (all when `None`), oldest first.
    fn alerts(&self, since: Option<&str>) -> Result<Vec<Alert>, StoreError>;
    /// Records a canary heartbeat.
    fn record_heartbeat(&self, heartbeat: &Heartbeat) -> Result<(), StoreError>;
    /// The latest heartbeat of each tier and phase.
    fn last_heartbeats(&self) -> Result<Vec<Heartbeat>, StoreError>;
    /// Marks each fixture's last attempt in `session_id` FINAL and earlier ones ATTEMPT.
    fn finalize_session(&self, session_id: &str) -> Result<usize, StoreError>;
    /// Records an operator override.
    fn insert_override(&self, record: &Override) -> Result<(), StoreError>;
    /// Overrides whose `until` is after `now` (RFC 3339).
    fn active_overrides(&self, now: &str) -> Result<Vec<Override>, StoreError>;
    /// Per fixture, the latest record of `run_type` that is FINAL (or not yet finalized).
    fn latest_results(&self, run_type: RunType) -> Result<Vec<RunRecord>, StoreError>;
    /// Per failure class, the first bad production run at or after `since`.
    fn first_bad_runs(&self, since: &str) -> Result<Vec<FirstBadRun>, StoreError>;
    /// The last `limit` canary sessions, oldest first.
    fn session_history(&self, limit: usize) -> Result<Vec<HistoryPoint>, StoreError>;
    /// A shared record and its version (see [`shared::update`]).
    fn state_get(&self, key: &str) -> Result<Option<shared::Versioned>, StoreError>;
    /// Writes a shared record if its version is still `expected` (`None`: it must not exist).
    /// Returns the new version, or `None` when someone else wrote first.
    fn state_put(
        &self,
        key: &str,
        expected: Option<u64>,
        value: &serde_json::Value,
    ) -> Result<Option<u64>, StoreError>;
    /// Claims an idempotency key for a request (see [`crate::resilience::idempotency`]), for
    /// the run `run_id` when the call is part of a recorded run.
    fn idempotency_begin(
        &self,
        key: &str,
        request_sha256: &str,
        run_id: Option<&str>,
    ) -> Result<crate::resilience::idempotency::Begin, StoreError>;
    /// Moves every key the run holds in flight to `unconfirmed` (the watchdog, for a run whose
    /// process is gone); returns how many.
    fn idempotency_release_run(&self, run_id: &str) -> Result<usize, StoreError>;
    /// Moves every key claimed outside a recorded run (no run to close) and still in flight
    /// since before `claimed_before` (RFC 3339) to `unconfirmed`: its lease ran out. Returns
    /// how many.
    fn idempotency_release_stale(&self, claimed_before: &str) -> Result<usize, StoreError>;
    /// Records how the call with `key` ended.
    fn idempotency_finish(
        &self,
        key: &str,
        finish: &crate::resilience::idempotency::Finish,
    ) -> Result<(), StoreError>;
}

/// Opens the store a URL names: a file path, `sqlite://PATH`, or `postgres://…` (with the
/// `postgres` feature; without it such a URL is refused with an error naming the feature).
pub fn open(url: &str) -> Result<Box<dyn Store>, StoreError> {
    let url = url.trim();
    if is_postgres_url(url) {
        return open_postgres(url);
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() {
        return Err(StoreError::Unsupported(format!(
            "{STORE_ENV} is set but empty; give a SQLite file path"
        )));
    }
    Ok(Box::new(SqliteStore::open(path)?))
}

/// Whether `url` names a PostgreSQL database (`postgres://` or `postgresql://`).
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

#[cfg(feature = "postgres")]
fn open_postgres(url: &str) -> Result<Box<dyn Store>, StoreError> {
    Ok(Box::new(PostgresStore::open(url)?))
}

#[cfg(not(feature = "postgres"))]
fn open_postgres(url: &str) -> Result<Box<dyn Store>, StoreError> {
    Err(StoreError::Unsupported(format!(
        "{STORE_ENV}={}: this build has no PostgreSQL backend; enable tapedeck's `postgres` feature (cargo xtask has it), or use a SQLite file path",
        without_password(url)
    )))
}

/// The store `TAPEDECK_STORE` names, or the default file under `target/tapedeck/`.
pub fn from_env_or_default() -> Result<Box<dyn Store>, StoreError> {
    from_env().unwrap_or_else(|| open(DEFAULT_STORE_PATH))
}

/// The store `TAPEDECK_STORE` names, if it is set.
pub fn from_env() -> Option<Result<Box<dyn Store>, StoreError>> {
    std::env::var(STORE_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|url| open(&url))
}

//! The run store: run records (and, later, events) in an embedded SQLite file by default.
//!
//! [`Store`] keeps the SQL portable so that a PostgreSQL backend can serve a fleet through one
//! `TAPEDECK_STORE` URL without changing callers. Today's backend is [`SqliteStore`].

pub mod migrations;
pub mod query;
pub mod record;
pub mod sqlite;

pub use query::RunQuery;
pub use record::{RunRecord, RunType};
pub use sqlite::SqliteStore;

use std::path::PathBuf;

/// The environment variable naming the store: a path or `sqlite://PATH`.
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
    /// The URL names a backend this build does not have.
    #[error("{0}")]
    Unsupported(String),
    /// A stored value could not be read back.
    #[error("run store holds an unreadable record: {0}")]
    Corrupt(String),
}

/// Where run records live.
pub trait Store: Send + Sync {
    /// The number of migrations applied.
    fn schema_version(&self) -> Result<u32, StoreError>;
    /// Writes a new run record (open or already closed).
    fn insert_run(&self, run: &RunRecord) -> Result<(), StoreError>;
    /// One run by id.
    fn run(&self, run_id: &str) -> Result<Option<RunRecord>, StoreError>;
    /// Runs matching `query`, newest first.
    fn runs(&self, query: &RunQuery) -> Result<Vec<RunRecord>, StoreError>;
}

/// Opens the store a URL names: a file path, or `sqlite://PATH`. `postgres://` URLs are
/// refused with a clear error until that backend exists.
pub fn open(url: &str) -> Result<Box<dyn Store>, StoreError> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(StoreError::Unsupported(format!(
            "{STORE_ENV}={url}: the PostgreSQL backend is not available in this build; use a SQLite file path"
        )));
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

/// The store `TAPEDECK_STORE` names, if it is set.
pub fn from_env() -> Option<Result<Box<dyn Store>, StoreError>> {
    std::env::var(STORE_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|url| open(&url))
}

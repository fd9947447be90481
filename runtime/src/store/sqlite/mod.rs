//! The embedded default store: one SQLite file in WAL mode.
//!
//! Several processes may write to one file at once (WAL, a busy timeout, and migrations taken
//! under `BEGIN IMMEDIATE`); a crash loses no committed row and never corrupts the file.

mod db;

use super::StoreError;
use super::sql::{Connected, migrate::migrate};
use rusqlite::Connection;
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
        let mut conn = Connection::open(&path).map_err(fail)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        // Switching a new file to WAL and migrating it can answer "database is locked" at once,
        // without waiting, while another process does the same: retry until the timeout.
        let mode: String = retry_while_busy(|| {
            let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            conn.execute_batch("PRAGMA synchronous=NORMAL;")?;
            migrate(&mut conn)?;
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
}

impl Connected for SqliteStore {
    type Db = Connection;

    fn with<T: Send>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut conn).map_err(|source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        })
    }
}

/// Runs `step` again while SQLite answers busy or locked, for at most [`BUSY_TIMEOUT`].
pub(super) fn retry_while_busy<T>(
    mut step: impl FnMut() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
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

//! The fleet store: one PostgreSQL database that every agent host, CI job and canary shares
//! through one `TAPEDECK_STORE=postgres://…` URL (behind the `postgres` feature).
//!
//! The schema and queries are the SQLite store's (see `store/sql/`), in PostgreSQL's dialect.
//! Migrations run under an advisory lock, so many processes may open a fresh database at once.
//! A lost connection is reported, never retried (whether a write committed is unknown), and
//! the next call connects again. TLS is not supported yet: use a loopback or private network,
//! or a TLS-terminating proxy.

mod db;
mod error;

pub(crate) use error::message;

use super::StoreError;
use super::sql::{Connected, migrate::migrate};
use super::url::without_password;
use db::PgConn;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// How long a connection attempt may take when the URL sets no `connect_timeout`: an
/// unreachable server fails the command in seconds instead of the system's TCP timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A run store in a PostgreSQL database.
pub struct PostgresStore {
    url: String,
    config: postgres::Config,
    conn: Mutex<Option<PgConn>>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("url", &self.display_url())
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/db`, with the
    /// client's URL parameters such as `connect_timeout=5`) and applies pending migrations.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let config = client_config(url).map_err(|source| StoreError::Postgres {
            url: without_password(url),
            source,
        })?;
        let store = PostgresStore {
            url: url.to_owned(),
            config,
            conn: Mutex::new(None),
        };
        store.with(migrate)?;
        Ok(store)
    }

    /// The URL without its password, as errors and reports show it.
    pub fn display_url(&self) -> String {
        without_password(&self.url)
    }

    fn fail(&self, source: postgres::Error) -> StoreError {
        StoreError::Postgres {
            url: self.display_url(),
            source,
        }
    }
}

/// The client's settings from `url`, with [`DEFAULT_CONNECT_TIMEOUT`] unless it sets one.
fn client_config(url: &str) -> Result<postgres::Config, postgres::Error> {
    let mut config = url.parse::<postgres::Config>()?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
    }
    Ok(config)
}

impl Connected for PostgresStore {
    type Db = PgConn;

    fn with<T: Send>(
        &self,
        f: impl FnOnce(&mut PgConn) -> Result<T, postgres::Error> + Send,
    ) -> Result<T, StoreError> {
        off_runtime(|| {
            let mut slot = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
            let conn = match slot.take().filter(|c| !c.is_closed()) {
                Some(open) => slot.insert(open),
                None => slot.insert(PgConn::connect(&self.config).map_err(|e| self.fail(e))?),
            };
            let result = f(conn);
            if let Err(e) = &result
                && (conn.is_closed() || error::connection_lost(e))
            {
                *slot = None;
            }
            result.map_err(|e| self.fail(e))
        })
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        let conn = self
            .conn
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        off_runtime(move || drop(conn));
    }
}

/// Runs `f` where the blocking client may run. Its calls drive a runtime of their own, which
/// tokio refuses inside another runtime ("Cannot start a runtime from within a runtime"); an
/// agent's async code reaches the store from inside one, so `f` moves to a scoped thread there.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|scope| {
        scope
            .spawn(f)
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

#[cfg(test)]
mod tests {
    use super::{DEFAULT_CONNECT_TIMEOUT, PostgresStore, client_config};
    use std::time::Duration;

    #[test]
    fn connecting_gives_up_after_ten_seconds_unless_the_url_says_otherwise() {
        let timeout = |url| client_config(url).unwrap().get_connect_timeout().copied();
        assert_eq!(timeout("postgres://db/t"), Some(DEFAULT_CONNECT_TIMEOUT));
        assert_eq!(
            timeout("postgres://db/t?connect_timeout=3"),
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn a_malformed_url_is_refused_before_connecting_and_without_its_password() {
        let err = PostgresStore::open("postgres://canary:pw@db:notaport/t")
            .unwrap_err()
            .to_string();
        assert!(err.contains("postgres://canary:***@db:notaport/t"), "{err}");
        assert!(!err.contains(":pw@"), "{err}");
        assert!(err.contains("port"), "says what is wrong: {err}");
    }
}

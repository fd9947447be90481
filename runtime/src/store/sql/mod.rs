//! The store's SQL, written once for every backend.
//!
//! Each table module speaks to a [`Db`]: a connection that runs a statement with [`Param`]s
//! and hands back rows as [`Cells`]. The SQLite and PostgreSQL backends implement [`Db`] for
//! their own connections; statements are written with SQLite's `?N` placeholders, which the
//! PostgreSQL backend turns into `$N`. [`Connected`] then makes any backend a [`Store`]
//! (see `store_impl.rs`), so a query exists in one place only.

pub(super) mod alerts;
pub(super) mod canary;
pub(super) mod events;
pub(super) mod idempotency;
pub(super) mod migrate;
pub(super) mod param;
pub(super) mod runs;
pub(super) mod shared;
mod store_impl;

pub(crate) use param::Param;

use super::StoreError;

/// A connection the table modules run their SQL on.
pub(crate) trait Db {
    /// The backend's error.
    type Error;
    /// A result row.
    type Row<'r>: Cells<Error = Self::Error>;
    /// Runs one statement; returns the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, Self::Error>;
    /// Runs one query and maps each row with `f`.
    fn query<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        f: impl FnMut(&Self::Row<'_>) -> Result<T, Self::Error>,
    ) -> Result<Vec<T>, Self::Error>;
    /// Runs statements without parameters (`COMMIT`, a migration).
    fn batch(&mut self, sql: &str) -> Result<(), Self::Error>;
    /// Starts a write transaction that serialises with other writers where the backend needs
    /// it (SQLite's `BEGIN IMMEDIATE`).
    fn begin(&mut self) -> Result<(), Self::Error>;
    /// Serialises schema migrations between processes, inside the transaction [`Db::begin`]
    /// started.
    fn lock_schema(&mut self) -> Result<(), Self::Error>;
    /// A migration in this backend's dialect.
    fn dialect(sql: &str) -> std::borrow::Cow<'_, str>;
}

/// The values of one row, by column index.
pub(crate) trait Cells {
    /// The backend's error.
    type Error;
    /// A `TEXT NOT NULL` value.
    fn text(&self, i: usize) -> Result<String, Self::Error>;
    /// A nullable `TEXT` value.
    fn opt_text(&self, i: usize) -> Result<Option<String>, Self::Error>;
    /// An `INTEGER NOT NULL` value.
    fn int(&self, i: usize) -> Result<i64, Self::Error>;
    /// A nullable `INTEGER` value.
    fn opt_int(&self, i: usize) -> Result<Option<i64>, Self::Error>;
    /// A `DOUBLE PRECISION NOT NULL` value.
    fn float(&self, i: usize) -> Result<f64, Self::Error>;
    /// A nullable `BOOLEAN` value.
    fn opt_bool(&self, i: usize) -> Result<Option<bool>, Self::Error>;
}

/// A backend that lends its connection to the table modules; it is then a [`super::Store`].
pub(crate) trait Connected: Send + Sync + std::fmt::Debug {
    /// The connection type.
    type Db: Db;
    /// Runs `f` on the connection, turning its error into a [`StoreError`]. (`Send`, so that a
    /// backend may run it on another thread.)
    fn with<T: Send>(
        &self,
        f: impl FnOnce(&mut Self::Db) -> Result<T, <Self::Db as Db>::Error> + Send,
    ) -> Result<T, StoreError>;
}

/// Runs `f` in a write transaction: committed when it succeeds, rolled back when it fails.
pub(crate) fn transaction<D: Db, T>(
    db: &mut D,
    f: impl FnOnce(&mut D) -> Result<T, D::Error>,
) -> Result<T, D::Error> {
    db.begin()?;
    match f(db) {
        Ok(value) => db.batch("COMMIT").map(|()| value),
        Err(e) => {
            let _ = db.batch("ROLLBACK");
            Err(e)
        }
    }
}

/// The number of rows a statement changed, as the [`super::Store`] methods report it.
fn count(changed: u64) -> usize {
    usize::try_from(changed).unwrap_or(usize::MAX)
}

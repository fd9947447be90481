//! The store's SQL on a SQLite connection.

use super::retry_while_busy;
use crate::store::sql::{Cells, Db, Param};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, Row, ToSql, params_from_iter};
use std::borrow::Cow;

impl ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Param::Text(Some(text)) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Param::Int(Some(n)) => ToSqlOutput::Owned(Value::Integer(*n)),
            Param::Float(x) => ToSqlOutput::Owned(Value::Real(*x)),
            Param::Bool(Some(b)) => ToSqlOutput::Owned(Value::Integer(i64::from(*b))),
            Param::Text(None) | Param::Int(None) | Param::Bool(None) => {
                ToSqlOutput::Owned(Value::Null)
            }
        })
    }
}

impl Db for Connection {
    type Error = rusqlite::Error;
    type Row<'r> = Row<'r>;

    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> rusqlite::Result<u64> {
        let changed = self
            .prepare_cached(sql)?
            .execute(params_from_iter(params))?;
        Ok(changed as u64)
    }

    fn query<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        mut f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<Vec<T>> {
        let mut statement = self.prepare_cached(sql)?;
        let rows = statement.query_map(params_from_iter(params), |row| f(row))?;
        rows.collect()
    }

    fn batch(&mut self, sql: &str) -> rusqlite::Result<()> {
        self.execute_batch(sql)
    }

    /// `BEGIN IMMEDIATE` takes the write lock now, so that the transaction never has to
    /// upgrade a read lock (which SQLite refuses at once when another writer got there
    /// first); a lock held elsewhere is waited for, up to the busy timeout.
    fn begin(&mut self) -> rusqlite::Result<()> {
        retry_while_busy(|| self.execute_batch("BEGIN IMMEDIATE"))
    }

    /// `BEGIN IMMEDIATE` already serialises writers, migrations among them.
    fn lock_schema(&mut self) -> rusqlite::Result<()> {
        Ok(())
    }

    fn dialect(sql: &str) -> Cow<'_, str> {
        Cow::Borrowed(sql)
    }
}

impl Cells for Row<'_> {
    type Error = rusqlite::Error;

    fn text(&self, i: usize) -> rusqlite::Result<String> {
        self.get(i)
    }

    fn opt_text(&self, i: usize) -> rusqlite::Result<Option<String>> {
        self.get(i)
    }

    fn int(&self, i: usize) -> rusqlite::Result<i64> {
        self.get(i)
    }

    fn opt_int(&self, i: usize) -> rusqlite::Result<Option<i64>> {
        self.get(i)
    }

    fn float(&self, i: usize) -> rusqlite::Result<f64> {
        self.get(i)
    }

    fn opt_bool(&self, i: usize) -> rusqlite::Result<Option<bool>> {
        self.get(i)
    }
}

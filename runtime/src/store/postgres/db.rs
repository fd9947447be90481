//! The store's SQL on a PostgreSQL connection.

use crate::store::sql::{Cells, Db, Param};
use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type};
use postgres::{Client, NoTls, Row, Statement};
use std::borrow::Cow;
use std::collections::HashMap;

/// How many prepared statements a connection keeps. The store's statements are a few dozen;
/// run queries differ by their filters and `LIMIT`, so the cache is bounded (cleared when full).
const STATEMENT_CACHE: usize = 64;

/// A key for the migration lock (`pg_advisory_xact_lock`): "tapedeck" in ASCII.
const SCHEMA_LOCK: i64 = 0x7461_7065_6465_636b;

/// A connection and the statements it has prepared, by their SQLite-style text.
pub(crate) struct PgConn {
    client: Client,
    statements: HashMap<String, Statement>,
}

impl PgConn {
    /// Connects (without TLS).
    pub(super) fn connect(config: &postgres::Config) -> Result<PgConn, postgres::Error> {
        Ok(PgConn {
            client: config.connect(NoTls)?,
            statements: HashMap::new(),
        })
    }

    /// Whether the server or the network ended the connection.
    pub(super) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// The prepared statement for `sql`, prepared once per connection.
    fn statement(&mut self, sql: &str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&numbered(sql))?;
        if self.statements.len() >= STATEMENT_CACHE {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

/// `?N` placeholders (SQLite's) as `$N` (PostgreSQL's). The store's SQL has no `?` elsewhere.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

fn bound<'p>(params: &'p [Param<'_>]) -> Vec<&'p (dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

impl Db for PgConn {
    type Error = postgres::Error;
    type Row<'r> = Row;

    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.execute(&statement, &bound(params))
    }

    fn query<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        f: impl FnMut(&Row) -> Result<T, postgres::Error>,
    ) -> Result<Vec<T>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client
            .query(&statement, &bound(params))?
            .iter()
            .map(f)
            .collect()
    }

    fn batch(&mut self, sql: &str) -> Result<(), postgres::Error> {
        self.client.batch_execute(sql)
    }

    fn begin(&mut self) -> Result<(), postgres::Error> {
        self.client.batch_execute("BEGIN")
    }

    /// An advisory lock held until the transaction ends: concurrent openers of a fresh
    /// database wait, then find the migrations applied.
    fn lock_schema(&mut self) -> Result<(), postgres::Error> {
        self.client
            .execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .map(|_| ())
    }

    /// 64-bit integers, and text compared byte by byte (the "C" collation) whatever the
    /// database's locale, so that RFC 3339 times and ids sort as they do in SQLite.
    fn dialect(sql: &str) -> Cow<'_, str> {
        Cow::Owned(
            sql.replace("INTEGER", "BIGINT")
                .replace("TEXT", "TEXT COLLATE \"C\""),
        )
    }
}

impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Param::Text(text) => text.as_deref().to_sql(ty, out),
            Param::Int(n) => n.to_sql(ty, out),
            Param::Float(x) => x.to_sql(ty, out),
            Param::Bool(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        <&str as ToSql>::accepts(ty)
            || <i64 as ToSql>::accepts(ty)
            || <f64 as ToSql>::accepts(ty)
            || <bool as ToSql>::accepts(ty)
    }

    /// Checks the value's own type against the column's, as the inner types do.
    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Param::Text(text) => text.as_deref().to_sql_checked(ty, out),
            Param::Int(n) => n.to_sql_checked(ty, out),
            Param::Float(x) => x.to_sql_checked(ty, out),
            Param::Bool(b) => b.to_sql_checked(ty, out),
        }
    }
}

impl Cells for Row {
    type Error = postgres::Error;

    fn text(&self, i: usize) -> Result<String, postgres::Error> {
        self.try_get(i)
    }

    fn opt_text(&self, i: usize) -> Result<Option<String>, postgres::Error> {
        self.try_get(i)
    }

    fn int(&self, i: usize) -> Result<i64, postgres::Error> {
        self.try_get(i)
    }

    fn opt_int(&self, i: usize) -> Result<Option<i64>, postgres::Error> {
        self.try_get(i)
    }

    fn float(&self, i: usize) -> Result<f64, postgres::Error> {
        self.try_get(i)
    }

    fn opt_bool(&self, i: usize) -> Result<Option<bool>, postgres::Error> {
        self.try_get(i)
    }
}

#[cfg(test)]
mod tests {
    use super::{PgConn, numbered};
    use crate::store::sql::Db;

    #[test]
    fn placeholders_are_numbered_the_postgresql_way() {
        assert_eq!(
            numbered("SELECT a FROM t WHERE b = ?1 AND c IN (?2, ?12)"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $12)"
        );
        assert_eq!(numbered("SELECT '?' , ?"), "SELECT '?' , ?");
    }

    #[test]
    fn migrations_use_64_bit_integers_and_byte_order_text() {
        let sql = PgConn::dialect("CREATE TABLE t (n INTEGER NOT NULL, s TEXT)");
        assert_eq!(
            sql,
            "CREATE TABLE t (n BIGINT NOT NULL, s TEXT COLLATE \"C\")"
        );
    }
}

//! Applies pending [`MIGRATIONS`] once, whatever the number of processes opening the store.

use super::param::params;
use super::{Cells, Db, transaction};
use crate::store::migrations::MIGRATIONS;
use crate::store::time;

/// The number of migrations applied.
pub(crate) fn schema_version<D: Db>(c: &mut D) -> Result<u32, D::Error> {
    let version = c.query(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        &[],
        |row| row.int(0),
    )?;
    Ok(version
        .first()
        .map_or(0, |v| u32::try_from(*v).unwrap_or(u32::MAX)))
}

/// Applies the migrations not applied yet, in one transaction under the schema lock.
pub(crate) fn migrate<D: Db>(c: &mut D) -> Result<(), D::Error> {
    transaction(c, |c| {
        c.lock_schema()?;
        c.batch(&D::dialect(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        ))?;
        let applied = schema_version(c)? as usize;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
            c.batch(&D::dialect(sql))?;
            c.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![i as u64 + 1, time::now_rfc3339()],
            )?;
        }
        Ok(())
    })
}

//! The `shared_state` table: compare-and-swap on a version column.

use crate::store::shared::Versioned;
use crate::store::time;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

pub(super) fn get(c: &Connection, key: &str) -> rusqlite::Result<Option<Versioned>> {
    c.prepare_cached("SELECT version, value FROM shared_state WHERE key = ?1")?
        .query_row([key], |row| {
            let text: String = row.get(1)?;
            Ok(Versioned {
                version: row.get::<_, i64>(0)? as u64,
                value: serde_json::from_str(&text).unwrap_or(Value::String(text)),
            })
        })
        .optional()
}

pub(super) fn put(
    c: &Connection,
    key: &str,
    expected: Option<u64>,
    value: &Value,
) -> rusqlite::Result<Option<u64>> {
    let now = time::now_rfc3339();
    let changed = match expected {
        None => c
            .prepare_cached(
                "INSERT INTO shared_state (key, version, value, updated_at) VALUES (?1, 1, ?2, ?3) ON CONFLICT (key) DO NOTHING",
            )?
            .execute(params![key, value.to_string(), now])?,
        Some(version) => c
            .prepare_cached(
                "UPDATE shared_state SET version = version + 1, value = ?3, updated_at = ?4 WHERE key = ?1 AND version = ?2",
            )?
            .execute(params![key, version as i64, value.to_string(), now])?,
    };
    Ok((changed == 1).then(|| expected.map_or(1, |v| v + 1)))
}

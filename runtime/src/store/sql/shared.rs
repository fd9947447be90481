//! The `shared_state` table: compare-and-swap on a version column.

use super::param::params;
use super::{Cells, Db};
use crate::store::shared::Versioned;
use crate::store::time;
use serde_json::Value;

pub(crate) fn get<D: Db>(c: &mut D, key: &str) -> Result<Option<Versioned>, D::Error> {
    let mut rows = c.query(
        "SELECT version, value FROM shared_state WHERE key = ?1",
        params![key],
        |row| {
            let text = row.text(1)?;
            Ok(Versioned {
                version: row.int(0)?.max(0) as u64,
                value: serde_json::from_str(&text).unwrap_or(Value::String(text)),
            })
        },
    )?;
    Ok(rows.pop())
}

pub(crate) fn put<D: Db>(
    c: &mut D,
    key: &str,
    expected: Option<u64>,
    value: &Value,
) -> Result<Option<u64>, D::Error> {
    let now = time::now_rfc3339();
    let changed = match expected {
        None => c.execute(
            "INSERT INTO shared_state (key, version, value, updated_at) VALUES (?1, 1, ?2, ?3) ON CONFLICT (key) DO NOTHING",
            params![key, value.to_string(), &now],
        )?,
        Some(version) => c.execute(
            "UPDATE shared_state SET version = version + 1, value = ?3, updated_at = ?4 WHERE key = ?1 AND version = ?2",
            params![key, version, value.to_string(), &now],
        )?,
    };
    Ok((changed == 1).then(|| expected.map_or(1, |v| v + 1)))
}

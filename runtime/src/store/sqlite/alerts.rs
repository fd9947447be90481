//! The `alerts` table.

use crate::store::Alert;
use rusqlite::{Connection, params};

pub(super) fn insert(c: &Connection, alert: &Alert) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO alerts (alert_id, kind, run_id, agent_name, failure_class, at, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        alert.alert_id,
        alert.kind,
        alert.run_id,
        alert.agent_name,
        alert.failure_class.map(|c| c.as_str()),
        alert.at,
        alert.message,
    ])?;
    Ok(())
}

pub(super) fn since(c: &Connection, since: Option<&str>) -> rusqlite::Result<Vec<Alert>> {
    let mut statement = c.prepare_cached(
        "SELECT alert_id, kind, run_id, agent_name, failure_class, at, message FROM alerts WHERE at >= ?1 ORDER BY at, alert_id",
    )?;
    let rows = statement.query_map([since.unwrap_or("")], |row| {
        let class: Option<String> = row.get(4)?;
        Ok(Alert {
            alert_id: row.get(0)?,
            kind: row.get(1)?,
            run_id: row.get(2)?,
            agent_name: row.get(3)?,
            failure_class: class.and_then(|c| serde_json::from_value(c.into()).ok()),
            at: row.get(5)?,
            message: row.get(6)?,
        })
    })?;
    rows.collect()
}

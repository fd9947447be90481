//! The `alerts` table.

use super::param::params;
use super::{Cells, Db};
use crate::store::Alert;

pub(crate) fn insert<D: Db>(c: &mut D, alert: &Alert) -> Result<(), D::Error> {
    c.execute(
        "INSERT INTO alerts (alert_id, kind, run_id, agent_name, failure_class, at, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            &alert.alert_id,
            &alert.kind,
            &alert.run_id,
            &alert.agent_name,
            alert.failure_class.map(|c| c.as_str()),
            &alert.at,
            &alert.message,
        ],
    )?;
    Ok(())
}

pub(crate) fn since<D: Db>(c: &mut D, since: Option<&str>) -> Result<Vec<Alert>, D::Error> {
    c.query(
        "SELECT alert_id, kind, run_id, agent_name, failure_class, at, message FROM alerts WHERE at >= ?1 ORDER BY at, alert_id",
        params![since.unwrap_or("")],
        |row| {
            Ok(Alert {
                alert_id: row.text(0)?,
                kind: row.text(1)?,
                run_id: row.opt_text(2)?,
                agent_name: row.opt_text(3)?,
                failure_class: row
                    .opt_text(4)?
                    .and_then(|c| serde_json::from_value(c.into()).ok()),
                at: row.text(5)?,
                message: row.text(6)?,
            })
        },
    )
}

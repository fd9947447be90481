//! The `events` table: batched appends and per-run reads.

use super::param::params;
use super::{Cells, Db, transaction};
use crate::store::StoredEvent;

/// Appends a batch in one transaction (one fsync in WAL mode, whatever the batch size).
pub(crate) fn append<D: Db>(c: &mut D, events: &[StoredEvent]) -> Result<(), D::Error> {
    transaction(c, |c| {
        for e in events {
            c.execute(
                "INSERT INTO events (run_id, seq, kind, at, data) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (run_id, seq) DO NOTHING",
                params![&e.run_id, e.seq, &e.kind, &e.at, e.data.to_string()],
            )?;
        }
        Ok(())
    })
}

/// The events of a run in order; a payload that is not JSON is kept as a string.
pub(crate) fn of_run<D: Db>(c: &mut D, run_id: &str) -> Result<Vec<StoredEvent>, D::Error> {
    c.query(
        "SELECT run_id, seq, kind, at, data FROM events WHERE run_id = ?1 ORDER BY seq",
        params![run_id],
        |row| {
            let data = row.text(4)?;
            Ok(StoredEvent {
                run_id: row.text(0)?,
                seq: row.int(1)?.max(0) as u64,
                kind: row.text(2)?,
                at: row.text(3)?,
                data: serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data)),
            })
        },
    )
}

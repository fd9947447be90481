//! The `events` table: batched appends and per-run reads.

use crate::store::StoredEvent;
use rusqlite::{Connection, params};

/// Appends a batch in one transaction (one fsync in WAL mode, whatever the batch size).
pub(super) fn append(c: &Connection, events: &[StoredEvent]) -> rusqlite::Result<()> {
    c.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        let mut insert = c.prepare_cached(
            "INSERT INTO events (run_id, seq, kind, at, data) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (run_id, seq) DO NOTHING",
        )?;
        for e in events {
            insert.execute(params![
                e.run_id,
                e.seq as i64,
                e.kind,
                e.at,
                e.data.to_string()
            ])?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => c.execute_batch("COMMIT"),
        Err(e) => {
            let _ = c.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// The events of a run in order; a payload that is not JSON is kept as a string.
pub(super) fn of_run(c: &Connection, run_id: &str) -> rusqlite::Result<Vec<StoredEvent>> {
    let mut statement = c.prepare_cached(
        "SELECT run_id, seq, kind, at, data FROM events WHERE run_id = ?1 ORDER BY seq",
    )?;
    let rows = statement.query_map([run_id], |row| {
        let data: String = row.get(4)?;
        Ok(StoredEvent {
            run_id: row.get(0)?,
            seq: row.get::<_, i64>(1)? as u64,
            kind: row.get(2)?,
            at: row.get(3)?,
            data: serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data)),
        })
    })?;
    rows.collect()
}

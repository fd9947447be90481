//! The `events` table: batched appends and per-run reads.

use super::param::params;
use super::{Cells, Db, Param, transaction};
use crate::store::StoredEvent;
use std::sync::LazyLock;

/// Rows per multi-row `INSERT`: a batch of events takes one statement (one round trip to a
/// PostgreSQL server) per hundred, not one per event.
const ROWS_PER_INSERT: usize = 100;

/// `INSERT … VALUES (…), (…) …` for `rows` events, keeping any event already stored.
fn insert_sql(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|row| {
            let first = row * 5 + 1;
            let placeholders: Vec<String> = (first..first + 5).map(|i| format!("?{i}")).collect();
            format!("({})", placeholders.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO events (run_id, seq, kind, at, data) VALUES {} ON CONFLICT (run_id, seq) DO NOTHING",
        values.join(", ")
    )
}

static INSERT_ONE: LazyLock<String> = LazyLock::new(|| insert_sql(1));
static INSERT_MANY: LazyLock<String> = LazyLock::new(|| insert_sql(ROWS_PER_INSERT));

/// Appends a batch in one transaction (one fsync in WAL mode, whatever the batch size): full
/// hundreds in one statement each, the rest one by one, so that only two statements are ever
/// prepared.
pub(crate) fn append<D: Db>(c: &mut D, events: &[StoredEvent]) -> Result<(), D::Error> {
    transaction(c, |c| {
        for chunk in events.chunks(ROWS_PER_INSERT) {
            let rows: Vec<&[StoredEvent]> = if chunk.len() == ROWS_PER_INSERT {
                vec![chunk]
            } else {
                chunk.chunks(1).collect()
            };
            for rows in rows {
                let sql = if rows.len() == 1 {
                    &INSERT_ONE
                } else {
                    &INSERT_MANY
                };
                let params: Vec<Param<'_>> = rows
                    .iter()
                    .flat_map(|e| {
                        [
                            Param::from(&e.run_id),
                            Param::from(e.seq),
                            Param::from(&e.kind),
                            Param::from(&e.at),
                            Param::from(e.data.to_string()),
                        ]
                    })
                    .collect();
                c.execute(sql, &params)?;
            }
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

#[cfg(test)]
mod tests {
    use super::insert_sql;

    #[test]
    fn a_multi_row_insert_numbers_five_placeholders_per_row() {
        assert_eq!(
            insert_sql(2),
            "INSERT INTO events (run_id, seq, kind, at, data) VALUES (?1, ?2, ?3, ?4, ?5), (?6, ?7, ?8, ?9, ?10) ON CONFLICT (run_id, seq) DO NOTHING"
        );
    }
}

//! Every [`Connected`] backend is a [`Store`]: the trait's methods, written once over [`Db`].

use super::{Connected, alerts, canary, events, idempotency, migrate, runs, shared, transaction};
use crate::resilience::idempotency::{Begin, Finish};
use crate::store::{
    Alert, FirstBadRun, Heartbeat, HistoryPoint, OverdueRun, Override, RunQuery, RunRecord,
    RunType, Store, StoreError, StoredEvent,
};
use std::path::Path;

/// Turns rows that could not be decoded into [`StoreError::Corrupt`].
fn decoded<T>(rows: Vec<Result<T, String>>) -> Result<Vec<T>, StoreError> {
    rows.into_iter()
        .map(|r| r.map_err(StoreError::Corrupt))
        .collect()
}

impl<S: Connected> Store for S {
    fn schema_version(&self) -> Result<u32, StoreError> {
        self.with(migrate::schema_version)
    }

    fn insert_runs(&self, records: &[RunRecord]) -> Result<(), StoreError> {
        self.with(|c| {
            transaction(c, |c| {
                records.iter().try_for_each(|r| runs::insert(c, r, None))
            })
        })
    }

    fn open_run(&self, run: &RunRecord, artifact_root: Option<&Path>) -> Result<(), StoreError> {
        self.with(|c| runs::insert(c, run, artifact_root))
    }

    fn close_run(&self, run: &RunRecord) -> Result<bool, StoreError> {
        self.with(|c| runs::close(c, run))
    }

    fn run(&self, run_id: &str) -> Result<Option<RunRecord>, StoreError> {
        let row = self.with(|c| runs::one(c, run_id))?;
        row.map(|r| r.map_err(StoreError::Corrupt)).transpose()
    }

    fn runs(&self, query: &RunQuery) -> Result<Vec<RunRecord>, StoreError> {
        decoded(self.with(|c| runs::query(c, query))?)
    }

    fn overdue_runs(&self, cutoff: &str) -> Result<Vec<OverdueRun>, StoreError> {
        decoded(self.with(|c| runs::overdue(c, cutoff))?)
    }

    fn append_events(&self, batch: &[StoredEvent]) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        self.with(|c| events::append(c, batch))
    }

    fn events(&self, run_id: &str) -> Result<Vec<StoredEvent>, StoreError> {
        self.with(|c| events::of_run(c, run_id))
    }

    fn insert_alert(&self, alert: &Alert) -> Result<(), StoreError> {
        self.with(|c| alerts::insert(c, alert))
    }

    fn alerts(&self, since: Option<&str>) -> Result<Vec<Alert>, StoreError> {
        self.with(|c| alerts::since(c, since))
    }

    fn record_heartbeat(&self, heartbeat: &Heartbeat) -> Result<(), StoreError> {
        self.with(|c| canary::record_heartbeat(c, heartbeat))
    }

    fn last_heartbeats(&self) -> Result<Vec<Heartbeat>, StoreError> {
        self.with(canary::last_heartbeats)
    }

    fn finalize_session(&self, session_id: &str) -> Result<usize, StoreError> {
        self.with(|c| canary::finalize_session(c, session_id))
    }

    fn insert_override(&self, record: &Override) -> Result<(), StoreError> {
        self.with(|c| canary::insert_override(c, record))
    }

    fn active_overrides(&self, now: &str) -> Result<Vec<Override>, StoreError> {
        self.with(|c| canary::active_overrides(c, now))
    }

    fn latest_results(&self, run_type: RunType) -> Result<Vec<RunRecord>, StoreError> {
        decoded(self.with(|c| canary::latest_results(c, run_type))?)
    }

    fn first_bad_runs(&self, since: &str) -> Result<Vec<FirstBadRun>, StoreError> {
        self.with(|c| canary::first_bad_runs(c, since))
    }

    fn session_history(&self, limit: usize) -> Result<Vec<HistoryPoint>, StoreError> {
        self.with(|c| canary::session_history(c, limit))
    }

    fn state_get(&self, key: &str) -> Result<Option<crate::store::shared::Versioned>, StoreError> {
        self.with(|c| shared::get(c, key))
    }

    fn state_put(
        &self,
        key: &str,
        expected: Option<u64>,
        value: &serde_json::Value,
    ) -> Result<Option<u64>, StoreError> {
        self.with(|c| shared::put(c, key, expected, value))
    }

    fn idempotency_begin(
        &self,
        key: &str,
        request_sha256: &str,
        run_id: Option<&str>,
    ) -> Result<Begin, StoreError> {
        self.with(|c| idempotency::begin(c, key, request_sha256, run_id))
    }

    fn idempotency_release_run(&self, run_id: &str) -> Result<usize, StoreError> {
        self.with(|c| idempotency::release_run(c, run_id))
    }

    fn idempotency_release_stale(&self, claimed_before: &str) -> Result<usize, StoreError> {
        self.with(|c| idempotency::release_stale(c, claimed_before))
    }

    fn idempotency_finish(&self, key: &str, finish: &Finish) -> Result<(), StoreError> {
        self.with(|c| idempotency::finish(c, key, finish))
    }
}

//! The watchdog: closes runs that stayed open past their timeout plus a grace period, so that a
//! process that died (SIGKILL, OOM, a lost machine) still leaves a closed, visible run.
//!
//! Each overdue run is closed as `failed` with failure_class `run_abandoned`, its staged (and
//! any half-committed) artifacts are removed, the idempotency keys it held in flight become
//! `unconfirmed` (so a retry of the task may claim them), and an alert is recorded. A key
//! claimed outside a recorded run has no run to close; it is released the same way once it has
//! been in flight longer than the key lease ([`DEFAULT_KEY_LEASE`]). A sweep is idempotent and
//! safe to run from several machines at once: the close is conditional on the run still being
//! open, so exactly one sweeper wins each run and only the winner removes files and alerts.

use crate::store::{Alert, RunRecord, Store, StoreError, time};
use crate::verdict::{FailureClass, Verdict, reason};
use serde::Serialize;
use std::time::{Duration, SystemTime};

/// The grace period `cargo xtask watchdog` uses by default.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(60);

/// [`DEFAULT_GRACE`] as the command line writes it.
pub const DEFAULT_GRACE_TEXT: &str = "60s";

/// How long a key claimed outside a recorded run may stay in flight before a sweep releases it
/// as `unconfirmed`: longer than any call should take, since a call still running then may be
/// executed again by the next caller with its key.
pub const DEFAULT_KEY_LEASE: Duration = Duration::from_secs(3600);

/// [`DEFAULT_KEY_LEASE`] as the command line writes it.
pub const DEFAULT_KEY_LEASE_TEXT: &str = "1h";

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SweepReport {
    /// The runs this sweep closed.
    pub abandoned: Vec<AbandonedRun>,
    /// Overdue runs another closer got to first.
    pub lost_races: usize,
    /// Idempotency keys the closed runs held in flight, now `unconfirmed`.
    pub keys_released: usize,
    /// Idempotency keys claimed outside a recorded run whose lease ran out, now `unconfirmed`.
    pub stale_keys_released: usize,
    /// Problems removing artifacts (the runs are closed regardless).
    pub cleanup_errors: Vec<String>,
}

/// One run the watchdog closed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbandonedRun {
    /// The run.
    pub run_id: String,
    /// Its agent.
    pub agent_name: String,
    /// When it should have closed.
    pub deadline_at: String,
}

/// Closes every run open past `timeout_seconds + grace`, now.
pub fn sweep(store: &dyn Store, grace: Duration) -> Result<SweepReport, StoreError> {
    sweep_at(store, grace, SystemTime::now())
}

/// [`sweep`] as if the time were `now` (for tests and simulations).
pub fn sweep_at(
    store: &dyn Store,
    grace: Duration,
    now: SystemTime,
) -> Result<SweepReport, StoreError> {
    sweep_leased(store, grace, DEFAULT_KEY_LEASE, now)
}

/// [`sweep_at`] with the lease of keys claimed outside a recorded run.
pub fn sweep_leased(
    store: &dyn Store,
    grace: Duration,
    key_lease: Duration,
    now: SystemTime,
) -> Result<SweepReport, StoreError> {
    let cutoff = time::rfc3339(now.checked_sub(grace).unwrap_or(SystemTime::UNIX_EPOCH));
    let closed_at = time::rfc3339(now);
    let mut report = SweepReport::default();
    for overdue in store.overdue_runs(&cutoff)? {
        let record = abandoned(overdue.record, &overdue.deadline_at, &closed_at, grace);
        if !store.close_run(&record)? {
            report.lost_races += 1;
            continue;
        }
        if let Some(root) = &overdue.artifact_root
            && let Err(e) = crate::artifact::remove_run(root, &record.run_id)
        {
            report.cleanup_errors.push(format!(
                "run {}: removing its artifacts under {} failed: {e}",
                record.run_id,
                root.display()
            ));
        }
        report.keys_released += store.idempotency_release_run(&record.run_id)?;
        let mut alert = Alert::now(
            reason::RUN_ABANDONED,
            record.failure_reason.clone().unwrap_or_default(),
        );
        alert.at = closed_at.clone();
        alert.run_id = Some(record.run_id.clone());
        alert.agent_name = Some(record.agent_name.clone());
        alert.failure_class = Some(FailureClass::RunAbandoned);
        store.insert_alert(&alert)?;
        report.abandoned.push(AbandonedRun {
            run_id: record.run_id,
            agent_name: record.agent_name,
            deadline_at: overdue.deadline_at,
        });
    }
    let leased_since = now.checked_sub(key_lease).unwrap_or(SystemTime::UNIX_EPOCH);
    report.stale_keys_released = store.idempotency_release_stale(&time::rfc3339(leased_since))?;
    Ok(report)
}

fn abandoned(
    mut record: RunRecord,
    deadline_at: &str,
    closed_at: &str,
    grace: Duration,
) -> RunRecord {
    record.closed_at = Some(closed_at.to_string());
    record.status = Some(Verdict::Failed);
    record.failure_class = Some(FailureClass::RunAbandoned);
    record.reasons = vec![reason::RUN_ABANDONED.to_string()];
    record.failure_reason = Some(format!(
        "run of {} was still open {}s after its deadline {deadline_at}; its process is gone (killed, crashed or hung) — closed by the watchdog",
        record.agent_name,
        grace.as_secs()
    ));
    record.artifact_refs.clear();
    record
}

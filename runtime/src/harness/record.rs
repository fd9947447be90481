//! Run records of trials: with `TAPEDECK_STORE` set, every trial writes one.

use super::registry::SuiteRegistration;
use super::trial::TrialResult;
use crate::artifact::sha256_hex;
use crate::fixture::Fixture;
use crate::store::{RunRecord, RunType, Store};
use std::sync::OnceLock;

/// The store named by `TAPEDECK_STORE`, opened once per process; `Ok(None)` when unset.
pub fn configured_store() -> Result<Option<&'static dyn Store>, String> {
    static STORE: OnceLock<Result<Option<Box<dyn Store>>, String>> = OnceLock::new();
    let opened = STORE.get_or_init(|| {
        crate::store::from_env()
            .transpose()
            .map_err(|e| e.to_string())
    });
    match opened {
        Ok(store) => Ok(store.as_deref()),
        Err(e) => Err(e.clone()),
    }
}

/// The SHA-256 of the fixture's input as a run record stores it (of its compact JSON text).
pub fn input_sha256(input: &serde_json::Value) -> String {
    sha256_hex(input.to_string().as_bytes())
}

/// The run record of a finished trial; `input_sha256` is [`input_sha256`] of the fixture's
/// input (which the agent has by then).
pub fn trial_record(
    suite: &SuiteRegistration,
    fixture: &Fixture,
    input_sha256: String,
    run_type: RunType,
    started_at: String,
    result: &TrialResult,
) -> RunRecord {
    let observation = &result.run.observation;
    let judgement = &result.judgement;
    let mut record = RunRecord::start(suite.function, run_type);
    record.started_at = started_at;
    record.task_id = fixture.input.task_id.clone();
    record.fixture_id = Some(format!("{}/{}", suite.name(), fixture.id));
    record.model = fixture.input.model.clone();
    record.prompt_version = fixture.input.prompt_version.clone();
    record.tool_allowlist = fixture.input.tool_allowlist.clone();
    record.timeout_seconds = fixture.input.timeout_seconds;
    record.input_sha256 = Some(input_sha256);
    if fixture.input.state.is_some() {
        record.state_refs = vec![format!(
            "fixture:{}/{}/input.json#/state",
            suite.name(),
            fixture.id
        )];
    }
    let artifacts = observation
        .artifacts
        .iter()
        .map(|a| (a.path.as_str(), a.sha256.as_str()));
    crate::run::judged::close_judged(&mut record, observation, judgement, artifacts);
    record.tier = Some(
        fixture
            .notes
            .tier
            .or(suite.tier)
            .unwrap_or(crate::fixture::Tier::Daily),
    );
    set_session(&mut record);
    record.proven = Some(crate::fixture::proof::is_proven(&fixture.notes));
    record.expectation_met = Some(result.passed());
    record
}

/// Puts `record` in the canary session of the environment, with its attempt; outside a session
/// there are no retries to tell apart, so the record is FINAL.
fn set_session(record: &mut RunRecord) {
    record.session_id = canary_session();
    record.attempt = attempt_from_env();
    record.finality = record
        .session_id
        .is_none()
        .then_some(crate::store::Finality::Final);
}

/// The fixture id under which a standalone check's results are recorded.
pub fn check_fixture_id(name: &str) -> String {
    format!("{CHECK_PREFIX}{name}")
}

/// The prefix of [`check_fixture_id`]: checks are live probes, so proof does not apply to them.
pub const CHECK_PREFIX: &str = "check:";

/// The run record of a standalone check (always `canary`).
pub fn check_record(
    check: &super::registry::CheckRegistration,
    started_at: String,
    result: &Result<(), String>,
) -> RunRecord {
    let mut record = RunRecord::start(check.name, RunType::Canary);
    record.started_at = started_at;
    record.closed_at = Some(crate::store::time::now_rfc3339());
    record.fixture_id = Some(check_fixture_id(check.name));
    record.tier = Some(check.tier);
    set_session(&mut record);
    match result {
        Ok(()) => record.status = Some(crate::verdict::Verdict::Passed),
        Err(message) => {
            record.status = Some(crate::verdict::Verdict::Failed);
            record.failure_class = Some(crate::verdict::FailureClass::Dependency);
            record.failure_reason = Some(message.clone());
            record.reasons = vec!["check_failed".into()];
        }
    }
    record
}

/// The environment variable `cargo xtask canary` sets to the session id of one invocation.
pub const SESSION_ENV: &str = "TAPEDECK_CANARY_SESSION";

/// The canary session this process runs in, if any.
pub fn canary_session() -> Option<String> {
    std::env::var(SESSION_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// The attempt number: `TAPEDECK_ATTEMPT`, else nextest's `NEXTEST_ATTEMPT` (set on retries),
/// else 1.
fn attempt_from_env() -> u32 {
    ["TAPEDECK_ATTEMPT", "NEXTEST_ATTEMPT"]
        .iter()
        .find_map(|name| std::env::var(name).ok()?.trim().parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(1)
}

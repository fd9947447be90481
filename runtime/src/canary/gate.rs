//! The health gate: the exit status of `cargo xtask canary`, and the rules that set it.
//!
//! | exit | status          | when |
//! | ---- | --------------- | ---- |
//! | 0    | `healthy`       | every required fixture passes, fresh and proven, and every heartbeat is present |
//! | 1    | `failing`       | a required fixture fails (or inconclusive results exceed the limit) |
//! | 2    | `missing_proof` | a required fixture is stale or unproven, or a heartbeat is missing |
//! | 3    | `error`         | configuration or harness error |
//!
//! Fixtures covered by an active operator override do not trip the gate (the override is listed
//! in every report while active).

use super::config::CanaryConfig;
use super::report::{FixtureHealth, FixtureState, Gate, TierSummary};

/// Decides the gate.
pub fn decide(
    fixtures: &[FixtureHealth],
    tiers: &[TierSummary],
    config: &CanaryConfig,
    errors: &[String],
) -> Gate {
    let mut failing = Vec::new();
    let mut missing = Vec::new();
    let gated: Vec<&FixtureHealth> = fixtures
        .iter()
        .filter(|f| f.required && !f.overridden)
        .collect();
    for f in &gated {
        match f.state {
            FixtureState::Failing => failing.push(format!(
                "required fixture {} is failing ({}: {})",
                f.fixture_id,
                f.last_status.map_or("?", |s| s.as_str()),
                f.last_reasons.join(", ")
            )),
            FixtureState::Stale => missing.push(match f.age_minutes {
                Some(age) => format!(
                    "required fixture {} is stale: its last FINAL result is {age:.0} min old, tier {} allows {:.0} min",
                    f.fixture_id,
                    f.tier,
                    config.policy(f.tier).freshness().as_secs_f64() / 60.0
                ),
                None => format!("required fixture {} is stale: it has no FINAL canary result", f.fixture_id),
            }),
            _ => {}
        }
        if config.require_proof && !f.proven && f.state != FixtureState::Stale {
            missing.push(format!(
                "required fixture {} is unproven: its notes.json has no proof that it failed on the broken code (proof.failed_on, written by `cargo xtask fixture new --from-run`, or for a fixture written by hand by `cargo xtask fixture prove <its folder>` run on the broken code) and passed after the fix (proof.passed_on, written by its first passing `cargo test` outside CI); or leave it out of the gate with [gate] required or require_proof in tapedeck.toml",
                f.fixture_id
            ));
        }
    }
    let inconclusive: Vec<&str> = gated
        .iter()
        .filter(|f| f.state == FixtureState::Inconclusive)
        .map(|f| f.fixture_id.as_str())
        .collect();
    if inconclusive.len() > config.inconclusive_limit {
        failing.push(format!(
            "{} required fixture(s) inconclusive, more than the limit {}: {}",
            inconclusive.len(),
            config.inconclusive_limit,
            inconclusive.join(", ")
        ));
    }
    for t in tiers.iter().filter(|t| t.heartbeat_missing) {
        let tier = t.tier.map_or("overall", |t| t.as_str());
        missing.push(match t.heartbeat_age_minutes {
            Some(age) => format!(
                "the {tier} canary heartbeat is {age:.0} min old (period {:.0} + grace {:.0} min): is the scheduler running?",
                t.period_minutes, t.grace_minutes
            ),
            None => format!("the {tier} canary heartbeat is missing: the tier never ran against this store"),
        });
    }
    let (exit_code, status) = if !errors.is_empty() {
        (3, "error")
    } else if !failing.is_empty() {
        (1, "failing")
    } else if !missing.is_empty() {
        (2, "missing_proof")
    } else {
        (0, "healthy")
    };
    let mut rules_tripped: Vec<String> = errors.to_vec();
    rules_tripped.extend(failing);
    rules_tripped.extend(missing);
    Gate {
        exit_code,
        status: status.to_string(),
        rules_tripped,
    }
}

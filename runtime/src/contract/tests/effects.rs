//! `effects`: forbidden, max_applied, require_idempotency_key, unconfirmed.

use super::support::*;
use crate::effect::Effect;
use crate::observation::{CallSource, LedgerOutcome};
use crate::verdict::{FailureClass, Verdict};
use serde_json::json;

fn charge(o: Obs) -> Obs {
    o.call("charge", Effect::Money, json!({"amount": 5}))
}

#[test]
fn forbidden_effects_pass_and_fail() {
    let c = json!({"effects": {"forbidden": ["money"]}});
    assert_passed(&judge_json(c.clone(), obs().read("search")));
    let j = judge_json(c, charge(obs().read("search")));
    assert_judged(
        &j,
        Verdict::Failed,
        &["forbidden_effect"],
        FailureClass::Policy,
    );
    assert!(only(&j, "effects.forbidden").message.contains("#1 charge"));
}

#[test]
fn max_applied_counts_a_retry_with_the_same_key_once() {
    let c = json!({"effects": {"max_applied": {"money": 1}}});
    let o = charge(
        charge(obs())
            .key("k1")
            .ledger(LedgerOutcome::AppliedUnconfirmed),
    )
    .key("k1");
    assert_passed(&judge_json(c, o));
}

#[test]
fn max_applied_counts_a_retry_with_a_new_key_twice() {
    let c = json!({"effects": {"max_applied": {"money": 1}}});
    let o = charge(
        charge(obs())
            .key("k1")
            .ledger(LedgerOutcome::AppliedUnconfirmed),
    )
    .key("k2");
    let j = judge_json(c, o);
    assert_judged(
        &j,
        Verdict::Failed,
        &["duplicate_side_effect"],
        FailureClass::SilentDrift,
    );
    let m = &only(&j, "effects.max_applied.money").message;
    assert!(
        m.contains("#0 charge (key k1)") && m.contains("#1 charge (key k2)"),
        "{m}"
    );
}

#[test]
fn max_applied_ignores_failed_calls_and_counts_keyless_ones_each() {
    let c = json!({"effects": {"max_applied": {"money": 1}}});
    let failed_then_ok = charge(charge(obs()).ledger(LedgerOutcome::Failed));
    assert_passed(&judge_json(c.clone(), failed_then_ok));
    let j = judge_json(c, charge(charge(obs())));
    assert_eq!(j.reasons, ["duplicate_side_effect"]);
    assert!(
        only(&j, "effects.max_applied.money")
            .message
            .contains("(no key)")
    );
}

#[test]
fn require_idempotency_key_passes_fails_and_excepts_blocked_calls() {
    let c = json!({"effects": {"require_idempotency_key": ["money"]}});
    assert_passed(&judge_json(c.clone(), charge(obs()).key("k")));
    let blocked = charge(obs())
        .source(CallSource::Blocked)
        .error("blocked")
        .ledger(LedgerOutcome::Blocked);
    assert_eq!(judge_json(c.clone(), blocked).reasons, ["blocked_call"]);
    let j = judge_json(c, charge(obs()).call("email", Effect::Network, json!({})));
    assert_judged(
        &j,
        Verdict::Failed,
        &["missing_idempotency_key"],
        FailureClass::Policy,
    );
    assert!(
        only(&j, "effects.require_idempotency_key")
            .message
            .contains("call #0 of \"charge\"")
    );
}

#[test]
fn unconfirmed_passes_when_a_later_call_of_the_group_is_answered() {
    let c = json!({"effects": {"unconfirmed": "failed"}});
    let o = charge(
        charge(obs())
            .key("k")
            .error("timeout")
            .ledger(LedgerOutcome::Unknown),
    )
    .key("k");
    assert_passed(&judge_json(c, o));
}

#[test]
fn unconfirmed_side_effects_take_the_configured_verdict() {
    let lost = || {
        charge(obs())
            .key("k")
            .error("timeout")
            .ledger(LedgerOutcome::AppliedUnconfirmed)
    };
    let j = judge_json(json!({"effects": {"unconfirmed": "inconclusive"}}), lost());
    assert_judged(
        &j,
        Verdict::Inconclusive,
        &["side_effect_unconfirmed"],
        FailureClass::Dependency,
    );
    assert!(
        only(&j, "effects.unconfirmed")
            .message
            .contains("#0 charge (key k)")
    );
    let j = judge_json(json!({"effects": {"unconfirmed": "failed"}}), lost());
    assert_judged(
        &j,
        Verdict::Failed,
        &["side_effect_unconfirmed"],
        FailureClass::Dependency,
    );
    // A retry under another key confirms nothing about the first one.
    let other_key = charge(lost()).key("k2");
    let j = judge_json(json!({"effects": {"unconfirmed": "failed"}}), other_key);
    assert_eq!(j.reasons, ["side_effect_unconfirmed"]);
}

#[test]
fn an_unsure_retry_after_a_confirmation_is_unconfirmed_again() {
    let c = json!({"effects": {"unconfirmed": "failed"}});
    let o = charge(charge(charge(obs()).key("k").ledger(LedgerOutcome::Unknown)).key("k"))
        .key("k")
        .error("connection_reset")
        .ledger(LedgerOutcome::Unknown);
    let j = judge_json(c, o);
    assert_judged(
        &j,
        Verdict::Failed,
        &["side_effect_unconfirmed"],
        FailureClass::Dependency,
    );
    assert!(
        only(&j, "effects.unconfirmed")
            .message
            .contains("#2 charge (key k)"),
        "{j}"
    );
}

//! `effects`: `forbidden`, `max_applied`, `require_idempotency_key`, `unconfirmed`.
//!
//! A ledger *group* is one logical side effect: entries of the same tool sharing an
//! idempotency key; an entry without a key is a group of its own.

use super::join;
use crate::contract::judgement::Violation;
use crate::contract::model::{EffectsRule, UnconfirmedVerdict};
use crate::contract::view::View;
use crate::effect::Effect;
use crate::observation::{LedgerEntry, LedgerOutcome, Observation};
use crate::verdict::{FailureClass, Verdict, reason};
use serde_json::json;
use std::collections::BTreeMap;

/// Checks the effect rules.
pub(crate) fn check(rule: &EffectsRule, view: &View<'_>, out: &mut Vec<Violation>) {
    let obs = view.observation;
    forbidden(rule, obs, out);
    for (effect, max) in &rule.max_applied {
        max_applied(*effect, *max, obs, out);
    }
    for entry in obs.ledger.iter().filter(|e| {
        rule.require_idempotency_key.contains(&e.effect)
            && e.idempotency_key.is_none()
            && e.outcome != LedgerOutcome::Blocked
    }) {
        let message = format!(
            "call #{} of {:?} ({} effect) carried no idempotency key",
            entry.call, entry.tool, entry.effect
        );
        out.push(
            Violation::new(
                "effects.require_idempotency_key",
                reason::MISSING_IDEMPOTENCY_KEY,
                FailureClass::Policy,
                message,
            )
            .with_values(
                json!("an idempotency key"),
                json!({"call": entry.call, "tool": entry.tool}),
            ),
        );
    }
    if let Some(verdict) = rule.unconfirmed {
        unconfirmed(verdict, obs, out);
    }
}

fn forbidden(rule: &EffectsRule, obs: &Observation, out: &mut Vec<Violation>) {
    for effect in &rule.forbidden {
        let calls: Vec<String> = obs
            .calls
            .iter()
            .filter(|c| c.effect == *effect)
            .map(|c| format!("#{} {}", c.index, c.tool))
            .collect();
        if !calls.is_empty() {
            let message = format!(
                "the {effect} effect is forbidden but was used by {} call(s): {}",
                calls.len(),
                join(&calls)
            );
            out.push(
                Violation::new(
                    "effects.forbidden",
                    reason::FORBIDDEN_EFFECT,
                    FailureClass::Policy,
                    message,
                )
                .with_values(json!(rule.forbidden), json!(calls)),
            );
        }
    }
}

/// Groups ledger entries (in ledger order) by tool and idempotency key.
fn groups<'a>(entries: impl Iterator<Item = &'a LedgerEntry>) -> Vec<Vec<&'a LedgerEntry>> {
    let mut out: Vec<Vec<&LedgerEntry>> = Vec::new();
    let mut keyed: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for entry in entries {
        match &entry.idempotency_key {
            Some(key) => {
                let slot = *keyed
                    .entry((entry.tool.as_str(), key.as_str()))
                    .or_insert_with(|| {
                        out.push(Vec::new());
                        out.len() - 1
                    });
                out[slot].push(entry);
            }
            None => out.push(vec![entry]),
        }
    }
    out
}

fn describe(entry: &LedgerEntry) -> String {
    match &entry.idempotency_key {
        Some(key) => format!("#{} {} (key {key})", entry.call, entry.tool),
        None => format!("#{} {} (no key)", entry.call, entry.tool),
    }
}

fn max_applied(effect: Effect, max: u64, obs: &Observation, out: &mut Vec<Violation>) {
    let applied = groups(
        obs.ledger
            .iter()
            .filter(|e| e.effect == effect && e.applied()),
    );
    if applied.len() as u64 > max {
        let calls = join(applied.iter().flatten().map(|e| describe(e)));
        let message = format!(
            "{} {effect} side effect(s) took place, at most {max} allowed (calls sharing an idempotency key count once): {calls}",
            applied.len()
        );
        out.push(
            Violation::new(
                format!("effects.max_applied.{effect}"),
                reason::DUPLICATE_SIDE_EFFECT,
                FailureClass::SilentDrift,
                message,
            )
            .with_values(json!(max), json!(applied.len())),
        );
    }
}

fn unconfirmed(verdict: UnconfirmedVerdict, obs: &Observation, out: &mut Vec<Violation>) {
    let verdict = match verdict {
        UnconfirmedVerdict::Failed => Verdict::Failed,
        UnconfirmedVerdict::Inconclusive => Verdict::Inconclusive,
    };
    for group in groups(obs.ledger.iter()) {
        // The last unsure entry decides: an answer after it confirms the effect.
        let unsure = group.iter().rposition(|e| {
            matches!(
                e.outcome,
                LedgerOutcome::Unknown | LedgerOutcome::AppliedUnconfirmed
            )
        });
        let Some(at) = unsure else { continue };
        if group[at + 1..]
            .iter()
            .any(|e| e.outcome == LedgerOutcome::Answered)
        {
            continue;
        }
        let entry = group[at];
        let message = format!(
            "the side effect of {} ended unconfirmed and was never confirmed by a later answered call",
            describe(entry)
        );
        out.push(
            Violation::new(
                "effects.unconfirmed",
                reason::SIDE_EFFECT_UNCONFIRMED,
                FailureClass::Dependency,
                message,
            )
            .with_verdict(verdict)
            .with_values(json!("answered"), json!(entry.outcome)),
        );
    }
}

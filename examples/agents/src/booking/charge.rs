//! The charge step. With the stable key (the default) the runtime retries the charge on the
//! [`PAYMENTS`] dependency, every attempt carrying `<task>:charge`. The legacy per-attempt key
//! keeps the agent's own retry loop that minted a key per attempt, to reproduce INC-2291.

use super::{BookingError, BookingRequest, PAYMENTS, RetryKey, parse};
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;
use tapedeck::Ctx;
use tapedeck::observation::CallSource;
use tapedeck::resilience::RetryPolicy;

#[derive(Debug, Deserialize)]
pub(super) struct Charge {
    pub charge_id: String,
    pub status: String,
}

/// A charge that was answered: the answering call's index, the charge, the attempts made.
pub(super) struct Paid {
    pub call: usize,
    pub charge: Charge,
    pub attempts: u32,
}

/// Charges `amount_cents` for the hold.
pub(super) async fn charge(
    ctx: &Ctx,
    req: &BookingRequest,
    hold_id: &str,
    amount_cents: u64,
) -> Result<Paid, BookingError> {
    let args = json!({
        "hold_id": hold_id,
        "customer_id": req.customer_id,
        "amount_cents": amount_cents,
        "currency": req.currency,
    });
    match req.retry_key {
        RetryKey::Stable => stable_key(ctx, req, args).await,
        RetryKey::PerAttempt => per_attempt_key(ctx, req, args).await,
    }
}

async fn stable_key(ctx: &Ctx, req: &BookingRequest, args: Value) -> Result<Paid, BookingError> {
    let key = format!("{}:charge", req.task);
    let result = ctx
        .tool("charge")
        .idempotency_key(key.clone())
        .dependency(PAYMENTS)
        .retry(RetryPolicy::attempts(req.max_charge_attempts))
        .call_indexed(&args)
        .await;
    let (attempts, unknown) = attempts_with_key(ctx, &key);
    match result {
        Ok((call, value)) => Ok(Paid {
            call,
            charge: parse("charge", value)?,
            attempts,
        }),
        // Even when the last attempt was refused (rate limit, open breaker), an earlier one
        // that timed out may have charged.
        Err(e) if e.effect_unknown() || unknown => Err(BookingError::PaymentUnconfirmed {
            task: req.task.clone(),
            attempts,
        }),
        Err(e) => Err(e.into()),
    }
}

/// The charge calls made with `key` (not those the runtime refused before they ran), and
/// whether any of them left the charge unknown.
fn attempts_with_key(ctx: &Ctx, key: &str) -> (u32, bool) {
    let obs = ctx.observation();
    let calls: Vec<_> = obs
        .calls
        .iter()
        .filter(|c| c.tool == "charge" && c.idempotency_key.as_deref() == Some(key))
        .filter(|c| c.source != CallSource::Blocked)
        .collect();
    let unknown = calls.iter().any(|c| {
        c.error
            .as_ref()
            .is_some_and(|e| matches!(e.kind.as_str(), "timeout" | "connection_reset"))
    });
    (calls.len() as u32, unknown)
}

/// Legacy: the agent's own loop, a fresh key per attempt, retrying only unknown outcomes.
async fn per_attempt_key(
    ctx: &Ctx,
    req: &BookingRequest,
    args: Value,
) -> Result<Paid, BookingError> {
    let max = req.max_charge_attempts.max(1);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let key = format!("{}:charge:{}", req.task, ctx.uuid());
        match ctx
            .tool("charge")
            .idempotency_key(key.clone())
            .call_indexed(&args)
            .await
        {
            Ok((call, value)) => {
                return Ok(Paid {
                    call,
                    charge: parse("charge", value)?,
                    attempts: attempt,
                });
            }
            Err(e) if e.effect_unknown() && attempt < max => {
                let backoff = Duration::from_millis(500 * u64::from(attempt));
                ctx.event(
                    "retry",
                    json!({ "tool": "charge", "attempt": attempt, "why": e.kind(), "after_ms": backoff.as_millis() as u64, "key": key }),
                );
                ctx.sleep(backoff).await;
            }
            Err(e) if e.effect_unknown() => {
                return Err(BookingError::PaymentUnconfirmed {
                    task: req.task.clone(),
                    attempts: attempt,
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
}

//! The booking/payment agent: quote (read) → hold (write) → charge (money) → confirm (write) →
//! receipt artifact (`receipts/<task>.json`).
//!
//! Every side effect carries an idempotency key derived stably from the task
//! (`<task>:hold`, `<task>:charge`, `<task>:confirm`), so a retry after a timeout asks the
//! payment API for the *same* charge: the API returns the stored result for a known key, and a
//! `timeout_after_success` (charged, answer lost) does not charge twice.
//!
//! Retries: a charge that times out (or whose connection is reset) is retried with the same key
//! up to `max_charge_attempts`; a rate limit is honoured once (`Retry-After`), a second one ends
//! the run with [`BookingError::RetryBudgetExhausted`].
//!
//! # Known weaknesses (each pinned by a "caught" fixture)
//!
//! - `retry_key: "per_attempt"` (the legacy behaviour, still configurable) mints a new key per
//!   charge attempt, so a lost answer followed by a retry charges twice
//!   (`duplicate_side_effect`).
//! - When every charge attempt times out it gives up without reconciling the charge, leaving a
//!   payment that may have happened unconfirmed (`side_effect_unconfirmed`).
//! - It charges the amount the *hold* returns and never re-checks it against the quote or the
//!   traveller's `max_price_cents`, so a repriced hold is charged silently
//!   (`tool_args_mismatch` on the charge amount).

use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;
use tapedeck::{Ctx, Declared, ToolError};

/// How charge retries derive their idempotency key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryKey {
    /// One key per task (`<task>:charge`): retries are deduplicated by the payment API.
    #[default]
    Stable,
    /// Legacy: a fresh key per attempt (`<task>:charge:<uuid>`). Double-charges after a lost
    /// answer; kept only to reproduce old incidents.
    PerAttempt,
}

/// A booking task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    /// The task id; every idempotency key derives from it.
    pub task: String,
    /// The paying customer.
    pub customer_id: String,
    /// The offer to book (a room, a seat).
    pub offer_id: String,
    /// Nights (or units) to book.
    pub nights: u32,
    /// ISO 4217 currency.
    pub currency: String,
    /// The most the customer agreed to pay, in minor units.
    pub max_price_cents: u64,
    /// How charge retries derive their key (default `stable`).
    #[serde(default)]
    pub retry_key: RetryKey,
    /// Charge attempts on timeouts (default 3).
    #[serde(default = "default_attempts")]
    pub max_charge_attempts: u32,
}

fn default_attempts() -> u32 {
    3
}

#[derive(Debug, Deserialize)]
struct Quote {
    quote_id: String,
    amount_cents: u64,
}

#[derive(Debug, Deserialize)]
struct Hold {
    hold_id: String,
    amount_cents: u64,
}

#[derive(Debug, Deserialize)]
struct Charge {
    charge_id: String,
    status: String,
}

#[derive(Debug, Deserialize)]
struct Confirmation {
    booking_id: String,
}

/// The result of a booking, also written as `receipts/<task>.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingReceipt {
    /// The task.
    pub task: String,
    /// The confirmed booking.
    pub booking_id: String,
    /// The payment.
    pub charge_id: String,
    /// What was charged, in minor units.
    pub amount_cents: u64,
    /// ISO 4217 currency.
    pub currency: String,
    /// How many charge calls it took.
    pub charge_attempts: u32,
    /// When the receipt was issued (RFC 3339).
    pub issued_at: String,
    /// The receipt's artifact path.
    pub receipt_path: String,
}

/// Why a booking failed.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// A tool failed in a way the agent does not recover from.
    #[error(transparent)]
    Tool(#[from] ToolError),
    /// The charge's outcome is unknown after every attempt timed out.
    #[error(
        "charge for {task} is unconfirmed after {attempts} attempt(s); reconcile before retrying"
    )]
    PaymentUnconfirmed {
        /// The task.
        task: String,
        /// Attempts made.
        attempts: u32,
    },
    /// The payment API declined.
    #[error("charge declined: {0}")]
    Declined(String),
    /// The quote is above the customer's limit.
    #[error("quote {quote} cents is above the limit of {limit} cents")]
    OverBudget {
        /// The quoted amount.
        quote: u64,
        /// The customer's limit.
        limit: u64,
    },
    /// The payment API rate-limited a second time; the retry budget is spent.
    #[error("charge for {0} is still rate limited after one retry")]
    RetryBudgetExhausted(String),
    /// The receipt could not be written.
    #[error("could not write the receipt: {0}")]
    Artifact(String),
}

/// Books and pays for `req.offer_id`. See the module docs for retries and known weaknesses.
#[tapedeck::agent_fixture("fixtures/booking", mode = "strict")]
#[tapedeck::canary(tier = "hourly")]
pub async fn book(ctx: &Ctx, req: BookingRequest) -> Result<BookingReceipt, BookingError> {
    let task = &req.task;
    let (quote_call, quote) = ctx
        .tool("quote")
        .call_indexed(
            json!({ "offer_id": req.offer_id, "nights": req.nights, "currency": req.currency }),
        )
        .await?;
    let quote: Quote = parse("quote", quote)?;
    ctx.evidence(format!("/calls/{quote_call}/response/amount_cents"));
    if quote.amount_cents > req.max_price_cents {
        return Err(BookingError::OverBudget {
            quote: quote.amount_cents,
            limit: req.max_price_cents,
        });
    }

    let (hold_call, hold) = ctx
        .tool("hold")
        .idempotency_key(format!("{task}:hold"))
        .call_indexed(json!({ "quote_id": quote.quote_id, "customer_id": req.customer_id }))
        .await?;
    let hold: Hold = parse("hold", hold)?;
    ctx.evidence(format!("/calls/{hold_call}/response/hold_id"));

    // Weakness: the hold's amount is charged without re-checking it against the quote.
    let amount_cents = hold.amount_cents;
    let (charge_call, charge, attempts) = charge(ctx, &req, &hold.hold_id, amount_cents).await?;
    if charge.status != "succeeded" {
        return Err(BookingError::Declined(charge.status));
    }
    ctx.evidence(format!("/calls/{charge_call}/response/charge_id"));

    let (confirm_call, confirmation) = ctx
        .tool("confirm")
        .idempotency_key(format!("{task}:confirm"))
        .call_indexed(json!({ "hold_id": hold.hold_id, "charge_id": charge.charge_id }))
        .await?;
    let confirmation: Confirmation = parse("confirm", confirmation)?;
    ctx.evidence(format!("/calls/{confirm_call}/response/booking_id"));

    let receipt_path = format!("receipts/{task}.json");
    let receipt = BookingReceipt {
        task: task.clone(),
        booking_id: confirmation.booking_id,
        charge_id: charge.charge_id,
        amount_cents,
        currency: req.currency.clone(),
        charge_attempts: attempts,
        issued_at: humantime::format_rfc3339_seconds(ctx.now()).to_string(),
        receipt_path: receipt_path.clone(),
    };
    ctx.artifact_json(&receipt_path, &receipt)
        .map_err(|e| BookingError::Artifact(e.to_string()))?;
    Ok(receipt)
}

/// Charges with retries; returns the answering call's index, the charge and the attempts made.
async fn charge(
    ctx: &Ctx,
    req: &BookingRequest,
    hold_id: &str,
    amount_cents: u64,
) -> Result<(usize, Charge, u32), BookingError> {
    let args = json!({
        "hold_id": hold_id,
        "customer_id": req.customer_id,
        "amount_cents": amount_cents,
        "currency": req.currency,
    });
    let max = req.max_charge_attempts.max(1);
    let mut rate_limited_once = false;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let key = match req.retry_key {
            RetryKey::Stable => format!("{}:charge", req.task),
            RetryKey::PerAttempt => format!("{}:charge:{}", req.task, ctx.uuid()),
        };
        match ctx
            .tool("charge")
            .idempotency_key(key.clone())
            .call_indexed(&args)
            .await
        {
            Ok((index, value)) => return Ok((index, parse("charge", value)?, attempt)),
            Err(e @ ToolError::RateLimited { .. }) if !rate_limited_once => {
                rate_limited_once = true;
                let wait = e.retry_after().unwrap_or(Duration::from_secs(1));
                ctx.event(
                    "retry",
                    json!({ "tool": "charge", "attempt": attempt, "why": "rate_limited", "after_ms": wait.as_millis() as u64, "key": key }),
                );
                ctx.sleep(wait).await;
            }
            Err(ToolError::RateLimited { .. }) => {
                ctx.declare(Declared::blocked("retry_budget_exhausted"));
                return Err(BookingError::RetryBudgetExhausted(req.task.clone()));
            }
            Err(e) if e.effect_unknown() => {
                if attempt >= max {
                    return Err(BookingError::PaymentUnconfirmed {
                        task: req.task.clone(),
                        attempts: attempt,
                    });
                }
                let backoff = Duration::from_millis(500 * u64::from(attempt));
                ctx.event(
                    "retry",
                    json!({ "tool": "charge", "attempt": attempt, "why": e.kind(), "after_ms": backoff.as_millis() as u64, "key": key }),
                );
                ctx.sleep(backoff).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(
    tool: &str,
    value: serde_json::Value,
) -> Result<T, ToolError> {
    serde_json::from_value(value).map_err(|e| ToolError::InvalidResponse {
        tool: tool.to_string(),
        message: e.to_string(),
    })
}

//! The booking/payment agent: quote (read) → hold (write) → charge (money) → confirm (write) →
//! optionally record the booking in the trip's shared itinerary → receipt artifact
//! (`receipts/<task>.json`).
//!
//! Every side effect carries an idempotency key derived stably from the task
//! (`<task>:hold`, `<task>:charge`, `<task>:confirm`), so a retry after a timeout asks the
//! payment API for the *same* charge: the API returns the stored result for a known key, and a
//! `timeout_after_success` (charged, answer lost) does not charge twice.
//!
//! # Recovery
//!
//! Calls go through the runtime's resilience layer: `quote`, `hold` and `confirm` on the
//! [`INVENTORY`] dependency (3 attempts), `charge` on [`PAYMENTS`] (`max_charge_attempts`,
//! default 3), the itinerary on [`itinerary::ITINERARY`]. Backoff, jitter, `Retry-After`, the
//! retry budget and the breaker are the runtime's. A charge whose outcome stays unknown (an
//! attempt timed out and none succeeded) ends the run with
//! [`BookingError::PaymentUnconfirmed`], never with a silent success. The shared itinerary is
//! written with compare-and-swap (see [`itinerary`]).
//!
//! # Fixtures (`fixtures/booking/`, strict mode: nothing with a side effect ever runs)
//!
//! - `clean_booking`: the baseline.
//! - `charge_rate_limited_then_succeeds`: a 429 with `Retry-After` 1.5 s is waited out; one
//!   charge applied.
//! - `timeout_after_success_charges_once`: the charge happened but its answer was lost; the
//!   retry reuses the key and the API returns the stored charge: one money effect.
//! - `itinerary_conflict_detected_and_retried`: another agent appended a flight to the
//!   itinerary between our read (version 3) and our write; the write answers a conflict
//!   (current 4), the agent re-reads and writes version 5 holding both: nothing lost.
//!
//! # Known weaknesses (each pinned by a "caught" fixture)
//!
//! - `retry_key: "per_attempt"` (the legacy behaviour, still configurable) mints a new key per
//!   charge attempt, so a lost answer followed by a retry charges twice
//!   (`per_attempt_key_double_charge`: `duplicate_side_effect`).
//! - When every charge attempt times out it gives up without reconciling the charge, leaving a
//!   payment that may have happened unconfirmed (`charge_timeouts_left_unconfirmed`:
//!   `side_effect_unconfirmed`; the third timeout also opens the `payments` breaker).
//! - It charges the amount the *hold* returns and never re-checks it against the quote or the
//!   traveller's `max_price_cents`, so a repriced hold is charged silently
//!   (`repriced_hold_charged_silently`: `tool_args_mismatch` on the charge amount).
//! - `itinerary_write: "blind"` (the legacy write, still configurable) writes the itinerary
//!   without an expected version and overwrites another agent's update
//!   (`blind_itinerary_write_loses_flight`: `lost_update`, from the `no_lost_update` validator).

mod charge;
pub mod itinerary;

pub use itinerary::ItineraryWrite;

use serde::{Deserialize, Serialize};
use serde_json::json;
use tapedeck::resilience::RetryPolicy;
use tapedeck::{Ctx, ToolError, ToolHandle};

/// The hotel inventory API behind `quote`, `hold` and `confirm`.
pub const INVENTORY: &str = "inventory";
/// The payment API behind `charge`.
pub const PAYMENTS: &str = "payments";

/// How charge retries derive their idempotency key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryKey {
    /// One key per task (`<task>:charge`), reused by the runtime's retries: retries are
    /// deduplicated by the payment API.
    #[default]
    Stable,
    /// Legacy: a fresh key per attempt (`<task>:charge:<uuid>`) in the agent's own retry loop.
    /// Double-charges after a lost answer; kept only to reproduce old incidents.
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
    /// Charge attempts in all, the first included (default 3).
    #[serde(default = "default_attempts")]
    pub max_charge_attempts: u32,
    /// The trip itinerary (a shared record) to add the booking to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub itinerary: Option<String>,
    /// How the itinerary is written (default `conditional`).
    #[serde(default)]
    pub itinerary_write: ItineraryWrite,
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
    /// The itinerary version that holds the booking, when one was named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub itinerary_version: Option<u64>,
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
    /// The charge's outcome is unknown: an attempt timed out and none succeeded.
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
    /// Other writers changed the itinerary on every attempt: the booking is not in it.
    #[error("lost update on itinerary {key}: it changed under us {attempts} time(s)")]
    ItineraryConflict {
        /// The itinerary.
        key: String,
        /// Attempts made.
        attempts: u32,
    },
    /// The receipt could not be written.
    #[error("could not write the receipt: {0}")]
    Artifact(String),
}

/// Books and pays for `req.offer_id`. See the module docs for recovery and known weaknesses.
#[tapedeck::agent_fixture("fixtures/booking", mode = "strict")]
#[tapedeck::canary(tier = "hourly")]
pub async fn book(ctx: &Ctx, req: BookingRequest) -> Result<BookingReceipt, BookingError> {
    let task = &req.task;
    let (quote_call, quote) = inventory(ctx, "quote")
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

    let (hold_call, hold) = inventory(ctx, "hold")
        .idempotency_key(format!("{task}:hold"))
        .call_indexed(json!({ "quote_id": quote.quote_id, "customer_id": req.customer_id }))
        .await?;
    let hold: Hold = parse("hold", hold)?;
    ctx.evidence(format!("/calls/{hold_call}/response/hold_id"));

    // Weakness: the hold's amount is charged without re-checking it against the quote.
    let amount_cents = hold.amount_cents;
    let paid = charge::charge(ctx, &req, &hold.hold_id, amount_cents).await?;
    if paid.charge.status != "succeeded" {
        return Err(BookingError::Declined(paid.charge.status));
    }
    ctx.evidence(format!("/calls/{}/response/charge_id", paid.call));

    let (confirm_call, confirmation) = inventory(ctx, "confirm")
        .idempotency_key(format!("{task}:confirm"))
        .call_indexed(json!({ "hold_id": hold.hold_id, "charge_id": paid.charge.charge_id }))
        .await?;
    let confirmation: Confirmation = parse("confirm", confirmation)?;
    ctx.evidence(format!("/calls/{confirm_call}/response/booking_id"));

    let itinerary_version = match &req.itinerary {
        Some(key) => {
            let item = json!({
                "booking_id": confirmation.booking_id,
                "offer_id": req.offer_id,
                "nights": req.nights,
                "amount_cents": amount_cents,
                "currency": req.currency,
            });
            Some(itinerary::record(ctx, task, key, item, req.itinerary_write).await?)
        }
        None => None,
    };

    let receipt_path = format!("receipts/{task}.json");
    let receipt = BookingReceipt {
        task: task.clone(),
        booking_id: confirmation.booking_id,
        charge_id: paid.charge.charge_id,
        amount_cents,
        currency: req.currency.clone(),
        charge_attempts: paid.attempts,
        itinerary_version,
        issued_at: humantime::format_rfc3339_seconds(ctx.now()).to_string(),
        receipt_path: receipt_path.clone(),
    };
    ctx.artifact_json(&receipt_path, &receipt)
        .map_err(|e| BookingError::Artifact(e.to_string()))?;
    Ok(receipt)
}

/// A call to the hotel inventory API, retried by the runtime.
fn inventory<'a>(ctx: &'a Ctx, tool: &'a str) -> ToolHandle<'a> {
    ctx.tool(tool)
        .dependency(INVENTORY)
        .retry(RetryPolicy::attempts(3))
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

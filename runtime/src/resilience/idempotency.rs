//! Idempotency keys and the ledger behind them, with the semantics of the major payment APIs:
//! the same key with the same request returns the stored result (failures included) without
//! executing; the same key with a different request is refused (`idempotency_key_reused`); a
//! duplicate while the first is in flight is refused and executes nothing
//! (`idempotency_key_in_use`); a timeout without confirmation is recorded as unconfirmed — never
//! a silent success — and a retry with the same key may then execute again, so the service
//! deduplicates it.

use crate::artifact::sha256_hex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A stable key for one logical side effect: the same (task, step, tool) gives the same key on
/// every attempt and every retry of the run, and in every run of the task.
pub fn derive_key(task_id: &str, step: &str, tool: &str) -> String {
    let digest = sha256_hex(format!("{task_id}\u{0}{step}\u{0}{tool}").as_bytes());
    format!("idk_{}", &digest[..32])
}

/// The fingerprint of a request (compact JSON with sorted keys).
pub fn request_fingerprint(request: &Value) -> String {
    sha256_hex(request.to_string().as_bytes())
}

/// What the ledger says about a call with a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Begin {
    /// First use (or a retry after an unconfirmed attempt): execute, then [`Finish`].
    Execute,
    /// Already done with this request: here is the stored outcome; execute nothing.
    Replay(StoredOutcome),
    /// The key was used with a different request: refuse.
    Reused,
    /// The same call is in flight elsewhere: refuse, execute nothing.
    InUse,
}

/// How an executed call ended, as the ledger keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoredOutcome {
    /// The result.
    Response(Value),
    /// A failure the service confirmed (it is returned again, not retried).
    Error {
        /// The error kind.
        kind: String,
        /// Its message.
        message: String,
    },
}

/// How to finish a ledger entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Finish {
    /// The call completed (successfully or with a confirmed failure).
    Completed(StoredOutcome),
    /// It timed out (or the connection dropped) without confirmation.
    Unconfirmed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_distinct() {
        let a = derive_key("booking-7", "charge", "payments.charge");
        assert_eq!(a, derive_key("booking-7", "charge", "payments.charge"));
        assert_ne!(a, derive_key("booking-7", "refund", "payments.charge"));
        assert_ne!(a, derive_key("booking-8", "charge", "payments.charge"));
        assert!(a.starts_with("idk_") && a.len() == 36);
        assert_eq!(
            request_fingerprint(&serde_json::json!({ "b": 1, "a": 2 })),
            request_fingerprint(&serde_json::json!({ "a": 2, "b": 1 }))
        );
    }
}

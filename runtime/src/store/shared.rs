//! Concurrency-safe shared state for agents: versioned records updated by compare-and-swap, so
//! two agents updating the same record cannot silently overwrite each other. A lost update is
//! detected and retried, or reported.

use super::{Store, StoreError};
use serde_json::Value;

/// A shared record and its version (1 for the first write).
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned {
    /// The version.
    pub version: u64,
    /// The value.
    pub value: Value,
}

/// Why an update did not land.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Other writers won every attempt: the update was not applied (a lost update, detected).
    #[error("lost update on {key}: it changed under us {attempts} time(s); nothing was written")]
    LostUpdate {
        /// The record.
        key: String,
        /// Attempts made.
        attempts: u32,
    },
}

/// Reads `key`, applies `change` to its value (`None` when it does not exist yet) and writes the
/// result only if nobody wrote in between; retries up to `attempts` times with the fresh value.
/// Returns the written record.
pub fn update(
    store: &dyn Store,
    key: &str,
    attempts: u32,
    mut change: impl FnMut(Option<&Value>) -> Value,
) -> Result<Versioned, UpdateError> {
    for _ in 0..attempts.max(1) {
        let current = store.state_get(key)?;
        let value = change(current.as_ref().map(|c| &c.value));
        if let Some(version) = store.state_put(key, current.map(|c| c.version), &value)? {
            return Ok(Versioned { version, value });
        }
    }
    Err(UpdateError::LostUpdate {
        key: key.to_string(),
        attempts: attempts.max(1),
    })
}

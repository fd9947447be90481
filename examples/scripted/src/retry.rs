//! Calling a tool with retries: transient errors are retried with the same idempotency key.

use serde_json::{Value, json};
use std::sync::Arc;
use tapedeck::{Ctx, ToolError};

/// Calls `tool` up to `1 + retries` times while it fails with a transient error
/// ([`ToolError::is_transient`]), reusing `key` on every attempt. Before each retry it emits a
/// `retry` event (`{"tool", "attempt", "error"}`) and waits the error's `Retry-After`, if any.
/// The response is shared with the run's observation, not copied.
pub(crate) async fn call_with_retries(
    ctx: &Ctx,
    tool: &str,
    mut args: Value,
    key: Option<&str>,
    retries: u32,
) -> Result<(usize, Arc<Value>), ToolError> {
    let mut retried = 0;
    loop {
        let mut handle = ctx.tool(tool);
        if let Some(key) = key {
            handle = handle.idempotency_key(key);
        }
        // The last attempt sends the arguments themselves; earlier ones a copy.
        let request = if retried < retries {
            args.clone()
        } else {
            std::mem::take(&mut args)
        };
        match handle.call_json_shared_indexed(request).await {
            Err(error) if error.is_transient() && retried < retries => {
                retried += 1;
                ctx.event(
                    "retry",
                    json!({"tool": tool, "attempt": retried + 1, "error": error.kind()}),
                );
                if let Some(wait) = error.retry_after() {
                    ctx.sleep(wait).await;
                }
            }
            other => return other,
        }
    }
}

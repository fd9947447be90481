//! The agent of the `fixture new` CLI test, shared by the test (which records its production
//! runs) and the CLI binary (which replays the frozen fixture): it looks an order up and returns
//! it, failing when the lookup fails.

use serde_json::{Value, json};
use tapedeck::agent::{AgentFuture, call_typed};
use tapedeck::{Ctx, ToolError};

/// Looks up `order` and returns what the order service said, citing the status it read.
pub async fn lookup_agent(ctx: &Ctx, order: String) -> Result<Value, ToolError> {
    let order = ctx.call("get_order", json!({ "id": order })).await?;
    ctx.evidence("/calls/0/response/status");
    Ok(order)
}

/// [`lookup_agent`] erased, for a `SuiteRegistration`.
#[allow(
    dead_code,
    reason = "the CLI binary registers it; the test only records runs"
)]
pub fn erased<'a>(ctx: &'a Ctx, input: Value) -> AgentFuture<'a> {
    call_typed(&lookup_agent, ctx, input)
}

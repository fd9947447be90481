//! The agent of the `fixture new` CLI test, shared by the test (which records its production
//! runs) and the CLI binary (which replays the frozen fixture): it looks an order up and returns
//! it, failing when the lookup fails.

use serde_json::{Value, json};
use tapedeck::agent::{AgentFuture, call_typed};
use tapedeck::{Ctx, Effect, ToolError, Toolbox};

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

/// The order service the lookup agent records against (`cargo xtask fixture record`): it
/// answers every lookup as shipped, with a password field the recording must redact. Its
/// effect is `read` unless `TAPEDECK_TEST_ORDER_EFFECT` names another; `none` registers no
/// tool at all.
#[allow(
    dead_code,
    reason = "the CLI binary registers it; the test only records runs"
)]
pub fn tools() -> Toolbox {
    if std::env::var("TAPEDECK_TEST_ORDER_EFFECT").is_ok_and(|e| e == "none") {
        return Toolbox::new();
    }
    let effect = std::env::var("TAPEDECK_TEST_ORDER_EFFECT")
        .ok()
        .and_then(|e| serde_json::from_value(Value::String(e)).ok())
        .unwrap_or(Effect::Read);
    Toolbox::new().with("get_order", effect, |call| async move {
        Ok(json!({ "id": call.args["id"], "status": "shipped", "password": "hunter2-correct-horse" }))
    })
}

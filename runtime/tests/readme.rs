//! The README's 60-second tour, run for real: the refund agent and its two fixtures.
//! (`harness = false`; the same code is compiled as a doctest from the README.)

use serde::{Deserialize, Serialize};
use tapedeck::{Ctx, ToolError};

#[derive(Deserialize)]
pub struct Refund {
    order_id: String,
    cents: u64,
}

#[derive(Serialize)]
pub struct Receipt {
    refund_id: String,
}

#[tapedeck::agent_fixture("tests/fixtures/readme_refunds", mode = "strict")]
pub async fn refund(ctx: &Ctx, req: Refund) -> Result<Receipt, ToolError> {
    let order = ctx
        .call("get_order", serde_json::json!({ "id": req.order_id }))
        .await?;
    ctx.evidence("/calls/0/response/status");
    let paid = ctx
        .tool("refund")
        .idempotency_key(format!("refund:{}", req.order_id))
        .call(serde_json::json!({ "order": order["id"], "cents": req.cents }))
        .await?;
    Ok(Receipt {
        refund_id: paid["id"].as_str().unwrap_or_default().to_string(),
    })
}

tapedeck::main!();

//! Input and output types from serde; the registered agent decodes and encodes JSON.

use serde::{Deserialize, Serialize};
use std::future::Future;
use std::task::{Context, Poll, Waker};
use tapedeck::Ctx;
use tapedeck::agent::AgentReturn;
use tapedeck::harness::registry::registered_suites;

#[derive(Debug, Deserialize)]
struct RefundRequest {
    order_id: String,
    amount_cents: u64,
}

#[derive(Debug, Serialize)]
struct RefundDecision {
    order_id: String,
    approved: bool,
}

#[derive(Debug)]
struct AgentError;

impl std::fmt::Display for AgentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("refund agent failed")
    }
}

#[tapedeck::agent_fixture("fixtures/refunds", mode = "cassette")]
async fn refunds(_ctx: &Ctx, input: RefundRequest) -> Result<RefundDecision, AgentError> {
    if input.amount_cents == 0 {
        return Err(AgentError);
    }
    Ok(RefundDecision {
        approved: input.amount_cents < 10_000,
        order_id: input.order_id,
    })
}

fn run(input: serde_json::Value) -> AgentReturn {
    let suite = registered_suites()[0];
    let ctx = Ctx::builder().build();
    let mut future = (suite.agent)(&ctx, input);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => panic!("the agent awaits nothing"),
    }
}

fn main() {
    assert_eq!(
        run(serde_json::json!({"order_id": "o-1", "amount_cents": 500})),
        AgentReturn::Output(serde_json::json!({"order_id": "o-1", "approved": true}))
    );
    assert_eq!(
        run(serde_json::json!({"order_id": "o-2", "amount_cents": 0})),
        AgentReturn::Error("refund agent failed".to_string())
    );
    assert!(matches!(
        run(serde_json::json!({"order": 1})),
        AgentReturn::Harness(_)
    ));
}

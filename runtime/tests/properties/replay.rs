//! Fixtures with extreme recorded values (durations, delays, tokens, timestamps, timeouts),
//! and an agent that replays every recorded call and asks the ctx for time, ids and randomness.

use super::arb_json;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::time::Duration;
use tapedeck::Ctx;
use tapedeck::agent::{Agent, AgentFuture, AgentReturn};

/// A millisecond or token count, often at the extremes.
fn arb_count() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u64..1000).prop_map(Value::from),
        Just(json!(u64::MAX)),
        Just(json!(u64::MAX / 1000)),
        any::<u64>().prop_map(Value::from),
    ]
}

fn arb_timestamp() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        "1970-01-01T00:00:00Z",
        "2026-03-01T12:00:00Z",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59.999Z",
    ])
    .prop_map(Value::from)
}

fn arb_interaction() -> impl Strategy<Value = Value> {
    let tool = prop::sample::select(vec!["lookup", "charge", "llm"]);
    let effect = prop::sample::select(vec!["read", "model", "money", "write"]);
    let fault = prop::option::of(
        (
            prop::sample::select(vec![
                "timeout",
                "rate_limited",
                "slow",
                "timeout_after_success",
                "truncated",
            ]),
            arb_count(),
        )
            .prop_map(|(kind, ms)| match kind {
                "slow" => json!({"kind": kind, "delay_ms": ms}),
                "rate_limited" => json!({"kind": kind, "retry_after_ms": ms}),
                _ => json!({"kind": kind, "delay_ms": ms}),
            }),
    );
    (
        (tool, effect, arb_json(), arb_json()),
        (fault, arb_count(), arb_count(), arb_count()),
        prop::option::of("[a-z]{1,3}"),
    )
        .prop_map(
            |((tool, effect, request, response), (fault, duration, tokens, out), key)| {
                let mut i = json!({
                    "tool": tool, "effect": effect, "request": request, "response": response,
                    "duration_ms": duration,
                    "usage": {"input_tokens": tokens, "output_tokens": out, "cost_usd": 1e300},
                });
                if let Some(fault) = fault {
                    i["fault"] = fault;
                }
                if let Some(key) = key {
                    i["idempotency_key"] = key.into();
                }
                i
            },
        )
}

/// `(input.json, tool_cassettes.json)` with extreme values everywhere a number or a time goes.
pub fn arb_replay_files() -> impl Strategy<Value = (Value, Value)> {
    let input = (prop::option::of(arb_count()), arb_json()).prop_map(|(timeout, state)| {
        let mut input = json!({"input": 1, "state": {"s": state}});
        if let Some(t) = timeout {
            input["timeout_seconds"] = t;
        }
        input
    });
    let values = (
        prop::collection::vec(arb_timestamp(), 0..2),
        prop::collection::vec(prop::sample::select(vec![0.0, 0.5, 0.999_999]), 0..2),
    );
    let cassette = (
        prop::option::of(arb_timestamp()),
        values,
        prop::collection::vec(arb_interaction(), 0..5),
    )
        .prop_map(|(recorded_at, (now, random), interactions)| {
            let mut c = json!({
                "format_version": 1,
                "values": {"now": now, "random": random},
                "interactions": interactions,
            });
            if let Some(at) = recorded_at {
                c["recorded_at"] = at;
            }
            c
        });
    (input, cassette)
}

/// Makes every call of `calls` in order, then asks for time, ids, randomness, the deadline,
/// sleeps as long as a `Duration` allows, and asks again.
pub struct CallEverything {
    /// `(tool, request, idempotency key)`.
    pub calls: Vec<(String, Value, Option<String>)>,
}

impl Agent for CallEverything {
    fn call<'a>(&'a self, ctx: &'a Ctx, _input: Value) -> AgentFuture<'a> {
        Box::pin(async move {
            let probe = |ctx: &Ctx| {
                let _ = (ctx.now(), ctx.uuid(), ctx.random(), ctx.elapsed());
                let _ = (ctx.deadline(), ctx.remaining());
            };
            probe(ctx);
            for (tool, request, key) in &self.calls {
                let mut handle = ctx.tool(tool);
                if let Some(key) = key {
                    handle = handle.idempotency_key(key.clone());
                }
                let _ = handle.call(request).await;
                ctx.evidence("/calls/0/response");
                probe(ctx);
            }
            ctx.sleep(Duration::MAX).await;
            probe(ctx);
            AgentReturn::Output(json!("done"))
        })
    }
}

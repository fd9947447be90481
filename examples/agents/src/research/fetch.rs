//! The research agent's fetch stage. Every page is read through one reader service, the
//! dependency [`READER`]: one retry budget and one circuit breaker for all pages. Sources are
//! fetched one after the other, or `parallel_fetches` at a time (a wave), each with
//! `fetch_attempts` attempts under the runtime's retry policy.
//!
//! A page that fails (a transient error after its attempts, or an answer that is not a page)
//! is skipped and listed in `skipped_sources`. The stage stops with an error as soon as the
//! run cannot go on: after the wave in which the breaker refused a call (`circuit_open`) or
//! the retry budget refused a retry (`retry_budget_exhausted`; see
//! [`crate::recovery::is_refusal`]), or at once when the deadline cut a call off.

use super::{Hit, Page, ResearchError, ResearchRequest};
use crate::fan_out::join_all;
use crate::recovery::is_refusal;
use serde_json::{Value, json};
use tapedeck::resilience::RetryPolicy;
use tapedeck::{Ctx, ToolError};

/// The dependency every `fetch` goes through.
pub const READER: &str = "reader";

/// The pages read and the URLs left out.
#[derive(Debug, Default)]
pub(super) struct Fetched {
    pub pages: Vec<Page>,
    pub skipped: Vec<String>,
}

impl Fetched {
    fn keep(&mut self, ctx: &Ctx, hit: &Hit, index: usize, value: Value) {
        match serde_json::from_value::<Page>(value) {
            Ok(page) => {
                ctx.evidence(format!("/calls/{index}/response/text"));
                self.pages.push(page);
            }
            Err(e) => self.skip(ctx, hit, &e.to_string()),
        }
    }

    fn skip(&mut self, ctx: &Ctx, hit: &Hit, why: &str) {
        ctx.event("source_skipped", json!({ "url": hit.url, "why": why }));
        self.skipped.push(hit.url.clone());
    }
}

/// Fetches the hits in waves of `parallel_fetches`; see the module docs for when it stops.
pub(super) async fn fetch_sources(
    ctx: &Ctx,
    hits: &[Hit],
    req: &ResearchRequest,
) -> Result<Fetched, ResearchError> {
    let policy = RetryPolicy::attempts(req.fetch_attempts);
    let mut fetched = Fetched::default();
    for wave in hits.chunks(req.parallel_fetches.max(1)) {
        let calls = wave.iter().map(|hit| {
            ctx.tool("fetch")
                .dependency(READER)
                .retry(policy)
                .call_indexed(json!({ "url": hit.url }))
        });
        let mut refusal = None;
        for (hit, result) in wave.iter().zip(join_all(calls).await) {
            match result {
                Ok((index, value)) => fetched.keep(ctx, hit, index, value),
                Err(e) if is_refusal(&e) => refusal = refusal.or(Some(e)),
                Err(e) if e.is_transient() || matches!(e, ToolError::InvalidResponse { .. }) => {
                    fetched.skip(ctx, hit, e.kind());
                }
                Err(e) => return Err(e.into()),
            }
        }
        if let Some(refusal) = refusal {
            return Err(ResearchError::Halted(refusal));
        }
    }
    Ok(fetched)
}

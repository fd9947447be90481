//! The queue worker: claim a job (write) → read the ticket (read) → triage it with the model
//! (model) → write the result artifact and register it (`write_result`, write) → mark the job
//! done (`complete`, write).
//!
//! The rule it exists to keep: **a job is never marked done without its result**. A failure
//! after the claim releases the claim (`release`, write) so another worker can pick the job up,
//! and the run ends with an error instead of a "done". A job claimed by another worker is
//! skipped with a declared `skipped` status.
//!
//! # Recovery
//!
//! Calls go through the runtime's resilience layer: the queue's tools on the [`QUEUE`]
//! dependency (3 attempts, each write under its own stable idempotency key), `get_ticket` on
//! `tickets` and the model on [`MODEL`] (2 attempts each: a rate limit is waited out once,
//! honouring `Retry-After`, and an outage is retried once). A wait that would outlive the run's
//! deadline is not taken: the call fails at once and the claim is released while there is
//! still time.
//!
//! # Fixtures (`fixtures/queue/`)
//!
//! - `clean_triage_job`: the baseline; the result exists before the job is completed.
//! - `model_rate_limited_then_completes`: a 429 with `Retry-After` 3 s is waited out once.
//! - `model_unavailable_releases_claim`: the model answers 503 twice (the runtime's retry);
//!   the claim is released, nothing is completed (`agent_error`).
//! - `model_retry_after_past_deadline_releases_claim`: a 429 at 615 ms asks for 45 s with
//!   29.4 s of `timeout_seconds` 30 left. The runtime does not wait past the deadline, the
//!   worker declares `deadline_exceeded` and releases the claim at once (615 ms); the run ends
//!   at 685 ms and nothing starts after the deadline.
//!
//! # Known weaknesses (each pinned by a "caught" fixture)
//!
//! - `completion_order: "complete_then_write"` (the legacy order, still configurable) marks the
//!   job done before its result exists: a crash in between loses the result
//!   (`legacy_complete_before_write`: `tool_order_violation`).
//! - The model's completion is written as the result verbatim; an empty completion produces an
//!   empty result that is then marked done (`empty_completion_marked_done`: `empty_artifact`).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tapedeck::resilience::RetryPolicy;
use tapedeck::{Ctx, Declared, ToolError, ToolHandle};

/// The job queue behind `claim`, `write_result`, `complete` and `release`.
pub const QUEUE: &str = "queue";
/// The model provider behind `llm`.
pub const MODEL: &str = "model";

/// In which order the result is written and the job completed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompletionOrder {
    /// Write the result, then complete (correct).
    #[default]
    WriteThenComplete,
    /// Legacy: complete, then write the result.
    CompleteThenWrite,
}

/// One job to work on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// The queue.
    pub queue: String,
    /// The job.
    pub job_id: String,
    /// This worker's id (claims are per worker).
    pub worker_id: String,
    /// The model that triages.
    #[serde(default = "default_model")]
    pub model: String,
    /// How long the claim lasts.
    #[serde(default = "default_lease")]
    pub lease_seconds: u64,
    /// Write-then-complete (default) or the legacy order.
    #[serde(default)]
    pub completion_order: CompletionOrder,
}

fn default_model() -> String {
    "claude-3-5-haiku-20241022".to_string()
}

fn default_lease() -> u64 {
    300
}

#[derive(Debug, Deserialize)]
struct Claim {
    claimed: bool,
    #[serde(default)]
    lease_id: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    ticket_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Ticket {
    subject: String,
    body: String,
    customer_tier: String,
}

#[derive(Debug, Deserialize)]
struct Completion {
    text: String,
}

/// What happened to the job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobOutcome {
    /// The job.
    pub job_id: String,
    /// `done` or `skipped`.
    pub status: String,
    /// The result artifact, when done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_path: Option<String>,
}

/// Why a job failed (after its claim was released).
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The claim itself failed; nothing to release.
    #[error("could not claim job {job}: {source}")]
    Claim {
        /// The job.
        job: String,
        /// The tool error.
        source: ToolError,
    },
    /// Processing failed; the claim was released (or its release failed too).
    #[error("job {job} failed ({source}); claim {}", if *released { "released" } else { "NOT released" })]
    Processing {
        /// The job.
        job: String,
        /// What failed.
        source: ToolError,
        /// Whether the release succeeded.
        released: bool,
    },
}

/// Works on one job. See the module docs for the completion rule and known weaknesses.
#[tapedeck::agent_fixture("fixtures/queue")]
pub async fn work(ctx: &Ctx, job: Job) -> Result<JobOutcome, JobError> {
    let (claim_call, claim) = queue(ctx, "claim")
        .idempotency_key(format!("{}:claim:{}", job.job_id, job.worker_id))
        .call_indexed(json!({
            "queue": job.queue,
            "job_id": job.job_id,
            "worker_id": job.worker_id,
            "lease_seconds": job.lease_seconds,
        }))
        .await
        .map_err(|source| JobError::Claim {
            job: job.job_id.clone(),
            source,
        })?;
    let claim: Claim = parse("claim", claim).map_err(|source| JobError::Claim {
        job: job.job_id.clone(),
        source,
    })?;
    ctx.evidence(format!("/calls/{claim_call}/response/claimed"));
    let (Some(lease_id), Some(ticket_id), true) = (claim.lease_id, claim.ticket_id, claim.claimed)
    else {
        ctx.event(
            "skipped",
            json!({ "job_id": job.job_id, "owner": claim.owner }),
        );
        ctx.declare(Declared::skipped("already_claimed"));
        return Ok(JobOutcome {
            job_id: job.job_id,
            status: "skipped".into(),
            result_path: None,
        });
    };

    match process(ctx, &job, &lease_id, &ticket_id).await {
        Ok(outcome) => Ok(outcome),
        Err(source) => {
            crate::recovery::note_deadline(ctx, &source);
            let released = queue(ctx, "release")
                .idempotency_key(format!("{}:release:{lease_id}", job.job_id))
                .call(
                    json!({ "job_id": job.job_id, "lease_id": lease_id, "reason": source.kind() }),
                )
                .await
                .is_ok();
            Err(JobError::Processing {
                job: job.job_id,
                source,
                released,
            })
        }
    }
}

async fn process(
    ctx: &Ctx,
    job: &Job,
    lease_id: &str,
    ticket_id: &str,
) -> Result<JobOutcome, ToolError> {
    let (ticket_call, ticket) = ctx
        .tool("get_ticket")
        .dependency("tickets")
        .retry(RetryPolicy::attempts(2))
        .call_indexed(json!({ "ticket_id": ticket_id }))
        .await?;
    let ticket: Ticket = parse("get_ticket", ticket)?;
    ctx.evidence(format!("/calls/{ticket_call}/response/body"));

    let prompt = triage_prompt(&ticket.customer_tier, &ticket.subject, &ticket.body);
    let args = json!({ "model": job.model, "max_tokens": 300, "temperature": 0, "prompt": prompt });
    let (llm_call, completion) = ctx
        .tool("llm")
        .dependency(MODEL)
        .retry(RetryPolicy::attempts(2))
        .call_indexed(&args)
        .await?;
    let text = parse::<Completion>("llm", completion)?.text;
    ctx.evidence(format!("/calls/{llm_call}/response/text"));

    let result_path = format!("results/{}.json", job.job_id);
    let complete = async {
        queue(ctx, "complete")
            .idempotency_key(format!("{}:complete", job.job_id))
            .call(json!({ "job_id": job.job_id, "lease_id": lease_id, "result_path": result_path }))
            .await
    };
    let write = async {
        // Weakness: the completion is the result, verbatim, even when it is empty.
        let artifact = ctx
            .artifact(&result_path, &text)
            .map_err(|e| ToolError::Failed {
                tool: "write_result".into(),
                message: e.to_string(),
            })?;
        queue(ctx, "write_result")
            .idempotency_key(format!("{}:result", job.job_id))
            .call(json!({
                "job_id": job.job_id,
                "path": artifact.path,
                "sha256": artifact.sha256,
                "size": artifact.size,
            }))
            .await
    };
    match job.completion_order {
        CompletionOrder::WriteThenComplete => {
            write.await?;
            complete.await?;
        }
        CompletionOrder::CompleteThenWrite => {
            complete.await?;
            write.await?;
        }
    }
    Ok(JobOutcome {
        job_id: job.job_id.clone(),
        status: "done".into(),
        result_path: Some(result_path),
    })
}

/// A call to the job queue, retried by the runtime.
fn queue<'a>(ctx: &'a Ctx, tool: &'a str) -> ToolHandle<'a> {
    ctx.tool(tool)
        .dependency(QUEUE)
        .retry(RetryPolicy::attempts(3))
}

/// The triage prompt for a ticket.
pub fn triage_prompt(customer_tier: &str, subject: &str, body: &str) -> String {
    format!(
        "Triage this support ticket. Answer with JSON only: {{\"category\": string, \"priority\": \"p1\"|\"p2\"|\"p3\", \"summary\": string}}.\n\
         Customer tier: {customer_tier}\nSubject: {subject}\n\n{body}"
    )
}

fn parse<T: serde::de::DeserializeOwned>(tool: &str, value: Value) -> Result<T, ToolError> {
    serde_json::from_value(value).map_err(|e| ToolError::InvalidResponse {
        tool: tool.to_string(),
        message: e.to_string(),
    })
}

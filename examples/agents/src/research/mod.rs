//! The research agent: search → fetch the top sources → ask the model for a structured summary →
//! write a report (`reports/<slug>.md` and `reports/<slug>.json`) → return the findings, citing
//! the evidence it used (`/calls/<i>/response/...` and `/state/...`).
//!
//! Tools: `search` (read), `fetch` (read), `llm` (model). [`research_tools`] provides
//! deterministic in-process stand-ins for all three, so the suite also replays in `live` mode
//! (`TAPEDECK_MODE=live`) without a network.
//!
//! # Known weaknesses (each pinned by a "caught" fixture)
//!
//! - When the search returns no hits, the agent returns an empty result (`{}`) and writes no
//!   report: a "done" without evidence (`missing_artifact_ref`, `empty_output`).
//! - When the model's completion is not valid JSON (for example cut off at `max_tokens`), the
//!   agent passes the raw text through as `findings` instead of failing (`schema_mismatch`).
//! - It plans one citation per *requested* source (`max_sources`) before it knows how many hits
//!   came back, so with fewer hits it cites hit indices that do not exist
//!   (`unresolved_evidence`).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::time::Duration;
use tapedeck::{Ctx, Effect, ToolError, Toolbox};

/// What to research.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResearchRequest {
    /// The topic, used as the search query and for the report's file name.
    pub topic: String,
    /// How many sources to read (default 3).
    #[serde(default = "default_max_sources")]
    pub max_sources: usize,
    /// The model to summarize with.
    #[serde(default = "default_model")]
    pub model: String,
    /// The completion budget of the summary (default 800).
    #[serde(default = "default_max_tokens")]
    pub max_tokens: u64,
}

fn default_max_sources() -> usize {
    3
}

fn default_model() -> String {
    "gpt-4o-mini-2024-07-18".to_string()
}

fn default_max_tokens() -> u64 {
    800
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The page's URL.
    pub url: String,
    /// The page's title.
    pub title: String,
    /// A short excerpt.
    #[serde(default)]
    pub snippet: String,
}

#[derive(Debug, Deserialize)]
struct SearchResponse {
    hits: Vec<Hit>,
}

/// A fetched page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// The page's URL.
    pub url: String,
    /// The page's title.
    pub title: String,
    /// The page's text.
    pub text: String,
}

#[derive(Debug, Deserialize)]
struct Completion {
    text: String,
}

/// A source the report is based on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRef {
    /// Its URL.
    pub url: String,
    /// Its title.
    pub title: String,
}

/// The agent's result. Every field is omitted when empty, so "nothing found" serializes as `{}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResearchReport {
    /// The topic.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub topic: String,
    /// The model's structured findings: `{"summary", "key_points", "citations"}`.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub findings: Value,
    /// The sources read, in the order given to the model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceRef>,
    /// URLs that could not be fetched and were left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_sources: Vec<String>,
    /// The Markdown report's artifact path.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub report_path: String,
}

/// Why a research run failed.
#[derive(Debug, thiserror::Error)]
pub enum ResearchError {
    /// A tool failed in a way the agent does not recover from.
    #[error(transparent)]
    Tool(#[from] ToolError),
    /// None of the hits could be fetched.
    #[error("none of the {0} hit(s) could be fetched")]
    NoReadableSources(usize),
    /// The report could not be written.
    #[error("could not write the report: {0}")]
    Artifact(String),
}

/// Researches `req.topic` and writes a report. See the module docs for its known weaknesses.
#[tapedeck::agent_fixture("fixtures/research", tools = research_tools)]
pub async fn research(ctx: &Ctx, req: ResearchRequest) -> Result<ResearchReport, ResearchError> {
    let (search_call, found) = search(ctx, &req).await?;
    let hits = serde_json::from_value::<SearchResponse>(found)
        .map_err(|e| ToolError::InvalidResponse {
            tool: "search".into(),
            message: e.to_string(),
        })?
        .hits;
    ctx.event("search", json!({ "query": req.topic, "hits": hits.len() }));
    if hits.is_empty() {
        // Weakness: "nothing found" is returned as success, without a report.
        return Ok(ResearchReport::default());
    }
    // Weakness: one citation per requested source, whether or not that many hits came back.
    for slot in 0..req.max_sources {
        ctx.evidence(format!("/calls/{search_call}/response/hits/{slot}/url"));
    }
    let questions = brief_questions(ctx);
    if !questions.is_empty() {
        ctx.evidence("/state/brief/questions");
    }

    let mut pages = Vec::new();
    let mut skipped = Vec::new();
    for hit in hits.iter().take(req.max_sources) {
        match ctx
            .tool("fetch")
            .call_indexed(json!({ "url": hit.url }))
            .await
        {
            Ok((index, value)) => match serde_json::from_value::<Page>(value) {
                Ok(page) => {
                    ctx.evidence(format!("/calls/{index}/response/text"));
                    pages.push(page);
                }
                Err(e) => {
                    ctx.event(
                        "source_skipped",
                        json!({ "url": hit.url, "why": e.to_string() }),
                    );
                    skipped.push(hit.url.clone());
                }
            },
            Err(e) if e.is_transient() || matches!(e, ToolError::InvalidResponse { .. }) => {
                ctx.event("source_skipped", json!({ "url": hit.url, "why": e.kind() }));
                skipped.push(hit.url.clone());
            }
            Err(e) => return Err(e.into()),
        }
    }
    if pages.is_empty() {
        return Err(ResearchError::NoReadableSources(hits.len()));
    }

    let prompt = summary_prompt(&req.topic, &questions, &pages);
    let (llm_call, completion) = ctx
        .tool("llm")
        .call_indexed(json!({
            "model": req.model,
            "max_tokens": req.max_tokens,
            "temperature": 0,
            "prompt": prompt,
        }))
        .await?;
    let text = serde_json::from_value::<Completion>(completion)
        .map_err(|e| ToolError::InvalidResponse {
            tool: "llm".into(),
            message: e.to_string(),
        })?
        .text;
    ctx.evidence(format!("/calls/{llm_call}/response/text"));
    // Weakness: a completion that is not JSON is passed through as a string.
    let findings = serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));

    let slug = slug(&req.topic);
    let report_path = format!("reports/{slug}.md");
    let report = ResearchReport {
        topic: req.topic.clone(),
        findings,
        sources: pages
            .iter()
            .map(|p| SourceRef {
                url: p.url.clone(),
                title: p.title.clone(),
            })
            .collect(),
        skipped_sources: skipped,
        report_path: report_path.clone(),
    };
    ctx.artifact(&report_path, markdown(&report))
        .map_err(|e| ResearchError::Artifact(e.to_string()))?;
    ctx.artifact_json(&format!("reports/{slug}.json"), &report)
        .map_err(|e| ResearchError::Artifact(e.to_string()))?;
    Ok(report)
}

/// The search call, retried once after a rate limit (honouring `Retry-After`).
async fn search(ctx: &Ctx, req: &ResearchRequest) -> Result<(usize, Value), ToolError> {
    let args = json!({ "query": req.topic, "limit": req.max_sources });
    match ctx.tool("search").call_indexed(&args).await {
        Err(e @ ToolError::RateLimited { .. }) => {
            let wait = e.retry_after().unwrap_or(Duration::from_secs(1));
            ctx.event(
                "retry",
                json!({ "tool": "search", "after_ms": wait.as_millis() as u64 }),
            );
            ctx.sleep(wait).await;
            ctx.tool("search").call_indexed(&args).await
        }
        other => other,
    }
}

/// The research brief's questions from the state snapshot (`/state/brief/questions`).
fn brief_questions(ctx: &Ctx) -> Vec<String> {
    ctx.state()
        .and_then(|s| s.get("brief"))
        .and_then(|b| b.get("questions"))
        .and_then(Value::as_array)
        .map(|qs| {
            qs.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The summary prompt: topic, questions, then numbered sources.
pub fn summary_prompt(topic: &str, questions: &[String], pages: &[Page]) -> String {
    let mut prompt = format!(
        "Summarize the sources below for a research report.\nTopic: {topic}\n\
         Answer with JSON only: {{\"summary\": string, \"key_points\": [string], \"citations\": [number]}}.\n"
    );
    for q in questions {
        prompt.push_str(&format!("Question: {q}\n"));
    }
    for (i, page) in pages.iter().enumerate() {
        prompt.push_str(&format!("[{}] {}\n{}\n", i + 1, page.title, page.text));
    }
    prompt
}

/// A file-name slug: lower-case ASCII letters and digits, runs of anything else as `-`.
pub fn slug(topic: &str) -> String {
    let mut out = String::new();
    for c in topic.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn markdown(report: &ResearchReport) -> String {
    let summary = match &report.findings {
        Value::String(raw) => raw.clone(),
        other => other
            .get("summary")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    };
    let mut md = format!("# {}\n\n{summary}\n", report.topic);
    if let Some(points) = report.findings.get("key_points").and_then(Value::as_array) {
        md.push_str("\n## Key points\n\n");
        for p in points.iter().filter_map(Value::as_str) {
            md.push_str(&format!("- {p}\n"));
        }
    }
    md.push_str("\n## Sources\n\n");
    for (i, s) in report.sources.iter().enumerate() {
        md.push_str(&format!("{}. [{}]({})\n", i + 1, s.title, s.url));
    }
    md
}

/// One page of the fake web.
struct Doc {
    topic: &'static str,
    url: &'static str,
    title: &'static str,
    text: &'static str,
}

const CORPUS: &[Doc] = &[
    Doc {
        topic: "sqlite wal mode",
        url: "https://sqlite.org/wal.html",
        title: "Write-Ahead Logging",
        text: "WAL mode lets readers proceed while a writer appends to the log. Checkpoints move log pages back into the database file.",
    },
    Doc {
        topic: "sqlite wal mode",
        url: "https://sqlite.org/pragma.html#pragma_journal_mode",
        title: "PRAGMA journal_mode",
        text: "The journal mode is persistent for WAL databases. Setting it explicitly at creation avoids surprises on other hosts.",
    },
    Doc {
        topic: "sqlite wal mode",
        url: "https://www.example.org/blog/wal-on-network-filesystems",
        title: "WAL on network filesystems",
        text: "WAL needs shared memory, so it does not work over network filesystems. Keep the database on local disk.",
    },
    Doc {
        topic: "idempotency keys",
        url: "https://docs.example.com/payments/idempotency",
        title: "Idempotent requests",
        text: "A retried request with the same idempotency key returns the stored result. Keys expire after 24 hours.",
    },
    Doc {
        topic: "idempotency keys",
        url: "https://www.example.org/blog/retry-storms",
        title: "Retry storms and idempotency",
        text: "Retries without keys turn timeouts into duplicate side effects. Derive the key from the task, not from the attempt.",
    },
    Doc {
        topic: "idempotency keys",
        url: "https://www.example.org/notes/idempotency-at-the-edge",
        title: "Idempotency at the edge",
        text: "Gateways can deduplicate by key before the request reaches the service. The key must travel with every retry.",
    },
    Doc {
        topic: "vector clocks",
        url: "https://www.example.org/papers/vector-clocks",
        title: "Vector clocks in practice",
        text: "A vector clock keeps one counter per node. Comparing two clocks tells whether events are ordered or concurrent.",
    },
];

/// Deterministic in-process stand-ins for the research tools, for demos, tests and `live`
/// replays (`TAPEDECK_MODE=live`):
///
/// - `search` (read): hits from a small built-in corpus whose topic equals the query;
/// - `fetch` (read): the page of a known URL, `failed` for any other;
/// - `llm` (model): a deterministic summarizer that answers the [`summary_prompt`] with JSON
///   and, like a real model, cuts its answer off at `max_tokens` (about 4 characters a token).
pub fn research_tools() -> Toolbox {
    Toolbox::new()
        .with("search", Effect::Read, |call| async move {
            let query = call.args["query"].as_str().unwrap_or_default().to_lowercase();
            let limit = call.args["limit"].as_u64().unwrap_or(10) as usize;
            let hits: Vec<Value> = CORPUS
                .iter()
                .filter(|d| d.topic == query)
                .take(limit)
                .map(|d| json!({ "url": d.url, "title": d.title, "snippet": first_sentence(d.text) }))
                .collect();
            Ok(json!({ "hits": hits }))
        })
        .with("fetch", Effect::Read, |call| async move {
            let url = call.args["url"].as_str().unwrap_or_default();
            match CORPUS.iter().find(|d| d.url == url) {
                Some(d) => Ok(json!({ "url": d.url, "title": d.title, "text": d.text })),
                None => Err(ToolError::Failed {
                    tool: call.tool,
                    message: format!("404 Not Found: {url}"),
                }),
            }
        })
        .with("llm", Effect::Model, |call| async move {
            let prompt = call.args["prompt"].as_str().unwrap_or_default();
            let max_tokens = call.args["max_tokens"].as_u64().unwrap_or(800) as usize;
            Ok(fake_completion(prompt, max_tokens))
        })
}

fn first_sentence(text: &str) -> &str {
    text.split_inclusive(". ").next().unwrap_or(text).trim_end()
}

/// The fake model's answer to a [`summary_prompt`].
fn fake_completion(prompt: &str, max_tokens: usize) -> Value {
    let topic = prompt
        .lines()
        .find_map(|l| l.strip_prefix("Topic: "))
        .unwrap_or("the topic");
    let mut titles = Vec::new();
    let mut points = Vec::new();
    let mut lines = prompt.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with('[') && line.contains("] ") {
            titles.push(line.split_once("] ").map_or(line, |(_, t)| t).to_string());
            if let Some(text) = lines.next() {
                points.push(first_sentence(text).to_string());
            }
        }
    }
    let answer = json!({
        "summary": format!("{} source(s) on {topic}: {}.", titles.len(), titles.join("; ")),
        "key_points": points,
        "citations": (1..=titles.len()).collect::<Vec<_>>(),
    })
    .to_string();
    let limit = max_tokens.saturating_mul(4);
    let (text, finish_reason) = if answer.len() > limit {
        let mut cut = limit;
        while !answer.is_char_boundary(cut) {
            cut -= 1;
        }
        (answer[..cut].to_string(), "length")
    } else {
        (answer, "stop")
    };
    json!({ "text": text, "finish_reason": finish_reason })
}

//! Deterministic in-process stand-ins for the research tools: a small built-in corpus for
//! `search` and `fetch`, and a summarizer for `llm` that answers [`super::summary_prompt`].

use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::LazyLock;
use tapedeck::{Effect, ToolError, Toolbox};

/// One page of the fake web.
#[derive(Debug, Deserialize)]
struct Doc {
    topic: String,
    url: String,
    title: String,
    text: String,
}

/// The fake web: the pages of `corpus.json`, grouped by the topic whose search finds them,
/// in the order the search returns them (every research fixture's pages, so the suite also
/// replays in `live` mode).
static CORPUS: LazyLock<Vec<Doc>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("corpus.json")).expect("corpus.json is a list of pages")
});

/// Deterministic in-process stand-ins for the research tools, for demos, tests and `live`
/// replays (`TAPEDECK_MODE=live`):
///
/// - `search` (read): hits from the built-in corpus whose topic equals the query;
/// - `fetch` (read): the page of a known URL, `failed` for any other;
/// - `llm` (model): a deterministic summarizer that answers the [`super::summary_prompt`] with JSON
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
                .map(|d| json!({ "url": d.url, "title": d.title, "snippet": first_sentence(&d.text) }))
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

/// The fake model's answer to a [`super::summary_prompt`].
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

//! The tools a generated fixture calls: one per effect class, each with a realistic request and
//! response shape.

use super::rng::Rng;
use super::text::{paragraph, sentence, slug};
use serde_json::{Value, json};

/// A tool of the generated suites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// `search` (read): two hits with title, url and snippet.
    Search,
    /// `fetch_page` (read): the text of a page.
    FetchPage,
    /// `llm` (model): a completion, with token usage and cost.
    Llm,
    /// `open_page` (browser): a rendered page.
    OpenPage,
    /// `save_note` (write): stores a note.
    SaveNote,
    /// `notify` (network): posts a message.
    Notify,
    /// `update_profile` (account): changes a customer setting.
    UpdateProfile,
    /// `charge` (money): charges a card.
    Charge,
}

/// Every tool, in a fixed order.
pub const ALL: [Tool; 8] = [
    Tool::Search,
    Tool::FetchPage,
    Tool::Llm,
    Tool::OpenPage,
    Tool::SaveNote,
    Tool::Notify,
    Tool::UpdateProfile,
    Tool::Charge,
];

/// One generated call: what was sent and what came back.
#[derive(Debug, Clone)]
pub struct CallShape {
    /// The tool's arguments.
    pub request: Value,
    /// Its answer.
    pub response: Value,
    /// Token usage (model calls only).
    pub usage: Option<Value>,
}

impl Tool {
    /// The tool's name.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Search => "search",
            Tool::FetchPage => "fetch_page",
            Tool::Llm => "llm",
            Tool::OpenPage => "open_page",
            Tool::SaveNote => "save_note",
            Tool::Notify => "notify",
            Tool::UpdateProfile => "update_profile",
            Tool::Charge => "charge",
        }
    }

    /// The tool's effect class, as written in a cassette.
    pub fn effect(self) -> &'static str {
        match self {
            Tool::Search | Tool::FetchPage => "read",
            Tool::Llm => "model",
            Tool::OpenPage => "browser",
            Tool::SaveNote => "write",
            Tool::Notify => "network",
            Tool::UpdateProfile => "account",
            Tool::Charge => "money",
        }
    }

    /// Whether calls of this tool carry an idempotency key (every side effect does).
    pub fn keyed(self) -> bool {
        !matches!(self.effect(), "read" | "model")
    }

    /// The tool's default recorded duration range in milliseconds.
    pub fn duration_ms(self, rng: &mut Rng) -> u64 {
        match self {
            Tool::Llm => rng.range(400, 2500),
            Tool::OpenPage => rng.range(200, 900),
            _ => rng.range(15, 180),
        }
    }

    /// A request and response for call number `n` of a fixture.
    pub fn shape(self, rng: &mut Rng, n: usize) -> CallShape {
        let (request, response) = match self {
            Tool::Search => {
                let hits: Vec<Value> = (0..2)
                    .map(|h| {
                        json!({
                            "rank": h + 1,
                            "title": sentence(rng, 6),
                            "url": format!("https://docs.example.org/{}/{n}-{h}", slug(rng, 3)),
                            "snippet": paragraph(rng, 30),
                        })
                    })
                    .collect();
                (
                    json!({ "q": sentence(rng, 5), "limit": 2 }),
                    json!({ "hits": hits, "request_id": format!("req-{}", rng.next_u64()) }),
                )
            }
            Tool::FetchPage => (
                json!({ "url": format!("https://docs.example.org/{}/{n}", slug(rng, 3)) }),
                json!({ "status": 200, "text": paragraph(rng, 60) }),
            ),
            Tool::Llm => (
                json!({
                    "model": "gpt-5-mini",
                    "max_tokens": 600,
                    "prompt": format!("Summarize for the customer: {}", paragraph(rng, 60)),
                }),
                json!({ "text": paragraph(rng, 90), "finish_reason": "stop" }),
            ),
            Tool::OpenPage => (
                json!({ "url": format!("https://portal.example.com/{}", slug(rng, 2)) }),
                json!({ "title": sentence(rng, 5), "text": paragraph(rng, 60) }),
            ),
            Tool::SaveNote => (
                json!({ "path": format!("notes/{}.md", slug(rng, 2)), "body": paragraph(rng, 60) }),
                json!({ "ok": true, "version": rng.range(1, 40) }),
            ),
            Tool::Notify => (
                json!({ "channel": "#ops", "text": sentence(rng, 12) }),
                json!({ "delivered": true, "ts": format!("17{:08}.{:06}", rng.range(0, 99_999_999), rng.range(0, 999_999)) }),
            ),
            Tool::UpdateProfile => (
                json!({ "customer": format!("c-{}", rng.range(100, 999)), "set": { "tier": "gold", "emails": false } }),
                json!({ "ok": true }),
            ),
            Tool::Charge => {
                let cents = rng.range(500, 90_000);
                (
                    json!({ "order": format!("o-{}", rng.range(1000, 9999)), "cents": cents, "currency": "EUR" }),
                    json!({ "charge_id": format!("ch_{:016x}", rng.next_u64()), "status": "succeeded", "cents": cents }),
                )
            }
        };
        let usage = (self == Tool::Llm).then(|| {
            let input = rng.range(300, 1400);
            let output = rng.range(80, 600);
            json!({
                "input_tokens": input,
                "output_tokens": output,
                "cost_usd": ((input * 15 + output * 60) as f64) / 10_000_000.0,
            })
        });
        CallShape {
            request,
            response,
            usage,
        }
    }
}

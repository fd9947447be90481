//! Plausible prose for generated payloads (search snippets, page text, model completions).

use super::rng::Rng;

const WORDS: &[&str] = &[
    "agent",
    "retry",
    "budget",
    "ledger",
    "cassette",
    "fixture",
    "timeout",
    "deadline",
    "breaker",
    "charge",
    "refund",
    "invoice",
    "customer",
    "order",
    "warehouse",
    "shipment",
    "latency",
    "quota",
    "token",
    "model",
    "summary",
    "evidence",
    "citation",
    "report",
    "policy",
    "schedule",
    "canary",
    "replay",
    "contract",
    "artifact",
    "storage",
    "queue",
    "worker",
    "claim",
    "release",
    "gateway",
    "payment",
    "account",
    "profile",
    "session",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "is",
    "for",
    "with",
    "on",
    "after",
    "before",
    "every",
    "once",
    "never",
    "always",
    "when",
    "because",
    "until",
    "without",
];

/// `words` space-separated words, starting with a capital and ending with a full stop.
pub fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut out = String::with_capacity(words * 8);
    for i in 0..words.max(1) {
        let word = *rng.pick(WORDS);
        if i == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(word);
        }
    }
    out.push('.');
    out
}

/// About `chars` characters of sentences.
pub fn paragraph(rng: &mut Rng, chars: usize) -> String {
    let mut out = String::with_capacity(chars + 80);
    while out.len() < chars {
        if !out.is_empty() {
            out.push(' ');
        }
        let words = rng.range(6, 14) as usize;
        out.push_str(&sentence(rng, words));
    }
    out
}

/// A lowercase slug of `words` words joined by `-`.
pub fn slug(rng: &mut Rng, words: usize) -> String {
    (0..words.max(1))
        .map(|_| *rng.pick(&WORDS[..40]))
        .collect::<Vec<_>>()
        .join("-")
}

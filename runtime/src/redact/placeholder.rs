//! Placeholders: `<redacted:DETECTOR:N>`, stable within one redactor, never themselves a secret.

use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<redacted:[a-z0-9_]+:\d+>").expect("the placeholder pattern compiles")
});

/// The spans of placeholders in `text` (a detector match inside one is not a secret).
pub fn spans(text: &str) -> Vec<Range<usize>> {
    PLACEHOLDER.find_iter(text).map(|m| m.range()).collect()
}

/// Whether `text` is exactly one placeholder.
pub fn is_placeholder(text: &str) -> bool {
    PLACEHOLDER
        .find(text)
        .is_some_and(|m| m.start() == 0 && m.end() == text.len())
}

/// Hands out placeholders: the same secret always gets the same one, numbered per detector in
/// order of first sight.
#[derive(Default)]
pub struct Placeholders {
    by_secret: HashMap<String, String>,
    counts: HashMap<&'static str, u32>,
}

/// Shows how many secrets it holds, never which.
impl std::fmt::Debug for Placeholders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Placeholders")
            .field("secrets", &self.by_secret.len())
            .finish()
    }
}

impl Placeholders {
    /// Numbers the next placeholder of `detector` after `n`: a text that already holds
    /// `<redacted:DETECTOR:n>` gets no second placeholder with that number for another secret.
    pub fn reserve(&mut self, detector: &'static str, n: u32) {
        let count = self.counts.entry(detector).or_insert(0);
        *count = (*count).max(n);
    }

    /// The placeholder of `secret` as found by `detector`.
    pub fn of(&mut self, detector: &'static str, secret: &str) -> String {
        if let Some(existing) = self.by_secret.get(secret) {
            return existing.clone();
        }
        let n = self.counts.entry(detector).or_insert(0);
        *n += 1;
        let placeholder = format!("<redacted:{detector}:{n}>");
        self.by_secret
            .insert(secret.to_string(), placeholder.clone());
        placeholder
    }
}

/// The number of a placeholder (`<redacted:github_token:3>` → 3).
pub fn number(placeholder: &str) -> Option<u32> {
    placeholder
        .strip_suffix('>')?
        .rsplit_once(':')?
        .1
        .parse()
        .ok()
}

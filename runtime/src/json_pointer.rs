//! RFC 6901 JSON Pointers, pointer patterns with `*`, and structural JSON diffs.
//!
//! Pointers name places in JSON documents throughout tapedeck: evidence citations
//! (`/state/orders/0/id`, `/calls/2/response/total`), volatile paths (`/calls/*/request/nonce`)
//! and the differing paths of a cassette miss.

use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// A parsed RFC 6901 JSON Pointer: a list of unescaped reference tokens.
///
/// The empty pointer `""` names the whole document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Pointer {
    tokens: Vec<String>,
}

/// Why a string is not a JSON Pointer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PointerError {
    /// A non-empty pointer must start with `/`.
    #[error("a JSON Pointer must be empty or start with '/', got {0:?}")]
    MissingLeadingSlash(String),
    /// `~` must be followed by `0` or `1`.
    #[error("invalid escape in JSON Pointer {0:?}: '~' must be followed by '0' or '1'")]
    BadEscape(String),
}

impl Pointer {
    /// The empty pointer (the whole document).
    pub fn root() -> Pointer {
        Pointer::default()
    }

    /// Parses an RFC 6901 pointer such as `/calls/0/response/id` (`~1` is `/`, `~0` is `~`).
    pub fn parse(text: &str) -> Result<Pointer, PointerError> {
        if text.is_empty() {
            return Ok(Pointer::root());
        }
        let tokens = borrowed_tokens(text)?;
        Ok(Pointer::from_tokens(tokens))
    }

    /// Builds a pointer from unescaped tokens.
    pub fn from_tokens<I, S>(tokens: I) -> Pointer
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Pointer {
            tokens: tokens.into_iter().map(Into::into).collect(),
        }
    }

    /// The unescaped reference tokens.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// A new pointer with one more token.
    pub fn child(&self, token: impl Into<String>) -> Pointer {
        let mut tokens = self.tokens.clone();
        tokens.push(token.into());
        Pointer { tokens }
    }

    /// Appends a token in place.
    pub fn push(&mut self, token: impl Into<String>) {
        self.tokens.push(token.into());
    }

    /// Whether `prefix` is a prefix of this pointer; returns the remaining tokens.
    pub fn strip_prefix(&self, prefix: &[&str]) -> Option<&[String]> {
        if self.tokens.len() < prefix.len() {
            return None;
        }
        let matches = self.tokens.iter().zip(prefix).all(|(t, p)| t == p);
        matches.then(|| &self.tokens[prefix.len()..])
    }

    /// Resolves the pointer in `doc`.
    pub fn resolve<'a>(&self, doc: &'a Value) -> Option<&'a Value> {
        resolve_tokens(doc, &self.tokens)
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for token in &self.tokens {
            f.write_str("/")?;
            f.write_str(&escape(token))?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Pointer {
    type Err = PointerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Pointer::parse(s)
    }
}

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_string()
    }
}

/// The unescaped tokens of an RFC 6901 pointer, borrowed from `text` where no escape needs
/// undoing: what [`Pointer::parse`] parses, for a caller that only looks.
pub(crate) fn borrowed_tokens(text: &str) -> Result<Vec<Cow<'_, str>>, PointerError> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = text.strip_prefix('/') else {
        return Err(PointerError::MissingLeadingSlash(text.to_string()));
    };
    let mut tokens = Vec::with_capacity(rest.bytes().filter(|&b| b == b'/').count() + 1);
    for raw in rest.split('/') {
        tokens.push(unescape(raw).ok_or_else(|| PointerError::BadEscape(text.to_string()))?);
    }
    Ok(tokens)
}

fn unescape(raw: &str) -> Option<Cow<'_, str>> {
    if !raw.contains('~') {
        return Some(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(Cow::Owned(out))
}

/// Resolves unescaped tokens in `doc`.
pub fn resolve_tokens<'a, S: AsRef<str>>(doc: &'a Value, tokens: &[S]) -> Option<&'a Value> {
    let mut current = doc;
    for token in tokens {
        let token = token.as_ref();
        current = match current {
            Value::Object(map) => map.get(token)?,
            Value::Array(items) => items.get(parse_index(token)?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Parses an RFC 6901 array index (no leading zeros, no sign).
pub(crate) fn parse_index(token: &str) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

/// A pointer pattern: a JSON Pointer in which a token `*` matches any one segment.
///
/// Used for `volatile` paths such as `/calls/*/request/timestamp`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PointerPattern {
    pointer: Pointer,
}

impl PointerPattern {
    /// Parses a pattern; `*` as a whole token is the wildcard.
    pub fn parse(text: &str) -> Result<PointerPattern, PointerError> {
        Ok(PointerPattern {
            pointer: Pointer::parse(text)?,
        })
    }

    /// The pattern's tokens (`*` is the wildcard).
    pub fn tokens(&self) -> &[String] {
        self.pointer.tokens()
    }

    /// Whether the pattern matches `pointer` exactly (same length, each token equal or `*`).
    pub fn matches<T: AsRef<str>>(&self, pointer: &[T]) -> bool {
        self.tokens().len() == pointer.len()
            && self
                .tokens()
                .iter()
                .zip(pointer)
                .all(|(p, t)| p == "*" || p == t.as_ref())
    }

    /// If the pattern starts with `prefix` (a `*` in the pattern matching any prefix token),
    /// the pattern of the rest: `/calls/*/request/ts` with prefix `[calls, 3, request]` gives `/ts`.
    pub fn strip_prefix(&self, prefix: &[&str]) -> Option<PointerPattern> {
        let tokens = self.tokens();
        if tokens.len() < prefix.len() {
            return None;
        }
        let matches = tokens.iter().zip(prefix).all(|(p, t)| p == "*" || p == t);
        matches.then(|| PointerPattern {
            pointer: Pointer::from_tokens(tokens[prefix.len()..].to_vec()),
        })
    }

    /// Whether the pattern matches at least one existing place in `doc`.
    pub fn is_present_in(&self, doc: &Value) -> bool {
        fn present(doc: &Value, tokens: &[String]) -> bool {
            let Some((first, rest)) = tokens.split_first() else {
                return true;
            };
            match doc {
                Value::Object(map) if first == "*" => map.values().any(|v| present(v, rest)),
                Value::Object(map) => map.get(first.as_str()).is_some_and(|v| present(v, rest)),
                Value::Array(items) if first == "*" => items.iter().any(|v| present(v, rest)),
                Value::Array(items) => parse_index(first)
                    .and_then(|i| items.get(i))
                    .is_some_and(|v| present(v, rest)),
                _ => false,
            }
        }
        present(doc, self.tokens())
    }

    /// Removes every place the pattern matches from `doc` (object keys are removed, array
    /// items are replaced by `null` so that indices stay stable). The empty pattern replaces
    /// the whole document with `null`.
    pub fn remove_from(&self, doc: &mut Value) {
        remove_matching(doc, self.tokens());
    }

    /// Replaces every place the pattern matches in `doc` with `replacement`.
    pub fn replace_in(&self, doc: &mut Value, replacement: &Value) {
        replace_matching(doc, self.tokens(), replacement);
    }
}

impl fmt::Display for PointerPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pointer.fmt(f)
    }
}

fn remove_matching(doc: &mut Value, tokens: &[String]) {
    match tokens {
        [] => *doc = Value::Null,
        [last] => match doc {
            Value::Object(map) => {
                if last == "*" {
                    map.clear();
                } else {
                    map.remove(last.as_str());
                }
            }
            Value::Array(items) => {
                if last == "*" {
                    items.iter_mut().for_each(|item| *item = Value::Null);
                } else if let Some(item) = parse_index(last).and_then(|i| items.get_mut(i)) {
                    *item = Value::Null;
                }
            }
            _ => {}
        },
        [first, rest @ ..] => for_each_child(doc, first, |child| remove_matching(child, rest)),
    }
}

fn replace_matching(doc: &mut Value, tokens: &[String], replacement: &Value) {
    match tokens {
        [] => *doc = replacement.clone(),
        [first, rest @ ..] => for_each_child(doc, first, |child| {
            replace_matching(child, rest, replacement)
        }),
    }
}

fn for_each_child(doc: &mut Value, token: &str, mut f: impl FnMut(&mut Value)) {
    match doc {
        Value::Object(map) => {
            if token == "*" {
                map.values_mut().for_each(f);
            } else if let Some(child) = map.get_mut(token) {
                f(child);
            }
        }
        Value::Array(items) => {
            if token == "*" {
                items.iter_mut().for_each(f);
            } else if let Some(child) = parse_index(token).and_then(|i| items.get_mut(i)) {
                f(child);
            }
        }
        _ => {}
    }
}

/// One place where two JSON documents differ.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Difference {
    /// Where, as a JSON Pointer.
    pub path: String,
    /// The value in the first (expected / recorded) document, absent if the key is missing there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    /// The value in the second (actual) document, absent if the key is missing there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<Value>,
}

/// The leaf-level differences between `expected` and `actual`, in document order, at most
/// `limit` of them.
pub fn differences(expected: &Value, actual: &Value, limit: usize) -> Vec<Difference> {
    let mut out = Vec::new();
    diff_into(expected, actual, &mut Pointer::root(), &mut out, limit);
    out
}

/// How many leaf-level differences there are between two documents (up to `limit`).
pub fn difference_count(expected: &Value, actual: &Value, limit: usize) -> usize {
    differences(expected, actual, limit).len()
}

fn diff_into(
    expected: &Value,
    actual: &Value,
    at: &mut Pointer,
    out: &mut Vec<Difference>,
    limit: usize,
) {
    if out.len() >= limit || expected == actual {
        return;
    }
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a
                .keys()
                .chain(b.keys().filter(|k| !a.contains_key(*k)))
                .collect();
            keys.sort();
            for key in keys {
                at.push(key.clone());
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => diff_into(x, y, at, out, limit),
                    (x, y) => push_diff(out, at, x.cloned(), y.cloned(), limit),
                }
                at.tokens.pop();
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                at.push(i.to_string());
                match (a.get(i), b.get(i)) {
                    (Some(x), Some(y)) => diff_into(x, y, at, out, limit),
                    (x, y) => push_diff(out, at, x.cloned(), y.cloned(), limit),
                }
                at.tokens.pop();
            }
        }
        _ => push_diff(out, at, Some(expected.clone()), Some(actual.clone()), limit),
    }
}

fn push_diff(
    out: &mut Vec<Difference>,
    at: &Pointer,
    expected: Option<Value>,
    actual: Option<Value>,
    limit: usize,
) {
    if out.len() < limit {
        out.push(Difference {
            path: at.to_string(),
            expected,
            actual,
        });
    }
}

/// Whether `subset` is a recursive subset of `value`: every key of an object in `subset` exists
/// in `value` with a matching sub-value, arrays match element-wise over `subset`'s length... see
/// [`is_partial_match`] for the exact rules.
pub fn is_partial_match(subset: &Value, value: &Value) -> bool {
    match (subset, value) {
        (Value::Object(a), Value::Object(b)) => a
            .iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| is_partial_match(v, w))),
        // Arrays: every element of the subset must partially match a distinct element of the
        // value, in order (a subsequence match).
        (Value::Array(a), Value::Array(b)) => {
            let mut candidates = b.iter();
            a.iter()
                .all(|want| candidates.by_ref().any(|have| is_partial_match(want, have)))
        }
        (Value::Number(a), Value::Number(b)) => numbers_equal(a, b),
        _ => subset == value,
    }
}

/// Numeric equality that treats `1` and `1.0` as equal.
pub fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if a == b {
        return true;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_prints_rfc6901_examples() {
        let doc = json!({"foo": ["bar", "baz"], "": 0, "a/b": 1, "m~n": 8});
        for (text, want) in [
            ("", doc.clone()),
            ("/foo/0", json!("bar")),
            ("/", json!(0)),
            ("/a~1b", json!(1)),
            ("/m~0n", json!(8)),
        ] {
            let p = Pointer::parse(text).unwrap();
            assert_eq!(p.resolve(&doc), Some(&want), "{text}");
            assert_eq!(p.to_string(), text);
        }
        assert!(Pointer::parse("foo").is_err());
        assert!(Pointer::parse("/a~2").is_err());
        assert_eq!(Pointer::parse("/foo/01").unwrap().resolve(&doc), None);
        assert_eq!(Pointer::parse("/foo/-").unwrap().resolve(&doc), None);
    }

    #[test]
    fn patterns_remove_wildcard_matches() {
        let mut doc =
            json!({"calls": [{"request": {"ts": 1, "q": "a"}}, {"request": {"ts": 2, "q": "b"}}]});
        PointerPattern::parse("/calls/*/request/ts")
            .unwrap()
            .remove_from(&mut doc);
        assert_eq!(
            doc,
            json!({"calls": [{"request": {"q": "a"}}, {"request": {"q": "b"}}]})
        );
        let p = PointerPattern::parse("/calls/*/request/ts").unwrap();
        assert_eq!(
            p.strip_prefix(&["calls", "3", "request"])
                .unwrap()
                .to_string(),
            "/ts"
        );
        assert!(p.strip_prefix(&["output"]).is_none());
    }

    #[test]
    fn differences_name_leaf_paths() {
        let d = differences(
            &json!({"a": 1, "b": [1, 2], "c": {"x": 1}}),
            &json!({"a": 2, "b": [1], "d": 0, "c": {"x": 1}}),
            10,
        );
        let paths: Vec<_> = d.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["/a", "/b/1", "/d"]);
        assert_eq!(difference_count(&json!(1), &json!(1), 10), 0);
    }

    #[test]
    fn partial_match_is_recursive_subset() {
        let value = json!({"a": 1, "b": {"c": [1, 2, 3], "d": "x"}});
        assert!(is_partial_match(&json!({"b": {"c": [1, 3]}}), &value));
        assert!(is_partial_match(&json!({"a": 1.0}), &value));
        assert!(!is_partial_match(&json!({"b": {"c": [3, 1]}}), &value));
        assert!(!is_partial_match(&json!({"z": 1}), &value));
    }
}

//! Canonical requests: what matching compares.

use crate::json_pointer::PointerPattern;
use serde_json::{Number, Value};
use std::borrow::Cow;

/// The patterns of `volatile` that apply to requests, reduced to the part inside the request:
/// `/calls/*/request/...` to every call's, `/calls/<i>/request/...` to the run's i-th call's
/// (calls are numbered in call order, from 0, as in the observation).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestPatterns {
    every_call: Vec<PointerPattern>,
    one_call: Vec<(usize, PointerPattern)>,
}

impl RequestPatterns {
    /// The request patterns among `volatile`; the others (`/output/...`, ...) are left out.
    pub fn from_volatile(volatile: &[PointerPattern]) -> RequestPatterns {
        let mut patterns = RequestPatterns::default();
        for pattern in volatile {
            let Some(call) = pattern.tokens().get(1) else {
                continue;
            };
            let Some(inside) = pattern.strip_prefix(&["calls", call, "request"]) else {
                continue;
            };
            if call == "*" {
                patterns.every_call.push(inside);
            } else if let Some(call) = crate::json_pointer::parse_index(call) {
                patterns.one_call.push((call, inside));
            }
        }
        patterns
    }

    /// The patterns that apply to every call.
    pub fn every_call(&self) -> &[PointerPattern] {
        &self.every_call
    }

    /// The patterns that apply to the call numbered `call` only.
    pub fn only_for_call(&self, call: usize) -> impl Iterator<Item = &PointerPattern> {
        self.one_call
            .iter()
            .filter(move |(c, _)| *c == call)
            .map(|(_, p)| p)
    }

    /// `value` without what the patterns of call `call` alone remove (a copy only if one
    /// applies).
    pub fn without_paths_of_call<'v>(&self, value: Cow<'v, Value>, call: usize) -> Cow<'v, Value> {
        let mut own = self.only_for_call(call).peekable();
        if own.peek().is_none() {
            return value;
        }
        let mut value = value.into_owned();
        for pattern in own {
            pattern.remove_from(&mut value);
        }
        Cow::Owned(value)
    }
}

/// The canonical form of a request: volatile paths removed and integral floats written as
/// integers (`1.0` and `1` match). Keys are sorted by construction. Borrowed (no copy) when the
/// request is already canonical, which is the common case.
pub fn canonical_request<'v>(request: &'v Value, patterns: &[PointerPattern]) -> Cow<'v, Value> {
    let touched = patterns.iter().any(|p| p.is_present_in(request));
    if !touched && !has_integral_float(request) {
        return Cow::Borrowed(request);
    }
    let mut value = request.clone();
    normalize_numbers(&mut value);
    for pattern in patterns {
        pattern.remove_from(&mut value);
    }
    Cow::Owned(value)
}

fn has_integral_float(value: &Value) -> bool {
    match value {
        Value::Number(n) => {
            n.is_f64()
                && n.as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
        }
        Value::Array(items) => items.iter().any(has_integral_float),
        Value::Object(map) => map.values().any(has_integral_float),
        _ => false,
    }
}

fn normalize_numbers(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64())
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *n = Number::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize_numbers),
        Value::Object(map) => map.values_mut().for_each(normalize_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn removes_volatile_paths_and_normalizes_numbers() {
        let volatile: Vec<_> = ["/calls/*/request/nonce", "/output/id", "/calls/2/request/x"]
            .iter()
            .map(|p| PointerPattern::parse(p).unwrap())
            .collect();
        let patterns = RequestPatterns::from_volatile(&volatile);
        assert_eq!(patterns.every_call().len(), 1);
        let request = json!({"nonce": "abc", "amount": 10.0, "items": [1.5]});
        let canonical = canonical_request(&request, patterns.every_call());
        assert_eq!(*canonical, json!({"amount": 10, "items": [1.5]}));
        let plain = json!({"q": "x"});
        assert!(
            matches!(
                canonical_request(&plain, patterns.every_call()),
                Cow::Borrowed(_)
            ),
            "nothing to change: no copy"
        );
    }

    #[test]
    fn a_pointer_naming_one_call_applies_to_that_call_alone() {
        let volatile: Vec<_> = [
            "/calls/2/request/x",
            "/calls/02/request/y",
            "/calls/n/request/z",
        ]
        .iter()
        .map(|p| PointerPattern::parse(p).unwrap())
        .collect();
        let patterns = RequestPatterns::from_volatile(&volatile);
        assert!(patterns.every_call().is_empty());
        let request = json!({"x": 1, "y": 2, "z": 3});
        let call_2 = patterns.without_paths_of_call(Cow::Borrowed(&request), 2);
        assert_eq!(
            *call_2,
            json!({"y": 2, "z": 3}),
            "`02` and `n` are no call index"
        );
        assert!(matches!(
            patterns.without_paths_of_call(Cow::Borrowed(&request), 1),
            Cow::Borrowed(_)
        ));
    }
}

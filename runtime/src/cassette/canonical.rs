//! Canonical requests: what matching compares.

use crate::json_pointer::PointerPattern;
use serde_json::{Number, Value};
use std::borrow::Cow;

/// The patterns of `volatile` that apply to requests: those of the form `/calls/*/request/...`,
/// reduced to the part inside the request.
pub fn request_patterns(volatile: &[PointerPattern]) -> Vec<PointerPattern> {
    volatile
        .iter()
        .filter_map(|p| {
            p.strip_prefix(&["calls", "*", "request"])
                .filter(|_| p.tokens().get(1).is_some_and(|t| t == "*"))
        })
        .collect()
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
        let patterns = request_patterns(&volatile);
        assert_eq!(patterns.len(), 1);
        let request = json!({"nonce": "abc", "amount": 10.0, "items": [1.5]});
        let canonical = canonical_request(&request, &patterns);
        assert_eq!(*canonical, json!({"amount": 10, "items": [1.5]}));
        let plain = json!({"q": "x"});
        assert!(
            matches!(canonical_request(&plain, &patterns), Cow::Borrowed(_)),
            "nothing to change: no copy"
        );
    }
}

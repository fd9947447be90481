//! Readable diffs for violations: unified text diffs of pretty JSON and of line lists.

use serde_json::Value;
use similar::TextDiff;

/// Whether a value is structured (an object or an array), so that a line diff helps.
pub fn is_structured(value: &Value) -> bool {
    matches!(value, Value::Object(_) | Value::Array(_))
}

/// A unified diff (`--- expected` / `+++ actual`) of two texts, line by line.
///
/// Each text is given a final newline so that the diff carries no "no newline" markers.
pub fn unified(expected: &str, actual: &str) -> String {
    let expected = with_final_newline(expected);
    let actual = with_final_newline(actual);
    TextDiff::from_lines(expected.as_str(), actual.as_str())
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string()
}

/// A unified diff of the pretty JSON of two values, when both are structured and differ.
pub fn json_diff(expected: &Value, actual: &Value) -> Option<String> {
    if !is_structured(expected) || !is_structured(actual) || expected == actual {
        return None;
    }
    Some(unified(&pretty(expected), &pretty(actual)))
}

/// A unified diff of two lists of lines (for example tool names), or `None` if equal.
pub fn lines_diff<A: AsRef<str>, B: AsRef<str>>(expected: &[A], actual: &[B]) -> Option<String> {
    let join = |items: &mut dyn Iterator<Item = &str>| {
        items.fold(String::new(), |mut acc, line| {
            acc.push_str(line);
            acc.push('\n');
            acc
        })
    };
    let expected = join(&mut expected.iter().map(AsRef::as_ref));
    let actual = join(&mut actual.iter().map(AsRef::as_ref));
    (expected != actual).then(|| unified(&expected, &actual))
}

/// Pretty JSON (two-space indentation).
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

fn with_final_newline(text: &str) -> String {
    let mut owned = text.to_string();
    if !owned.ends_with('\n') {
        owned.push('\n');
    }
    owned
}

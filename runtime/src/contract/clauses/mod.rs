//! The clauses of a contract, one file per top-level key, plus the run-level checks.
//!
//! Each `check` appends one [`super::Violation`] per broken rule; none returns early, so a
//! report lists everything that is wrong.

pub(crate) mod args;
pub(crate) mod artifacts;
pub(crate) mod budget;
pub(crate) mod cassette;
pub(crate) mod deadline;
pub(crate) mod effects;
pub(crate) mod evidence;
pub(crate) mod output;
pub(crate) mod run;
pub(crate) mod schema;
pub(crate) mod sequence;
pub(crate) mod tools;
pub(crate) mod validators;

use serde_json::Value;
use std::borrow::Cow;

/// The text of a value for `contains` and `regex`: a string itself, `null` as empty text,
/// anything else as compact JSON.
pub(crate) fn text_of(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string()),
    }
}

/// Whether a value is empty: `null`, a whitespace-only string, `[]` or `{}`.
pub(crate) fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// `"a, b, c"`.
pub(crate) fn join<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> String {
    let mut out = String::new();
    for item in items {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(item.as_ref());
    }
    out
}

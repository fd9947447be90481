//! Saved values and `$name` references.
//!
//! A `call` step with `save_as` saves its response (or `{"error": kind}`) under a name. Later
//! steps refer to it with a string that is exactly `"$name"` (the whole value) or
//! `"$name/json/pointer"` (an RFC 6901 pointer into it), anywhere inside `args`, `content`,
//! `output` or event `data`. `"$$text"` is the literal string `"$text"`. References are
//! whole strings: there is no interpolation inside longer text.

use crate::error::ScriptError;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A value saved by a `call` step.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    /// The response, or `{"error": kind}` for a failed call with `on_error: continue`; shared
    /// with the run's observation, not copied.
    pub value: Arc<Value>,
    /// The call's index (for evidence paths `/calls/<i>/response/...`); `None` if it failed.
    pub call: Option<usize>,
}

/// The saved values of one script run.
#[derive(Debug, Default)]
pub(crate) struct Store {
    values: RefCell<BTreeMap<String, Saved>>,
}

/// A parsed `$name/pointer` reference.
struct Reference<'s> {
    name: &'s str,
    pointer: &'s str,
}

/// `Some` if `text` is a reference (`$name...`, not `$$...`).
fn reference(text: &str) -> Option<Reference<'_>> {
    let rest = text.strip_prefix('$')?;
    if rest.starts_with('$') {
        return None;
    }
    let (name, pointer) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    Some(Reference { name, pointer })
}

impl Store {
    /// Saves (or replaces) a value.
    pub fn save(&self, name: impl Into<String>, saved: Saved) {
        self.values.borrow_mut().insert(name.into(), saved);
    }

    /// `read` of the value saved under `name`, without copying it.
    pub(crate) fn with<T>(
        &self,
        name: &str,
        at: &dyn fmt::Display,
        read: impl FnOnce(&Saved) -> T,
    ) -> Result<T, ScriptError> {
        let values = self.values.borrow();
        match values.get(name) {
            Some(saved) => Ok(read(saved)),
            None => Err(ScriptError::UnknownName {
                step: at.to_string(),
                name: name.to_string(),
                known: if values.is_empty() {
                    "none".to_string()
                } else {
                    values.keys().cloned().collect::<Vec<_>>().join(", ")
                },
            }),
        }
    }

    /// `value` with every reference replaced by what it refers to. It takes the value itself
    /// (the script's steps are consumed as they run), so only what references point to is copied.
    pub fn substitute(
        &self,
        mut value: Value,
        at: &dyn fmt::Display,
    ) -> Result<Value, ScriptError> {
        self.resolve(&mut value, at)?;
        Ok(value)
    }

    /// Replaces the references inside `value` in place (copying only what they refer to).
    fn resolve(&self, value: &mut Value, at: &dyn fmt::Display) -> Result<(), ScriptError> {
        match value {
            Value::String(text) => {
                if let Some(r) = reference(text) {
                    let found =
                        self.with(r.name, at, |saved| saved.value.pointer(r.pointer).cloned())?;
                    *value = found.ok_or_else(|| ScriptError::UnresolvedReference {
                        step: at.to_string(),
                        reference: text.clone(),
                    })?;
                } else if text.starts_with("$$") {
                    text.remove(0);
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.resolve(item, at)?;
                }
            }
            Value::Object(map) => {
                for item in map.values_mut() {
                    self.resolve(item, at)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// An evidence path: `$name/rest` becomes `/calls/<i>/response/rest` for the call saved as
    /// `name`; any other text is cited as written.
    pub fn evidence_path(&self, text: &str, at: &dyn fmt::Display) -> Result<String, ScriptError> {
        let Some(r) = reference(text) else {
            return Ok(text.strip_prefix('$').unwrap_or(text).to_string());
        };
        let call =
            self.with(r.name, at, |saved| saved.call)?
                .ok_or_else(|| ScriptError::NoCallIndex {
                    step: at.to_string(),
                    name: r.name.to_string(),
                })?;
        Ok(format!("/calls/{call}/response{}", r.pointer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store() -> Store {
        let store = Store::default();
        store.save(
            "quote",
            Saved {
                value: json!({"price": 7, "items": ["a"]}).into(),
                call: Some(2),
            },
        );
        store
    }

    #[test]
    fn substitutes_whole_values_and_pointers() {
        let out = store()
            .substitute(
                json!({"all": "$quote", "p": ["$quote/price"], "lit": "$$quote", "t": "x $quote"}),
                &"steps[0]",
            )
            .unwrap();
        assert_eq!(
            out,
            json!({"all": {"price": 7, "items": ["a"]}, "p": [7], "lit": "$quote", "t": "x $quote"})
        );
    }

    #[test]
    fn unknown_names_and_pointers_are_errors() {
        let err = store().substitute(json!("$nope"), &"steps[1]").unwrap_err();
        assert_eq!(
            err.to_string(),
            "step steps[1]: `$nope` refers to no saved value (saved so far: quote)"
        );
        assert!(store().substitute(json!("$quote/missing"), &"s").is_err());
    }

    #[test]
    fn evidence_paths_resolve_to_call_indices() {
        let s = store();
        assert_eq!(
            s.evidence_path("$quote/price", &"s").unwrap(),
            "/calls/2/response/price"
        );
        assert_eq!(s.evidence_path("/state/x", &"s").unwrap(), "/state/x");
        assert_eq!(s.evidence_path("$$odd", &"s").unwrap(), "$odd");
    }
}

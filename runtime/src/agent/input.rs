//! `AgentInput`: the input handed to an erased agent, as a JSON value or as JSON text.

use serde::de::DeserializeOwned;
use serde_json::Value;
use std::any::Any;
use std::fmt;

/// An agent's input as the harness hands it over.
///
/// A replay of a fixture passes the text of `input.json`'s `input` exactly as the loader found
/// it (already checked to be strict JSON), so that a typed agent deserializes straight from the
/// text instead of from a `Value` built for the purpose; everything else (a recorder, a test
/// that builds its input) passes a [`Value`]. An agent that takes `Value` gets either one as
/// a `Value`.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentInput {
    /// A JSON value.
    Value(Value),
    /// The JSON text of one value, and where it starts in its file.
    Text(InputText),
}

/// The JSON text of an input, with where it starts in the file it was read from (so that an
/// error found while deserializing it names the file's line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputText {
    text: Box<str>,
    line: usize,
    column: usize,
}

impl InputText {
    /// `text`, one JSON value, starting at `line` and `column` (1-based) of its file.
    pub fn new(text: impl Into<Box<str>>, line: usize, column: usize) -> InputText {
        InputText {
            text: text.into(),
            line,
            column,
        }
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Why an input did not deserialize into the agent's input type, positioned in its file when
/// the input was text.
#[derive(Debug)]
pub struct InputError {
    error: serde_json::Error,
    origin: Option<(usize, usize)>,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, column) = (self.error.line(), self.error.column());
        match self.origin {
            Some((first_line, first_column)) if line > 0 => {
                let message = self.error.to_string();
                let suffix = format!(" at line {line} column {column}");
                let message = message.strip_suffix(&suffix).unwrap_or(&message);
                let (line, column) = match line {
                    1 => (first_line, first_column + column - 1),
                    _ => (first_line + line - 1, column),
                };
                write!(f, "{message} at line {line} column {column}")
            }
            _ => self.error.fmt(f),
        }
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl AgentInput {
    /// The input as a `T`: a `Value` input is moved as it is when `T` is `Value`, else
    /// deserialized from; a text input is deserialized from its text.
    pub fn deserialize<T: DeserializeOwned + 'static>(self) -> Result<T, InputError> {
        match self {
            AgentInput::Value(value) => {
                let mut slot = Some(value);
                if let Some(same) = (&mut slot as &mut dyn Any).downcast_mut::<Option<T>>()
                    && let Some(value) = same.take()
                {
                    return Ok(value);
                }
                T::deserialize(slot.unwrap_or_default()).map_err(|error| InputError {
                    error,
                    origin: None,
                })
            }
            AgentInput::Text(text) => {
                serde_json::from_str(&text.text).map_err(|error| InputError {
                    error,
                    origin: Some((text.line, text.column)),
                })
            }
        }
    }

    /// The input as a JSON value.
    pub fn into_value(self) -> Result<Value, InputError> {
        self.deserialize()
    }
}

impl From<Value> for AgentInput {
    fn from(value: Value) -> AgentInput {
        AgentInput::Value(value)
    }
}

impl Default for AgentInput {
    /// `null`.
    fn default() -> AgentInput {
        AgentInput::Value(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Typed {
        topics: Vec<String>,
    }

    #[test]
    fn a_json_input_is_handed_over_as_it_is_and_a_typed_one_is_deserialized() {
        let input = json!({"topics": ["a", "b"], "n": 1.0});
        let value: Value = AgentInput::from(input.clone()).deserialize().unwrap();
        assert_eq!(value, input);
        let typed: Typed = AgentInput::from(json!({"topics": ["a"]}))
            .deserialize()
            .unwrap();
        assert_eq!(typed.topics, ["a"]);
        assert!(
            AgentInput::from(json!({"topics": 3}))
                .deserialize::<Typed>()
                .is_err()
        );
        let s: String = AgentInput::from(json!("s")).deserialize().unwrap();
        assert_eq!(s, "s");
    }

    #[test]
    fn a_text_input_deserializes_like_its_value() {
        let text = r#"{"topics": ["a", "b"], "n": 1.0}"#;
        let input = AgentInput::Text(InputText::new(text, 1, 1));
        assert_eq!(
            input.clone().into_value().unwrap(),
            json!({"topics": ["a", "b"], "n": 1.0})
        );
        let typed: Typed = AgentInput::Text(InputText::new(r#"{"topics": ["x"]}"#, 3, 12))
            .deserialize()
            .unwrap();
        assert_eq!(typed.topics, ["x"]);
    }

    #[test]
    fn errors_in_a_text_input_name_the_line_and_column_of_its_file() {
        // The value starts at line 3, column 12 of the file.
        let on_first_line = AgentInput::Text(InputText::new(r#"{"topics": 3}"#, 3, 12));
        let error = on_first_line
            .deserialize::<Typed>()
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "invalid type: integer `3`, expected a sequence at line 3 column 23"
        );
        let below = AgentInput::Text(InputText::new("{\n  \"topics\": [1]\n}", 3, 12));
        let error = below.deserialize::<Typed>().unwrap_err().to_string();
        assert_eq!(
            error,
            "invalid type: integer `1`, expected a string at line 4 column 14"
        );
        let from_value = AgentInput::from(json!({"topics": 3}));
        let error = from_value.deserialize::<Typed>().unwrap_err().to_string();
        assert_eq!(error, "invalid type: integer `3`, expected a sequence");
    }
}

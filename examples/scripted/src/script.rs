//! `Script`: the scripted agent's input, `{"steps": [Step, ...]}`.

use crate::step::Step;
use serde::de;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The scripted agent's input: steps executed literally, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Script {
    /// The steps.
    pub steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScript {
    steps: Vec<Value>,
}

impl<'de> Deserialize<'de> for Script {
    /// Parses `{"steps": [...]}`; an error names the step (`steps[2].parallel[0] (`call`
    /// step): unknown field ...`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Script, D::Error> {
        let raw = RawScript::deserialize(d)?;
        let steps = raw
            .steps
            .into_iter()
            .enumerate()
            .map(|(index, v)| Step::parse_at(v, &Position(index)))
            .collect::<Result<Vec<Step>, String>>()
            .map_err(de::Error::custom)?;
        Ok(Script { steps })
    }
}

/// A top-level step's position in error messages: `steps[3]`.
struct Position(usize);

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "steps[{}]", self.0)
    }
}

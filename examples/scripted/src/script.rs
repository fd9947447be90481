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
            .map(|(i, v)| Step::parse(v, &format!("steps[{i}]")))
            .collect::<Result<Vec<Step>, String>>()
            .map_err(de::Error::custom)?;
        Ok(Script { steps })
    }
}

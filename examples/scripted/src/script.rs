//! `Script`: the scripted agent's input, `{"steps": [Step, ...]}`.

use crate::step::{Step, StepSeed};
use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// The scripted agent's input: steps executed literally, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Script {
    /// The steps.
    pub steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScript {
    #[serde(deserialize_with = "steps")]
    steps: Vec<Step>,
}

impl<'de> Deserialize<'de> for Script {
    /// Parses `{"steps": [...]}` in one pass; an error names the step (`steps[2].parallel[0]
    /// (`call` step): unknown field ...`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Script, D::Error> {
        let raw = RawScript::deserialize(d)?;
        Ok(Script { steps: raw.steps })
    }
}

/// The top-level steps, each named by its position (`steps[3]`).
fn steps<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Step>, D::Error> {
    struct Steps;
    impl<'de> Visitor<'de> for Steps {
        type Value = Vec<Step>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Step>, A::Error> {
            let mut steps = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
            while let Some(step) = seq.next_element_seed(StepSeed {
                at: &Position(steps.len()),
            })? {
                steps.push(step);
            }
            Ok(steps)
        }
    }
    d.deserialize_seq(Steps)
}

/// A top-level step's position in error messages: `steps[3]`.
struct Position(usize);

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "steps[{}]", self.0)
    }
}

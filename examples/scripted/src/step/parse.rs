//! Parsing a step in one pass over its keys: no map of the step is built first, its strings and
//! free JSON (`args`, `content`, `output`, `data`) move into place, and every error names the
//! step's position (`steps[3] (`call` step): unknown field ...`).

use super::{
    ArtifactStep, CallStep, EventStep, EvidenceStep, KINDS, OnError, OutputStep, PanicStep,
    ParallelStep, SleepStep, StatusStep, Step,
};
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess};
use serde_json::{Map, Value};
use std::fmt;

/// Deserializes one step; `at` is its position in error messages (`steps[3]`).
#[derive(Clone, Copy)]
pub(crate) struct StepSeed<'a> {
    /// The step's position.
    pub(crate) at: &'a dyn fmt::Display,
}

/// The keys of each kind of step (in [`KINDS`] order), in the order its struct declares them
/// (the order of the `expected one of` list in an unknown-field error). The first key names
/// the kind.
const KIND_KEYS: [&[&str]; 9] = [
    &[
        "call",
        "args",
        "save_as",
        "idempotency_key",
        "retries",
        "on_error",
    ],
    &["artifact", "content", "from"],
    &["evidence"],
    &["output"],
    &["status", "reason"],
    &["panic"],
    &["sleep_ms"],
    &["parallel"],
    &["event", "data"],
];

/// The index of `parallel` in [`KINDS`].
const PARALLEL: usize = 7;

/// `name` as the key of some kind of step, if it is one (every key belongs to one kind).
fn known(name: &str) -> Option<Key> {
    KIND_KEYS.iter().enumerate().find_map(|(kind, keys)| {
        let index = keys.iter().position(|k| *k == name)?;
        Some(Key::Known { kind, index })
    })
}

/// A key as read: `KIND_KEYS[kind][index]`, or a name no step has.
enum Key {
    Known { kind: usize, index: usize },
    Unknown(String),
}

impl Key {
    fn name(&self) -> &str {
        match self {
            Key::Known { kind, index } => KIND_KEYS[*kind][*index],
            Key::Unknown(name) => name,
        }
    }

    /// The kind this key names, if it is the first key of one.
    fn names_kind(&self) -> Option<usize> {
        match self {
            Key::Known { kind, index: 0 } => Some(*kind),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl de::Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
                Ok(known(name).unwrap_or_else(|| Key::Unknown(name.to_string())))
            }
            fn visit_string<E: de::Error>(self, name: String) -> Result<Key, E> {
                Ok(known(&name).unwrap_or(Key::Unknown(name)))
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// A step's position and kind in error messages: `steps[3] (`call` step)`.
struct Kind<'a> {
    at: &'a dyn fmt::Display,
    kind: &'a str,
}

impl fmt::Display for Kind<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (`{}` step)", self.at, self.kind)
    }
}

/// The position of a nested step: `steps[3].parallel[0]`.
struct Nested<'a> {
    parent: &'a dyn fmt::Display,
    index: usize,
}

impl fmt::Display for Nested<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.parallel[{}]", self.parent, self.index)
    }
}

impl<'de> DeserializeSeed<'de> for StepSeed<'_> {
    type Value = Step;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Step, D::Error> {
        d.deserialize_any(self)
    }
}

impl StepSeed<'_> {
    fn not_an_object<E: de::Error>(&self, found: &str) -> E {
        E::custom(format!(
            "{}: a step is a JSON object such as {{\"call\": \"tool\", \"args\": {{}}}}, found {found}",
            self.at
        ))
    }
}

impl<'de> de::Visitor<'de> for StepSeed<'_> {
    type Value = Step;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a step (a JSON object)")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Step, E> {
        Err(self.not_an_object("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Step, E> {
        Err(self.not_an_object("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Step, E> {
        Err(self.not_an_object("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Step, E> {
        Err(self.not_an_object("a number"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Step, E> {
        Err(self.not_an_object("a string"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Step, E> {
        Err(self.not_an_object("null"))
    }

    fn visit_none<E: de::Error>(self) -> Result<Step, E> {
        Err(self.not_an_object("null"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Step, A::Error> {
        Err(self.not_an_object("a list"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Step, A::Error> {
        let mut entries: Vec<(Key, Value)> = Vec::with_capacity(6);
        let mut parallel = None;
        while let Some(key) = map.next_key::<Key>()? {
            let value = match key {
                Key::Known {
                    kind: PARALLEL,
                    index: 0,
                } => {
                    let kind = Kind {
                        at: self.at,
                        kind: "parallel",
                    };
                    parallel = Some(map.next_value_seed(NestedSteps {
                        parent: self.at,
                        kind: &kind,
                    })?);
                    Value::Null
                }
                Key::Known { .. } => map.next_value::<Value>()?,
                Key::Unknown(_) => {
                    map.next_value::<IgnoredAny>()?;
                    Value::Null
                }
            };
            entries.push((key, value));
        }
        build(entries, parallel, self.at).map_err(de::Error::custom)
    }
}

/// The step the keys make, once all of them are read (their order does not name the kind:
/// files keep keys sorted, so `args` comes before `call`).
fn build(
    entries: Vec<(Key, Value)>,
    parallel: Option<Vec<Step>>,
    at: &dyn fmt::Display,
) -> Result<Step, String> {
    let mut kinds = entries.iter().filter_map(|(k, _)| k.names_kind());
    let first = kinds.next();
    let kind = match (first, kinds.find(|k| Some(*k) != first)) {
        (Some(kind), None) => kind,
        (None, _) => {
            let keys: Vec<&str> = entries.iter().map(|(k, _)| k.name()).collect();
            return Err(format!(
                "{at}: unknown step with keys [{}]; a step has exactly one of the keys {}",
                keys.join(", "),
                KINDS.join(", ")
            ));
        }
        (Some(_), Some(_)) => {
            let mut many: Vec<usize> = entries.iter().filter_map(|(k, _)| k.names_kind()).collect();
            many.sort_unstable();
            many.dedup();
            let many: Vec<&str> = many.into_iter().map(|kind| KINDS[kind]).collect();
            return Err(format!(
                "{at}: a step has exactly one of the keys {}, this one has {}",
                KINDS.join(", "),
                many.join(" and ")
            ));
        }
    };
    let at_kind = Kind {
        at,
        kind: KINDS[kind],
    };
    let mut fields = Fields::new(entries, kind, &at_kind)?;
    Ok(match KINDS[kind] {
        "call" => Step::Call(CallStep {
            call: fields.required("call")?,
            args: fields
                .raw("args")
                .unwrap_or_else(|| Value::Object(Map::new())),
            save_as: fields.optional::<Option<String>>("save_as")?.flatten(),
            idempotency_key: fields
                .optional::<Option<String>>("idempotency_key")?
                .flatten(),
            retries: fields.optional("retries")?.unwrap_or(0),
            on_error: fields.optional::<OnError>("on_error")?.unwrap_or_default(),
        }),
        "artifact" => {
            let step = ArtifactStep {
                artifact: fields.required("artifact")?,
                content: fields.raw("content"),
                from: fields.optional::<Option<String>>("from")?.flatten(),
            };
            if step.content.is_some() == step.from.is_some() {
                return Err(format!(
                    "{at_kind}: an artifact step has exactly one of `content` and `from`"
                ));
            }
            Step::Artifact(step)
        }
        "evidence" => Step::Evidence(EvidenceStep {
            evidence: fields.required("evidence")?,
        }),
        "output" => Step::Output(OutputStep {
            output: fields.raw("output"),
        }),
        "status" => Step::Status(StatusStep {
            status: fields.required("status")?,
            reason: fields.required("reason")?,
        }),
        "panic" => Step::Panic(PanicStep {
            panic: fields.required("panic")?,
        }),
        "sleep_ms" => Step::Sleep(SleepStep {
            sleep_ms: fields.required("sleep_ms")?,
        }),
        "parallel" => Step::Parallel(ParallelStep {
            parallel: parallel.unwrap_or_default(),
        }),
        _ => Step::Event(EventStep {
            event: fields.required("event")?,
            data: fields.raw("data").unwrap_or(Value::Null),
        }),
    })
}

/// The values of one kind's keys, each taken once into its type.
struct Fields<'a> {
    entries: Vec<(Key, Value)>,
    at_kind: &'a Kind<'a>,
}

impl<'a> Fields<'a> {
    /// The entries of a step of kind `kind`: a key that kind does not have, or a key given
    /// twice, is an error.
    fn new(
        entries: Vec<(Key, Value)>,
        kind: usize,
        at_kind: &'a Kind<'a>,
    ) -> Result<Fields<'a>, String> {
        for (i, (key, _)) in entries.iter().enumerate() {
            match key {
                Key::Known { kind: k, .. } if *k == kind => {}
                other if kind == PARALLEL => {
                    return Err(format!(
                        "{at_kind}: unknown field `{}`, expected `parallel`",
                        other.name()
                    ));
                }
                other => {
                    let error = <serde_json::Error as de::Error>::unknown_field(
                        other.name(),
                        KIND_KEYS[kind],
                    );
                    return Err(format!("{at_kind}: {error}"));
                }
            }
            if entries[..i].iter().any(|(k, _)| k.name() == key.name()) {
                let name = KIND_KEYS[kind]
                    .iter()
                    .find(|n| **n == key.name())
                    .map_or("", |n| n);
                let error = <serde_json::Error as de::Error>::duplicate_field(name);
                return Err(format!("{at_kind}: {error}"));
            }
        }
        Ok(Fields { entries, at_kind })
    }

    /// The JSON under `key`, as it was written.
    fn raw(&mut self, key: &str) -> Option<Value> {
        let i = self.entries.iter().position(|(k, _)| k.name() == key)?;
        Some(self.entries.swap_remove(i).1)
    }
    /// The value under `key` as a `T`, if the key is there.
    fn optional<T: DeserializeOwned>(&mut self, key: &str) -> Result<Option<T>, String> {
        self.raw(key)
            .map(|v| serde_json::from_value(v).map_err(|e| format!("{}: {e}", self.at_kind)))
            .transpose()
    }

    /// The value under `key` as a `T`; a missing key is an error.
    fn required<T: DeserializeOwned>(&mut self, key: &str) -> Result<T, String> {
        self.optional(key)?
            .ok_or_else(|| format!("{}: missing field `{key}`", self.at_kind))
    }
}

/// The steps of a `parallel` step, each named by its position under `parent`.
struct NestedSteps<'a> {
    parent: &'a dyn fmt::Display,
    kind: &'a Kind<'a>,
}

impl NestedSteps<'_> {
    fn not_a_list<E: de::Error>(&self) -> E {
        E::custom(format!("{}: `parallel` is a list of steps", self.kind))
    }
}

impl<'de> DeserializeSeed<'de> for NestedSteps<'_> {
    type Value = Vec<Step>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Vec<Step>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for NestedSteps<'_> {
    type Value = Vec<Step>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of steps")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Vec<Step>, E> {
        Err(self.not_a_list())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Vec<Step>, E> {
        Err(self.not_a_list())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Vec<Step>, E> {
        Err(self.not_a_list())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Vec<Step>, E> {
        Err(self.not_a_list())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Vec<Step>, E> {
        Err(self.not_a_list())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<Step>, E> {
        Err(self.not_a_list())
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Vec<Step>, A::Error> {
        Err(self.not_a_list())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Step>, A::Error> {
        let mut steps = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(step) = seq.next_element_seed(StepSeed {
            at: &Nested {
                parent: self.parent,
                index: steps.len(),
            },
        })? {
            steps.push(step);
        }
        Ok(steps)
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

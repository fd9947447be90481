//! Effect classes: what a tool call may do to the world.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The effect class of a tool, which decides how replay modes treat its calls.
///
/// `read` and `model` calls have no side effects that matter to the world; every other class is a
/// *side effect*: it is written to the side-effect ledger and never executed in `cassette` or
/// `strict` mode.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Reads data; no side effects.
    Read,
    /// Calls a language model.
    Model,
    /// Writes data (files, rows, records).
    Write,
    /// Sends something over the network (webhooks, e-mails, messages).
    Network,
    /// Drives a browser.
    Browser,
    /// Changes an account (users, permissions, settings).
    Account,
    /// Moves money.
    Money,
}

impl Effect {
    /// Every effect class, in declaration order.
    pub const ALL: [Effect; 7] = [
        Effect::Read,
        Effect::Model,
        Effect::Write,
        Effect::Network,
        Effect::Browser,
        Effect::Account,
        Effect::Money,
    ];

    /// Whether calls of this class change the world (anything but `read` and `model`).
    pub fn is_side_effect(self) -> bool {
        !matches!(self, Effect::Read | Effect::Model)
    }

    /// The wire name (`"read"`, `"money"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Read => "read",
            Effect::Model => "model",
            Effect::Write => "write",
            Effect::Network => "network",
            Effect::Browser => "browser",
            Effect::Account => "account",
            Effect::Money => "money",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

//! Replay modes: how a replay treats tool calls.

use std::fmt;
use std::str::FromStr;

/// How a replay answers tool calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Every call is answered from the cassette; a call that matches nothing is a miss.
    #[default]
    Cassette,
    /// `read` and `model` tools run for real (from the toolbox) and the difference from the
    /// recording is reported; every other effect is answered from the cassette or blocked.
    Live,
    /// Like `cassette`, and every unrecorded call is blocked and written to the ledger as
    /// evidence. Nothing is ever executed.
    Strict,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 3] = [Mode::Cassette, Mode::Live, Mode::Strict];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Cassette => "cassette",
            Mode::Live => "live",
            Mode::Strict => "strict",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown mode name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown mode {given:?}: expected one of cassette, live, strict{}", suggestion.map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default())]
pub struct ModeError {
    /// What was given.
    pub given: String,
    /// The closest mode name, if any is close.
    pub suggestion: Option<&'static str>,
}

impl FromStr for Mode {
    type Err = ModeError;
    fn from_str(s: &str) -> Result<Mode, ModeError> {
        let lowered = s.trim().to_ascii_lowercase();
        Mode::ALL
            .into_iter()
            .find(|m| m.as_str() == lowered)
            .ok_or_else(|| ModeError {
                given: s.to_string(),
                suggestion: crate::suggest::did_you_mean(
                    &lowered,
                    Mode::ALL.iter().map(|m| m.as_str()),
                ),
            })
    }
}

//! Live drift: the calls of a `live` replay whose real answer differs from the recording.

use crate::cassette::miss::opt;
use crate::observation::CallRecord;
use std::fmt;

/// How many differences of one call are shown.
const SHOWN_PER_CALL: usize = 8;

/// The calls of a replay whose live response differs from the recorded one, each with its
/// first differences (`path: recorded X / live Y`), one call per block.
pub struct LiveDrift<'a>(Vec<&'a CallRecord>);

impl<'a> LiveDrift<'a> {
    /// The drifted calls among `calls`.
    pub fn of(calls: &'a [CallRecord]) -> LiveDrift<'a> {
        LiveDrift(
            calls
                .iter()
                .filter(|c| c.live_diff.as_ref().is_some_and(|d| !d.is_empty()))
                .collect(),
        )
    }

    /// Whether no call drifted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many calls drifted.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Display for LiveDrift<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for call in &self.0 {
            writeln!(f, "  call #{} `{}`:", call.index, call.tool)?;
            for d in call.live_diff.iter().flatten().take(SHOWN_PER_CALL) {
                let path = if d.path.is_empty() {
                    "(whole response)"
                } else {
                    &d.path
                };
                writeln!(
                    f,
                    "    {path}: recorded {} / live {}",
                    opt(&d.expected),
                    opt(&d.actual)
                )?;
            }
        }
        Ok(())
    }
}

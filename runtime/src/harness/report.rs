//! The failure report of a trial: what was expected, what happened, and where it diverged.

use super::drift::LiveDrift;
use super::snapshot::SnapshotOutcome;
use super::trial::TrialResult;
use crate::fixture::Fixture;
use crate::mode::Mode;
use crate::observation::CallSource;
use std::fmt;

/// A readable report of a failed trial.
pub struct FailureReport<'a> {
    /// The trial's name.
    pub trial: &'a str,
    /// The fixture.
    pub fixture: &'a Fixture,
    /// The mode it ran in.
    pub mode: Mode,
    /// What happened.
    pub result: &'a TrialResult,
}

impl fmt::Display for FailureReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.result;
        let j = &r.judgement;
        writeln!(
            f,
            "fixture {} ({}) replayed in {} mode",
            self.trial,
            self.fixture.dir.display(),
            self.mode
        )?;
        if let Some(description) = &self.fixture.notes.description {
            writeln!(f, "  about: {description}")?;
        }
        let class = j
            .failure_class
            .map(|c| format!(", failure class {c}"))
            .unwrap_or_default();
        writeln!(
            f,
            "  verdict: {}{class}; reasons: [{}]",
            j.verdict,
            j.reasons.join(", ")
        )?;
        for problem in &r.expectation.problems {
            writeln!(f, "  ✗ {problem}")?;
        }
        if !j.violations.is_empty() {
            writeln!(f, "\nclauses that judged the run:")?;
            for v in &j.violations {
                writeln!(f, "{}", indent(&v.to_string(), "  "))?;
            }
        }
        if let Some(call) = r
            .run
            .observation
            .calls
            .iter()
            .find(|c| matches!(c.source, CallSource::Miss | CallSource::Blocked))
        {
            let why = call
                .error
                .as_ref()
                .map(|e| e.kind.as_str())
                .unwrap_or("blocked");
            writeln!(
                f,
                "\nfirst divergent step: call #{} `{}` ({why})",
                call.index, call.tool
            )?;
        }
        let drift = LiveDrift::of(&r.run.observation.calls);
        if !drift.is_empty() {
            writeln!(
                f,
                "\nlive responses that differ from the recording (the agent saw the live ones; a bug the recording shows may not reproduce against today's tools):"
            )?;
            write!(f, "{drift}")?;
        }
        for miss in &r.run.misses {
            writeln!(f, "\n{}", indent(&miss.to_string(), "  "))?;
        }
        if !r.run.observation.ledger.is_empty() {
            writeln!(f, "\nside-effect ledger:")?;
            for e in &r.run.observation.ledger {
                let key = e.idempotency_key.as_deref().unwrap_or("-");
                writeln!(
                    f,
                    "  call #{} {} ({}) key={key} attempt={} → {:?}",
                    e.call, e.tool, e.effect, e.attempt, e.outcome
                )?;
            }
        }
        if let Some(SnapshotOutcome::Failed(message)) = &r.snapshot {
            writeln!(f, "\n{}", indent(message, "  "))?;
        }
        Ok(())
    }
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| format!("{by}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

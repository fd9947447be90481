//! The result of judging a run: a verdict, reasons, a failure class and the failed clauses.

use super::diff;
use crate::verdict::{FailureClass, Verdict};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The judgement of one run against a contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    /// The worst verdict of the run level and every violation; `passed` if there is none.
    pub verdict: Verdict,
    /// Every reason code, sorted and without duplicates.
    pub reasons: Vec<String>,
    /// The failure class of the first violation with the worst verdict; `None` iff `passed`.
    pub failure_class: Option<FailureClass>,
    /// Every failed clause, run-level ones first, then in contract order.
    pub violations: Vec<Violation>,
}

/// One failed clause of a contract (or of the run level, clause `"run"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    /// Which clause: `"run"`, `"output.schema"`, `"tools.required[0]"`, ...
    pub clause: String,
    /// The machine-readable reason code (see [`crate::verdict::reason`]).
    pub reason: String,
    /// The verdict this violation imposes.
    pub verdict: Verdict,
    /// The failure class this violation indicates.
    pub failure_class: FailureClass,
    /// A human-readable explanation.
    pub message: String,
    /// What the clause expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    /// What the run did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<Value>,
    /// A unified diff of pretty JSON (or of line lists), when it helps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

impl Violation {
    /// A `failed` violation without expected/actual values.
    pub fn new(
        clause: impl Into<String>,
        reason: &str,
        failure_class: FailureClass,
        message: impl Into<String>,
    ) -> Violation {
        Violation {
            clause: clause.into(),
            reason: reason.to_string(),
            verdict: Verdict::Failed,
            failure_class,
            message: message.into(),
            expected: None,
            actual: None,
            diff: None,
        }
    }

    /// Sets the verdict.
    pub fn with_verdict(mut self, verdict: Verdict) -> Violation {
        self.verdict = verdict;
        self
    }

    /// Sets the expected and actual values.
    pub fn with_values(mut self, expected: Value, actual: Value) -> Violation {
        self.expected = Some(expected);
        self.actual = Some(actual);
        self
    }

    /// Sets the expected and actual values, and their JSON diff when both are structured.
    pub fn with_values_and_diff(self, expected: Value, actual: Value) -> Violation {
        let diff = diff::json_diff(&expected, &actual);
        Violation {
            diff,
            ..self.with_values(expected, actual)
        }
    }

    /// Sets the diff.
    pub fn with_diff(mut self, diff: Option<String>) -> Violation {
        self.diff = diff;
        self
    }
}

impl Judgement {
    /// A judgement from violations: worst verdict, class of the first worst violation, reasons
    /// sorted and deduplicated.
    pub fn from_violations(violations: Vec<Violation>) -> Judgement {
        let verdict = violations
            .iter()
            .map(|v| v.verdict)
            .fold(Verdict::Passed, Verdict::worst);
        let failure_class = violations
            .iter()
            .find(|v| v.verdict == verdict && verdict != Verdict::Passed)
            .map(|v| v.failure_class);
        let mut reasons: Vec<String> = violations.iter().map(|v| v.reason.clone()).collect();
        reasons.sort();
        reasons.dedup();
        Judgement {
            verdict,
            reasons,
            failure_class,
            violations,
        }
    }

    /// Whether the verdict is `passed`.
    pub fn passed(&self) -> bool {
        self.verdict == Verdict::Passed
    }

    /// Whether a reason code is present.
    pub fn has_reason(&self, reason: &str) -> bool {
        self.reasons.iter().any(|r| r == reason)
    }
}

impl fmt::Display for Judgement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "verdict: {}", self.verdict)?;
        if let Some(class) = self.failure_class {
            write!(f, " ({class})")?;
        }
        writeln!(f)?;
        if !self.reasons.is_empty() {
            writeln!(f, "reasons: {}", self.reasons.join(", "))?;
        }
        for (i, violation) in self.violations.iter().enumerate() {
            let text = violation.to_string();
            let mut lines = text.lines();
            if let Some(first) = lines.next() {
                writeln!(f, "{}. {first}", i + 1)?;
            }
            for line in lines {
                writeln!(f, "   {line}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} [{}, {}]",
            self.clause, self.reason, self.verdict, self.failure_class
        )?;
        writeln!(f, "{}", self.message)?;
        if let Some(expected) = &self.expected {
            writeln!(f, "expected: {expected}")?;
        }
        if let Some(actual) = &self.actual {
            writeln!(f, "actual:   {actual}")?;
        }
        if let Some(diff) = &self.diff {
            writeln!(f, "diff:")?;
            for line in diff.lines() {
                writeln!(f, "  {line}")?;
            }
        }
        Ok(())
    }
}

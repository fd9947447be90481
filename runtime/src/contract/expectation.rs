//! Whether a judgement is what the contract expects: `verdict` and `reasons`.

use super::judgement::Judgement;
use super::model::Contract;
use crate::verdict::Verdict;
use serde::{Deserialize, Serialize};

/// Whether a judgement meets the contract's expected verdicts and reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expectation {
    /// True when every expectation holds.
    pub ok: bool,
    /// One sentence per unmet expectation.
    pub problems: Vec<String>,
}

impl Judgement {
    /// Checks the verdict against `contract.verdict` (default `[passed]`), that every
    /// `reasons.required` code is present and that no `reasons.forbidden` code is.
    pub fn meets(&self, contract: &Contract) -> Expectation {
        let mut problems = Vec::new();
        let allowed: &[Verdict] = contract.verdict.as_deref().unwrap_or(&[Verdict::Passed]);
        if !allowed.contains(&self.verdict) {
            let names: Vec<&str> = allowed.iter().map(|v| v.as_str()).collect();
            problems.push(format!(
                "The verdict is {}, but the contract allows only {}.",
                self.verdict,
                names.join(" or ")
            ));
        }
        if let Some(rule) = &contract.reasons {
            for reason in rule.required.iter().filter(|r| !self.has_reason(r)) {
                problems.push(format!(
                    "The reason {reason} is required but absent (reasons: {}).",
                    list(&self.reasons)
                ));
            }
            for reason in rule.forbidden.iter().filter(|r| self.has_reason(r)) {
                problems.push(format!("The reason {reason} is forbidden but present."));
            }
        }
        Expectation {
            ok: problems.is_empty(),
            problems,
        }
    }
}

fn list(reasons: &[String]) -> String {
    if reasons.is_empty() {
        "none".to_string()
    } else {
        reasons.join(", ")
    }
}

//! `cassette.all_consumed`: every recorded interaction was used.

use crate::contract::judgement::Violation;
use crate::contract::model::CassetteRule;
use crate::contract::view::View;
use crate::verdict::{FailureClass, reason};
use serde_json::json;

/// Checks the cassette rules.
pub(crate) fn check(rule: &CassetteRule, view: &View<'_>, out: &mut Vec<Violation>) {
    let unused = &view.observation.unused_interactions;
    if rule.all_consumed == Some(true) && !unused.is_empty() {
        let message = format!(
            "{} recorded interaction(s) were never used: {}",
            unused.len(),
            super::join(unused)
        );
        out.push(
            Violation::new(
                "cassette.all_consumed",
                reason::UNUSED_INTERACTIONS,
                FailureClass::SilentDrift,
                message,
            )
            .with_values(json!([]), json!(unused)),
        );
    }
}

//! `validators`: custom validators, looked up by name in the [`Validators`] registry.
//!
//! [`Validators`]: crate::contract::Validators

use crate::contract::judgement::Violation;
use crate::contract::model::ValidatorRef;
use crate::contract::validators::ValidatorCall;
use crate::contract::view::{NULL, View};
use crate::verdict::{FailureClass, Verdict, reason};

/// Runs each named validator.
pub(crate) fn check(refs: &[ValidatorRef], view: &View<'_>, out: &mut Vec<Violation>) {
    let registry = view.input.validators;
    for (i, vref) in refs.iter().enumerate() {
        let clause = format!("validators[{i}]");
        let Some(validator) = registry.get(&vref.name) else {
            let names = super::join(registry.names());
            let mut message = format!(
                "no validator named {:?} is registered (registered: {})",
                vref.name,
                if names.is_empty() { "none" } else { &names }
            );
            if let Some(close) = registry.did_you_mean(&vref.name) {
                message.push_str(&format!("; did you mean {close:?}?"));
            }
            out.push(Violation::new(
                clause,
                reason::UNKNOWN_VALIDATOR,
                FailureClass::Harness,
                message,
            ));
            continue;
        };
        let call = ValidatorCall {
            observation: view.observation,
            args: vref.args.as_ref().unwrap_or(&NULL),
            state: view.input.state,
        };
        if let Err(failure) = validator(&call) {
            let code = failure
                .reason
                .as_deref()
                .unwrap_or(reason::VALIDATOR_FAILED);
            let message = format!("validator {:?} failed: {}", vref.name, failure.message);
            out.push(
                Violation::new(
                    clause,
                    code,
                    failure.failure_class.unwrap_or(FailureClass::SilentDrift),
                    message,
                )
                .with_verdict(failure.verdict.unwrap_or(Verdict::Failed)),
            );
        }
    }
}

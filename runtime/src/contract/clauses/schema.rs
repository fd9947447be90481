//! JSON Schema checks shared by `output.schema` and `artifacts.required[].schema`.

use crate::contract::judgement::Violation;
use crate::verdict::{FailureClass, reason};
use serde_json::Value;

/// Validates `instance` against `schema`; pushes `schema_mismatch` listing each error with its
/// instance path, or `invalid_contract` if the schema does not compile.
pub(crate) fn check(
    clause: &str,
    what: &str,
    schema: &Value,
    instance: &Value,
    out: &mut Vec<Violation>,
) {
    let validator = match crate::compile::json_schema(schema) {
        Ok(v) => v,
        Err(err) => {
            out.push(Violation::new(
                clause,
                reason::INVALID_CONTRACT,
                FailureClass::Harness,
                format!("the JSON Schema of {clause} is invalid: {}", err.message),
            ));
            return;
        }
    };
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| {
            let path = e.instance_path().as_str();
            let path = if path.is_empty() { "(root)" } else { path };
            format!("{path}: {e}")
        })
        .collect();
    if !errors.is_empty() {
        let mut message = format!("{what} does not match its JSON Schema:");
        for error in &errors {
            message.push_str("\n- ");
            message.push_str(error);
        }
        out.push(
            Violation::new(
                clause,
                reason::SCHEMA_MISMATCH,
                FailureClass::SilentDrift,
                message,
            )
            .with_values(schema.clone(), instance.clone()),
        );
    }
}

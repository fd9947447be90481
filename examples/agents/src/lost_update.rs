//! The custom validator `no_lost_update`: no write to a shared record landed on a version the
//! writer never saw.
//!
//! ```json
//! { "validators": [{ "name": "no_lost_update", "args": { "record": "itinerary" } }] }
//! ```
//!
//! It reads the run's `<record>_get` and `<record>_put` calls (the protocol of
//! [`tapedeck::store::shared_tools`]). A put that was written must land on the version right
//! after the one it was based on: its `expected_version`, or for a blind put the version the
//! run last read or wrote. A put that lands further on overwrote the versions in between,
//! which nobody read: reason `lost_update`, class `silent_drift`. A conflict answer is fine:
//! the lost update was detected and nothing was written.

use std::collections::HashMap;
use tapedeck::FailureClass;
use tapedeck::contract::{ValidatorCall, ValidatorFailure};

fn no_lost_update(call: &ValidatorCall<'_>) -> Result<(), ValidatorFailure> {
    let Some(record) = call.args["record"].as_str() else {
        return Err(
            ValidatorFailure::new("no_lost_update needs args.record (e.g. \"itinerary\")")
                .reason("validator_misconfigured")
                .failure_class(FailureClass::Harness),
        );
    };
    let (get, put) = (format!("{record}_get"), format!("{record}_put"));
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let mut lost = Vec::new();
    for c in &call.observation.calls {
        let (Some(response), Some(key)) = (&c.response, c.request["key"].as_str()) else {
            continue;
        };
        let Some(version) = response["version"].as_u64() else {
            continue;
        };
        if c.tool == get {
            seen.insert(key, version);
        } else if c.tool == put && response["written"] == true {
            let based_on = c.request["expected_version"]
                .as_u64()
                .or_else(|| seen.get(key).copied())
                .unwrap_or(0);
            if version > based_on + 1 {
                let overwritten = match (based_on + 1, version - 1) {
                    (only, last) if only == last => format!("version {only} was"),
                    (first, last) => format!("versions {first} to {last} were"),
                };
                lost.push(format!(
                    "call #{} wrote version {version} of {record} {key} on top of version \
                     {based_on}: {overwritten} overwritten unread",
                    c.index
                ));
            }
            seen.insert(key, version);
        }
    }
    if lost.is_empty() {
        return Ok(());
    }
    Err(
        ValidatorFailure::new(format!("lost update: {}", lost.join("; ")))
            .reason("lost_update")
            .failure_class(FailureClass::SilentDrift),
    )
}

tapedeck::register_validator!("no_lost_update", no_lost_update);

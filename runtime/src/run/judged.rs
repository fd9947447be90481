//! Closing a run record with what a judged run left behind, the same for production runs and
//! for harness trials.

use crate::artifact::sha256_hex;
use crate::contract::Judgement;
use crate::observation::Observation;
use crate::store::RunRecord;

/// Closes `record` now with the run's output hash, its artifacts (`path@sha256`), the
/// judgement's verdict, failure class, first violation and reasons, and the usage.
pub(crate) fn close_judged<'a>(
    record: &mut RunRecord,
    observation: &Observation,
    judgement: &Judgement,
    artifacts: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    record.closed_at = Some(crate::store::time::now_rfc3339());
    record.output_sha256 = observation
        .output
        .as_ref()
        .map(|o| sha256_hex(o.to_string().as_bytes()));
    record.artifact_refs = artifacts
        .into_iter()
        .map(|(path, sha256)| format!("{path}@{sha256}"))
        .collect();
    record.status = Some(judgement.verdict);
    record.failure_class = judgement.failure_class;
    record.failure_reason = judgement.violations.first().map(|v| v.message.clone());
    record.reasons = judgement.reasons.clone();
    record.tokens_in = observation.usage.input_tokens;
    record.tokens_out = observation.usage.output_tokens;
    record.cost_usd = observation.usage.cost_usd;
}

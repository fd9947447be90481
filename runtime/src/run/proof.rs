//! The default completion rule of a production run that has no contract of its own: a `done`
//! without evidence is not `passed`.

use crate::contract::{Judgement, Violation, is_empty_value};
use crate::observation::Observation;
use crate::verdict::{FailureClass, Verdict, reason};

/// Holds a passing judgement of a run without a contract to the default rule: the run must
/// leave proof of what it did, an artifact written through `ctx.artifact` or an evidence path
/// cited through `ctx.evidence`. A run that claims success without either fails with
/// `missing_artifact_ref` (and `empty_output` when it returned nothing either), class
/// `silent_drift`: an unverified claim. A judgement that already fails is left as it is.
pub(crate) fn require_proof(judgement: Judgement, observation: &Observation) -> Judgement {
    let passing = matches!(judgement.verdict, Verdict::Passed | Verdict::Degraded);
    if !passing || !observation.artifacts.is_empty() || !observation.evidence.is_empty() {
        return judgement;
    }
    let mut violations = judgement.violations;
    violations.push(Violation::new(
        "completion",
        reason::MISSING_ARTIFACT_REF,
        FailureClass::SilentDrift,
        "the run reported done but left no proof: no artifact was written and no evidence \
         path was cited. Write what the run produced with ctx.artifact, cite what it read \
         with ctx.evidence, or give the envelope a contract that says what completion means \
         for this agent (RunEnvelope::contract)",
    ));
    if observation.output.as_ref().is_none_or(is_empty_value) {
        violations.push(Violation::new(
            "completion",
            reason::EMPTY_OUTPUT,
            FailureClass::SilentDrift,
            "the run returned an empty output",
        ));
    }
    Judgement::from_violations(violations)
}

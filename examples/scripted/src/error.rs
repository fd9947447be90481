//! `ScriptError`: why a script stopped with an error (the agent's `Err`).

use tapedeck::ToolError;
use tapedeck::artifact::ArtifactError;

/// Why a script stopped. The harness records it as the agent's error (`agent_error`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptError {
    /// A `call` step failed (after its retries) and its `on_error` is `fail`.
    #[error("step {step}: {source}")]
    Tool {
        /// The step's position, e.g. `steps[2]` or `steps[1].parallel[0]`.
        step: String,
        /// The tool's error.
        source: ToolError,
    },
    /// A `$name` reference names nothing saved (yet).
    #[error("step {step}: `${name}` refers to no saved value (saved so far: {known})")]
    UnknownName {
        /// The step's position.
        step: String,
        /// The name after `$`.
        name: String,
        /// The names saved so far, comma-separated (`none` if there are none).
        known: String,
    },
    /// A `$name/pointer` reference points at nothing inside the saved value.
    #[error("step {step}: `{reference}` resolves to nothing in the saved value")]
    UnresolvedReference {
        /// The step's position.
        step: String,
        /// The reference as written.
        reference: String,
    },
    /// An evidence step names, through `$name`, a call that has no call index (it failed).
    #[error("step {step}: `${name}` has no call index (the call failed), so it cannot be cited")]
    NoCallIndex {
        /// The step's position.
        step: String,
        /// The name after `$`.
        name: String,
    },
    /// An `artifact` step could not write its artifact.
    #[error("step {step}: {source}")]
    Artifact {
        /// The step's position.
        step: String,
        /// The artifact error.
        source: ArtifactError,
    },
}

//! Production runs: the [`Recorder`] writes a run record before work begins, captures every
//! event through a batching writer, stages artifacts, and closes each run through the
//! completion validator — or its guard closes it.

mod active;
pub(crate) mod capture;
mod config;
mod envelope;
pub(crate) mod judged;
mod payload;
mod proof;
mod recorder;
pub mod writer;

pub use active::ActiveRun;
pub use config::{ARTIFACTS_ENV, DEFAULT_ARTIFACT_ROOT, DEFAULT_RUN_TIMEOUT, RecorderConfig};
pub use envelope::RunEnvelope;
pub use payload::{PayloadCapture, PayloadRules};
pub use recorder::{Recorder, RecorderError};
pub use writer::{EventWriter, WriterStats};

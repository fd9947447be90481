//! Cassettes: the recorded interactions of a run, and how replay answers calls from them.

pub mod canonical;
pub mod format;
pub mod matcher;
pub mod miss;

pub use format::{
    CapturedValues, Cassette, ErrorKind, Fault, FaultKind, Interaction, RecordedError, Redaction,
    Usage,
};
pub use miss::{MissReport, NearMiss};

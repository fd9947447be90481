//! Queries over run records.

use super::record::RunType;
use crate::verdict::Verdict;

/// Which runs to return (all conditions must hold), newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunQuery {
    /// Only runs of this type.
    pub run_type: Option<RunType>,
    /// Only runs of this fixture (`<suite>/<fixture_id>`).
    pub fixture_id: Option<String>,
    /// Only runs of this agent.
    pub agent_name: Option<String>,
    /// Only runs with this status.
    pub status: Option<Verdict>,
    /// Only runs started at or after this RFC 3339 time.
    pub since: Option<String>,
    /// Only runs started before this RFC 3339 time.
    pub until: Option<String>,
    /// Only runs of this canary session.
    pub session_id: Option<String>,
    /// Only open runs (`Some(true)`) or closed runs (`Some(false)`).
    pub open: Option<bool>,
    /// At most this many (default: all).
    pub limit: Option<u64>,
}

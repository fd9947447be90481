//! Finding suites' folders and their fixtures at run time (so new folders need no rebuild).

use super::registry::SuiteRegistration;
use crate::fixture::{Tier, files};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Where a suite's fixtures live at run time: `$CARGO_MANIFEST_DIR/<root>` of the running
/// test target when that exists (the binary may have moved), else the declaring crate's
/// `manifest_dir/<root>` from compile time (a suite declared in a library crate).
pub fn suite_dir(suite: &SuiteRegistration) -> PathBuf {
    let root = Path::new(suite.root);
    if root.is_absolute() {
        return root.to_path_buf();
    }
    if let Some(runtime) = std::env::var_os("CARGO_MANIFEST_DIR") {
        let candidate = Path::new(&runtime).join(root);
        if candidate.is_dir() {
            return candidate;
        }
    }
    Path::new(suite.manifest_dir).join(root)
}

/// The tier a fixture runs in as a canary: `notes.json` `tier`, else the suite's, else daily.
/// A `notes.json` that does not parse is ignored here; the fixture's own trial reports it.
pub fn fixture_tier(fixture_dir: &Path, suite_tier: Option<Tier>) -> Tier {
    listed_notes(fixture_dir, suite_tier).tier
}

/// What listing a fixture reads of its `notes.json`.
pub struct ListedNotes {
    /// The canary tier, as [`fixture_tier`] gives it.
    pub tier: Tier,
    /// The file as read (`Some(None)`: there is none), for the fixture's replay trial to parse
    /// instead of reading it again; `None` if it could not be read (the trial then reads it
    /// itself and says why).
    pub bytes: Option<Option<Vec<u8>>>,
}

/// Reads a fixture's `notes.json` once, for its canary tier and for its trial.
pub fn listed_notes(fixture_dir: &Path, suite_tier: Option<Tier>) -> ListedNotes {
    #[derive(Deserialize)]
    struct TierOnly {
        tier: Option<Tier>,
    }
    // Through the fixture reader: size-limited, and a pipe in its place is refused, not read.
    let bytes =
        crate::fixture::parse::read_file(&fixture_dir.join(files::NOTES), &Default::default()).ok();
    let tier = bytes
        .as_ref()
        .and_then(Option::as_deref)
        .and_then(|bytes| serde_json::from_slice::<TierOnly>(bytes).ok())
        .and_then(|notes| notes.tier)
        .or(suite_tier)
        .unwrap_or(Tier::Daily);
    ListedNotes { tier, bytes }
}

/// Whether discovery should be traced on stderr (`TAPEDECK_DEBUG=discovery`), so tests can
/// prove that `--exact` does not list other fixtures.
pub fn trace_enabled() -> bool {
    std::env::var("TAPEDECK_DEBUG").is_ok_and(|v| v.split(',').any(|p| p.trim() == "discovery"))
}

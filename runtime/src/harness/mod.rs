//! The test harness: every fixture folder of every registered suite becomes a libtest-mimic
//! trial that `cargo test`, `cargo nextest run` and `cargo insta review` understand.
//!
//! Trial names are `<suite>::<fixture_id>` (replays) and `canary::<tier>::<suite>::<fixture_id>`
//! (canaries, ignored by default so that a plain `cargo test` runs replays only). Fixtures are
//! listed at run time, so a new folder is a new test without a rebuild.

pub mod author;
pub mod discover;
pub mod drift;
mod exact_miss;
pub mod freeze;
pub mod list;
pub mod naming;
pub mod prove;
pub mod record;
pub mod registry;
pub mod report;
pub mod run;
pub mod snapshot;
pub mod snapshot_text;
pub mod summary;
pub mod trial;

pub use naming::TrialName;
pub use registry::{CheckRegistration, SuiteRegistration};
pub use run::{Harness, main};
pub use summary::FixtureSummary;

//! Canaries and the monitor: tiers, due selection, staleness, proof, the silent-failure window
//! and the health gate behind `cargo xtask canary`.

pub mod config;
mod config_error;
pub mod due;
pub mod gate;
pub mod monitor;
pub mod render;
pub mod report;
pub mod runner;
pub mod schedule;
pub mod trial_lines;

pub use config::{CanaryConfig, TierPolicy};
pub use monitor::{KnownFixture, MonitorInput, monitor};
pub use render::{html, junit, table};
pub use report::{
    FixtureHealth, FixtureState, Gate, HistoryPoint, MonitorReport, Override,
    REPORT_SCHEMA_VERSION, SilentFailureWindow, TierSummary,
};
pub use schedule::{ScheduleFormat, ScheduleOptions, UnknownScheduleFormat, schedule};

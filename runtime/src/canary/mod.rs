//! Canaries and the monitor: tiers, due selection, staleness, proof, the silent-failure window
//! and the health gate behind `cargo xtask canary`.

pub mod render;
pub mod report;
pub mod schedule;

pub use render::{html, junit, table};
pub use report::{
    FixtureHealth, FixtureState, Gate, HistoryPoint, MonitorReport, Override,
    REPORT_SCHEMA_VERSION, SilentFailureWindow, TierSummary,
};
pub use schedule::{ScheduleFormat, ScheduleOptions, UnknownScheduleFormat, schedule};

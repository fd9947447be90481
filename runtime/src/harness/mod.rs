//! The test harness: every fixture folder of every registered suite becomes a libtest-mimic
//! trial that `cargo test`, `cargo nextest run` and `cargo insta review` understand.

pub mod registry;

pub use registry::{CheckRegistration, SuiteRegistration};

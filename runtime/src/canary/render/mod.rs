//! Renderers of the [`MonitorReport`](crate::canary::report::MonitorReport): JUnit XML for CI
//! systems (more to come). Every renderer is a pure function from a report to a `String`.

pub mod junit;
mod text;

#[cfg(test)]
mod sample;

pub use junit::junit;

//! Renderers of the [`MonitorReport`](crate::canary::report::MonitorReport): JUnit XML for CI
//! systems and a static HTML page. Every renderer is a pure function from a report to a `String`.

pub mod html;
pub mod junit;
mod text;

#[cfg(test)]
mod sample;

pub use html::html;
pub use junit::junit;
